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
- under a wall-time limit, a per-cell time limit and a memory limit (the resident memory
  of every process of the sandbox, polled), each enforced by killing the whole sandbox;
- talking to the worker over Unix sockets in the scratch directory only (ZeroMQ's ipc
  transport for the Jupyter channels, one more socket for the grading agent).

Outputs are collected with caps per cell and per notebook, so a flood costs nothing.
"""
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
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

SANDBOX_USER = 65534  # nobody / nogroup on Debian
PYTHON = sorted({os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)})  # what a kernel runs on
AGENT_FILE = Path(__file__).with_name("agent.py")
AGENT_NAME = "<grading agent>"


@dataclass
class Limits:
    """What one submission may use. Sizes in MiB and characters, times in seconds."""
    wall_seconds: float = 900
    cell_seconds: float = 300
    memory_mb: int = 4096
    cell_output_chars: int = 100_000
    notebook_output_chars: int = 5_000_000
    file_size_mb: int = 512


class KernelLost(BaseException):
    """The sandbox is gone: `status` is "timed out", "out of memory", "kernel died" or (the
    grading protocol broken) "tampering detected".
    (BaseException: it must cross every `except Exception` of the checks.)"""

    def __init__(self, status, detail):
        super().__init__(f"{status}: {detail}")
        self.status, self.detail = status, detail


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
        if not os.path.isdir(folder) or any(within(folder, other) and folder != other for other in hide):
            continue  # a folder inside another hidden one is hidden with it
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
        self.output_chars = 0
        self.truncated = False
        self._stop = threading.Event()

    # ------------------------------------------------------------------ life cycle

    def start(self):
        self.deadline = time.monotonic() + self.limits.wall_seconds
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
        threading.Thread(target=self._watch, daemon=True).start()
        self.client = BlockingKernelClient()
        self.client.load_connection_info(info)
        self.client.start_channels()
        started = time.monotonic()
        while True:  # wait_for_ready, but giving up as soon as the process is gone
            self.check_alive()
            try:
                self.client.wait_for_ready(timeout=2)
                break
            except RuntimeError:
                if time.monotonic() - started > 60:
                    self.kill(KernelLost("kernel died", "the kernel did not start within 60 s"))

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
        """Memory and wall time of the whole sandbox, every 0.1 s, until shutdown. The process
        tree is listed anew every second (a scan of /proc costs more than reading the memory
        of the processes already known)."""
        processes, polls = [], 0
        while not self._stop.wait(0.1):
            if self.process.poll() is not None:
                return
            if polls % 10 == 0:
                processes = self._tree()
            polls += 1
            rss = 0
            for process in processes:
                try:
                    rss += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_memory_mb = max(self.peak_memory_mb, rss / 2 ** 20)
            try:
                if rss > self.limits.memory_mb * 2 ** 20:
                    self.kill(KernelLost("out of memory", f"the notebook used more than {self.limits.memory_mb} MiB"))
                if time.monotonic() > self.deadline:
                    self.kill(KernelLost("timed out", f"the notebook ran longer than {self.limits.wall_seconds:g} s"))
            except KernelLost:
                return

    def check_alive(self):
        """Raise KernelLost if the sandbox was killed or its kernel exited."""
        if self.lost is not None:
            raise self.lost
        if self.process.poll() is not None:
            self.lost = KernelLost("kernel died", "the kernel exited (os._exit, a crash, or a signal)")
            raise self.lost

    # ------------------------------------------------------------------- execution

    def execute(self, code, timeout=None, collect=True):
        """Run `code` and wait until the kernel is idle again; returns its outputs (nbformat
        output nodes, capped). Raises KernelLost when the sandbox is gone or killed."""
        message_id = self.submit(code)
        return self.wait(message_id, timeout, collect)

    def submit(self, code, user_expressions=None):
        self.check_alive()
        return self.client.execute(code, store_history=False, allow_stdin=False, user_expressions=user_expressions)

    def wait(self, message_id, timeout=None, collect=True):
        timeout = self.limits.cell_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout
        outputs, chars, cut = [], 0, False
        while True:
            self.check_alive()
            if time.monotonic() > deadline:
                self.kill(KernelLost("timed out", f"a cell ran longer than {timeout:g} s"))
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
        self.execute(code, timeout=120, collect=False)
