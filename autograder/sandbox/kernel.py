"""A student's notebook kernel in a sandbox, and the execution of cells in it.

The kernel (an ordinary IPython kernel) runs:
- in new mount, PID, network, IPC and UTS namespaces (`unshare`): it sees no other process,
  has no network, and every process it starts dies with it (PID 1 of its namespace is the
  kernel itself);
- with the course directory, the repository and the grading package hidden under empty
  read-only mounts (only its Python environment is mounted back, read-only): no hidden test,
  oracle, source notebook, record or gradebook is reachable, even one created later;
- as the unprivileged user `nobody`, with no capabilities, in its own scratch directory,
  which holds the master copies of the released files and the student's notebook;
- under time limits per notebook and per cell that count the CPU time of every process of
  the sandbox (a busy machine does not inflate them), each with a wall-clock backstop, and a
  memory limit (the resident memory of every process of the sandbox, polled), each enforced
  by killing the whole sandbox (`Stopwatch`, `autograder.limits`);
- talking to the worker over Unix sockets in the scratch directory only (ZeroMQ's ipc
  transport for the Jupyter channels, one more socket for the grading agent).

Outputs are collected with caps per cell and per notebook, so a flood costs nothing.
"""
import contextlib
import ctypes
import json
import os
import queue
import resource
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from ..status import Status

SANDBOX_USER = 65534  # nobody / nogroup on Debian
PYTHON = sorted({os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)})  # what a kernel runs on
AGENT_FILE = Path(__file__).with_name("agent.py")
AGENT_NAME = "<grading agent>"
START_SECONDS = 60  # CPU seconds to start a kernel or load the agent (a second or two when idle)


class KernelLost(BaseException):
    """The sandbox is gone: `status` (a Status) says why: timed out, out of memory, kernel
    died, tampering detected (the grading protocol broken), or grader error (the grader's own
    trouble: a kernel that could not start, an agent that never connected).
    (BaseException: it must cross every `except Exception` of the checks.)"""

    def __init__(self, status, detail):
        super().__init__(f"{status}: {detail}")
        self.status, self.detail = Status(status), detail


def within(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def closed_ancestor(path):
    """The outermost folder above `path` that other users cannot pass through (/root for a
    Python installed under it), or None."""
    parts = Path(path).parts
    for depth in range(2, len(parts)):
        folder = os.path.join(*parts[:depth])
        if os.path.isdir(folder) and not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def sandbox_command(command, hide, keep):
    """`command` wrapped in namespaces and run as the sandbox user, with every folder in
    `hide` replaced by an empty read-only one, except the paths in `keep` beneath them (the
    Python environment and installation), which are mounted back read-only at the same place.
    A kept path under a folder the sandbox user cannot pass through is reached the same way:
    that folder is hidden too (nothing else in it is visible)."""
    hide = sorted(set(hide) | {f for f in map(closed_ancestor, keep) if f})
    script, descriptor = [], 3
    for folder in hide:
        outer = [other for other in hide if within(folder, other) and folder != other]
        mounted_back = any(within(folder, k) and any(within(k, o) for o in outer) for k in keep)
        if not os.path.isdir(folder) or outer and not mounted_back:
            continue  # a folder inside another hidden one is hidden with it (unless a kept path brings it back)
        kept = [k for k in keep if within(k, folder) and k != folder and os.path.exists(k)]
        opened = []
        for path in kept[:7]:  # the shell can hold descriptors 3-9
            script.append(f"exec {descriptor}<{shlex.quote(path)}")
            opened.append((descriptor, path))
            descriptor += 1
        script.append(f"mount -t tmpfs -o mode=755,size=1m grading-hidden {shlex.quote(folder)}")
        for number, path in opened:  # a descriptor still reaches what the tmpfs now covers
            script += [f"mkdir -p {shlex.quote(path)}", f"mount --no-canonicalize --bind /proc/self/fd/{number} {shlex.quote(path)}",
                       f"mount -o remount,bind,ro {shlex.quote(path)}", f"exec {number}<&-"]
        script.append(f"mount -o remount,ro {shlex.quote(folder)}")
    drop = ["setpriv", f"--reuid={SANDBOX_USER}", f"--regid={SANDBOX_USER}", "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
    script.append("exec " + shlex.join(drop + command))
    return ["unshare", "--mount", "--pid", "--net", "--ipc", "--uts", "--fork", "--kill-child", "--mount-proc",
            "--propagation", "private", "sh", "-c", " && ".join(script)]


def limit_resources(file_size_mb):
    """Run in the sandbox's first process before it starts: no core files, a cap on file size
    and process count, and death with the worker that started it (so a killed batch leaves
    no kernel behind)."""
    def apply():
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_mb * 2 ** 20,) * 2)
        resource.setrlimit(resource.RLIMIT_NPROC, (4096, 4096))
    return apply


