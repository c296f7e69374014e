"""The bubblewrap command line of a sandbox (`sandbox_command`), read without running it: its
arguments are parsed into bwrap's operations and replayed as a mount table, and each promise
(what of the machine is bound, read-only or writable, what is private, hidden or mounted back,
as whom and in which namespaces the command runs) is checked on what bwrap would build. No
root, no bwrap: the root-only suites (test_sandbox_*.py) prove the same end to end."""
import os
import site
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.agent import hidden_path
from autograder.limits import Limits
from autograder.sandbox import kernel as sandbox
from autograder.sandbox.kernel import HOST_ETC, SYSTEM, TMPFS, within

UID = 200_017
# bwrap's options and how many arguments each takes (bwrap(1), 0.8): an option missing here
# fails `parse`, so a new kind of operation cannot slip past these tests unread
ARITY = {**dict.fromkeys(["--die-with-parent", "--new-session", "--unshare-all", "--unshare-user", "--unshare-user-try",
                          "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup",
                          "--unshare-cgroup-try", "--share-net", "--clearenv", "--as-pid-1", "--disable-userns",
                          "--assert-userns-disabled"], 0),
         **dict.fromkeys(["--args", "--argv0", "--userns", "--userns2", "--pidns", "--uid", "--gid", "--hostname",
                          "--chdir", "--unsetenv", "--lock-file", "--sync-fd", "--perms", "--size", "--remount-ro",
                          "--exec-label", "--file-label", "--proc", "--dev", "--tmpfs", "--mqueue", "--dir",
                          "--seccomp", "--add-seccomp-fd", "--block-fd", "--userns-block-fd", "--info-fd",
                          "--json-status-fd", "--cap-add", "--cap-drop"], 1),
         **dict.fromkeys(["--setenv", "--bind", "--bind-try", "--dev-bind", "--dev-bind-try", "--ro-bind",
                          "--ro-bind-try", "--bind-fd", "--ro-bind-fd", "--file", "--bind-data", "--ro-bind-data",
                          "--symlink", "--chmod"], 2)}
BINDS = {"--bind": True, "--bind-try": True, "--dev-bind": True, "--dev-bind-try": True, "--ro-bind": False,
         "--ro-bind-try": False}  # option: writable


def parse(argv):
    """bwrap's argv as ([(option, (arguments...))], the command it runs)."""
    assert argv[0] == "bwrap"
    operations, i = [], 1
    while i < len(argv) and argv[i].startswith("--"):
        if argv[i] == "--":
            return operations, argv[i + 1:]
        count = ARITY[argv[i]]
        assert i + count < len(argv), f"{argv[i]} lacks its arguments"
        operations.append((argv[i], tuple(argv[i + 1:i + 1 + count])))
        i += 1 + count
    return operations, argv[i:]


@dataclass
class Mount:
    target: str
    kind: str            # "bind" (of `source`, a folder of the machine), "tmpfs", "data", "proc", "dev"
    source: str = None
    writable: bool = True
    size: int = None
    perms: str = None


