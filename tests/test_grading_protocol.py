"""The grading protocol between the worker (GradingSession) and the agent in the kernel,
without a sandbox: late, duplicated and out-of-order replies, and oracle callbacks slower than
the student's time limit. Both ends run in this process over a socket pair; the agent runs in
the main thread, where its time limits work, as it does in a kernel."""
import os
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from autograder.limits import Limits
from autograder.agent import Agent, Callback, CallbackRegistry, receive, send
from autograder.sandbox.kernel import KernelLost
from autograder.sandbox.remote import GradingSession, Tampering, peer_pid
from autograder.status import Status
from sandbox_support import FakeKernel


@pytest.fixture
def session(tmp_path):
    """(GradingSession whose socket is one end of a pair, the kernel's end)."""
    worker, kernel = socket.socketpair()
    grading = GradingSession(FakeKernel(tmp_path, Limits(call_seconds=0.5, wall_factor=2)))
    grading.sock = worker
    yield grading, kernel
    grading.close()
    worker.close()
    kernel.close()


def serve_in_main_thread(kernel_end, namespace, worker_side):
    """Run the real agent here (main thread) while `worker_side()` runs in a thread; return
    what worker_side returned (or raise what it raised)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = worker_side()
        except BaseException as error:  # noqa: B036 (handed to the main thread)
            outcome["error"] = error
    thread = threading.Thread(target=run)
    thread.start()
    Agent(kernel_end, namespace).serve()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_an_oracle_callback_slower_than_the_students_limit_costs_the_student_nothing(session):
    """The student's function calls a graded function that is the oracle's; the worker takes
    longer to answer than the student's whole time limit (a busy machine). The student's clock
    stops meanwhile: the call succeeds."""
    grading, kernel_end = session
    namespace = {}
    exec("def student(x):\n    return oracle(x) + 1\n", namespace)

    def slow_oracle(x):
        time.sleep(1.5)  # the student's limits: 0.5 s of CPU, 1 s of wall time
        return x * 2

    def worker():
        grading.request({"op": "define", "values": {"oracle": Callback(slow_oracle)}, "function": "student"})
        reply = grading.request({"op": "call", "target": "student", "function": "student", "args": (np.ones(3),),
                                 "in_place": False, "cpu_seconds": 0.5, "wall_seconds": 1.0})
        grading.request({"op": "end"})
        return reply
    reply = serve_in_main_thread(kernel_end, namespace, worker)
    assert "timeout" not in reply and np.array_equal(reply["result"], np.full(3, 3.0))


def test_the_students_own_waiting_is_still_limited(session):
    grading, kernel_end = session
    namespace = {}
    exec("import time\ndef student():\n    time.sleep(5)\n", namespace)

    def worker():
        reply = grading.request({"op": "call", "target": "student", "function": "student", "args": (),
                                 "in_place": False, "cpu_seconds": 0.5, "wall_seconds": 0.3})
        grading.request({"op": "end"})
        return reply
    assert serve_in_main_thread(kernel_end, namespace, worker)["timeout"] == "wall"


def test_the_agent_drops_a_late_answer_to_a_callback_and_answers_the_request_after_it(session):
    grading, kernel_end = session
    namespace = {"student": lambda: 41}

    def worker():
        send(grading.sock, {"cb": 99, "result": "late"})  # a callback answer nobody waits for any more
        reply = grading.request({"op": "call", "target": "student", "function": "student", "args": (),
                                 "in_place": False, "cpu_seconds": 1, "wall_seconds": 2})
        grading.request({"op": "end"})
        return reply
    assert serve_in_main_thread(kernel_end, namespace, worker)["result"] == 41


def fake_agent(kernel_end, answer):
    """A kernel side that answers each request with the messages answer(request) lists."""
    def run():
        try:
            while True:
                request = receive(kernel_end)
                for message in answer(request):
                    send(kernel_end, message)
        except (EOFError, OSError):
            pass
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_late_and_duplicated_replies_are_dropped_not_taken_for_the_answer(session):
    grading, kernel_end = session

    def answer(request):
        if request["id"] == 1:  # answered twice (a duplicate)
            return [{"re": 1, "value": "first"}, {"re": 1, "value": "first"}]
        # the late duplicate of 1 is still in the stream; then the real answer
        return [{"re": request["id"], "value": f"answer {request['id']}"}]
    fake_agent(kernel_end, answer)
    assert grading.request({"op": "observe"})["value"] == "first"
    assert grading.request({"op": "observe"})["value"] == "answer 2"
    assert grading.request({"op": "observe"})["value"] == "answer 3"


def test_out_of_order_replies_wait_for_the_right_one(session):
    grading, kernel_end = session
    fake_agent(kernel_end, lambda request: [{"re": request["id"] - 1, "value": "old"}, {"re": request["id"],
                                                                                        "value": "new"}]
               if request["id"] > 1 else [{"re": 1, "value": "new"}])
    for _ in range(3):
        assert grading.request({"op": "observe"})["value"] == "new"


def test_a_reply_to_a_request_never_sent_is_tampering(session):
    grading, kernel_end = session
    fake_agent(kernel_end, lambda request: [{"re": request["id"] + 5, "value": "forged"}])
    with pytest.raises(Tampering):
        grading.request({"op": "observe"})


def test_a_callback_of_an_earlier_function_is_refused(session):
    """Callbacks are offered for one graded function only: a stub kept from the grading of an
    earlier one names nothing now."""
    grading, kernel_end = session
    grading.callbacks.add(Callback(lambda: "oracle"))
    stale = next(iter(grading.callbacks))
    grading.callbacks.clear()  # what GradingSession.grade does when a function's grading ends
    fake_agent(kernel_end, lambda request: [{"op": "callback", "cb": 1, "id": stale, "method": None, "args": (),
                                             "kwargs": {}}])
    with pytest.raises(Tampering):
        grading.request({"op": "observe"})


def test_a_kernel_that_ignores_its_time_limit_is_stopped_by_the_worker(session):
    """The kernel never answers (it cancelled its own alarm): the worker's clock, not the
    kernel's, ends the request."""
    grading, kernel_end = session
    fake_agent(kernel_end, lambda request: [])
    started = time.monotonic()
    with pytest.raises(KernelLost) as lost:
        grading.request({"op": "observe"}, seconds=0.2)
    assert lost.value.status is Status.TIMED_OUT
    assert time.monotonic() - started < 30


