"""Hidden and kept folders: which opened paths the grading agent's audit hook records as
attempts to read a hidden folder (`agent.hidden_path`: the longest hidden prefix against the
longest kept one, by name alone), how `audit` records them, and the lists the worker computes
and hands to both the agent and bubblewrap. The decision is tested as a pure function, and the
hook itself only in a child process (an audit hook can never be removed)."""
import ast
import json
import os
import subprocess
import sys
import textwrap

import pytest

from autograder import agent
from autograder.agent import hidden_path
from autograder.batch import submission
from autograder.limits import Limits
from autograder.sandbox import kernel as sandbox

HIDDEN = ["/srv/course", "/work/repo", "/opt/env/lib/site-packages/autograder"]
KEPT = ["/work/repo/.venv", "/opt/env"]


@pytest.mark.parametrize("path, read", [
    ("/srv/course/source/hw.ipynb", True),
    ("/srv/course", True),                                   # the folder itself (listing it)
    ("/srv/course-copy/source/hw.ipynb", False),             # a name that starts alike is another folder
    ("/srv/courses", False),
    ("/srv", False),                                         # above it
    ("/srv/course/../course-copy/x", False),                 # ".." by name
    ("/srv/other/../course/gradebook.db", True),
    ("/srv//course/./source/x", True),
    ("//srv/course/gradebook.db", True),                     # two leading slashes: the same file on Linux
    ("///srv/course/gradebook.db", True),
    (b"/srv/course/gradebook.db", True),                     # bytes, as os.open may get them
    (b"/srv/course/\xff", True),                             # not UTF-8
    ("/opt/env/lib/site-packages/numpy/core.py", False),     # kept
    ("/opt/env/lib/site-packages/autograder/oracle.py", True),  # hidden inside a kept folder
    ("/opt/env/lib/site-packages/autograder-1.0.dist-info/RECORD", False),
    ("/work/repo/autograder/oracle.py", True),
    ("/work/repo/.venv/lib/python3.11/site.py", False),      # kept inside a hidden folder: mounted back
    ("/work/repo/.venv", False),
    ("/work/repo/.venv-old/lib/x.py", True),                 # beside the kept folder, still in the hidden one
    ("/work/repo/.venv/../source/hw.ipynb", True),
    ("/etc/passwd", False),
])
def test_a_read_is_a_path_whose_longest_hidden_prefix_beats_the_kept_one(path, read):
    found = hidden_path(path, HIDDEN, KEPT)
    assert (found is not None) == read
    if read:  # what is recorded: the absolute path by name, one leading slash
        assert found == "/" + os.path.normpath(os.fsdecode(path)).lstrip("/")


def test_equal_hidden_and_kept_folders_are_no_read():
    """A folder both hidden and kept is there (bubblewrap binds it and masks nothing): no read."""
    assert hidden_path("/opt/env/x", ["/opt/env"], ["/opt/env"]) is None
    assert hidden_path("/opt/env/x", ["/opt/env"], []) == "/opt/env/x"


def test_relative_paths_are_judged_from_the_working_folder_by_name(tmp_path, monkeypatch):
    """A relative path counts from the current folder; ".." is taken by name, never through a
    link (the sandbox decides what a link reaches: the hidden folder is not there at all)."""
    course, elsewhere = tmp_path / "course", tmp_path / "deep" / "inner"
    (course / "source").mkdir(parents=True)
    elsewhere.mkdir(parents=True)
    (tmp_path / "link").symlink_to(elsewhere)
    hidden = [str(course)]
    monkeypatch.chdir(course / "source")
    assert hidden_path("hw.ipynb", hidden, []) == str(course / "source" / "hw.ipynb")
    assert hidden_path("../../course-copy/x", hidden, []) is None
    monkeypatch.chdir(tmp_path)
    assert hidden_path("link/../course/x", hidden, []) == str(course / "x")  # by name: tmp/course/x
    assert hidden_path("link/x", hidden, []) is None


@pytest.fixture
def fresh(monkeypatch):
    """The agent's lists as install() leaves them, empty of records (no hook is added)."""
    for name in ("HIDDEN", "KEPT", "READS", "ACTIVITY"):
        monkeypatch.setattr(agent, name, [])
    monkeypatch.setattr(agent, "PRISTINE", {})
    agent.HIDDEN.extend(HIDDEN)
    agent.KEPT.extend(KEPT)
    return agent


def test_audit_records_opens_of_hidden_paths_only(fresh):
    for path in ("/srv/course/gradebook.db", b"/work/repo/autograder/oracle.py", "/opt/env/lib/x.py", 7,
                 "/srv/course-copy/x"):
        fresh.audit("open", (path, "r", 0))
    fresh.audit("os.listdir", ("/srv/course",))  # not an open: not judged here
    assert fresh.READS == ["/srv/course/gradebook.db", "/work/repo/autograder/oracle.py"]
    assert fresh.observations()["tampering"] == ["tried to open /srv/course/gradebook.db",
                                                 "tried to open /work/repo/autograder/oracle.py"]