def check_sandbox():
    """None when this machine can start a sandbox, else why not (run as root: namespaces and
    `nobody` need it; the Python environment must be readable by `nobody`)."""
    if os.geteuid() != 0:
        return "the grading sandbox needs root (it creates namespaces and runs kernels as nobody)"
    # finding the packages (without importing them) proves the environment is readable
    command = sandbox_command([sys.executable, "-c", "import importlib.util as u, sys; "
                               f"assert u.find_spec('numpy') and u.find_spec('ipykernel') and sys.base_prefix == "
                               f"{sys.base_prefix!r}"], [], PYTHON)
    try:
        done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{command[0]}: {error}"
    if done.returncode != 0:
        return f"a test kernel failed ({done.returncode}): {done.stderr.strip()[-300:]}"
    return None


class Stopwatch:
    """The time the sandbox takes over one piece of work (a cell, one call of a graded
    function): CPU seconds of every process of the sandbox, which a busy machine does not
    inflate, and wall seconds, whose clock stops while the worker itself works (`paused`:
    answering an oracle callback). `check` kills the sandbox, "timed out", past either limit."""

    def __init__(self, kernel, cpu_seconds, wall_seconds):
        self.kernel, self.cpu_limit, self.wall_limit = kernel, cpu_seconds, wall_seconds
        self.cpu_start = kernel.cpu_seconds
        self.wall_used, self.since = 0.0, time.monotonic()

    @contextlib.contextmanager
    def paused(self):
        self.wall_used += time.monotonic() - self.since
        try:
            yield
        finally:
            self.since = time.monotonic()

    def cpu(self):
        return self.kernel.cpu_seconds - self.cpu_start

    def wall(self):
        return self.wall_used + time.monotonic() - self.since

    def wall_left(self):
        return max(self.wall_limit - self.wall(), 0.0)

    def check(self, what, waited=Status.TIMED_OUT):
        """`waited`: the status when only the wall clock ran out (the kernel computed nothing
        meanwhile: Status.GRADER_ERROR where only the grader can be waiting)."""
        if self.cpu() > self.cpu_limit:
            self.kernel.kill(KernelLost(Status.TIMED_OUT, f"{what} computed for more than {self.cpu_limit:g} s "
                                                          "(CPU time)"))
        if self.wall() > self.wall_limit:
            self.kernel.kill(KernelLost(waited, f"{what} ran longer than {self.wall_limit:g} s"))