class FakeClient:
    """The shell channel of a kernel that answers nothing, or `reply` once."""

    def __init__(self, reply=None):
        self.reply = reply

    def get_shell_msg(self, timeout=0):
        import queue
        if self.reply is None:
            raise queue.Empty()
        reply, self.reply = self.reply, None
        return reply


def listening_session(tmp_path, limits, reply=None):
    kernel = FakeKernel(tmp_path, limits)
    kernel.client = FakeClient(reply)
    return GradingSession(kernel)


def accepted_after(grading, seconds):
    """(what grading._accept returned, the agent's end): the agent connects after `seconds`."""
    def connect_late():
        time.sleep(seconds)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(grading.path)
        return client
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("client", connect_late()))
    thread.start()
    connection = grading._accept("message")
    thread.join()
    return connection, result["client"]


def test_an_agent_slow_to_connect_is_waited_for(tmp_path):
    grading = listening_session(tmp_path, Limits(call_seconds=1, wall_factor=5))
    # longer than the student's CPU limit for a call: waiting is not computing
    connection, client = accepted_after(grading, 1.5)
    assert connection is not None and grading.tampering == []
    connection.close()
    client.close()
    grading.close()


def test_another_process_on_the_grading_socket_is_evidence_and_the_kernels_own_connection_is_taken(tmp_path):
    """A process the student started that connects to the grading socket first is refused and
    recorded (only the kernel itself may talk to the worker); the agent's connection follows."""
    grading = listening_session(tmp_path, Limits(call_seconds=1, wall_factor=5))
    intruder = subprocess.Popen([sys.executable, "-c", "import socket, sys, time\n"
                                 "s = socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\ntime.sleep(30)\n",
                                 grading.path])
    try:
        time.sleep(1)  # (it is connected, waiting to be accepted)
        connection, client = accepted_after(grading, 0.5)
        assert connection is not None and peer_pid(connection) == os.getpid()
        assert grading.tampering == ["a process other than the kernel connected to the grading agent's socket"]
        connection.close()
        client.close()
    finally:
        intruder.kill()
        intruder.wait()
        grading.close()


