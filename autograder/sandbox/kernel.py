"""A student's notebook kernel in a sandbox, and the execution of cells in it.

The kernel (an ordinary IPython kernel) runs in a bubblewrap sandbox (`sandbox_command`):
- on an allow-list root: the system's programs and libraries and its own Python installation
  and environment, read-only (the grading package is an empty folder there even when it is
  installed in site-packages); its scratch folder; a fresh /proc, a minimal /dev and private,
  size-limited /tmp, /var/tmp and /dev/shm that vanish with it; the scratch folder too is a
  size-limited tmpfs (`scratch_folder`), so no notebook can fill the machine's disk or its
  inodes. Nothing else of the machine:
  no course directory, repository, other copy of the course, gradebook or neighbour's folder;
- in new PID, network, IPC, UTS, cgroup and mount namespaces: it sees no other process, has no
  network, and every process it starts dies with it and with the worker that started it
  (bubblewrap's init, PID 1 of the namespace, dies with its parent, and everything with it);
- as a user of its own (`Confinement`: a uid no other live sandbox holds), with no
  capabilities, so that the process limit counts its own processes only, and, where the
  machine has them, in memory and pids cgroups of its own (v1 or v2), whose memory counts
  everything it holds, the files of its tmpfs included; without cgroups, its resident memory
  plus what its tmpfs hold is polled;
- under time limits per notebook and per cell that count the CPU time of every process of
  the sandbox (a busy machine does not inflate them), each with a wall-clock backstop, and a
  memory limit, each enforced by killing the whole sandbox (`Stopwatch`, `autograder.limits`);
- talking to the worker over Unix sockets in the scratch directory only (ZeroMQ's ipc
  transport for the Jupyter channels, one more socket for the grading agent).

Outputs are collected with caps per cell and per notebook, so a flood costs nothing.
"""
import contextlib
import ctypes
import fcntl
import json
import logging
import os
import queue
import resource
import secrets
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from ..limits import DEFAULT
from ..status import Status

log = logging.getLogger(__name__)
SYSTEM = ("/usr/bin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/bin", "/lib", "/lib32", "/lib64")  # read-only (or links)
HOST_ETC = ("/etc/ld.so.cache", "/etc/localtime")  # all of the machine's /etc a kernel sees
TMPFS = ("/tmp", "/var/tmp", "/dev/shm")  # private to each sandbox, size-limited
UIDS = range(200_000, 210_000)  # one per live sandbox (its gid alike); no entry in the machine's /etc/passwd
LOCKS = Path("/run" if os.path.isdir("/run") else tempfile.gettempdir()) / "autograder-sandbox-uids"
CGROUPS = Path("/sys/fs/cgroup")
SCRATCH = Path(tempfile.gettempdir()) / "grading-sandboxes"  # parent of every sandbox's scratch folder
AGENT_FILE = Path(__file__).parent.parent / "agent.py"
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


def python_paths():
    """The folders and files a kernel runs on: of this Python's installation and environment
    (a prefix of /usr is in SYSTEM already) only what Python itself uses, not the whole prefix
    (/usr/local holds more than Python): its bin, lib/pythonX.Y, libpython and pyvenv.cfg; its
    site-packages; and the folders its .pth files add to sys.path (a borrowed site-packages),
    but never one that holds the grading package (an editable install adding the repository)."""
    holder = str(Path(__file__).resolve().parent.parent.parent)
    found = set()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for prefix in {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}:
        if prefix != "/usr":
            for path in map(str, [Path(prefix, "bin"), Path(prefix, "pyvenv.cfg"), *Path(prefix, "lib").glob(version),
                                  *Path(prefix, "lib").glob("libpython*")]):
                if os.path.exists(path):
                    found.add(os.path.realpath(path))  # (a library's link: the file it names)
    for folder in filter(os.path.isdir, site.getsitepackages()):
        found.add(os.path.realpath(folder))  # (a wheel's package is hidden inside it: hidden_folders)
        for listing in sorted(Path(folder).glob("*.pth")):
            for line in listing.read_text(errors="replace").splitlines():
                if line.strip() and not line.startswith(("#", "import ", "import\t")):  # as site.addpackage reads it
                    path = os.path.realpath(os.path.join(folder, line.strip()))
                    if os.path.isdir(path) and not within(holder, path):
                        found.add(path)
    return sorted(p for p in found if not any(within(p, other) and p != other for other in found))


