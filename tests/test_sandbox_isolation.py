"""The sandbox is an allow-list: a kernel sees the system's programs and libraries and its own
Python, read-only, its scratch folder, and private /tmp, /var/tmp and /dev/shm; nothing else of
the machine. Each test runs the same probe on the host first, where it must find what the
sandbox must not (so a test fails if the sandbox lets it through)."""
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from autograder.course import REPOSITORY
from autograder.limits import Limits
from autograder.sandbox import kernel as sandbox
from sandbox_support import printed, sandboxed_kernel

LIMITS = Limits(memory_mb=1024)
# imports the oracle of a course copy at `place` and reads its source notebook: prints what it found
STEAL = """
import json, os, sys
found = {}
for place in PLACES:
    sys.path.insert(0, place)
    try:
        from autograder.assignments.rnn_step_by_step.oracle import rnn_cell_forward
        found[place] = 'imported the oracle'
    except ImportError:
        try:
            found[place] = '%d bytes of the source notebook' % len(open(place + '/source/rnn_step_by_step/rnn_step_by_step.ipynb').read())
        except OSError:
            found[place] = os.path.exists(place)
    finally:
        sys.path.remove(place)
        for name in [n for n in sys.modules if n == 'autograder' or n.startswith('autograder.')]:
            del sys.modules[name]
print(json.dumps(found))
"""