class Root:
    """The file system bwrap builds from `operations`, replayed in their order: the mounts (a
    later one covers what an earlier one put at or below its target), the folders made
    ({path: perms}) and the links ({path: target}); --perms and --size apply to the next
    operation, as in bwrap. `trouble` lists the operations bwrap could not carry out as the
    sandbox needs: a mount point to create on a read-only mount (or on the machine, through a
    bind), or a mount or link whose parent was not made first (bwrap would make it itself,
    with modes the sandbox's user may not get through)."""

    def __init__(self, operations):
        self.mounts, self.folders, self.links, self.trouble = [], {}, {}, []
        made, modifiers = {"/", "/dev"}, {}
        for option, args in operations:
            if option in ("--perms", "--size"):
                modifiers[option] = args[0]
                continue
            perms, size = modifiers.pop("--perms", None), modifiers.pop("--size", None)
            if option == "--remount-ro":
                at = [m for m in self.mounts if m.target == args[0]]
                assert at, f"--remount-ro {args[0]}: nothing is mounted there"
                at[-1].writable = False
                continue
            target = args[1] if option in BINDS or option in ("--bind-data", "--ro-bind-data", "--symlink") else \
                args[0] if option in ("--tmpfs", "--proc", "--dev", "--mqueue", "--dir") else None
            if target is None:
                assert size is None and perms is None, f"--perms or --size before {option}"
                continue
            if option != "--dir" and not (os.path.dirname(target) in made or self.on_machine(os.path.dirname(target))):
                self.trouble.append(f"{option} {target}: its parent was not made first")
            if target not in made and not self.on_machine(target) and not self.writable(target):
                self.trouble.append(f"{option} {target}: on a read-only mount or on the machine")
            made.add(target)
            if option in BINDS:
                self.mounts.append(Mount(target, "bind", args[0], BINDS[option], perms=perms))
            elif option in ("--bind-data", "--ro-bind-data"):
                self.mounts.append(Mount(target, "data", args[0], option == "--bind-data", perms=perms))
            elif option == "--dir":
                self.folders.setdefault(target, perms)
            elif option == "--symlink":
                self.links[target] = args[0]
            else:
                self.mounts.append(Mount(target, option[2:], size=size and int(size), perms=perms))

    def mount(self, path):
        """The mount `path` lies on (None: bwrap's own root, which holds only what was made)."""
        return next((m for m in reversed(self.mounts) if within(path, m.target)), None)

    def host(self, path):
        """The path of the machine `path` shows, or None."""
        mount = self.mount(path)
        return mount.source + path[len(mount.target):] if mount and mount.kind == "bind" else None

    def on_machine(self, path):
        """Is `path` a bound file or folder of the machine that exists (a mount point ready)?"""
        return self.host(path) is not None and os.path.lexists(self.host(path))

    def writable(self, path):
        """Can `path` be written to (bwrap's own root: only while bwrap builds it)?"""
        mount = self.mount(path)
        return mount is None or mount.kind != "bind" and mount.writable


def deepest(path, folders):
    """Length of the longest of `folders` that holds `path` (-1: none)."""
    return max((len(f) for f in folders if within(path, f)), default=-1)


# ---------------------------------------------------------------------------------- cases

@pytest.fixture
def machine(tmp_path):
    """Folders standing for the machine: a course directory (with an environment of its own,
    as an editable install has, and a folder the scratch area may be in), a Python environment
    with the grading package in its site-packages, a scratch area with the sandbox's folder and
    a neighbour's, and a copy of the course whose name starts like the course's."""
    top = Path(os.path.realpath(tmp_path))
    for folder in ("course/source", "course/.venv/lib/site-packages", "course/scratch/work",
                   "env/lib/site-packages/autograder", "env/lib/site-packages/numpy", "scratch/work",
                   "scratch/neighbour", "course-copy/source"):
        (top / folder).mkdir(parents=True)
    return top


PACKAGE = Path(sandbox.__file__).resolve().parent.parent
CASES = {  # name: (workdir, hide, keep), relative to the `machine` (absolute paths as they are)
    "nothing hidden": ("scratch/work", [], ["env"]),
    "the package in the kept site-packages": ("scratch/work", ["env/lib/site-packages/autograder"], ["env"]),
    "an environment inside the hidden course": ("scratch/work", ["course"], ["course/.venv"]),
    "the course and the package hidden, two environments": (
        "scratch/work", ["course", "env/lib/site-packages/autograder"], ["env", "course/.venv"]),
    "hidden and kept folders that do not exist": ("scratch/work", ["nowhere", "env/nowhere"], ["env", "no-env"]),
    "the scratch folder inside the hidden course": ("course/scratch/work", ["course"], ["env"]),
    "everything kept but the hidden course": ("scratch/work", ["course"], ["."]),
    "a kept folder that is also hidden": ("scratch/work", ["env"], ["env"]),
    "a Python under /usr/local": ("scratch/work", ["course"], ["/usr/local"]),
    "a kept folder holding the hidden course, the scratch folder inside that": (
        "course/scratch/work", ["course"], ["."]),
    "a kept folder holding the hidden course, an environment inside that": (
        "scratch/work", ["course"], [".", "course/.venv"]),
    "this machine's Python, the package and repository hidden": (
        "scratch/work", [str(PACKAGE), str(PACKAGE.parent)], sandbox.PYTHON),
}