def test_an_agent_that_never_connects_is_the_graders_trouble_not_tampering(tmp_path):
    grading = listening_session(tmp_path, Limits(call_seconds=0.2, wall_factor=2))
    with pytest.raises(KernelLost) as lost:
        grading._accept("message")
    assert lost.value.status is Status.GRADER_ERROR and grading.tampering == []
    grading.close()


def test_a_removed_agent_is_positive_evidence_from_the_kernels_own_answer(tmp_path):
    reply = {"parent_header": {"msg_id": "message"},
             "content": {"user_expressions": {"grading": {"status": "error", "ename": "KeyError",
                                                          "evalue": "'_grading_agent'"}}}}
    grading = listening_session(tmp_path, Limits(), reply)
    assert grading._accept("message") is None
    assert grading.tampering == ["the grading agent was removed or replaced in the kernel "
                                 "(KeyError: '_grading_agent')"]
    grading.close()


def test_a_kernel_lost_before_any_student_code_ran_is_the_graders_trouble(tmp_path):
    """Starting the kernel and loading the agent run no student code: a kernel that dies or
    hangs there (a slow machine, a broken environment) is retried, never the student's zero."""
    from autograder.sandbox.kernel import SandboxedKernel
    kernel = SandboxedKernel(tmp_path, Limits())
    with pytest.raises(KernelLost) as lost:
        with kernel.grader_trouble("the kernel could not start"):
            raise KernelLost(Status.TIMED_OUT, "starting the kernel ran longer than 300 s")
    assert lost.value.status is Status.GRADER_ERROR and "could not start" in lost.value.detail
    assert kernel.lost is lost.value


def test_the_stopwatch_stops_its_wall_clock_while_paused(tmp_path):
    from autograder.sandbox.kernel import Stopwatch
    clock = Stopwatch(FakeKernel(tmp_path, Limits()), cpu_seconds=10, wall_seconds=0.5)
    with clock.paused():
        time.sleep(0.8)  # the worker answering a callback: not the student's time
    clock.check("the call")
    time.sleep(0.6)
    with pytest.raises(KernelLost) as lost:
        clock.check("the call")
    assert lost.value.status is Status.TIMED_OUT and "ran longer than 0.5 s" in lost.value.detail


# ------------------------------------------- one fixed deadline, callbacks included

class SleepingKernel(FakeKernel):
    """A kernel that computes nothing (its CPU time stands still): only wall clocks can stop it."""

    @property
    def cpu_seconds(self):
        return 0.0