PYTHON = python_paths()


def sandbox_command(command, workdir, uid, hide=(), keep=(), tmpfs_mb=64, etc=None):
    """bwrap's argv that runs `command` as `uid`, seeing only: SYSTEM and the paths in `keep`
    (its Python installation and environment), read-only, where each folder of `hide` inside
    them is an empty read-only folder; `workdir`, read-write; a fresh /proc, a minimal /dev, the
    private TMPFS of `tmpfs_mb` MiB each; in /etc, HOST_ETC and the files of `etc` ({name:
    descriptor to read it from}). bwrap runs as root to build this; setpriv then becomes `uid`,
    with no capability and no way to gain one."""
    argv = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grading", "--proc", "/proc", "--dev", "/dev"]

    made = {"/", "/dev"}

    def at(target, *operation):  # folders bwrap makes above `target` are 0700 unless made first
        parent = os.path.dirname(target)
        argv.extend((["--perms", "0755", "--dir", parent] if parent not in made else []) + list(operation))
        made.add(parent)
    for folder in TMPFS:  # first: a kept path may lie below /tmp
        at(folder, "--size", str(tmpfs_mb * 2 ** 20), "--perms", "1777", "--tmpfs", folder)
    # Mounts go parents first, whatever their kind, so that a mount inside another (a kept
    # environment or the scratch folder inside a hidden folder inside a kept one) is made after
    # it and stays visible; hidden folders become read-only last, once what lies inside is made.
    shown = [p for p in SYSTEM if os.path.lexists(p)] + sorted(p for p in keep if os.path.exists(p))
    mounts = [(path, 0, ["--symlink", os.readlink(path), path] if os.path.islink(path) else
               ["--ro-bind", path, path]) for path in shown]
    hidden = [folder for folder in sorted(hide) if os.path.isdir(folder) and any(
        within(folder, path) and folder != path for path in shown if not os.path.islink(path))]
    mounts += [(folder, 1, ["--tmpfs", folder]) for folder in hidden]
    mounts.append((str(workdir), 2, ["--bind", str(workdir), str(workdir)]))
    for path, _, operation in sorted(mounts, key=lambda mount: (Path(mount[0]).parts, mount[1])):
        at(path, *operation)
    for path in HOST_ETC:
        if os.path.exists(path):
            at(path, "--ro-bind", path, path)
    for name, descriptor in (etc or {}).items():
        at(f"/etc/{name}", "--perms", "0644", "--ro-bind-data", str(descriptor), f"/etc/{name}")
    for folder in hidden:
        argv.extend(["--remount-ro", folder])
    return argv + ["--chdir", str(workdir), "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                   "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", *command]


def etc_files(uid, home):
    """The sandbox's own /etc/passwd, group, hostname and hosts (its user, no one else)."""
    return {"passwd": f"root:x:0:0:root:/:/usr/sbin/nologin\nstudent:x:{uid}:{uid}:student:{home}:/bin/sh\n",
            "group": f"root:x:0:\nstudent:x:{uid}:\n", "hostname": "grading\n", "hosts": "127.0.0.1 localhost grading\n"}


@contextlib.contextmanager
def readable(files):
    """{name: descriptor} from which each text of `files` ({name: short text}) can be read."""
    descriptors = {}
    try:
        for name, text in files.items():
            descriptors[name], write = os.pipe()
            with open(write, "w") as pipe:  # a pipe holds 64 KiB: enough for these files
                pipe.write(text)
        yield descriptors
    finally:
        for descriptor in descriptors.values():
            os.close(descriptor)


def uid_in_use(uid):
    """Has any process `uid` as its real user id (one left by a dead sandbox, still dying)?"""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/status") as status:
                    if next(line for line in status if line.startswith("Uid:")).split()[1] == str(uid):
                        return True
            except (OSError, StopIteration):
                pass
    return False


def claim_uid():
    """(uid, open lock file): a uid of UIDS that no live sandbox holds (its lock is free: the
    kernel frees it when the holder dies) and no process has."""
    LOCKS.mkdir(mode=0o700, exist_ok=True)
    for uid in UIDS:
        lock = open(LOCKS / str(uid), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if not uid_in_use(uid):
                return uid, lock
        except BlockingIOError:
            pass
        lock.close()
    raise OSError(f"every sandbox uid ({UIDS.start}-{UIDS.stop - 1}) is in use")


_told = set()


def _tell(warning):
    """Log `warning` once per process (a machine's shortcoming, not a submission's)."""
    if warning not in _told:
        _told.add(warning)
        log.warning("%s", warning)


def _mount_tmpfs(folder, options):
    """Mount a tmpfs with `options` on `folder` (in this process's mount namespace); OSError
    says why not (not root, or no right to mount)."""
    libc = ctypes.CDLL(None, use_errno=True)
    nosuid_nodev = 2 | 4  # MS_NOSUID | MS_NODEV
    if libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", nosuid_nodev, options.encode()) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(folder))


def _unmount(folder):
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.umount2(os.fsencode(folder), 2) == 0  # MNT_DETACH: even if something still holds it


def sweep_scratch():
    """Unmount and remove the scratch folders a dead worker left (killed -9: its sandboxes
    died with it, their tmpfs stayed mounted), and those of the course's earlier versions
    (plain folders named by 32 hex digits, which nothing removed after a crash) two hours old,
    longer than any notebook may run."""
    for folder in SCRATCH.iterdir():
        pid, _, rest = folder.name.partition("-")
        dead = pid.isdigit() and rest and not os.path.exists(f"/proc/{pid}")
        old = not rest and len(pid) == 32 and time.time() - folder.lstat().st_mtime > 7200
        if dead or old:
            _unmount(folder)
            with contextlib.suppress(RecursionError):
                shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def scratch_folder(limits):
    """A new scratch folder for one sandbox, removed afterwards: a tmpfs of its own, capped at
    `limits.tmpfs()` MiB and `limits.scratch_files` files, whose pages are charged to the
    sandbox's memory as it writes them, so that no notebook fills the machine's disk or its
    inodes. Its parent (SCRATCH) lets others pass but not list; names are random. Where no
    tmpfs can be mounted (not root) the folder is a plain one, and the reason is logged once."""
    SCRATCH.mkdir(exist_ok=True)
    os.chmod(SCRATCH, 0o711)
    sweep_scratch()
    folder = SCRATCH / f"{os.getpid()}-{secrets.token_hex(16)}"
    folder.mkdir(mode=0o700)
    mounted = False
    try:
        try:
            _mount_tmpfs(folder, f"size={limits.tmpfs()}m,nr_inodes={limits.scratch_files},mode=0700")
            mounted = True
        except OSError as error:
            _tell(f"sandbox scratch folders are plain folders on disk, not capped tmpfs ({error.strerror})")
        yield folder
    finally:
        if mounted:
            _unmount(folder)  # frees all it holds, a tree however deep included
        else:
            with contextlib.suppress(RecursionError):  # (rmtree recurses)
                shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


class CgroupUnavailable(Exception):
    """Why this machine gives the sandboxes no cgroups (they then run with polled memory)."""


def own_cgroups():
    """{controller: folder}: this process's own memory and pids cgroups (v2: one folder for
    both, or the delegated one AUTOGRADER_CGROUP names), below which the sandboxes' are made;
    CgroupUnavailable says why there are none."""
    own = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():  # "id:controllers:path"; v2: "0::path"
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(","):
                own[controller or "v2"] = CGROUPS / controller / path.lstrip("/")
        if not (CGROUPS / "cgroup.controllers").exists():  # v1: a hierarchy per controller
            missing = [c for c in ("memory", "pids") if c not in own or not own[c].is_dir()]
            if missing:
                raise CgroupUnavailable(f"no cgroup v1 {' or '.join(missing)} hierarchy at {CGROUPS}")
            found = {"memory": own["memory"], "pids": own["pids"]}
            if own.get("cpuacct") is not None and own["cpuacct"].is_dir():  # CPU time of the exited processes too
                found["cpuacct"] = own["cpuacct"]
            return found
        folder = Path(os.environ.get("AUTOGRADER_CGROUP") or own.get("v2", CGROUPS))
        missing = {"memory", "pids"} - set((folder / "cgroup.controllers").read_text().split())
        if missing:
            raise CgroupUnavailable(f"cgroup v2 offers no {' or '.join(sorted(missing))} controller at {folder}")
        if not {"memory", "pids"} <= set((folder / "cgroup.subtree_control").read_text().split()):
            try:
                (folder / "cgroup.subtree_control").write_text("+memory +pids")
            except OSError as error:
                raise CgroupUnavailable(f"cannot enable the memory and pids controllers below {folder} ({error.strerror}:"
                                        " a cgroup v2 folder that holds processes cannot; name a delegated cgroup that "
                                        "holds none in AUTOGRADER_CGROUP)") from None
        return {"memory": folder, "pids": folder}
    except OSError as error:
        raise CgroupUnavailable(f"cannot use the cgroups of this process ({error})") from None


def kill_cgroup(folders, tries=100):
    """Kill every process in the cgroup `folders` until they are empty; True once they are."""
    for _ in range(tries):
        pids = {int(pid) for folder in folders for pid in (folder / "cgroup.procs").read_text().split()}
        if not pids:
            return True
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    return False


class Cgroup:
    """Memory and pids cgroups of one sandbox, below this process's own (`own_cgroups`).
    Memory, capped at `limits.memory_mb`, counts everything the sandbox holds, the files of its
    tmpfs included (a page is charged to the cgroup of the process that wrote it); processes
    and threads are capped at `limits.processes`."""

    def __init__(self, limits):
        parents = own_cgroups()
        self.v2 = parents["memory"] == parents["pids"]
        sweep_cgroups(set(parents.values()))
        name = f"grading-{os.getpid()}-{secrets.token_hex(4)}"
        self.folders = {controller: parent / name for controller, parent in parents.items()}
        try:
            for folder in set(self.folders.values()):
                folder.mkdir()
            memory, limit = self.folders["memory"], limits.memory_mb * 2 ** 20
            (memory / ("memory.max" if self.v2 else "memory.limit_in_bytes")).write_text(str(limit))
            (self.folders["pids"] / "pids.max").write_text(str(limits.processes))
            for name, value in (("memory.swap.max", 0), ("memory.memsw.limit_in_bytes", limit), ("memory.oom.group", 1)):
                if (memory / name).exists():  # no swap beyond the limit; v2 kills the whole group at once
                    (memory / name).write_text(str(value))
        except OSError as error:
            self.close()
            raise CgroupUnavailable(f"cannot make a sandbox's cgroups below {parents['memory']} ({error})") from None

    def join(self):
        """Move the calling process into the cgroups (in the sandbox's first process, before it starts)."""
        for folder in set(self.folders.values()):
            descriptor = os.open(folder / "cgroup.procs", os.O_WRONLY)
            os.write(descriptor, str(os.getpid()).encode())
            os.close(descriptor)

    def pids(self):
        return [int(pid) for pid in (self.folders["pids"] / "cgroup.procs").read_text().split()]

    def cpu_seconds(self):
        """CPU seconds used by every process the sandbox ever held, those that exited unwaited
        included (a process list misses them), or None where no cgroup counts them."""
        if self.v2:
            stat = dict(line.split() for line in (self.folders["memory"] / "cpu.stat").read_text().splitlines())
            return int(stat["usage_usec"]) / 1e6
        if "cpuacct" in self.folders:
            return int((self.folders["cpuacct"] / "cpuacct.usage").read_text()) / 1e9
        return None

    def memory(self):
        """Bytes the sandbox holds: its anonymous memory and its tmpfs and shared memory (not the
        cache of files it read, which the kernel reclaims before it kills)."""
        stat = dict(line.split() for line in (self.folders["memory"] / "memory.stat").read_text().splitlines())
        return int(stat["anon" if self.v2 else "rss"]) + int(stat["shmem"])

    def out_of_memory(self):
        """Has the kernel killed a process of the sandbox at its memory limit?"""
        events = self.folders["memory"] / ("memory.events" if self.v2 else "memory.oom_control")
        fields = dict(line.split() for line in events.read_text().splitlines())
        return int(fields.get("oom_kill", 0)) > 0 or fields.get("under_oom") == "1"

    def close(self):
        """Kill whatever is left and remove the cgroups (they are empty within moments)."""
        folders = [f for f in set(self.folders.values()) if f.is_dir()]
        with contextlib.suppress(OSError):
            kill_cgroup(folders)
        for folder in folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.1)


def sweep_cgroups(parents):
    """Remove the cgroups a dead worker left (killed -9: its sandboxes died with it)."""
    for parent in parents:
        for folder in parent.glob("grading-*-*"):
            pid = folder.name.split("-")[1]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                with contextlib.suppress(OSError):
                    kill_cgroup([folder], tries=10)
                    folder.rmdir()


def limit_resources(limits, cgroup=None):
    """Run in the sandbox's first process before it starts (bwrap, still root): into the
    sandbox's cgroups, no core files, a cap on file size and on processes (counted per user:
    the sandbox's own), and death with the worker that started it."""
    def apply():
        if cgroup is not None:
            cgroup.join()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * 2 ** 20,) * 2)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes,) * 2)
    return apply


