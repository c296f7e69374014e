"""The worker's side of a graded cell: the checks run here, the student's code in the kernel.

`GradingSession.grade(grader, ...)` makes the kernel serve the grading agent for one graded
function, then runs the grader's checks with a `RemoteStudentCode`, which has the methods of
`grading.StudentCode` but carries each call over the agent's socket. Verdicts, oracle and
expected values never leave this process.
"""
import contextlib
import io
import os
import select
import socket
import struct
import time

import numpy as np

from ..checks import Mismatch
from ..grading import dependencies, inline_quote, raised_mismatch, run_checks, timeout_mismatch
from ..status import Status
from ..agent import Callback, CallbackRegistry, Caps, ProtocolError, TooLarge, receive, send, write_back
from .kernel import KernelLost, Stopwatch

SOCKET_NAME = "agent.sock"
# Evaluated as a user expression of an empty cell: IPython's input transformers (which a
# student can install) never see it.
SERVE = "__import__('sys').modules['_grading_agent'].serve(%r, globals(), %r)"
# The worker's own deadline for a request is the agent's, a little longer: the agent's time
# limit stops the student's code first, and it needs a moment to answer.
MARGIN_FACTOR, MARGIN_SECONDS = 1.1, 2
CONNECT_SECONDS = 10  # CPU seconds for the kernel to reach the agent (milliseconds when idle)
DYING_SECONDS = 3  # wall seconds a kernel whose connection broke may take to be gone (its death, not our fault)


def caps(limits):
    """The wire caps of `limits` (autograder.limits.Limits)."""
    mib = 2 ** 20
    return Caps(message_bytes=limits.message_mb * mib, header_bytes=limits.header_mb * mib,
                nodes=limits.message_nodes, callback_bytes=limits.callback_mb * mib)


class Deadline:
    """The time the kernel has for one piece of work (a student call, a graded cell), fixed
    when the work starts and never restarted: CPU seconds of every process of the sandbox (a
    busy machine does not inflate them), and wall seconds spent waiting for the kernel, which
    leave out only the time this worker spends answering the kernel's oracle callbacks (itself
    bounded: `CallbackCost`)."""

    def __init__(self, kernel, cpu_seconds, wall_seconds, what):
        self.kernel, self.what = kernel, what
        self.cpu_limit, self.wall_limit = cpu_seconds, wall_seconds
        self.cpu_until = kernel.cpu_seconds + cpu_seconds
        self.waited = 0.0

    def wall_left(self):
        return max(self.wall_limit - self.waited, 0.0)

    def check(self):
        if self.kernel.cpu_seconds > self.cpu_until:
            self.kernel.kill(KernelLost(Status.TIMED_OUT, f"{self.what} computed for more than "
                                                          f"{self.cpu_limit:g} s (CPU time)"))
        if self.waited > self.wall_limit:
            self.kernel.kill(KernelLost(Status.TIMED_OUT, f"{self.what} ran longer than {self.wall_limit:g} s"))


class CallbackCost:
    """What answering the oracle callbacks of one request costs this worker: CPU seconds (load
    does not inflate them) and wall seconds, each bounded, so that a kernel flooding callbacks
    meets a deadline too."""

    def __init__(self, limits):
        self.cpu_limit, self.wall_limit = limits.callback_seconds, limits.wall(limits.callback_seconds)
        self.cpu = self.wall = 0.0

    @contextlib.contextmanager
    def counted(self, kernel):
        cpu, wall = time.process_time(), time.monotonic()
        try:
            yield
        finally:
            self.cpu += time.process_time() - cpu
            self.wall += time.monotonic() - wall
        if self.cpu > self.cpu_limit or self.wall > self.wall_limit:
            kernel.kill(KernelLost(Status.TIMED_OUT, "the student's code made the grader compute its reference "
                                                     f"functions for more than {self.cpu_limit:g} s (oracle callbacks)"))


class Tampering(BaseException):
    """Positive evidence that the kernel broke the agent protocol: bytes that are not the wire
    format, a callback never offered, a reply to a request never sent (BaseException: it must
    cross the checks' `except Exception`); the sandbox is then killed."""


class GraderFault(Exception):
    """The agent could not carry out a well-formed request: the grader's trouble, never counted
    against the student (the check fails as a grader failure, and the submission's status is
    Status.GRADER_ERROR, so it is graded again)."""