class SandboxedKernel:
    """One kernel for one submission: `start`, then `execute` cells, then `shutdown` (always)."""

    def __init__(self, workdir, limits, hide=(), keep=()):
        """hide: folders the kernel must not see (the course directory, the grading package);
        keep: paths beneath them it needs (its Python environment)."""
        self.workdir, self.limits = Path(workdir), limits
        self.hide, self.keep = [os.path.realpath(p) for p in hide], [os.path.realpath(p) for p in keep]
        self.process = None
        self.client = None
        self.lost = None  # KernelLost once the sandbox was killed
        self.peak_memory_mb = 0.0
        self.cpu_seconds = 0.0  # CPU time of every process of the sandbox so far (kept by _watch)
        self.output_chars = 0
        self.truncated = False
        self._stop = threading.Event()

    # ------------------------------------------------------------------ life cycle

    def start(self):
        """Start the kernel. Nothing of the student's has run yet: a kernel that cannot start
        is the grader's trouble (Status.GRADER_ERROR), never the submission's."""
        connection, info = write_connection_file(str(self.workdir / "kernel.json"), transport="ipc",
                                                 ip=str(self.workdir / "k"))
        command = [sys.executable, "-m", "ipykernel_launcher", "-f", connection, "--HistoryManager.enabled=False",
                   "--IPKernelApp.capture_fd_output=False"]
        environment = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(self.workdir),
                       "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                       "MPLCONFIGDIR": str(self.workdir / ".config"), "IPYTHONDIR": str(self.workdir / ".ipython"),
                       "JUPYTER_RUNTIME_DIR": str(self.workdir / ".runtime"), "TF_CPP_MIN_LOG_LEVEL": "3",
                       "NBGRADER_EXECUTION": "autograde"}
        for path in [self.workdir, *self.workdir.rglob("*")]:  # the scratch folder is the kernel's own
            os.chown(path, SANDBOX_USER, SANDBOX_USER)
        self.process = subprocess.Popen(
            sandbox_command(command, self.hide, self.keep), cwd=self.workdir, env=environment,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=limit_resources(self.limits.file_size_mb))
        self.notebook_clock = Stopwatch(self, self.limits.notebook_seconds, self.limits.wall(self.limits.notebook_seconds))
        threading.Thread(target=self._watch, daemon=True).start()
        self.client = BlockingKernelClient()
        self.client.load_connection_info(info)
        self.client.start_channels()
        clock = Stopwatch(self, START_SECONDS, self.limits.wall(START_SECONDS))
        with self.grader_trouble("the kernel could not start"):
            while True:  # wait_for_ready, but giving up as soon as the process is gone
                self.check_alive()
                try:
                    self.client.wait_for_ready(timeout=2)
                    return
                except RuntimeError:
                    clock.check("starting the kernel")

    @contextlib.contextmanager
    def grader_trouble(self, what):
        """A sandbox lost in this block (before any student code ran) is the grader's trouble."""
        try:
            yield
        except KernelLost as lost:
            self.lost = KernelLost(Status.GRADER_ERROR, f"{what} ({lost.detail})")
            self.kill(None)
            raise self.lost from None

    def shutdown(self):
        """Stop the client and kill whatever is left of the sandbox (safe after a failed start)."""
        self._stop.set()
        if self.client is not None:
            self.client.stop_channels()
        self.kill(None)

    def _tree(self):
        try:
            root = psutil.Process(self.process.pid)
            return [root] + root.children(recursive=True)
        except psutil.Error:
            return []

    def kill(self, reason):
        """Kill the whole sandbox; with a KernelLost `reason`, remember and raise it."""
        if reason is not None and self.lost is None:
            self.lost = reason
        if self.process is not None and self.process.poll() is None:
            for process in reversed(self._tree()):
                try:
                    process.kill()
                except psutil.Error:
                    pass
            self.process.wait()
        if reason is not None:
            raise self.lost

    def _watch(self):
        """Memory, CPU time and wall time of the whole sandbox, every 0.1 s, until shutdown.
        The process tree is listed anew every second (a scan of /proc costs more than reading
        the processes already known). CPU time counts the processes' reaped children too, and
        never goes back when a process ends."""
        processes, polls = [], 0
        while not self._stop.wait(0.1):
            if self.process.poll() is not None:
                return
            if polls % 10 == 0:
                processes = self._tree()
            polls += 1
            rss, cpu = 0, 0.0
            for process in processes:
                try:
                    with process.oneshot():
                        rss += process.memory_info().rss
                        times = process.cpu_times()
                    cpu += times.user + times.system + times.children_user + times.children_system
                except psutil.Error:
                    pass
            self.peak_memory_mb = max(self.peak_memory_mb, rss / 2 ** 20)
            self.cpu_seconds = max(self.cpu_seconds, cpu)
            try:
                if rss > self.limits.memory_mb * 2 ** 20:
                    self.kill(KernelLost(Status.OUT_OF_MEMORY, f"the notebook used more than {self.limits.memory_mb} MiB"))
                self.notebook_clock.check("the notebook")
            except KernelLost:
                return

    def check_alive(self):
        """Raise KernelLost if the sandbox was killed or its kernel exited."""
        if self.lost is not None:
            raise self.lost
        if self.process.poll() is not None:
            self.lost = KernelLost(Status.KERNEL_DIED, "the kernel exited (os._exit, a crash, or a signal)")
            raise self.lost

    # ------------------------------------------------------------------- execution

    def execute(self, code, seconds=None, collect=True):
        """Run `code` and wait until the kernel is idle again; returns its outputs (nbformat
        output nodes, capped). Raises KernelLost when the sandbox is gone or killed."""
        message_id = self.submit(code)
        return self.wait(message_id, seconds, collect)

    def submit(self, code, user_expressions=None):
        self.check_alive()
        return self.client.execute(code, store_history=False, allow_stdin=False, user_expressions=user_expressions)

    def wait(self, message_id, seconds=None, collect=True, what="a cell"):
        """Outputs of the execution `message_id` once the kernel is idle; past `seconds` of CPU
        time (default: the cell limit) or its wall-clock backstop, the sandbox is killed."""
        seconds = self.limits.cell_seconds if seconds is None else seconds
        clock = Stopwatch(self, seconds, self.limits.wall(seconds))
        outputs, chars, cut = [], 0, False
        while True:
            self.check_alive()
            clock.check(what)
            try:
                message = self.client.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            if message["parent_header"].get("msg_id") != message_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "status" and content["execution_state"] == "idle":
                return outputs
            if not collect or kind not in ("stream", "display_data", "execute_result", "error", "clear_output"):
                continue
            if kind == "clear_output":
                outputs.clear()
                continue
            size = len(json.dumps(content.get("data", content.get("text", content)), default=str))
            if kind == "stream" and chars + size > self.limits.cell_output_chars or \
                    self.output_chars + size > self.limits.notebook_output_chars:
                if not cut:
                    cut = True
                    self.truncated = True
                    outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                          text="\n[further output cut by the grader]\n"))
                continue
            chars += size
            self.output_chars += size
            output = nbformat.v4.output_from_msg(message)
            if kind == "stream" and outputs and outputs[-1].output_type == "stream" and outputs[-1].name == output.name:
                outputs[-1].text += output.text
            else:
                outputs.append(output)

    # ------------------------------------------------------------------------- agent

    def boot_agent(self):
        """Load the grading agent before any student code: it remembers what the student's
        code might patch and adds its audit hook."""
        source = AGENT_FILE.read_text()
        code = ("import sys as _s, types as _t\n"
                "_m = _t.ModuleType('_grading_agent'); _m.__file__ = %r\n"
                "exec(compile(%r, %r, 'exec'), _m.__dict__); _s.modules['_grading_agent'] = _m\n"
                "_m.install(get_ipython(), %r, %r); del _s, _t, _m\n") % (AGENT_NAME, source, AGENT_NAME,
                                                                           self.hide, self.keep)
        with self.grader_trouble("the grading agent could not be loaded"):
            self.execute(code, START_SECONDS, collect=False)
