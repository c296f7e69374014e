"""The worker's side of a graded cell: the checks run here, the student's code in the kernel.

`GradingSession.grade(grader, ...)` makes the kernel serve the grading agent for one graded
function, then runs the grader's checks with a `RemoteStudentCode`, which has the methods of
`grading.StudentCode` but carries each call over the agent's socket. Verdicts, oracle and
expected values never leave this process.
"""
import contextlib
import io
import os
import socket
import time

import numpy as np

from ..grading import STUDENT_CALL_SECONDS, dependencies, raised_mismatch, run_checks, timeout_mismatch
from .agent import Callback, CallbackRegistry, ProtocolError, receive, send, write_back
from .kernel import KernelLost

SOCKET_NAME = "agent.sock"
# Evaluated as a user expression of an empty cell: IPython's input transformers (which a
# student can install) never see it.
SERVE = "__import__('sys').modules['_grading_agent'].serve(%r, globals())"


class Tampering(BaseException):
    """The kernel broke the agent protocol (BaseException: it must cross the checks'
    `except Exception`); the sandbox is then killed."""


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
    """The agent socket of one sandboxed kernel; grades one function at a time."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.path = str(kernel.workdir / SOCKET_NAME)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        os.chmod(self.path, 0o666)  # the kernel runs as another user; the folder is private to it
        self.listener.listen(1)
        self.listener.settimeout(0.2)
        self.sock = None
        self.agent_missing = False  # once it failed to connect, later functions do not wait for it
        self.callbacks = CallbackRegistry()
        self.tampering = []  # what the student's code changed or tried (changes the status)
        self.activity = []   # what else it did outside the notebook (recorded only)

    def close(self):
        self.listener.close()

    def grade(self, grader, graded_names, seed):
        """FunctionReport of `grader.function` as the kernel's namespace defines it now."""
        message_id = self.kernel.submit("", user_expressions={"grading": SERVE % self.path})
        self.sock = None if self.agent_missing else self._accept()
        self.agent_missing = self.sock is None
        try:
            if self.sock is None:
                if "the grading agent was removed from the kernel" not in self.tampering:
                    self.tampering.append("the grading agent was removed from the kernel")
                student = None
            else:
                oracle = {name: Callback(getattr(grader.oracle, name)) for name in dependencies(grader, graded_names)}
                defined = self.request({"op": "define", "values": oracle, "function": grader.function})
                student = RemoteStudentCode(self, grader.function) if defined.get("callable") is True else None
            report = run_checks(grader, student, seed)
            if self.sock is not None:
                found = self.request({"op": "observe"})
                for key, seen in (("tampering", self.tampering), ("activity", self.activity)):
                    items = found.get(key) if isinstance(found.get(key), list) else []
                    seen.extend(str(f)[:200] for f in items[:50] if str(f)[:200] not in seen)
                self.request({"op": "end"})
        except Tampering as error:
            self.tampering.append(f"broke the grading protocol while {grader.function} was graded ({error})")
            self.kernel.kill(None)
            raise KernelLost("tampering detected", f"the kernel broke the grading protocol ({error})") from None
        finally:
            if self.sock is not None:
                self.sock.close()
        self.kernel.wait(message_id, timeout=30, collect=False)
        return report

    def _accept(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.kernel.check_alive()
            try:
                connection, _ = self.listener.accept()
            except socket.timeout:
                continue
            connection.settimeout(None)
            return connection
        return None

    def request(self, message, seconds=STUDENT_CALL_SECONDS):
        """Send one request; serve the kernel's callbacks until its reply comes. A kernel that
        does not answer within `seconds` (plus a margin) ignored the agent's own time limit:
        the sandbox is killed."""
        try:
            send(self.sock, message, self.callbacks)
        except OSError:
            self.kernel.check_alive()
            raise Tampering("the kernel stopped reading the grading connection") from None
        while True:
            reply = self._receive(seconds + 10)
            if reply.get("op") != "callback":
                if "failed" in reply:
                    raise Tampering(f"the agent could not carry out a request: {str(reply['failed'])[:200]}")
                return reply
            self._answer_callback(reply)

    def _receive(self, seconds):
        self.sock.settimeout(seconds)
        try:
            return receive(self.sock)
        except socket.timeout:
            self.kernel.kill(KernelLost("timed out", f"the student's code did not return within {seconds:g} s "
                                                      "and ignored the time limit"))
        except (EOFError, OSError):
            self.kernel.check_alive()
            raise Tampering("the kernel closed the grading connection") from None
        except ProtocolError as error:
            raise Tampering(str(error)) from None

    def _answer_callback(self, request):
        callback = self.callbacks.get(request.get("id"))
        args, kwargs = request.get("args", ()), request.get("kwargs", {})
        if callback is None or not isinstance(args, tuple) or not isinstance(kwargs, dict):
            raise Tampering("a callback the worker never offered")
        if callback.methods and request.get("method") not in callback.methods:
            raise Tampering("a method the worker never offered")  # checked before any attribute is looked up
        function = getattr(callback.function, request["method"]) if callback.methods else callback.function
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                result = plain(function(*args, **kwargs))
            send(self.sock, {"result": result, "args": args}, self.callbacks)
        except Exception as error:
            send(self.sock, {"error": f"{type(error).__name__}: {error}"})


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
        reply = self.session.request({"op": "call", "target": target, "function": function, "args": args,
                                      "in_place": in_place, "seconds": STUDENT_CALL_SECONDS})
        if reply.get("timeout"):
            raise timeout_mismatch(label)
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
