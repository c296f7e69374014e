"""Limits a sandbox shares with no neighbour: processes (its own uid, and its own pids cgroup
where the machine has one), memory that counts its tmpfs files too (a cgroup, or polling
where there is none), and death with the worker that started it, whatever it spawned."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.limits import Limits
from autograder.sandbox import kernel as sandbox
from autograder.sandbox.kernel import KernelLost
from autograder.status import Status
from sandbox_support import LEAVE_PROCESSES, marked, new_marker, printed, sandboxed_kernel, wait_for

HOLD_THREADS = """
import threading, time
release, held = threading.Event(), []
while True:
    try:
        thread = threading.Thread(target=release.wait)
        thread.start()
        held.append(thread)
    except RuntimeError:
        break
print('held', len(held))
"""
USE_THREADS_AND_A_PROCESS = """
import subprocess, sys, threading
threads = [threading.Thread(target=lambda: None) for _ in range(50)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print('neighbour ok', subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True, text=True).stdout)
"""


def test_a_sandbox_holding_every_thread_it_may_does_not_hinder_its_neighbour(tmp_path):
    """Each sandbox has a uid of its own: its process cap (RLIMIT_NPROC, per user; and its pids
    cgroup) counts its own threads only. With one uid for all, the neighbour could not start a
    thread or a process."""
    limits = Limits(processes=300)
    (tmp_path / "greedy").mkdir()
    (tmp_path / "honest").mkdir()
    with sandboxed_kernel(tmp_path / "greedy", limits) as greedy, sandboxed_kernel(tmp_path / "honest", limits) as honest:
        held = printed(greedy, HOLD_THREADS)
        assert greedy.confinement.uid != honest.confinement.uid
        assert printed(honest, USE_THREADS_AND_A_PROCESS).strip() == "neighbour ok 42"
        count = int(held.split()[-1])
        assert 200 < count < 300  # it reached its own cap (the kernel's own threads take the rest)
        printed(greedy, "release.set()")


@pytest.mark.parametrize("counted_by", ["cgroup where the machine has one", "polling"])
def test_files_in_the_private_tmpfs_count_as_the_sandboxs_memory(tmp_path, monkeypatch, counted_by):
    """300 MiB in /tmp, /var/tmp and /dev/shm plus 300 MiB of arrays exceed 600 MiB; the arrays
    alone do not."""
    if counted_by == "polling":
        monkeypatch.setattr(sandbox, "CGROUPS", tmp_path / "no-cgroups")
    fill = ("for folder in ['/tmp', '/var/tmp', '/dev/shm']:\n"
            "    with open(folder + '/fill', 'wb') as f:\n        f.write(bytes(100 * 2 ** 20))\n")
    hold = "import numpy as np, time\nheld = np.ones(300 * 2 ** 20 // 8)\ntime.sleep(1)\nprint('still here')"
    limits = Limits(memory_mb=600)  # tmpfs of 150 MiB each
    (tmp_path / "arrays").mkdir()
    with sandboxed_kernel(tmp_path / "arrays", limits) as kernel:
        assert printed(kernel, hold).strip() == "still here"
    (tmp_path / "files").mkdir()
    with sandboxed_kernel(tmp_path / "files", limits) as kernel:
        assert (kernel.confinement.cgroup is None) == (counted_by == "polling")
        printed(kernel, fill)
        with pytest.raises(KernelLost) as lost:
            printed(kernel, hold)
    assert lost.value.status is Status.OUT_OF_MEMORY, lost.value.detail
    assert "more than 600 MiB" in lost.value.detail


WORKER = """
import json, os, sys, time
from pathlib import Path
from autograder.limits import Limits
from autograder.sandbox.kernel import PYTHON, SandboxedKernel
workdir = Path(sys.argv[1])
workdir.mkdir(mode=0o700)
kernel = SandboxedKernel(workdir, Limits(processes=100), keep=PYTHON)
kernel.start()
kernel.execute('MARKER = %r\\n' % os.environ['MARKER'] + sys.argv[2])
cgroup = kernel.confinement.cgroup
print(json.dumps([kernel.confinement.uid, [str(f) for f in cgroup.folders.values()] if cgroup else []]), flush=True)
time.sleep(600)
"""


def test_a_worker_killed_with_sigkill_takes_every_process_of_its_sandbox_with_it(tmp_path):
    """The kernel spawned a process in a session of its own, a double-forked one and a slow fork
    bomb; the worker gets SIGKILL, which it cannot catch: nothing of its sandbox remains."""
    marker = new_marker()
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / "work"), LEAVE_PROCESSES],
                              env=dict(os.environ, MARKER=marker), stdout=subprocess.PIPE, text=True)
    try:
        uid, cgroups = json.loads(worker.stdout.readline())
        assert uid in sandbox.UIDS
        assert wait_for(lambda: len(marked(marker)) >= 10, 30)  # the bomb has forked a while
        assert len(marked(marker)) < 100  # its cap: the sandbox's own 100 processes
        assert {p.info["uids"].real for p in marked(marker)} == {uid}
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert wait_for(lambda: not marked(marker), 10), [p.info["cmdline"] for p in marked(marker)]
    # bwrap and the sandbox's init carry no marker and die a moment later (--die-with-parent)
    procs = [Path(folder) / "cgroup.procs" for folder in cgroups]
    assert wait_for(lambda: all(f.read_text() == "" for f in procs), 10), [f.read_text() for f in procs]
    if cgroups:
        sandbox.Cgroup(Limits()).close()
        assert not any(Path(folder).exists() for folder in cgroups)


def test_check_sandbox_says_why_there_is_no_sandbox(monkeypatch, tmp_path):
    assert sandbox.check_sandbox() is None
    monkeypatch.setenv("PATH", str(tmp_path))  # neither bwrap nor setpriv
    assert "bubblewrap" in sandbox.check_sandbox()
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    assert "needs root" in sandbox.check_sandbox()


def test_without_usable_cgroups_the_reason_is_given_and_the_sandbox_still_runs(tmp_path, monkeypatch, caplog):
    """A cgroup v2 hierarchy without the memory and pids controllers (as in a container that
    delegates none), then no hierarchy at all: a reason each, and the sandbox runs without."""
    fake = tmp_path / "cgroup2"
    path = next(line.split(":", 2)[2] for line in Path("/proc/self/cgroup").read_text().splitlines()
                if line.startswith("0::"))
    (fake / path.lstrip("/")).mkdir(parents=True)
    for folder in {fake, fake / path.lstrip("/")}:
        (folder / "cgroup.controllers").write_text("cpu io\n")
    monkeypatch.setattr(sandbox, "CGROUPS", fake)
    with pytest.raises(sandbox.CgroupUnavailable, match="cgroup v2 offers no memory or pids controller"):
        sandbox.own_cgroups()
    monkeypatch.setattr(sandbox, "CGROUPS", tmp_path / "none")
    with pytest.raises(sandbox.CgroupUnavailable, match="no cgroup v1 memory or pids hierarchy"):
        sandbox.own_cgroups()
    (tmp_path / "box").mkdir()
    with sandboxed_kernel(tmp_path / "box", Limits()) as kernel:
        assert kernel.confinement.cgroup is None
        assert printed(kernel, "print(6 * 7)").strip() == "42"
    assert any("without cgroups: no cgroup v1" in record.getMessage() for record in caplog.records)


BURN_IN_UNWAITED_CHILDREN = """
import os, signal, time
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel, never waited for
started = time.process_time()
for _ in range(8):
    if os.fork() == 0:
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
        os._exit(0)
    time.sleep(0.35)
print('burned')
"""


def test_cpu_time_counts_children_that_exit_unwaited(tmp_path):
    """Short-lived children that exit between two looks at the process list burn CPU time the
    sandbox's limits must count: its cgroup counts them (2.4 s here)."""
    limits = Limits(memory_mb=1024)
    with sandboxed_kernel(tmp_path, limits) as kernel:
        if kernel.confinement.cgroup is None or kernel.confinement.cgroup.cpu_seconds() is None:
            pytest.fail("this machine gives the sandbox no CPU accounting cgroup; the CI machine has one")
        before = kernel.cpu_seconds
        assert printed(kernel, BURN_IN_UNWAITED_CHILDREN).strip() == "burned"
        wait_for(lambda: kernel.cpu_seconds - before > 2.0, 3)
        assert kernel.cpu_seconds - before > 2.0