def ends_within(seconds, work):
    """What `work()` raised (or returned), failing the test if it has not ended after `seconds`
    (a worker that never meets its deadline must fail the test, not hang it)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: B036 (handed to the test)
            outcome["error"] = error
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: no deadline was met"
    return outcome.get("error", outcome.get("value"))


def flooding_agent(kernel_end, callback_id, stop):
    """A kernel side that answers no request and sends callbacks for as long as it lives."""
    def run():
        number = 0
        try:
            receive(kernel_end)
            while not stop.is_set():
                number += 1
                send(kernel_end, {"op": "callback", "cb": number, "id": callback_id, "method": None,
                                  "args": (np.ones(2),), "kwargs": {}})
                receive(kernel_end)  # the worker's answer
        except (EOFError, OSError):
            pass
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("oracle_cost", ["sleeps", "computes"])
def test_a_kernel_flooding_slow_callbacks_meets_a_deadline(tmp_path, oracle_cost):
    """The worker answers callback after callback, each slow (waiting, or computing). Time spent
    answering callbacks is not the student's, but it is bounded: the call ends, timed out,
    after about `callback_seconds`, not never."""
    worker, kernel_end = socket.socketpair()
    limits = Limits(call_seconds=0.5, wall_factor=2, callback_seconds=1)
    grading = GradingSession(SleepingKernel(tmp_path, limits))
    grading.sock = worker

    def oracle(x):
        if oracle_cost == "sleeps":
            time.sleep(0.1)
        else:
            end = time.process_time() + 0.1
            while time.process_time() < end:
                pass
        return x
    stop = threading.Event()
    try:
        callback_id = grading.callbacks.add(Callback(oracle))
        flooding_agent(kernel_end, callback_id, stop)
        started = time.monotonic()
        lost = ends_within(30, lambda: grading.request({"op": "call"}))
        took = time.monotonic() - started
    finally:
        stop.set()
        grading.close()
        worker.close()
        kernel_end.close()
    assert isinstance(lost, KernelLost) and lost.status is Status.TIMED_OUT and "oracle callbacks" in lost.detail
    assert took < 1 + limits.wall(limits.callback_seconds) + 2


def test_callbacks_do_not_restart_the_deadline_of_a_call(tmp_path):
    """A kernel that waits 0.3 s between cheap callbacks, forever: each wait is the student's,
    so the call's wall-clock deadline (fixed when it started) is met."""
    worker, kernel_end = socket.socketpair()
    limits = Limits(call_seconds=0.5, wall_factor=2)
    grading = GradingSession(SleepingKernel(tmp_path, limits))
    grading.sock = worker
    stop = threading.Event()
    callback_id = grading.callbacks.add(Callback(lambda x: x))

    def run():
        try:
            receive(kernel_end)
            number = 0
            while not stop.is_set():
                time.sleep(0.3)
                number += 1
                send(kernel_end, {"op": "callback", "cb": number, "id": callback_id, "method": None, "args": (1,),
                                  "kwargs": {}})
                receive(kernel_end)
        except (EOFError, OSError):
            pass
    threading.Thread(target=run, daemon=True).start()
    started = time.monotonic()
    try:
        lost = ends_within(30, lambda: grading.request({"op": "call"}))
    finally:
        stop.set()
        grading.close()
        worker.close()
        kernel_end.close()
    deadline = limits.wall(limits.call_seconds) * 1.1 + 2
    assert isinstance(lost, KernelLost) and lost.status is Status.TIMED_OUT and "ran longer than" in lost.detail
    assert deadline - 0.5 < time.monotonic() - started < deadline + 2


def test_a_graded_cell_has_one_deadline_across_its_calls(tmp_path):
    """Calls that each stay within the call limit still meet the graded cell's deadline."""
    from autograder.sandbox.remote import Deadline
    worker, kernel_end = socket.socketpair()
    limits = Limits(call_seconds=0.4, cell_seconds=0.5, wall_factor=1)
    grading = GradingSession(SleepingKernel(tmp_path, limits))
    grading.sock = worker
    grading.cell = Deadline(grading.kernel, 10, 0.9, "the graded cell")

    def answer(request):
        time.sleep(0.3)  # each call: 0.3 s, within its own 0.4 s * 1.1 + 2 s
        return [{"re": request["id"], "result": 1}]
    fake_agent(kernel_end, answer)
    try:
        with pytest.raises(KernelLost) as lost:
            for _ in range(10):
                grading.request({"op": "call"})
    finally:
        grading.close()
        worker.close()
        kernel_end.close()
    assert "the graded cell ran longer than 0.9 s" in lost.value.detail


def test_a_kernel_that_stops_reading_is_stopped_by_the_deadline(tmp_path):
    """A callback answer (or request) the kernel never reads cannot hold the worker."""
    worker, kernel_end = socket.socketpair()
    grading = GradingSession(SleepingKernel(tmp_path, Limits(call_seconds=0.2, wall_factor=2)))
    grading.sock = worker
    try:
        lost = ends_within(20, lambda: grading.request({"op": "call", "args": (np.zeros(2 ** 22),)}))  # 32 MiB
    finally:
        grading.close()
        worker.close()
        kernel_end.close()
    assert isinstance(lost, KernelLost) and lost.status is Status.TIMED_OUT


# ---------------------------------------------------- caps on what the kernel sends

def test_callback_arguments_over_the_cap_are_refused_by_the_honest_agent(session):
    grading, kernel_end = session
    grading.caps.callback_bytes = 2 ** 20
    namespace = {}
    exec("import numpy as np\ndef student():\n    return oracle(np.zeros(2 ** 18))\n", namespace)  # 2 MiB

    def worker():
        grading.request({"op": "define", "values": {"oracle": Callback(lambda x: x)}, "function": "student"})
        reply = grading.request({"op": "call", "target": "student", "function": "student", "args": (),
                                 "in_place": False, "cpu_seconds": 5, "wall_seconds": 5})
        grading.request({"op": "end"})
        return reply
    from autograder.agent import Caps
    reply = serve_in_main_thread_with(kernel_end, namespace, worker, Caps(callback_bytes=2 ** 20))
    assert reply["raised"] == "ValueError" and "too large" in reply["message"]