@dataclass
class Built:
    workdir: str
    hide: list
    keep: list
    operations: list
    command: list
    root: Root


def build(machine, case, command=("python", "-m", "ipykernel_launcher"), tmpfs_mb=64, etc=None):
    workdir, hide, keep = CASES[case]
    workdir, hide, keep = (str(machine / workdir), [str(machine / p) for p in hide],
                           [os.path.realpath(machine / p) for p in keep])  # as SandboxedKernel passes them
    operations, command = parse(sandbox.sandbox_command(list(command), workdir, UID, hide, keep, tmpfs_mb, etc))
    return Built(workdir, hide, keep, operations, command, Root(operations))


def shown(built):
    """What the sandbox is promised to show of the machine: the system's folders (links stay
    links), the kept folders and files, a few files of /etc, the scratch folder."""
    return sorted({*[p for p in SYSTEM if os.path.isdir(p) and not os.path.islink(p)],
                   *[p for p in built.keep if os.path.exists(p)], *[p for p in HOST_ETC if os.path.exists(p)],
                   built.workdir})


def probes(machine, built):
    """Paths of the machine to look up in the sandbox: each folder the case names, a file in
    it and the folder above it, files of the course, its copy and a neighbour, and the places
    another copy of the course could be (they need not exist: the lookup is by name)."""
    named = [*built.hide, *built.keep, *shown(built)]
    paths = {p for folder in named for p in (folder, f"{folder}/x", os.path.dirname(folder))}
    paths |= {str(machine / p) for p in ("course/source/release.ipynb", "course-copy/source/release.ipynb",
                                          "scratch/neighbour/agent.sock", "env/lib/site-packages/autograder/x.py",
                                          "env/lib/site-packages/autograder-1.0.dist-info/RECORD",
                                          "env/lib/site-packages/numpy/x.py", "course/.venv/lib/x.py")}
    return sorted(paths | {"/", "/home/x", "/root/x", "/work/x", "/opt/x", "/srv/x", "/mnt/x", "/etc/shadow",
                           "/etc/passwd", "/usr/share/x", "/usr/local/x", "/var/lib/x", "/run/x", "/sys/x",
                           "/tmp/x", "/var/tmp/x", "/dev/shm/x", str(PACKAGE), str(PACKAGE.parent)})


def test_the_parser_and_the_replay():
    """The tools themselves: operations, their arguments and the command after them; a later
    mount covers an earlier one; a mount point bwrap cannot make is trouble."""
    argv = ["bwrap", "--die-with-parent", "--size", "8", "--tmpfs", "/tmp", "--ro-bind", "/usr", "/b", "--chdir", "/",
            "setpriv", "--reuid=1", "--", "--ro-bind", "/", "/"]
    assert parse(argv) == ([("--die-with-parent", ()), ("--size", ("8",)), ("--tmpfs", ("/tmp",)),
                            ("--ro-bind", ("/usr", "/b")), ("--chdir", ("/",))],
                           ["setpriv", "--reuid=1", "--", "--ro-bind", "/", "/"])
    with pytest.raises(KeyError):
        parse(["bwrap", "--an-option-bwrap-lacks", "x"])
    root = Root(parse(argv)[0])
    assert root.host("/b/lib") == "/usr/lib" and root.mount("/tmp/x").size == 8 and root.trouble == []
    covered = Root([("--ro-bind", ("/usr", "/usr")), ("--tmpfs", ("/usr",)), ("--remount-ro", ("/usr",)),
                    ("--dir", ("/usr/lib",)), ("--tmpfs", ("/a/b",))])
    assert covered.host("/usr/lib") is None and not covered.writable("/usr/lib")
    assert covered.trouble == ["--dir /usr/lib: on a read-only mount or on the machine",
                               "--tmpfs /a/b: its parent was not made first"]


