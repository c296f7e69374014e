"""What the sandbox tests share: a sandboxed kernel to run code in (or a fake one, for the
worker's side of the protocol), the processes carrying a marker (to find what a sandbox
started, and prove it gone), and the batch command started in the background (to kill it -9
midway)."""
import contextlib
import os
import subprocess
import sys
import time
import uuid

import psutil

from batch_support import BIN


class FakeKernel:
    """What GradingSession asks of a sandboxed kernel: limits, CPU time, liveness, kill. Here the
    agent runs in the test's own process."""

    def __init__(self, workdir, limits):
        self.workdir, self.limits = workdir, limits

    @property
    def cpu_seconds(self):
        return time.process_time()

    def check_alive(self):
        pass

    def is_kernel(self, pid):
        return pid == os.getpid()  # the agent runs in the test's own process

    def kill(self, reason):
        if reason is not None:
            raise reason


@contextlib.contextmanager
def sandboxed_kernel(folder, limits, hide=(), keep=None):
    """A started SandboxedKernel whose scratch folder is `folder`/work (shut down afterwards)."""
    from autograder.sandbox.kernel import PYTHON, SandboxedKernel
    workdir = folder / "work"
    workdir.mkdir(mode=0o700)
    kernel = SandboxedKernel(workdir, limits, hide=hide, keep=PYTHON if keep is None else keep)
    try:
        kernel.start()
        yield kernel
    finally:
        kernel.shutdown()


def printed(kernel, code, seconds=60):
    """What `code` prints in `kernel` (its stdout and stderr, and its error if it raised)."""
    outputs = kernel.execute(code, seconds)
    return "".join(o.get("text", "") + "".join(o.get("traceback", [])) for o in outputs)


def new_marker():
    """A word to put in the command line of every process a test's sandbox starts."""
    return f"sandbox-marker-{uuid.uuid4().hex}"


def marked(marker):
    """Live processes (not zombies) whose command line holds `marker`."""
    found = []
    for process in psutil.process_iter(["cmdline", "status", "uids"]):
        if process.info["status"] != psutil.STATUS_ZOMBIE and marker in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def wait_for(condition, seconds, step=0.2):
    """Poll `condition()` until it is true or `seconds` have passed; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


# Python code that leaves processes behind in a sandbox, each with the marker in its command
# line: a process in a session of its own, a double-forked one, and a slow fork bomb that
# keeps forking sleepers until the sandbox's process cap stops it.
LEAVE_PROCESSES = """
import subprocess, sys
bomb = 'import os, time\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass\\n    time.sleep(0.5)\\n'
subprocess.Popen([sys.executable, '-c', bomb, MARKER], start_new_session=True)
subprocess.Popen(['sh', '-c', f'setsid sleep 1000 {MARKER} & (sleep 1001 {MARKER} &)'])
"""


def start_batch(root, assignment, *args):
    """`python -m autograder.batch assignment` in the background, in a session of its own (as
    run_batch runs it, output to a log file in `root`)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_DB_URL", None)
    log = open(root / "batch.log", "w")
    return subprocess.Popen([sys.executable, "-m", "autograder.batch", assignment, "--root", str(root), "--no-progress",
                             *args], cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