def plain(value):
    """A callback's result as data the wire format carries (tensors become arrays)."""
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "numpy") and callable(value.numpy):
        return np.asarray(value.numpy())
    return value


class GradingSession:
    """The agent socket of one sandboxed kernel; grades one function at a time.

    Every request carries an id that its reply repeats ("re"); a reply to an earlier request
    (late after a time limit) is dropped, and a reply to a request never sent is tampering.
    The kernel's time for a request is kept here, whatever the kernel does to its own alarms:
    CPU seconds of the sandbox, and a wall-clock backstop whose clock stops while this worker
    answers an oracle callback."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.limits = kernel.limits
        self.caps = caps(self.limits)
        self.cell = None  # the Deadline of the graded cell being served
        self.path = str(kernel.workdir / SOCKET_NAME)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        os.chmod(self.path, 0o666)  # the kernel runs as another user; the folder is private to it
        self.listener.listen(1)
        self.sock = None
        self.sent = 0                      # id of the last request
        self.callbacks = CallbackRegistry()  # offered while one function is graded, then forgotten
        self.tampering = []  # positive evidence this worker saw (the protocol broken): changes the status
        self.kernel_says = []  # what the kernel reports of itself: a note, never evidence (it can lie)
        self.faults = []     # the grader's own trouble (the status becomes Status.GRADER_ERROR)

    def close(self):
        self.listener.close()

    def grade(self, grader, graded_names, seed):
        """FunctionReport of `grader.function` as the kernel's namespace defines it now."""
        message_id = self.kernel.submit("", user_expressions={"grading": SERVE % (self.path, self.caps.as_dict())})
        self.callbacks = CallbackRegistry()
        self.sock = self._accept(message_id)
        self.cell = Deadline(self.kernel, self.limits.cell_seconds * MARGIN_FACTOR + MARGIN_SECONDS,
                             self.limits.wall(self.limits.cell_seconds) * MARGIN_FACTOR + MARGIN_SECONDS,
                             f"the graded cell of {grader.function}")
        try:
            if self.sock is None:
                student = None
            else:
                oracle = {name: Callback(getattr(grader.oracle, name)) for name in dependencies(grader, graded_names)}
                defined = self.request({"op": "define", "values": oracle, "function": grader.function})
                student = RemoteStudentCode(self, grader.function) if defined.get("callable") is True else None
            report = run_checks(grader, student, seed)
            if self.sock is not None:
                found = self.request({"op": "observe"})
                for key in ("tampering", "activity"):
                    items = found.get(key) if isinstance(found.get(key), list) else []
                    self.kernel_says.extend(note for note in (inline_quote(f, 200) for f in items[:50])
                                            if note not in self.kernel_says)
                self.request({"op": "end"})
        except Tampering as error:
            self.tampering.append(f"broke the grading protocol while {grader.function} was graded ({error})")
            self.kernel.kill(None)
            raise KernelLost(Status.TAMPERING, f"the kernel broke the grading protocol ({error})") from None
        except GraderFault as error:  # outside any check (define, observe, end)
            self.kernel.kill(None)
            raise KernelLost(Status.GRADER_ERROR, f"the grading agent failed ({error})") from None
        finally:
            if self.sock is not None:
                self.sock.close()
            self.callbacks = CallbackRegistry()  # every callback offered for this function is forgotten
            self.cell = None
        self.kernel.wait(message_id, CONNECT_SECONDS, collect=False, what="the grading agent")
        return report

    def _accept(self, message_id):
        """The agent's connection. When the kernel answers the cell instead, the agent was
        removed or replaced (the answer says how: positive evidence, recorded): None. A kernel
        that neither connects nor answers in time is the grader's trouble."""
        clock = Stopwatch(self.kernel, CONNECT_SECONDS, self.limits.wall(self.limits.call_seconds))
        while True:
            self.kernel.check_alive()
            clock.check("the kernel, instead of connecting to the grading agent,", waited=Status.GRADER_ERROR)
            readable, _, _ = select.select([self.listener], [], [], 0.2)
            if readable:
                connection, _ = self.listener.accept()
                if self.kernel.is_kernel(peer_pid(connection)):
                    return connection
                connection.close()  # (and the agent's own connection is waited for)
                evidence = "a process other than the kernel connected to the grading agent's socket"
                if evidence not in self.tampering:
                    self.tampering.append(evidence)
                continue
            reply = self._execute_reply(message_id)
            if reply is not None:
                outcome = (reply.get("content", {}).get("user_expressions") or {}).get("grading", {})
                why = inline_quote(f"{outcome.get('ename', '')}: {outcome.get('evalue', '')}", 200) \
                    if outcome.get("status") == "error" else "it returned without serving"
                evidence = f"the grading agent was removed or replaced in the kernel ({why})"
                if evidence not in self.tampering:
                    self.tampering.append(evidence)
                return None

    def lost_or_fault(self, what):
        """A connection that broke: a kernel that is dying (killed by its own code, its process
        group gone) takes a moment to be gone, and is then KernelLost, raised here; one still
        alive after DYING_SECONDS is the grader's trouble (returned, to raise)."""
        ends = time.monotonic() + DYING_SECONDS
        while time.monotonic() < ends:
            self.kernel.check_alive()
            time.sleep(0.05)
        self.kernel.check_alive()
        return self.fault(what)

    def fault(self, what):
        """A GraderFault, noted: the submission's status becomes Status.GRADER_ERROR."""
        self.faults.append(what)
        return GraderFault(what)

    def _execute_reply(self, message_id):
        """The kernel's reply to the execution `message_id`, if it came (others are dropped)."""
        while True:
            try:
                reply = self.kernel.client.get_shell_msg(timeout=0)
            except Exception:  # queue.Empty
                return None
            if reply.get("parent_header", {}).get("msg_id") == message_id:
                return reply

    def request(self, message, seconds=None):
        """Send one request and return its reply, serving the kernel's callbacks meanwhile.
        `seconds`: the CPU time the kernel may take (default: a student call's limit). Its
        Deadline is fixed now: past it (or the graded cell's), the kernel ignored the agent's
        own time limit and the sandbox is killed ("timed out"). Callbacks do not restart it."""
        seconds = self.limits.call_seconds if seconds is None else seconds
        self.sent += 1
        number = self.sent
        deadlines = [Deadline(self.kernel, seconds * MARGIN_FACTOR + MARGIN_SECONDS,
                              self.limits.wall(seconds) * MARGIN_FACTOR + MARGIN_SECONDS,
                              "the student's code, which ignored its time limit,")]
        deadlines += [self.cell] if self.cell is not None else []
        cost = CallbackCost(self.limits)
        self._send({**message, "id": number}, deadlines)
        while True:
            reply = self._receive(deadlines)
            if reply.get("op") == "callback":
                with cost.counted(self.kernel):
                    self._answer_callback(reply, deadlines)
                continue
            answered = reply.get("re")
            if not isinstance(answered, int) or answered > number or answered < 1:
                raise Tampering("a reply to a request that was never sent")
            if answered < number:
                continue  # a late reply to an earlier request: dropped
            if "failed" in reply:
                raise self.fault(f"the agent could not carry out a request: {inline_quote(reply['failed'], 200)}")
            return reply

    def _send(self, message, deadlines, max_bytes=None):
        """Send `message` to the kernel, waiting for it to read no longer than `deadlines` allow."""
        self.sock.settimeout(max(min(d.wall_left() for d in deadlines), 1.0))
        started = time.monotonic()
        try:
            send(self.sock, message, self.callbacks, self.caps, max_bytes)
        except socket.timeout:
            self.kernel.kill(KernelLost(Status.TIMED_OUT, "the kernel stopped reading the grading connection"))
        except OSError:
            raise self.lost_or_fault("the kernel stopped reading the grading connection") from None
        finally:
            self.sock.settimeout(None)
            for deadline in deadlines:
                deadline.waited += time.monotonic() - started

    def _receive(self, deadlines):
        """The next message from the kernel, waiting at most as long as `deadlines` allow."""
        while True:
            started = time.monotonic()
            ready = select.select([self.sock], [], [], min(0.25, *(d.wall_left() for d in deadlines)))[0]
            for deadline in deadlines:
                deadline.waited += time.monotonic() - started
            self.kernel.check_alive()
            for deadline in deadlines:
                deadline.check()
            if ready:
                break
        # a message begun must be finished within the same deadline (a second at least)
        self.sock.settimeout(max(min(d.wall_left() for d in deadlines), 1.0))
        started = time.monotonic()
        try:
            return receive(self.sock, caps=self.caps)
        except socket.timeout:
            self.kernel.kill(KernelLost(Status.TIMED_OUT, "the kernel began a message and never finished it"))
        except (EOFError, OSError):
            raise self.lost_or_fault("the kernel closed the grading connection") from None
        except ProtocolError as error:
            raise Tampering(str(error)) from None
        finally:
            self.sock.settimeout(None)
            for deadline in deadlines:
                deadline.waited += time.monotonic() - started

    def _answer_callback(self, request, deadlines):
        callback = self.callbacks.get(request.get("id"))
        args, kwargs, number = request.get("args", ()), request.get("kwargs", {}), request.get("cb")
        if callback is None or not isinstance(args, tuple) or not isinstance(kwargs, dict) \
                or not isinstance(number, int):
            raise Tampering("a callback the worker never offered, or not while this function is graded")
        if callback.methods and request.get("method") not in callback.methods:
            raise Tampering("a method the worker never offered")  # checked before any attribute is looked up
        function = getattr(callback.function, request["method"]) if callback.methods else callback.function
        if work_elements(args, kwargs) * 8 > self.caps.callback_bytes:
            self._send({"cb": number, "error": "the grader's reference function cannot answer this call: its "
                        "arguments ask for arrays larger than the grader computes for a call"}, deadlines)
            return
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                result = plain(function(*args, **kwargs))
        except Exception as error:
            self._send({"cb": number, "error": f"{type(error).__name__}: {str(error)[:500]}"}, deadlines)
            return
        try:
            self._send({"cb": number, "result": result, "args": args}, deadlines, self.caps.callback_bytes)
        except (TooLarge, TypeError) as error:
            self._send({"cb": number, "error": "the grader's reference function cannot answer this call: "
                        + ("its result would be larger than the grader sends" if isinstance(error, TooLarge)
                           else str(error)[:200])}, deadlines)