# ------------------------------------------------------------------------------ promises

@pytest.mark.parametrize("case", sorted(CASES))
def test_bwrap_can_build_it(machine, case):
    """Every mount point is made where it can be, below a folder made first."""
    assert build(machine, case).root.trouble == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_only_the_allow_list_of_the_machine_is_bound(machine, case):
    """Each bound file or folder of the machine is a system folder, a kept folder, a file of
    HOST_ETC or the scratch folder, at its own path: never /, /home, the course, a neighbour."""
    built = build(machine, case)
    binds = [m for m in built.root.mounts if m.kind == "bind"]
    assert all(m.source == m.target for m in binds)
    assert sorted(m.source for m in binds) == shown(built)
    for path in ("/", "/home", "/root", "/etc", "/usr", "/var", str(machine), str(machine / "scratch")):
        if not any(within(path, s) for s in shown(built)):  # (a case that keeps the whole machine/ shows it)
            assert built.root.host(path) is None, path


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_path_shows_the_machine_only_where_the_longest_shown_prefix_beats_the_hidden_one(machine, case):
    """The grading agent's rule for what the kernel opens (`agent.hidden_path`), here for what
    it can see: a path of the machine is there (the same file) when a shown folder (system,
    kept, scratch) holds it and no longer hidden one does; elsewhere it is not there at all (an
    empty folder, bwrap's own root, or a private tmpfs)."""
    built = build(machine, case)
    hidden = [h for h in built.hide if os.path.isdir(h)]
    for path in probes(machine, built):
        visible = deepest(path, shown(built)) >= 0 and hidden_path(path, hidden, shown(built)) is None
        assert (built.root.host(path) == path) == visible, (path, built.root.mount(path))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_scratch_folder_and_the_private_tmpfs_alone_are_writable(machine, case):
    """The sandbox's user writes in its scratch folder and its private /tmp, /var/tmp and
    /dev/shm (open to all), nowhere else: no other bind is writable, a hidden folder is
    read-only, and bwrap's own root holds folders of root's only."""
    built = build(machine, case)
    mount = built.root.mount(built.workdir + "/notebook.ipynb")
    assert (mount.kind, mount.source, mount.writable) == ("bind", built.workdir, True)
    assert ("--chdir", (built.workdir,)) in built.operations
    open_to_all = [m for m in built.root.mounts if m.writable and m.kind not in ("proc", "dev")]
    assert sorted(m.target for m in open_to_all) == sorted([*TMPFS, built.workdir])
    assert all(m.perms == "1777" for m in open_to_all if m.kind == "tmpfs")
    assert not [m for m in built.root.mounts if m.kind == "bind" and m.writable and m.source != built.workdir]


@pytest.mark.parametrize("tmpfs_mb", [1, 64, Limits(memory_mb=1024).tmpfs()])
def test_tmp_var_tmp_and_dev_shm_are_private_and_size_limited(machine, tmpfs_mb):
    """Their own tmpfs of `tmpfs_mb` MiB each, open to every user with the sticky bit, on
    top of /dev (a tmpfs made before it would be covered by the fresh /dev)."""
    root = build(machine, "nothing hidden", tmpfs_mb=tmpfs_mb).root
    for folder in TMPFS:
        mount = root.mount(f"{folder}/file")
        assert (mount.kind, mount.target, mount.size, mount.perms) == ("tmpfs", folder, tmpfs_mb * 2 ** 20, "1777")
    assert root.mount("/proc/1").kind == "proc" and root.mount("/dev/null").kind == "dev"


