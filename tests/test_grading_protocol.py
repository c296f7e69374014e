"""The grading protocol between the worker (GradingSession) and the agent in the kernel,
without a sandbox: late, duplicated and out-of-order replies, and oracle callbacks slower than
the student's time limit. Both ends run in this process over a socket pair; the agent runs in
the main thread, where its time limits work, as it does in a kernel."""
import socket
import threading
import time

import numpy as np
import pytest

from autograder.limits import Limits
from autograder.sandbox.agent import Agent, Callback, receive, send
from autograder.sandbox.kernel import KernelLost
from autograder.sandbox.remote import GradingSession, Tampering
from autograder.status import Status


class FakeKernel:
    """What GradingSession asks of a sandboxed kernel: limits, CPU time, liveness, kill."""

    def __init__(self, workdir, limits):
        self.workdir, self.limits = workdir, limits

    @property
    def cpu_seconds(self):
        return time.process_time()

    def check_alive(self):
        pass

    def kill(self, reason):
        if reason is not None:
            raise reason


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


def test_an_agent_slow_to_connect_is_waited_for(tmp_path):
    grading = listening_session(tmp_path, Limits(call_seconds=1, wall_factor=5))

    def connect_late():
        time.sleep(1.5)  # longer than the student's CPU limit for a call: waiting is not computing
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(grading.path)
        return client
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("client", connect_late()))
    thread.start()
    connection = grading._accept("message")
    thread.join()
    assert connection is not None and grading.tampering == []
    connection.close()
    result["client"].close()
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