def serve_in_main_thread_with(kernel_end, namespace, worker_side, caps):
    outcome = {}

    def run():
        try:
            outcome["value"] = worker_side()
        except BaseException as error:  # noqa: B036
            outcome["error"] = error
    thread = threading.Thread(target=run)
    thread.start()
    Agent(kernel_end, namespace, caps).serve()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_forged_oversized_callback_is_tampering(session):
    grading, kernel_end = session
    grading.caps.callback_bytes = 2 ** 20
    callback_id = grading.callbacks.add(Callback(lambda x: x))
    fake_agent(kernel_end, lambda request: [{"op": "callback", "cb": 1, "id": callback_id, "method": None,
                                             "args": (np.zeros(2 ** 18),), "kwargs": {}}])
    with pytest.raises(Tampering):
        grading.request({"op": "call"})


def test_a_result_too_large_to_check_is_the_students_mistake_not_tampering(session):
    from autograder.checks import Mismatch
    from autograder.agent import Caps
    from autograder.sandbox.remote import RemoteStudentCode
    grading, kernel_end = session
    grading.caps.nodes = 1000
    namespace = {"student": lambda: [float(i) for i in range(5000)]}

    def worker():
        try:
            RemoteStudentCode(grading, "student")()
        except Mismatch as mismatch:
            return mismatch.message
        finally:
            grading.request({"op": "end"})
    message = serve_in_main_thread_with(kernel_end, namespace, worker, Caps(nodes=1000))
    assert "larger than the grader accepts" in message and grading.tampering == []


def test_a_stub_kept_from_an_earlier_graded_function_cannot_reach_the_oracle(tmp_path):
    """The student's code keeps the oracle's stand-in it was given while one function was
    graded and calls it while another is graded: the stand-in is dead, and the worker would
    refuse its id anyway (a fresh registry per function)."""
    namespace = {}
    exec("KEPT = []\n"
         "def later(x):\n    KEPT.append(oracle)\n    return oracle(x)\n"
         "def earlier(x):\n    return KEPT[0](x)\n", namespace)
    calls = []
    grading = GradingSession(FakeKernel(tmp_path, Limits(call_seconds=2)))
    try:
        for function in ("later", "earlier"):
            worker, kernel_end = socket.socketpair()
            grading.sock = worker
            grading.callbacks = CallbackRegistry()  # what grade() does for each graded function

            def worker_side(function=function):
                values = {"oracle": Callback(lambda x: calls.append(x) or x * 2)} if function == "later" else {}
                grading.request({"op": "define", "values": values, "function": function})
                reply = grading.request({"op": "call", "target": "student", "function": function, "args": (3,),
                                         "in_place": False, "cpu_seconds": 2, "wall_seconds": 2})
                grading.request({"op": "end"})
                return reply
            reply = serve_in_main_thread(kernel_end, namespace, worker_side)
            worker.close()
            kernel_end.close()
            if function == "later":
                assert reply["result"] == 6
            else:
                assert reply["raised"] == "RuntimeError" and "only while that function is graded" in reply["message"]
    finally:
        grading.close()
    assert calls == [3]  # the oracle ran once, for the function it was offered to


def test_a_callback_whose_arrays_would_broadcast_past_the_cap_is_refused_before_it_runs():
    """Arguments of a few hundred kB can ask the oracle for gigabytes ((14000, 1) + (1, 14000)):
    the work a call may ask for is capped, not only its bytes."""
    from autograder.sandbox.remote import work_elements
    small = {"Waa": np.zeros((5, 5)), "ba": np.zeros((5, 1))}
    assert work_elements((np.zeros((3, 4)), np.zeros((5, 4)), small), {}) == 25
    assert work_elements((np.zeros((1, 14000)), np.zeros((1, 1)), {"ba": np.zeros((14000, 1))}), {}) == 14000 ** 2
    assert work_elements((), {}) == 0 and work_elements((np.zeros(7),), {}) == 7