def test_audit_keeps_at_most_fifty_reads_of_160_characters(fresh):
    long = "/srv/course/" + "x" * 300
    for i in range(80):
        fresh.audit("open", (f"{long}{i}", "r", 0))
    assert len(fresh.READS) == 50 and all(read == long[:160] for read in fresh.READS)


def test_the_installed_hook_sees_every_way_of_opening_a_file(tmp_path):
    """In a child process, the agent loaded as the kernel loads it (its source run as the
    module _grading_agent) and installed: builtin open, os.open, pathlib, numpy, bytes and
    relative paths into the hidden folder are recorded; a kept file beneath it is not."""
    course, kept = tmp_path / "course", tmp_path / "course" / "env"
    kept.mkdir(parents=True)
    for folder in (course, kept):
        (folder / "data.npy").write_bytes(b"\x93NUMPY")  # enough to be opened (numpy fails after)
        (folder / "notes.txt").write_text("x")
    code = textwrap.dedent(f"""
        import json, os, pathlib, sys, types
        agent = types.ModuleType('_grading_agent')
        exec(compile(open({str(sandbox.AGENT_FILE)!r}).read(), '<grading agent>', 'exec'), agent.__dict__)
        agent.install(None, [{str(course)!r}], [{str(kept)!r}])
        import numpy
        for folder in ({str(course)!r}, {str(kept)!r}):
            open(folder + '/notes.txt').close()
            os.close(os.open(folder.encode() + b'/notes.txt', os.O_RDONLY))
            pathlib.Path(folder, 'notes.txt').read_text()
            try:
                numpy.load(pathlib.Path(folder, 'data.npy'))
            except Exception:
                pass
        os.chdir({str(course)!r})
        open('env/../notes.txt').close()
        print(json.dumps(agent.observations()))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    tampering = json.loads(result.stdout.strip().splitlines()[-1])["tampering"]
    assert tampering == [f"tried to open {course}/notes.txt"] * 3 + [f"tried to open {course}/data.npy",
                                                                     f"tried to open {course}/notes.txt"]


# ----------------------------------------------------------------- the worker's lists

def test_the_worker_hides_the_course_by_its_real_path_and_the_package_with_its_holder(tmp_path, monkeypatch):
    """`hidden_folders`: the protected folders as real paths (a link or ".." in the name of
    the course directory hides the folder it names), the grading package, and the folder
    holding it (an editable install's repository) unless a kept Python folder is that folder
    (a wheel in site-packages: the environment must stay)."""
    course = tmp_path / "course"
    course.mkdir()
    (tmp_path / "link").symlink_to(course)
    package, holder = str(submission.PACKAGE_DIR), str(submission.PACKAGE_DIR.parent)
    monkeypatch.setattr(submission, "PYTHON", ["/opt/elsewhere"])
    assert submission.hidden_folders((str(tmp_path / "link"), f"{tmp_path}/x/../course")) == \
        sorted({str(course), package, holder})
    monkeypatch.setattr(submission, "PYTHON", [holder])
    assert submission.hidden_folders(()) == [package]


def test_with_the_worker_lists_the_kernel_may_read_its_python_but_not_the_grading_code(tmp_path):
    """The lists a submission is graded with here (this machine's Python kept): numpy and the
    interpreter's library are no read; the oracle, the graders and the course are."""
    import numpy
    hide, keep = submission.hidden_folders((str(tmp_path),)), sandbox.PYTHON
    assert hidden_path(os.path.realpath(numpy.__file__), hide, keep) is None
    assert hidden_path(os.path.realpath(os.__file__), hide, keep) is None
    for path in (submission.PACKAGE_DIR / "agent.py", submission.PACKAGE_DIR / "assignments",
                 tmp_path / "gradebook.db", tmp_path / "source" / "hw.ipynb"):
        assert hidden_path(str(path), hide, keep) == str(path)


def test_the_kernel_gives_the_agent_and_bwrap_the_same_real_paths(tmp_path, monkeypatch):
    """SandboxedKernel takes hide and keep as real paths, and boots the agent with exactly
    those lists, its scratch folder kept too (read from the code it would send the kernel,
    which is not started here)."""
    course, env = tmp_path / "course", tmp_path / "env"
    course.mkdir(), env.mkdir()
    (tmp_path / "course-link").symlink_to(course)
    kernel = sandbox.SandboxedKernel(tmp_path / "work", Limits(), hide=[str(tmp_path / "course-link")],
                                     keep=[f"{env}/../env/"])
    assert (kernel.hide, kernel.keep) == ([str(course)], [str(env)])
    sent = []
    monkeypatch.setattr(kernel, "execute", lambda code, *args, **kwargs: sent.append(code))
    kernel.boot_agent()
    install = next(node for node in ast.walk(ast.parse(sent[0]))
                   if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "install")
    assert [ast.literal_eval(argument) for argument in install.args[1:]] == [
        kernel.hide, [*kernel.keep, os.path.realpath(tmp_path / "work")]]