class Confinement:
    """What one sandbox holds of the machine, shared with no other sandbox: a uid of its own
    (the process limit counts its processes only) and, where the machine allows, a `Cgroup` of
    its own (or None: why not is logged once). `popen` starts a command in the sandbox, from the
    thread that will see it end (bwrap dies with that thread); `close` kills what is left and
    frees both."""

    def __init__(self, limits):
        self.limits = limits
        self.uid, self._lock = claim_uid()
        try:
            self.cgroup = Cgroup(limits)
        except CgroupUnavailable as reason:
            self.cgroup = None
            _tell(f"grading sandboxes without cgroups: {reason}; memory is polled (resident memory plus the private "
                  f"tmpfs, {limits.tmpfs()} MiB each) and processes are capped per sandbox user")
        except BaseException:
            self._lock.close()
            raise

    def popen(self, command, workdir, hide=(), keep=(), **options):
        for path in [workdir, *Path(workdir).rglob("*")]:  # the scratch folder is the sandbox's own
            os.chown(path, self.uid, self.uid, follow_symlinks=False)
        with readable(etc_files(self.uid, "/tmp")) as etc:  # its home: the private /tmp
            return subprocess.Popen(sandbox_command(command, workdir, self.uid, hide, keep, self.limits.tmpfs(), etc),
                                    cwd=workdir, pass_fds=list(etc.values()), start_new_session=True,
                                    preexec_fn=limit_resources(self.limits, self.cgroup), **options)

    def close(self):
        try:
            if self.cgroup is not None:
                self.cgroup.close()
        finally:
            self._lock.close()