def peer_pid(connection):
    """The process id (in this process's namespace) of what connected to a Unix socket."""
    return struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[0]


def work_elements(*values):
    """The product of the two largest dimensions among the arrays in `values` (nested in
    tuples, lists and dicts): the size of the largest array a numpy function of them can build
    by broadcasting or a matrix product. The arguments of an oracle callback are capped in bytes,
    but (14000, 1) and (1, 14000) arrays of 110 kB broadcast to 1.5 GB in the worker."""
    dims, pending = [], list(values)
    while pending:
        value = pending.pop()
        if isinstance(value, np.ndarray):
            dims.extend(value.shape)
        elif isinstance(value, (tuple, list)):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
    largest = sorted(dims, reverse=True)[:2]
    return largest[0] * largest[1] if len(largest) == 2 else (largest[0] if largest else 0)


class RemoteStudentCode:
    """grading.StudentCode's methods, carried out by the agent in the sandboxed kernel."""

    def __init__(self, session, name):
        self.session, self.name = session, name

    def __call__(self, *args):
        return self._call("student", self.name, self.name, args, in_place=False)

    def in_place(self, *args):
        return self._call("student", self.name, self.name, args, in_place=True)

    def helper(self, name, *args, label=None):
        return self._call("helper", name, label or name, args, in_place=False)

    def expose(self, obj, methods):
        return Callback(obj, methods)

    @contextlib.contextmanager
    def notebook_globals(self, **values):
        self.session.request({"op": "define", "values": values})
        try:
            yield
        finally:
            self.session.request({"op": "undefine", "names": list(values)})

    def _call(self, target, function, label, args, in_place):
        limits = self.session.limits
        reply = self.session.request({"op": "call", "target": target, "function": function, "args": args,
                                      "student": self.name, "in_place": in_place, "cpu_seconds": limits.call_seconds,
                                      "wall_seconds": limits.wall(limits.call_seconds)})
        if reply.get("timeout"):
            raise timeout_mismatch(label, reply["timeout"], limits)
        if reply.get("too_large"):
            raise Mismatch(f"{label} returned a value larger than the grader accepts (at most {limits.message_mb} "
                           f"MiB or {limits.message_nodes} values).",
                           "Return what the docstring says: numpy arrays of the given shapes, not long lists.")
        if "raised" in reply:
            mro = reply.get("mro") if isinstance(reply.get("mro"), list) else [str(reply["raised"])]
            raise raised_mismatch(label, [str(name) for name in mro], str(reply.get("message", "")),
                                  str(reply.get("location", "")))
        if "result" not in reply:
            raise Tampering("a reply without a result")
        if in_place and isinstance(reply.get("args"), tuple):
            for original, updated in zip(args, reply["args"]):
                write_back(original, updated)
        return reply["result"]