def on_host(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture
def course_copies(tmp_path):
    """Copies of the course (the package with its oracle, a source notebook) at arbitrary places:
    /opt, /srv, /home and beside the sandbox's own scratch folder (tmp_path/work)."""
    name = f"course-copy-{uuid.uuid4().hex[:12]}"
    places = [Path(top) / name for top in ("/opt", "/srv", "/home")] + [tmp_path / name]
    try:
        for place in places:
            shutil.copytree(REPOSITORY / "autograder", place / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copytree(REPOSITORY / "source" / "rnn_step_by_step", place / "source" / "rnn_step_by_step")
        yield [str(p) for p in places]
    finally:
        for place in places:
            shutil.rmtree(place, ignore_errors=True)


def test_a_copy_of_the_course_anywhere_on_the_machine_is_invisible(tmp_path, course_copies):
    code = f"PLACES = {course_copies + [str(REPOSITORY)]!r}\n" + STEAL
    assert set(last_json(on_host(code)).values()) == {"imported the oracle"}  # there to be stolen
    with sandboxed_kernel(tmp_path, LIMITS, hide=[str(REPOSITORY)]) as kernel:
        found = last_json(printed(kernel, code))
        siblings = printed(kernel, f"import os\nprint(os.listdir({str(tmp_path)!r}))")
        imported = printed(kernel, "try:\n    import autograder\nexcept ImportError as e:\n    print(e)")
    # the repository is there only as the folder above a kept environment inside it (.venv)
    holds_python = any(sandbox.within(path, str(REPOSITORY)) for path in sandbox.PYTHON)
    assert found == {**dict.fromkeys(course_copies, False), str(REPOSITORY): holds_python}
    assert siblings.strip() == "['work']"  # the scratch folder only, not the copy beside it
    assert "No module named 'autograder'" in imported  # the editable install points to a folder it cannot see


def test_the_root_holds_only_what_the_allow_list_names(tmp_path):
    with sandboxed_kernel(tmp_path, LIMITS) as kernel:
        seen = last_json(printed(kernel, "import json, os\nprint(json.dumps([sorted(os.listdir('/')), "
                                         "sorted(os.listdir('/etc')), sorted(os.listdir('/usr'))]))"))
    tops = {Path(p).parts[1] for p in sandbox.SYSTEM + tuple(sandbox.PYTHON) if os.path.lexists(p)}
    assert seen[0] == sorted(tops | {"dev", "etc", "proc", "tmp", "var", Path(tmp_path).parts[1]})
    assert seen[1] == sorted({Path(p).name for p in sandbox.HOST_ETC if os.path.exists(p)}
                             | {"passwd", "group", "hostname", "hosts"})
    assert set(seen[2]) <= {"bin", "lib", "lib32", "lib64"} | {Path(p).parts[2] for p in sandbox.PYTHON
                                                                 if p.startswith("/usr/")}
    assert "share" in os.listdir("/usr") and "local" in os.listdir("/usr")  # the host has more


def test_the_grading_package_is_an_empty_folder_even_inside_the_kept_environment(tmp_path, monkeypatch):
    """A wheel install: the package lies in site-packages, which the kernel needs; the package
    folder alone is hidden there (hidden_folders), its neighbours stay importable."""
    from autograder.batch import submission
    environment = tmp_path / "env"
    site = environment / "lib" / "site-packages"
    shutil.copytree(REPOSITORY / "autograder", site / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "neighbour").mkdir()
    (site / "neighbour" / "__init__.py").write_text("VALUE = 7\n")
    for folder in [environment, *environment.rglob("*")]:  # as pip installs: readable by everyone
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    monkeypatch.setattr(submission, "PACKAGE_DIR", site / "autograder")
    monkeypatch.setattr(submission, "PYTHON", [*sandbox.PYTHON, str(environment)])
    hide = submission.hidden_folders(["/nowhere/course"])
    assert str(site) not in hide and str(site / "autograder") in hide
    code = (f"import json, os, sys\nsys.path.insert(0, {str(site)!r})\nimport neighbour\nfound = [neighbour.VALUE, "
            f"sorted(os.listdir({str(site / 'autograder')!r}))]\n"
            "try:\n    from autograder.assignments.rnn_step_by_step.oracle import rnn_cell_forward\n    found.append('oracle')\n"
            "except ImportError:\n    found.append('no oracle')\nprint(json.dumps(found))")
    assert last_json(on_host(code))[2] == "oracle"
    with sandboxed_kernel(tmp_path, LIMITS, hide=hide, keep=[*sandbox.PYTHON, str(environment)]) as kernel:
        assert last_json(printed(kernel, code)) == [7, [], "no oracle"]
        written = printed(kernel, f"open({str(site / 'neighbour' / 'x.py')!r}, 'w')")
    assert "Read-only file system" in written


def test_a_scratch_folder_inside_a_hidden_course_inside_a_kept_folder_is_the_kernels_own(tmp_path):
    """A layout where the kept folder holds the hidden course and the scratch folder lies inside
    that: the kernel starts, writes and reads its scratch folder without being recorded as
    tampering, and sees nothing else of the course (a neighbour of the scratch folder)."""
    kept = tmp_path / "kept"
    scratch = kept / "course" / "grading"
    scratch.mkdir(parents=True)
    (kept / "course" / "solutions.py").write_text("SECRET = 1\n")
    for folder in [kept, *kept.rglob("*")]:
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    code = (f"import json, os, sys\nopen('notes.txt', 'w').write('mine')\nfound = [open('notes.txt').read(), "
            f"os.path.exists({str(kept / 'course' / 'solutions.py')!r}), os.path.exists({str(kept)!r}), "
            "sys.modules['_grading_agent'].READS]\nprint(json.dumps(found))")
    with sandboxed_kernel(scratch, LIMITS, hide=[str(kept / "course")], keep=[*sandbox.PYTHON, str(kept)]) as kernel:
        kernel.boot_agent()  # as a grading session does: its audit hook records what is opened
        assert last_json(printed(kernel, code)) == ["mine", False, True, []]


def test_tmp_var_tmp_and_dev_shm_are_private_size_limited_and_vanish_with_the_sandbox(tmp_path):
    name = f"left-behind-{uuid.uuid4().hex}"
    limits = Limits(memory_mb=400)  # each tmpfs: a quarter, 100 MiB
    fill = (f"import os\nsizes = []\nfor folder in ['/tmp', '/var/tmp', '/dev/shm']:\n"
            f"    open(folder + '/{name}', 'w').write('x')\n"
            "    s = os.statvfs(folder)\n    sizes.append(s.f_blocks * s.f_frsize // 2 ** 20)\n"
            "try:\n    open('/tmp/big', 'wb').write(bytes(101 * 2 ** 20))\nexcept OSError as e:\n    print(e)\n"
            "os.remove('/tmp/big')\nprint(sizes)")
    look = f"import os\nprint([os.path.exists(f + '/{name}') for f in ['/tmp', '/var/tmp', '/dev/shm']])"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with sandboxed_kernel(tmp_path / "a", limits) as first, sandboxed_kernel(tmp_path / "b", limits) as second:
        filled = printed(first, fill)
        assert printed(first, look).strip() == "[True, True, True]"
        assert printed(second, look).strip() == "[False, False, False]"  # a neighbour's are not there
    assert "No space left on device" in filled and "[100, 100, 100]" in filled
    assert not any(os.path.exists(f"{folder}/{name}") for folder in ("/tmp", "/var/tmp", "/dev/shm"))


FILL_THE_SCRATCH_FOLDER = """
import os
try:
    with open('big', 'wb') as f:
        for _ in range(4 * 1024):  # 4 GiB, if nothing stops it
            f.write(bytes(2 ** 20))
except OSError as e:
    print('big:', e.strerror)
os.remove('big')
made = 0
try:
    while made < 10 ** 6:
        open('f%d' % made, 'w').close()
        made += 1
except OSError as e:
    print('files:', e.strerror)
print(made)
"""


def test_the_scratch_folder_is_a_size_and_file_capped_tmpfs_counted_as_memory_and_gone_after(tmp_path):
    """A notebook writing gigabytes, or a million files, into its working folder meets the cap of
    its own tmpfs (nothing reaches the machine's disk or inodes); what it holds there counts as
    the sandbox's memory, and the folder is unmounted and removed afterwards."""
    limits = Limits(memory_mb=400, scratch_files=500)  # scratch: 100 MiB, 500 files and folders
    disk = shutil.disk_usage(sandbox.SCRATCH.parent).used
    with sandbox.scratch_folder(limits) as workdir, sandboxed_kernel(workdir, limits) as kernel:
        assert os.stat(workdir).st_dev != os.stat(workdir.parent).st_dev  # a mount of its own
        before = kernel.peak_memory_mb
        printed(kernel, "open('held', 'wb').write(bytes(80 * 2 ** 20)); import os, time; time.sleep(1); os.remove('held')")
        held = kernel.peak_memory_mb
        filled = printed(kernel, FILL_THE_SCRATCH_FOLDER, seconds=120)
        grown = shutil.disk_usage(sandbox.SCRATCH.parent).used - disk
    assert "big: No space left on device" in filled and "files: No space left on device" in filled
    assert 400 < int(filled.split()[-1]) < 500  # its own release files, sockets and folders take the rest
    assert grown < 50 * 2 ** 20  # (other jobs on the machine write too)
    assert held - before > 60  # the 80 MiB file is the sandbox's memory
    assert not workdir.exists()


def test_a_scratch_folder_a_killed_worker_left_mounted_is_swept(tmp_path):
    """A worker killed -9 leaves its scratch tmpfs mounted; the next sandbox made on the machine
    unmounts and removes it (its name carries the dead worker's pid)."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = sandbox.SCRATCH / f"{dead.pid}-{uuid.uuid4().hex}"
    left.mkdir(parents=True)
    sandbox._mount_tmpfs(left, "size=1m")
    (left / "file").write_text("x")
    try:
        with sandbox.scratch_folder(Limits()) as workdir:
            assert workdir.is_dir()
        assert not left.exists()
    finally:
        if left.exists():
            sandbox._unmount(left)
            shutil.rmtree(left, ignore_errors=True)


def test_the_kernel_runs_as_a_user_of_its_own_without_capabilities_network_or_other_processes(tmp_path):
    code = ("import json, os, pwd, socket\nstatus = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
            "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    network = 'connected'\n"
            "except OSError as e:\n    network = type(e).__name__\n"
            "print(json.dumps([os.getuid(), os.getgid(), os.getgroups(), pwd.getpwuid(os.getuid()).pw_name, "
            "status['CapEff'].strip(), status['CapBnd'].strip(), status['NoNewPrivs'].strip(), network, "
            "sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), socket.gethostname()]))")
    with sandboxed_kernel(tmp_path, LIMITS) as kernel:
        uid, gid, groups, user, effective, bounding, no_new_privs, network, pids, host = last_json(printed(kernel, code))
        assert uid == kernel.confinement.uid
    assert uid in sandbox.UIDS and gid == uid and groups == [] and user == "student"
    assert effective == bounding == "0000000000000000" and no_new_privs == "1"
    assert network != "connected"
    assert pids[:2] == [1, 2] and len(pids) <= 3  # bwrap's init, the kernel, and perhaps the listing's
    assert host == "grading"


def test_the_kept_python_adds_folders_pth_files_add_but_never_one_holding_the_package(tmp_path, monkeypatch):
    """A borrowed site-packages named in a .pth file is kept (the kernel imports from it); a .pth
    line naming the repository (an older editable install) is not."""
    site_packages, borrowed = tmp_path / "site-packages", tmp_path / "borrowed"
    site_packages.mkdir()
    borrowed.mkdir()
    (site_packages / "course.pth").write_text(f"# a comment\nimport os\n{borrowed}\n{REPOSITORY}\n../missing\n")
    monkeypatch.setattr(sandbox.site, "getsitepackages", lambda: [str(site_packages)])
    paths = sandbox.python_paths()
    assert str(site_packages) in paths and str(borrowed) in paths
    assert not any(sandbox.within(str(REPOSITORY / "autograder"), path) for path in paths)