def check_sandbox():
    """None when this machine can start a sandbox, else why not (run as root, with bubblewrap
    and setpriv installed; the Python environment must be readable by other users)."""
    if os.geteuid() != 0:
        return "the grading sandbox needs root (it creates namespaces and runs kernels as users of their own)"
    missing = [program for program in ("bwrap", "setpriv") if shutil.which(program) is None]
    if missing:
        return f"{' and '.join(missing)} not found: install Debian's bubblewrap (bwrap) and util-linux (setpriv)"
    # finding the packages (without importing them) proves the environment is readable
    command = [sys.executable, "-c", ("import importlib.util as u, sys; assert u.find_spec('numpy') and "
                                      f"u.find_spec('ipykernel') and sys.base_prefix == {sys.base_prefix!r}")]
    environment = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    try:
        with tempfile.TemporaryDirectory() as folder:
            confinement = Confinement(DEFAULT)
            try:
                process = confinement.popen(command, folder, keep=PYTHON, env=environment, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                try:
                    _, errors = process.communicate(timeout=120)
                finally:
                    process.kill()
                    process.wait()
            finally:
                confinement.close()
    except (OSError, subprocess.SubprocessError) as error:
        return f"the sandbox cannot start: {error}"
    if process.returncode != 0:
        return f"a test kernel failed ({process.returncode}): {errors.strip()[-300:]}"
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
        """keep: what the kernel sees of the machine besides the system's programs and libraries
        (its Python installation and environment, read-only); hide: folders it must not see even
        there (the grading package in site-packages), and whose opening the agent records (the
        course directory, the repository)."""
        self.workdir, self.limits = Path(workdir), limits
        self.hide, self.keep = [os.path.realpath(p) for p in hide], [os.path.realpath(p) for p in keep]
        self.confinement = None  # the sandbox's own uid and cgroups
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
        # -P: the scratch folder is not on sys.path while the kernel and the agent start (a submitted
        # ipykernel_launcher.py or json.py would run then, and pass for the grader's trouble);
        # boot_agent puts it there once they are loaded, where IPython would
        command = [sys.executable, "-P", "-m", "ipykernel_launcher", "-f", connection, "--HistoryManager.enabled=False",
                   "--IPKernelApp.capture_fd_output=False"]
        # HOME and every configuration folder lie in the private /tmp, not among the submitted files: an
        # IPython startup file, a usercustomize module or a matplotlibrc handed in runs nothing there
        environment = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": "/tmp", "PYTHONNOUSERSITE": "1",
                       "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                       "MPLCONFIGDIR": "/tmp/.config/matplotlib", "IPYTHONDIR": "/tmp/.ipython",
                       "JUPYTER_RUNTIME_DIR": str(self.workdir / ".runtime"), "TF_CPP_MIN_LOG_LEVEL": "3",
                       "NBGRADER_EXECUTION": "autograde"}
        try:
            self.confinement = Confinement(self.limits)
            self.process = self.confinement.popen(command, self.workdir, self.hide, self.keep, env=environment,
                                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as error:
            self.lost = KernelLost(Status.GRADER_ERROR, f"the sandbox could not be made ({error})")
            raise self.lost from None
        own_mount = self.workdir.stat().st_dev != self.workdir.parent.stat().st_dev  # a tmpfs (`scratch_folder`)
        self._tmpfs = (*TMPFS, str(self.workdir)) if own_mount else TMPFS
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
        try:
            self.kill(None)
        finally:
            if self.confinement is not None:
                self.confinement.close()

    def _tree(self):
        """The sandbox's processes: bwrap, its init (PID 1 of the namespace), then the kernel and
        everything it started (an orphan is the init's child)."""
        try:
            root = psutil.Process(self.process.pid)
            return [root] + root.children(recursive=True)
        except psutil.Error:
            return []

    def kernel_process(self):
        """The sandbox's kernel as this process sees it (a psutil.Process), or None: the
        outermost python running ipykernel_launcher (python [-P] -m ipykernel_launcher; bwrap and
        setpriv, which wrap it, name it in their own command lines; a kernel it started is deeper)."""
        found = []
        for process in self._tree()[1:]:
            with contextlib.suppress(psutil.Error):
                command = process.cmdline()
                if "ipykernel_launcher" in command[1:4] and os.path.basename(command[0]).startswith("python"):
                    found.append((len(process.parents()), process))
        return min(found, key=lambda depth_and_process: depth_and_process[0])[1] if found else None

    def is_kernel(self, pid):
        """Whether `pid` (as this process sees it) is the sandbox's kernel itself."""
        kernel = self.kernel_process()
        return kernel is not None and kernel.pid == pid

    def _processes(self):
        cgroup = self.confinement.cgroup
        if cgroup is None:
            return self._tree()
        found = []
        for pid in cgroup.pids():  # cheaper than a scan of /proc
            with contextlib.suppress(psutil.Error):
                found.append(psutil.Process(pid))
        return found

    def kill(self, reason):
        """Kill the whole sandbox; with a KernelLost `reason`, remember and raise it. The init
        (PID 1 of the namespace) takes every process of the namespace with it."""
        if reason is not None and self.lost is None:
            self.lost = reason
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(psutil.Error):
                bwrap = psutil.Process(self.process.pid)
                for process in [*bwrap.children(), bwrap]:  # its init first
                    with contextlib.suppress(psutil.Error):
                        process.kill()
            self.process.wait()
        if reason is not None:
            raise self.lost

    def _memory(self, processes, rss):
        """Bytes the sandbox holds: counted by its cgroup, or its resident memory plus the files
        of its tmpfs and its scratch folder (read through the root of a process inside it)."""
        if self.confinement.cgroup is not None:
            return self.confinement.cgroup.memory()
        for process in processes[1:]:
            try:
                stats = [os.statvfs(f"/proc/{process.pid}/root{folder}") for folder in self._tmpfs]
            except OSError:
                continue
            return rss + sum((s.f_blocks - s.f_bfree) * s.f_frsize for s in stats)
        return rss

    def _watch(self):
        """Memory, CPU time and wall time of the whole sandbox, every 0.1 s, until shutdown.
        The processes are listed anew every second (a scan of /proc costs more than reading
        the processes already known). CPU time is the sandbox's cgroup's where it counts it
        (every process it ever held: a child that exits unwaited within the second is missed
        by a process list), else the processes' and their reaped children's; it never goes back."""
        processes, polls = [], 0
        while not self._stop.wait(0.1):
            if self.process.poll() is not None:
                return
            try:
                if polls % 10 == 0:
                    processes = self._processes()
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
                memory = self._memory(processes, rss)
                counted = self.confinement.cgroup.cpu_seconds() if self.confinement.cgroup is not None else None
                cpu = max(cpu, counted or 0.0)
            except OSError:  # the cgroups are gone: shut down
                return
            self.peak_memory_mb = max(self.peak_memory_mb, memory / 2 ** 20)
            self.cpu_seconds = max(self.cpu_seconds, cpu)
            try:
                if memory > self.limits.memory_mb * 2 ** 20 or self._out_of_memory():
                    self.kill(KernelLost(Status.OUT_OF_MEMORY, f"the notebook used more than {self.limits.memory_mb} MiB"))
                self.notebook_clock.check("the notebook")
            except KernelLost:
                return

    def _out_of_memory(self):
        """Did the sandbox's cgroup reach its memory limit (the kernel then kills a process)?"""
        cgroup = self.confinement.cgroup
        try:
            return cgroup is not None and cgroup.out_of_memory()
        except OSError:
            return False

    def check_alive(self):
        """Raise KernelLost if the sandbox was killed or its kernel exited."""
        if self.lost is not None:
            raise self.lost
        if self.process.poll() is not None:
            self.lost = KernelLost(Status.OUT_OF_MEMORY, f"the notebook used more than {self.limits.memory_mb} MiB") \
                if self._out_of_memory() else KernelLost(Status.KERNEL_DIED, "the kernel exited (os._exit, a crash, or a signal)")
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
        code might patch and adds its audit hook. Then the scratch folder goes on sys.path
        (after the standard library, as IPython puts it), so the notebook imports its modules."""
        source = AGENT_FILE.read_text()
        # the scratch folder is the kernel's own even inside a hidden folder: opening it is no tampering
        code = ("import sys as _s, types as _t\n"
                "_m = _t.ModuleType('_grading_agent'); _m.__file__ = %r\n"
                "exec(compile(%r, %r, 'exec'), _m.__dict__); _s.modules['_grading_agent'] = _m\n"
                "_m.install(get_ipython(), %r, %r)\n"
                "_s.path.insert(next((_i for _i, _p in enumerate(_s.path) if _p.rstrip('/').endswith("
                "('site-packages', 'dist-packages'))), len(_s.path)), '')\n"
                "del _s, _t, _m\n") % (
                    AGENT_NAME, source, AGENT_NAME, self.hide, [*self.keep, os.path.realpath(self.workdir)])
        with self.grader_trouble("the grading agent could not be loaded"):
            self.execute(code, START_SECONDS, collect=False)