def test_a_kept_folder_below_tmp_is_mounted_over_the_private_tmp():
    """An environment and the scratch folder in /tmp: the private /tmp is made first, so it
    does not cover them, and a neighbour beside them is the private /tmp's."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        folder = os.path.realpath(folder)
        env, work = f"{folder}/venv", f"{folder}/work"
        os.mkdir(env), os.mkdir(work)
        root = Root(parse(sandbox.sandbox_command(["true"], work, UID, keep=[env]))[0])
        assert root.host(f"{env}/lib/x.py") == f"{env}/lib/x.py" and root.host(f"{work}/x") == f"{work}/x"
        assert root.mount(f"{folder}/neighbour").target == "/tmp" and root.trouble == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_system_links_stay_links(machine, case):
    """/bin, /lib... that are links on the machine (a merged /usr) are the same links there."""
    root = build(machine, case).root
    for path in SYSTEM:
        if os.path.islink(path):
            assert root.links.get(path) == os.readlink(path) and root.mount(path) is None
        elif not os.path.lexists(path):
            assert path not in root.links and root.mount(path) is None


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hidden_folder_inside_a_shown_one_is_an_empty_read_only_folder(machine, case):
    """...and one outside every shown folder is left alone (nothing of it is there to hide)."""
    built = build(machine, case)
    for folder in built.hide:
        mount = built.root.mount(folder)
        if os.path.isdir(folder) and any(within(folder, s) and s != folder for s in shown(built)):
            assert (mount.kind, mount.target, mount.writable) == ("tmpfs", folder, False)
        else:
            assert all(m.target != folder for m in built.root.mounts if m.kind == "tmpfs")


def test_the_course_and_its_package_are_hidden_and_names_that_start_alike_are_not(machine):
    """`course-copy` is not inside `course`, nor `autograder-1.0.dist-info` inside `autograder`."""
    built = build(machine, "everything kept but the hidden course")
    assert built.root.host(str(machine / "course/source/x.ipynb")) is None
    assert built.root.host(str(machine / "course-copy/x")) == str(machine / "course-copy/x")
    built = build(machine, "the package in the kept site-packages")
    packages = machine / "env/lib/site-packages"
    assert built.root.host(f"{packages}/autograder/oracle.py") is None
    for name in ("numpy/core.py", "autograder-1.0.dist-info/RECORD", "autograder.pth"):
        assert built.root.host(f"{packages}/{name}") == f"{packages}/{name}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_new_namespaces_a_session_of_its_own_and_death_with_the_parent(machine, case):
    operations = dict(build(machine, case).operations)
    for option in ("--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                   "--unshare-uts"):
        assert option in operations
    assert "--unshare-cgroup" in operations or "--unshare-cgroup-try" in operations
    assert operations["--hostname"] == ("grading",)
    assert not {"--share-net", "--dev-bind", "--dev-bind-try", "--cap-add", "--as-pid-1"} & set(operations)


@pytest.mark.parametrize("command", [["python", "-m", "ipykernel_launcher", "-f", "k.json"],
                                     ["--bind", "/", "/"], ["--", "sh"], ["--reuid=0", "id"]])
def test_the_command_runs_as_the_uid_with_no_capability(machine, command):
    """setpriv becomes the sandbox's uid and gid, with no groups, no capability and no way to
    gain one; the command follows "--" word for word (words that look like options of bwrap
    or setpriv are the command's)."""
    built = build(machine, "nothing hidden", command=command)
    assert built.command[0] == "setpriv"
    separator = built.command.index("--")
    options, rest = built.command[1:separator], built.command[separator + 1:]
    assert rest == command
    assert sorted(options) == sorted([f"--reuid={UID}", f"--regid={UID}", "--clear-groups", "--no-new-privs",
                                      "--inh-caps=-all", "--bounding-set=-all"])


def test_etc_holds_the_sandboxs_own_files_and_a_few_of_the_machines(machine):
    """/etc/passwd and the rest come from descriptors (the sandbox's user only), read-only;
    of the machine's /etc only HOST_ETC; /etc/shadow and the like are not there."""
    etc = {"passwd": 11, "group": 12, "hostname": 13, "hosts": 14}
    root = build(machine, "nothing hidden", etc=etc).root
    for name, descriptor in etc.items():
        mount = root.mount(f"/etc/{name}")
        assert (mount.kind, mount.source, mount.writable, mount.perms) == ("data", str(descriptor), False, "0644")
    below = sorted(m.target for m in root.mounts if within(m.target, "/etc"))
    assert below == sorted([f"/etc/{n}" for n in etc] + [p for p in HOST_ETC if os.path.exists(p)])
    assert root.mount("/etc/shadow") is None and root.mount("/etc/sudoers") is None


def test_the_sandboxs_users_are_root_and_itself():
    files = sandbox.etc_files(UID, "/tmp/grading-sandboxes/abc")
    users = [line.split(":") for line in files["passwd"].splitlines()]
    assert [u[0] for u in users] == ["root", "student"] and all(len(u) == 7 for u in users)
    assert users[1][2:4] == [str(UID), str(UID)] and users[1][5] == "/tmp/grading-sandboxes/abc"
    assert [g.split(":")[:3] for g in files["group"].splitlines()] == [["root", "x", "0"], ["student", "x", str(UID)]]
    assert files["hostname"].strip() == "grading" and "grading" in files["hosts"]


# ------------------------------------------------------------------------ python_paths

def test_python_paths_keep_the_environment_and_never_the_folder_holding_the_package(tmp_path, monkeypatch):
    """Of a prefix (say /usr/local) only what Python uses is kept: bin, lib/pythonX.Y, libpython
    and pyvenv.cfg, never the rest (a course copy in /usr/local/src). The folders .pth files add
    are kept (a borrowed site-packages), but not comments, import lines, missing folders, or one
    that holds the grading package (the repository of an editable install); a folder inside
    another kept one is not listed twice."""
    top = Path(os.path.realpath(tmp_path))
    prefix, version = top / "local", f"python{sys.version_info.major}.{sys.version_info.minor}"
    packages, borrowed = prefix / "lib" / version / "site-packages", top / "borrowed"
    for folder in (packages / "inner", prefix / "bin", prefix / "src" / "course-copy", prefix / "share", borrowed):
        folder.mkdir(parents=True)
    for name in ("lib/libpython3.so", "pyvenv.cfg", "lib/other.so"):
        (prefix / name).write_text("")
    holder = Path(sandbox.__file__).resolve().parent.parent.parent
    (packages / "a.pth").write_text(f"# {top / 'commented'}\nimport os; os.getcwd()\n{borrowed}\n"
                                    f"{top / 'missing'}\n{holder}\n{holder.parent}\n")
    (packages / "b.pth").write_text("inner\n")  # relative to site-packages, inside it
    for name in ("prefix", "base_prefix", "exec_prefix", "base_exec_prefix"):
        monkeypatch.setattr(sys, name, str(prefix))
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(packages)])
    assert sandbox.python_paths() == sorted(str(p) for p in (
        prefix / "bin", prefix / "lib" / version, prefix / "lib" / "libpython3.so", prefix / "pyvenv.cfg", borrowed))


def test_this_machines_python_is_kept_and_the_package_is_not_unless_installed_in_it():
    """The kernel finds its interpreter and packages in what is kept; the grading package is in
    a kept folder only when it is installed there (a wheel in site-packages, then hidden)."""
    import ipykernel
    import numpy
    for path in (sys.executable, numpy.__file__, ipykernel.__file__):
        assert any(within(os.path.realpath(path), p) for p in [*sandbox.PYTHON, *SYSTEM]), path
    assert not any(within(str(PACKAGE), p) for p in sandbox.PYTHON) or \
        PACKAGE.parent.name in ("site-packages", "dist-packages")
