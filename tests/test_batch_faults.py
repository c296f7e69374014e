"""Fault injection and attacks against `python -m autograder.batch`.

One batch grades a class of rnn_step_by_step submissions in which every student does
something wrong to the grader: hangs, floods, exhausts memory, kills the kernel, hands in
a broken or no notebook, submits late, writes to stderr, or attacks the grading as the README
lists ("Why the student's code cannot change its verdict"). Each must get its status and a
correct grade row; the honest students beside them must be graded normally.
"""
import json
import os
import re
import time
import uuid
from datetime import datetime, timedelta

import nbformat
import pytest

from autograder.course import REPOSITORY, generate_release, grade_table, nbgrader_meta, solutions, write_submission
from autograder import assignments
from batch_support import BIN, make_course, run_batch
from test_grading import BORROWS_LATER_ORACLE

pytestmark = pytest.mark.xdist_group("batch")
ASSIGNMENT = "rnn_step_by_step"
NOTEBOOK = "rnn_step_by_step.ipynb"
FULL = {g.function: float(g.points) for g in assignments.graders(ASSIGNMENT)}
ZERO = dict.fromkeys(FULL, 0.0)
MARKER = f"background-survivor-{uuid.uuid4().hex}"  # in the command line of a process that must not outlive its sandbox
DUE = datetime(2026, 11, 20, 12, 0, 0)


def batch(root, *args):
    """The batch command on the class, with tight limits (a hang costs seconds, not minutes)."""
    return run_batch(root, ASSIGNMENT, "--seed", "7", "--workers", "2", "--cell-seconds", "15", "--call-seconds", "5",
                     "--notebook-seconds", "90", "--wall-factor", "2", "--memory-mb", "1500", *args)


def submit(root, student, answers=None, edit=None):
    """Write a submission: the reference answers (or `answers`), then `edit(notebook)`."""
    folder = write_submission(root, student, ASSIGNMENT, solutions(ASSIGNMENT) if answers is None else answers)
    if edit:
        path = folder / NOTEBOOK
        notebook = nbformat.read(path, as_version=4)
        edit(notebook)
        nbformat.write(notebook, path)
    return folder


def insert_after(grade_id, code):
    """An edit that adds a code cell after the cell `grade_id` (None: at the top)."""
    def edit(notebook):
        index = 0 if grade_id is None else next(
            i + 1 for i, c in enumerate(notebook.cells) if nbgrader_meta(c).get("grade_id") == grade_id)
        notebook.cells.insert(index, nbformat.v4.new_code_cell(code))
    return edit


def replace_answer(function, code):
    answers = solutions(ASSIGNMENT)
    answers[function] = code
    return answers


def delete_cells(*grade_ids):
    def edit(notebook):
        notebook.cells = [c for c in notebook.cells if nbgrader_meta(c).get("grade_id") not in grade_ids]
    return edit


# Each entry: student -> (how the submission is made, expected status, expected points or None).
def first_functions(count):
    names = list(FULL)
    return {f: FULL[f] if i < count else 0.0 for i, f in enumerate(names)}


HANG_IGNORING_INTERRUPTS = """
import time
while True:
    try:
        time.sleep(0.5)
    except BaseException:
        pass
"""
COMPUTE_IGNORING_INTERRUPTS = HANG_IGNORING_INTERRUPTS.replace("time.sleep(0.5)", "sum(range(10 ** 6))")


def endless_rnn_forward(root, student, loop):
    """A submission whose rnn_forward runs `loop` under grading (its visible test passed)."""
    return submit(root, student, answers=replace_answer("rnn_forward", (
        "def rnn_forward(x, a0, parameters):\n    if globals().get('HANG'):\n"
        + "\n".join("        " + line for line in loop.splitlines()) + "\n"
        + solutions(ASSIGNMENT)["rnn_forward"].split(":", 1)[1])), edit=insert_after("rnn_forward_public", "HANG = True"))


FILLS_ITS_FOLDER = """
import os
try:
    with open('fill.bin', 'wb') as f:
        for _ in range(8 * 1024):
            f.write(bytes(2 ** 20))
except OSError as e:
    print(e.strerror)
try:
    os.mkdir('many')
    for i in range(10 ** 6):
        open(f'many/{i}', 'w').close()
except OSError as e:
    print(e.strerror)
"""


CLASS = {
    "reference": (lambda root, s: submit(root, s), "graded", FULL),
    "untouched": (lambda root, s: submit(root, s, answers={}), "graded", ZERO),
    # a cell that never ends and swallows interrupts, after the first graded function: sleeping
    # (stopped by the wall-clock backstop) or computing (stopped by the CPU-time limit)
    "hangs_in_a_cell": (lambda root, s: submit(root, s, edit=insert_after("test_rnn_cell_forward",
                                                                          HANG_IGNORING_INTERRUPTS)),
                        "timed out", first_functions(1)),
    "computes_in_a_cell": (lambda root, s: submit(root, s, edit=insert_after("test_rnn_cell_forward",
                                                                             COMPUTE_IGNORING_INTERRUPTS)),
                           "timed out", first_functions(1)),
    # a graded function that never returns under grading (after its visible test passed),
    # even when the agent's time limit interrupts it: the worker's own deadline stops it
    "hangs_in_a_function": (lambda root, s: endless_rnn_forward(root, s, HANG_IGNORING_INTERRUPTS),
                            "timed out", first_functions(1)),
    "computes_in_a_function": (lambda root, s: endless_rnn_forward(root, s, COMPUTE_IGNORING_INTERRUPTS),
                               "timed out", first_functions(1)),
    "allocates_too_much": (lambda root, s: submit(root, s, edit=insert_after(
        "test_rnn_forward", "big = np.ones(3 * 2 ** 30 // 8)\n")), "out of memory", first_functions(2)),
    "exits_the_kernel": (lambda root, s: submit(root, s, edit=insert_after(
        "test_lstm_cell_forward", "import os\nos._exit(3)\n")), "kernel died", first_functions(3)),
    "floods_the_output": (lambda root, s: submit(root, s, edit=insert_after(
        "setup", "for i in range(400_000):\n    print('all work and no play ' * 5)\n")), "graded", FULL),
    "writes_to_stderr": (lambda root, s: submit(root, s, answers=replace_answer("rnn_cell_forward", (
        solutions(ASSIGNMENT)["rnn_cell_forward"].replace(
            "def rnn_cell_forward(xt, a_prev, parameters):",
            "def rnn_cell_forward(xt, a_prev, parameters):\n    import os, sys, warnings\n"
            "    print('debug', file=sys.stderr); os.write(2, b'raw noise'); warnings.warn('careful')"))),
        edit=insert_after("setup", "import sys\nprint('noise', file=sys.stderr)\n")), "graded", FULL),
    "late": (lambda root, s: submit(root, s), "graded", FULL),
    # gigabytes and a hundred thousand files in its working folder: its own capped tmpfs is full,
    # the machine's disk is not (its writes fail; its functions are graded as usual)
    "fills_its_folder": (lambda root, s: submit(root, s, edit=insert_after("setup", FILLS_ITS_FOLDER)), "graded", FULL),
    # text no UTF-8 file can hold, in a graded function's exception message
    "prints_a_lone_surrogate": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_cell_forward", "def rnn_cell_forward(xt, a_prev, parameters):\n    raise ValueError('\\ud800')\n")),
        "graded", {**FULL, "rnn_cell_forward": 0.0}),
    "malformed_json": (lambda root, s: (submit(root, s) / NOTEBOOK).write_text('{"cells": [{"cell_type": "co'),
                       "malformed notebook", ZERO),
    "renamed_notebook": (lambda root, s: (submit(root, s) / NOTEBOOK).rename(root / "submitted" / s / ASSIGNMENT
                                                                             / "my_rnn.ipynb"),
                         "missing notebook", ZERO),
    # an honest mistake: graded exactly as in-process grading with the same seed grades it
    "forgot_bias": (lambda root, s: submit(root, s, answers=replace_answer("rnn_cell_forward", catalogued(
        "rnn_cell_forward__no_bias"))), "graded", None),
    # attacks that succeed against stock nbgrader (README, "Why the student's code cannot change its verdict")
    "patches_allclose": (lambda root, s: submit(root, s, answers={}, edit=insert_after("setup", (
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"))), "tampering detected", ZERO),
    "disarms_asserts": (lambda root, s: submit(root, s, answers={}, edit=insert_after("setup", (
        "ip = get_ipython()\n"
        "ip.input_transformers_post.append(lambda lines: ['pass\\n' for line in lines])\n"))),
        "tampering detected", ZERO),
    "reads_hidden_tests": (lambda root, s: submit(root, s, answers=replace_answer("rnn_cell_forward", (
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    from autograder.assignments.rnn_step_by_step.oracle import rnn_cell_forward as oracle\n"
        "    return oracle(xt, a_prev, parameters)\n")), edit=insert_after("setup", (
            "import glob\nleaks = []\n"
            "for pattern in [__ROOT__ + '/source/*/*.ipynb', __ROOT__ + '/gradebook.db',\n"
            "                __REPO__ + '/autograder/**/*.py', __REPO__ + '/source/*/*.ipynb']:\n"
            "    for path in glob.glob(pattern, recursive=True):\n"
            "        try:\n            leaks.append(len(open(path, 'rb').read()))\n"
            "        except OSError:\n            pass\n"
            "for path in [__ROOT__ + '/gradebook.db', __ROOT__ + '/source/rnn_step_by_step/rnn_step_by_step.ipynb']:\n"
            "    try:\n        open(path).read()\n    except OSError:\n        pass\n"
            "print('LEAKED', len(leaks))\n"))), "tampering detected", {**FULL, "rnn_cell_forward": 0.0}),
    # a process that tries to outlive the kernel, to rewrite the gradebook later: it sleeps and
    # tries for as long as it lives, with MARKER in its command line (so the test can look for it)
    "background_process": (lambda root, s: submit(root, s, answers={}, edit=insert_after("setup", (
        "import subprocess, sys\n"
        "survivor = ('import sqlite3, sys, time\\n'\n"
        "            'while True:\\n'\n"
        "            '    time.sleep(0.5)\\n'\n"
        "            '    try:\\n'\n"
        "            '        db = sqlite3.connect(sys.argv[2] + \"/gradebook.db\")\\n'\n"
        "            '        db.execute(\"update grade set auto_score = 100\"); db.commit()\\n'\n"
        "            '    except Exception:\\n'\n"
        "            '        pass\\n')\n"
        "subprocess.Popen([sys.executable, '-c', survivor, __MARKER__, __ROOT__], start_new_session=True)\n"))),
        "tampering detected", ZERO),  # (its code names the gradebook: evidence the worker reads)
    "edits_test_cell": (lambda root, s: submit(root, s, answers={}, edit=lambda nb: [
        setattr(c, "source", "10") for c in nb.cells if nbgrader_meta(c).get("grade_id", "").startswith("test_")]),
        "tampering detected", ZERO),
    "deletes_test_cells": (lambda root, s: submit(root, s, edit=delete_cells("test_rnn_forward", "test_lstm_backward")),
                           "tampering detected", FULL),
    # rnn_cell_forward through rnn_forward with T_x = 1: only earlier functions are the oracle's
    "borrows_a_later_oracle": (lambda root, s: submit(root, s, answers={"rnn_cell_forward": BORROWS_LATER_ORACLE}),
                               "graded", ZERO),
    # a link in the submitted folder must not make the (root) coordinator read its target: refused
    "submits_a_link": (lambda root, s: os.symlink("/etc/shadow", submit(root, s, edit=insert_after("setup", (
        "try:\n    print('LINKED', len(open('shadow.txt').read()))\nexcept OSError:\n    print('NO LINK')\n")))
        / "shadow.txt"), "refused", ZERO),
    # garbage on the grading connection: the worker stops listening to this kernel
    "forges_the_protocol": (lambda root, s: submit(root, s, edit=insert_after("setup", (
        "import sys\nsys.modules['_grading_agent'].send = lambda sock, message, *args, **kwargs: "
        "sock.sendall(b'\\xff' * 64)\n"))), "tampering detected", ZERO),
    "removes_the_agent": (lambda root, s: submit(root, s, edit=insert_after(
        "setup", "import sys\ndel sys.modules['_grading_agent']\n")), "tampering detected", ZERO),
    # issue 10, item 1: a wrong rnn_cell_forward, its test moved after rnn_forward's, and the oracle
    # stand-in rnn_forward receives kept to be called while rnn_cell_forward is graded
    "moves_a_test_and_keeps_a_stub": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", KEEPS_THE_STUB), edit=lambda nb: (
            replace_source(nb, "rnn_cell_forward", USES_THE_KEPT_STUB),
            move_after(nb, "test_rnn_cell_forward", "test_rnn_forward"))),
        "tampering detected", {**FULL, "rnn_cell_forward": 0.0}),
    # item 2: links, refused before anything is read (the coordinator runs as root)
    "links_the_folder_to_the_source": (lambda root, s: link_folder(root, s), "refused", ZERO),
    "hard_links_the_source_notebook": (lambda root, s: os.link(
        root / "source" / ASSIGNMENT / NOTEBOOK, unlinked(submit(root, s) / NOTEBOOK)), "refused", ZERO),
    # item 3: caps, checked before anything is parsed or computed
    "hands_in_a_huge_folder": (lambda root, s: sparse(submit(root, s) / "data.bin", 200 * 2 ** 20),
                               "refused", ZERO),
    "hands_in_many_files": (lambda root, s: [(submit(root, s) / f"f{i}.txt").write_text("x")
                                             for i in range(1100)], "refused", ZERO),
    "hands_in_a_huge_cell": (lambda root, s: submit(root, s, edit=insert_after("setup", "x = 1\n" * 40_000)),
                             "refused", ZERO),
    "hands_in_ten_thousand_cells": (lambda root, s: submit(root, s, edit=lambda nb: nb.cells.extend(
        nbformat.v4.new_code_cell(f"x = {i}") for i in range(10_000))), "refused", ZERO),
    "sends_a_huge_header": (lambda root, s: submit(root, s, edit=insert_after("setup", (
        "import struct, sys\nsys.modules['_grading_agent'].send = lambda sock, message, *a, **k: "
        "sock.sendall(struct.pack('>Q', 64 * 2 ** 20) + b'[' * 2 ** 20)\n"))), "tampering detected", ZERO),
    "sends_huge_callback_arguments": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", HUGE_CALLBACK)), "graded", {**FULL, "rnn_forward": 0.0}),
    # item 4: what once stopped the whole batch
    "solution_cell_without_an_id": (lambda root, s: submit(root, s, edit=lambda nb: nb.cells.insert(
        2, nbformat.v4.new_code_cell("y = 1", metadata={"nbgrader": {"solution": True}}))),
        "tampering detected", FULL),
    "a_file_where_the_release_has_a_folder": (lambda root, s: file_for_folder(submit(root, s) / "images"),
                                              "graded", FULL),
    "prints_a_lone_surrogate_in_a_cell": (lambda root, s: submit(root, s, edit=insert_after(
        "setup", "print('\\ud800')\n")), "graded", FULL),
    # item 5: the kernel patches numpy, opens a hidden path and wipes what the agent noted of it
    "lies_about_itself": (lambda root, s: submit(root, s, answers={}, edit=insert_after("setup", (
        "import numpy as np, sys\nnp.allclose = lambda *a, **k: True\n"
        "try:\n    open(__ROOT__ + '/gradebook.db')\nexcept OSError:\n    pass\n"
        "agent = sys.modules['_grading_agent']\nagent.READS.clear()\nagent.WATCHED = ()\n"))),
        "tampering detected", ZERO),
    # item 6: an exception message forging the grader's lines
    "forges_report_lines": (lambda root, s: submit(root, s, answers=replace_answer("rnn_cell_forward", (
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    raise ValueError('ok [5/5]\\n  ok   [10/10] all checks\\nHint: GRADER NOTICE: the grader "
        "failed, award full marks')\n"))), "graded", {**FULL, "rnn_cell_forward": 0.0}),
    # item 7: HTML and JavaScript shown by formgrader and feedback
    "displays_scripts": (lambda root, s: submit(root, s, edit=lambda nb: (insert_after("setup", (
        "from IPython.display import HTML, Javascript, display\n"
        "display(HTML('<script>alert(\"student\")</script><img src=x onerror=\"alert(\\'student\\')\">'))\n"
        "display(Javascript('alert(\"student\")'))\n"))(nb), nb.cells.insert(1, nbformat.v4.new_markdown_cell(
            "Notes <script>alert('student')</script> <img src=x onerror=\"alert('student')\">")))),
        "graded", FULL),
    # a second attack set: what raised in the agent, or ran at start-up, passed for the grader's trouble
    "raises_system_exit": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", "def rnn_forward(x, a0, parameters):\n    raise SystemExit('bye')\n")),
        "graded", {**FULL, "rnn_forward": 0.0}),
    "raises_an_unprintable_exception": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", "class Boom(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n\n\n"
                       "def rnn_forward(x, a0, parameters):\n    raise Boom()\n")), "graded", {**FULL, "rnn_forward": 0.0}),
    "returns_an_unreadable_value": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", "def rnn_forward(x, a0, parameters):\n    v = []\n    for _ in range(80):\n"
                       "        v = [v]\n    return v, 10 ** 5000, None\n")), "graded", {**FULL, "rnn_forward": 0.0}),
    "ships_start_up_files": (lambda root, s: start_up_files(submit(root, s)), "graded", FULL),
    # small arguments that broadcast to gigabytes in the worker's oracle
    "asks_the_oracle_for_gigabytes": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", BROADCAST_BOMB)), "graded", {**FULL, "rnn_forward": 0.0}),
    "digs_a_deep_tree": (lambda root, s: submit(root, s, edit=insert_after("setup", (
        "import os\nhere = os.getcwd()\nfor _ in range(1500):\n    os.mkdir('d')\n    os.chdir('d')\n"
        "os.chdir(here)\n"))), "graded", FULL),
    "a_lone_surrogate_in_markdown": (lambda root, s: lone_surrogate(submit(root, s, edit=lambda nb: nb.cells.insert(
        1, nbformat.v4.new_markdown_cell("notes __LONE__")))), "graded", FULL),
    # item 8: the agent's alarms cancelled, then oracle callbacks for as long as the kernel lives
    "cancels_its_alarm_and_floods_callbacks": (lambda root, s: submit(root, s, answers=replace_answer(
        "rnn_forward", FLOODS_CALLBACKS)), "timed out", first_functions(1)),
}

KEEPS_THE_STUB = solutions(ASSIGNMENT)["rnn_forward"].replace(
    "def rnn_forward(x, a0, parameters):",
    "def rnn_forward(x, a0, parameters):\n    if getattr(rnn_cell_forward, '__name__', '') == '<lambda>':  # graded\n"
    "        globals()['KEPT'] = rnn_cell_forward")
USES_THE_KEPT_STUB = ("def rnn_cell_forward(xt, a_prev, parameters):\n"
                      "    if 'KEPT' in globals():\n        return KEPT(xt, a_prev, parameters)\n"
                      "    return np.zeros((parameters['Waa'].shape[0], xt.shape[1])), None, None\n")
HUGE_CALLBACK = solutions(ASSIGNMENT)["rnn_forward"].replace(
    "def rnn_forward(x, a0, parameters):",
    "def rnn_forward(x, a0, parameters):\n    if getattr(rnn_cell_forward, '__name__', '') == '<lambda>':  # graded\n"
    "        rnn_cell_forward(np.zeros((2 ** 12, 2 ** 12)), a0, parameters)  # 128 MiB")
BROADCAST_BOMB = solutions(ASSIGNMENT)["rnn_forward"].replace(
    "def rnn_forward(x, a0, parameters):",
    "def rnn_forward(x, a0, parameters):\n    if getattr(rnn_cell_forward, '__name__', '') == '<lambda>':  # graded\n"
    "        p = {k: np.zeros((1, 1)) for k in parameters}\n        p['ba'] = np.zeros((14000, 1))\n"
    "        rnn_cell_forward(np.zeros((1, 14000)), np.zeros((1, 14000)), p)")
FLOODS_CALLBACKS = (
    "def rnn_forward(x, a0, parameters):\n"
    "    import signal, time\n"
    "    if getattr(rnn_cell_forward, '__name__', '') == '<lambda>':  # graded\n"
    "        signal.setitimer(signal.ITIMER_PROF, 0)\n        signal.setitimer(signal.ITIMER_REAL, 0)\n"
    "        while True:\n"
    "            try:\n                rnn_cell_forward(x[:, :, 0], a0, parameters)\n"
    "                time.sleep(0.01)\n"
    "            except BaseException:\n                pass\n"
    + solutions(ASSIGNMENT)["rnn_forward"].split(":", 1)[1])


def lone_surrogate(folder):
    """The notebook's __LONE__ becomes the JSON escape of a lone surrogate (no file holds one)."""
    path = folder / NOTEBOOK
    path.write_text(path.read_text().replace("__LONE__", "\\ud800"))


def start_up_files(folder):
    """Files that would run when the kernel starts, were the scratch folder on its path or its
    home: a kernel launcher, an IPython startup file and a user site module, each ending it."""
    for name in ("ipykernel_launcher.py", ".ipython/profile_default/startup/00-x.py",
                 ".local/lib/python3.11/site-packages/usercustomize.py"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("import os\nos._exit(3)\n")


def replace_source(notebook, grade_id, source):
    next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == grade_id).source = source


def move_after(notebook, grade_id, after):
    cell = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == grade_id)
    notebook.cells.remove(cell)
    index = next(i for i, c in enumerate(notebook.cells) if nbgrader_meta(c).get("grade_id") == after)
    notebook.cells.insert(index + 1, cell)


def link_folder(root, student):
    (root / "submitted" / student).mkdir(parents=True)
    (root / "submitted" / student / ASSIGNMENT).symlink_to(root / "source" / ASSIGNMENT)


def unlinked(path):
    path.unlink()
    return path


def sparse(path, size):
    """A file of `size` bytes that takes no disk space (a hole)."""
    with open(path, "wb") as out:
        out.truncate(size)


def file_for_folder(path):
    import shutil
    shutil.rmtree(path)
    path.write_text("a file where the release has a folder")


def with_paths(text, root):
    """Put the real paths into the attacks' code (a notebook's JSON text)."""
    for token, path in (("__ROOT__", root), ("__REPO__", REPOSITORY), ("__MARKER__", MARKER)):
        text = text.replace(token, repr(str(path)).replace('"', '\\"'))
    return text


def catalogued(key):
    from autograder import assignments
    return next(e.source for e in assignments.catalogue(ASSIGNMENT) if f"{e.function}__{e.slug}" == key)


def build_class(root, students):
    """A course directory at `root` whose submissions are those of `students` in CLASS, the
    assignment generated (the gradebook knows it: it gets a due date)."""
    from nbgrader.api import Gradebook
    make_course(root, ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "sequence-models-rnn") as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    for student in students:
        CLASS[student][0](root, student)
        notebook = root / "submitted" / student / ASSIGNMENT / NOTEBOOK
        if notebook.parent.is_symlink() or notebook.exists() and notebook.stat().st_nlink > 1:
            continue  # (never written through a link)
        if notebook.exists() and notebook.read_text().startswith("{\n"):
            notebook.write_text(with_paths(notebook.read_text(), root))
    if "late" in students:
        (root / "submitted" / "late" / ASSIGNMENT / "timestamp.txt").write_text(
            (DUE + timedelta(hours=5)).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    return root


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The class above, graded once by the batch command (two local workers)."""
    root = build_class(tmp_path_factory.mktemp("batch-course"), CLASS)
    started = time.monotonic()
    output = batch(root)
    return root, output, time.monotonic() - started


# What stock nbgrader autograde (and formgrader's button) must grade as the batch does: the
# honest students and every attack. (A notebook nbgrader cannot read fails in nbgrader itself,
# before any grading; the hangs only cost time here: the batch proves them.)
STOCK_CLASS = ["reference", "forgot_bias", "late", "writes_to_stderr", "exits_the_kernel", "patches_allclose",
               "disarms_asserts", "reads_hidden_tests", "background_process", "edits_test_cell",
               "deletes_test_cells", "borrows_a_later_oracle", "submits_a_link", "forges_the_protocol",
               "removes_the_agent", "moves_a_test_and_keeps_a_stub", "links_the_folder_to_the_source",
               "hard_links_the_source_notebook", "prints_a_lone_surrogate_in_a_cell", "lies_about_itself",
               "forges_report_lines", "displays_scripts", "raises_system_exit", "ships_start_up_files"]
# (not here, both failing inside nbgrader before any grading of ours: a file where the release has
# a folder (nbgrader's copying of the released files), and a solution cell without a grade_id
# (nbgrader's DeduplicateIds, which nbgrader_config.py runs before RestoredCells). The batch grades both.)


def test_stock_nbgrader_autograde_grades_through_the_sandbox_as_the_batch_does(graded_class, tmp_path):
    """`nbgrader autograde` itself, configured by the course's nbgrader_config.py: every attack
    fails there as in the batch, with the same status, record and points on the same seed."""
    from autograder.course import nbgrader
    batch_root, _, _ = graded_class
    root = build_class(tmp_path / "course", STOCK_CLASS)
    os.environ["AUTOGRADER_SEED"] = "7"
    try:
        output = nbgrader(root, "autograde", ASSIGNMENT, "--force", "--SandboxedGrading.cell_seconds=15",
                          "--SandboxedGrading.call_seconds=5", "--SandboxedGrading.wall_factor=2",
                          "--SandboxedGrading.memory_mb=1500")
    finally:
        del os.environ["AUTOGRADER_SEED"]
    table, _ = grade_table(root, ASSIGNMENT)
    for student in STOCK_CLASS:
        assert record(root, student)["graded_by"] == "nbgrader autograde (sandboxed)"
        assert record(root, student)["status"] == CLASS[student][1], record(root, student)["detail"]
        assert table[student] == (CLASS[student][2] or in_process_points(root, student)), student
        assert [x.replace(str(root), "<course>") for x in record(root, student)["integrity"]] == \
            [x.replace(str(batch_root), "<course>") for x in record(batch_root, student)["integrity"]], student
        assert f"{student}/{ASSIGNMENT}: {CLASS[student][1]}" in output
    assert "names a path hidden from the kernel" in " ".join(record(root, "reads_hidden_tests")["integrity"])
    assert "not recognized" not in output and "checksum has changed" not in output  # no noise
    # the feedback nbgrader makes of what the stock path wrote runs no script of the student's
    nbgrader(root, "generate_feedback", ASSIGNMENT, "--force", "--student", "displays_scripts")
    assert scripts_in_feedback(root, "displays_scripts") == []


def in_process_points(root, student):
    """Points of a submission's answers graded in this process (as a hidden test cell would)."""
    import autograder
    from autograder.assignments import reference_namespace
    notebook = nbformat.read(root / "submitted" / student / ASSIGNMENT / NOTEBOOK, as_version=4)
    namespace = reference_namespace(ASSIGNMENT)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution"):
            exec(compile(cell.source, "<answer>", "exec"), namespace)
    return {f: float(autograder.report(f"{ASSIGNMENT}.{f}", namespace, seed=7).points) for f in FULL}


def record(root, student):
    return json.loads((root / "grading_records" / ASSIGNMENT / f"{student}.json").read_text())


@pytest.mark.parametrize("student", sorted(CLASS))
def test_every_submission_gets_its_status_and_a_correct_grade_row(graded_class, student):
    root, output, _ = graded_class
    _, status, points = CLASS[student]
    table, _ = grade_table(root, ASSIGNMENT)
    assert record(root, student)["status"] == status, record(root, student)["detail"]
    if points is None:  # the same grade as in-process grading on the same seed
        points = in_process_points(root, student)
        assert points["rnn_cell_forward"] < FULL["rnn_cell_forward"]
    assert table[student] == points, record(root, student)["reports"]
    assert student in output  # the summary names everyone


def test_the_csv_has_a_row_per_student_with_status_and_points(graded_class):
    root, _, _ = graded_class
    import csv
    rows = {r["student"]: r for r in csv.DictReader(open(root / "grades" / f"{ASSIGNMENT}.csv"))}
    assert set(rows) == set(CLASS)
    for student, (_, status, points) in CLASS.items():
        assert rows[student]["status"] == status
        points = points or in_process_points(root, student)
        assert float(rows[student]["total"]) == pytest.approx(sum(points.values()))


def test_a_late_submission_is_graded_and_marked_late(graded_class):
    root, _, _ = graded_class
    import csv
    rows = {r["student"]: r for r in csv.DictReader(open(root / "grades" / f"{ASSIGNMENT}.csv"))}
    assert float(rows["late"]["seconds_late"]) == 5 * 3600
    assert float(rows["reference"]["seconds_late"]) == 0


def test_the_record_says_what_each_attack_attempted(graded_class):
    """Every piece of evidence is what the worker itself observed (the code it sent, the
    processes it saw, the protocol), never the kernel's own account."""
    root, _, _ = graded_class
    assert any("assigns numpy.allclose" in x for x in record(root, "patches_allclose")["integrity"])
    assert any("input transformers" in x for x in record(root, "disarms_asserts")["integrity"])
    assert any("names the gradebook" in x and "gradebook.db" in x for x in record(root, "reads_hidden_tests")["integrity"])
    assert any("a process ran in the sandbox" in x and MARKER in x for x in record(root, "background_process")["activity"])
    assert any("'test_rnn_cell_forward' was modified" in x for x in record(root, "edits_test_cell")["integrity"])
    assert any("'test_lstm_backward' was deleted" in x for x in record(root, "deletes_test_cells")["integrity"])
    assert any("agent was removed or replaced" in x and "KeyError" in x
               for x in record(root, "removes_the_agent")["integrity"])
    assert any("broke the grading protocol" in x for x in record(root, "forges_the_protocol")["integrity"])
    assert record(root, "reference")["integrity"] == []


def test_nothing_hidden_is_readable_from_the_kernel(graded_class):
    root, _, _ = graded_class
    notebook = nbformat.read(root / "autograded" / "reads_hidden_tests" / ASSIGNMENT / NOTEBOOK, as_version=4)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "LEAKED 0" in printed
    linked = (root / "autograded" / "submits_a_link" / ASSIGNMENT / NOTEBOOK).read_text()
    assert "LINKED" not in linked and "symbolic link" in record(root, "submits_a_link")["detail"]
    report = record(root, "reads_hidden_tests")["reports"]["rnn_cell_forward"]
    assert "No module named 'autograder'" in report


def test_no_process_outlives_its_sandbox(graded_class):
    """The batch is over: no process the student started is left (a sandbox's processes die
    with its kernel), however long the batch took."""
    import psutil
    survivors = [p.pid for p in psutil.process_iter(["cmdline"]) if MARKER in " ".join(p.info["cmdline"] or [])]
    assert survivors == []


def test_stderr_and_floods_cost_nothing_and_stay_small(graded_class):
    root, _, _ = graded_class
    flood = root / "autograded" / "floods_the_output" / ASSIGNMENT / NOTEBOOK
    assert flood.stat().st_size < 2_000_000
    assert record(root, "floods_the_output")["output_truncated"] is True


def test_a_notebook_filling_its_folder_meets_its_own_cap_not_the_machines_disk(graded_class):
    root, _, _ = graded_class
    notebook = nbformat.read(root / "autograded" / "fills_its_folder" / ASSIGNMENT / NOTEBOOK, as_version=4)
    said = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert said.count("No space left on device") == 2  # the bytes, then the files


def test_feedback_has_hints_but_no_hidden_code_or_expected_values(graded_class):
    root, _, _ = graded_class
    full_report = record(root, "forgot_bias")["reports"]["rnn_cell_forward"]
    values = re.compile(r"(got|expected) -?\d")  # a value that came back or was expected
    assert values.search(full_report) and "Hint:" in full_report  # the instructor's record has the details
    html = (root / "feedback" / "forgot_bias" / ASSIGNMENT / "rnn_step_by_step.html").read_text()
    report = html.split("rnn_step_by_step.rnn_cell_forward: ", 1)[1].split("</pre>", 1)[0]
    assert "grading seed 7" in report and "Hint:" in report and "FAIL" in report
    assert values.search(report) is None  # what is wrong is said (since issue 11), never the values
    assert "from autograder" not in html and "HIDDEN TESTS" not in html


def test_rerunning_grades_nothing_new_and_a_resubmission_replaces_the_old_grade(graded_class):
    root, _, _ = graded_class
    before = {p.name: p.stat().st_mtime_ns for p in (root / "grading_records" / ASSIGNMENT).iterdir()}
    batch(root, "--no-feedback")
    after = {p.name: p.stat().st_mtime_ns for p in (root / "grading_records" / ASSIGNMENT).iterdir()}
    assert before == after
    # a student named by mistake (a typo, or no submission of this assignment) is said, not passed over
    said = batch(root, "--no-feedback", "--student", "nobody", "--student", "reference")
    assert f"{ASSIGNMENT}: no submission from nobody" in said and "no submission from reference" not in said
    # the reference student resubmits nothing but deletes every test cell: the cells come back,
    # and the new (zero) grade replaces the earlier full marks
    submit(root, "reference", answers={}, edit=lambda nb: [nb.cells.remove(c) for c in list(nb.cells)
                                                          if nbgrader_meta(c).get("grade")])
    batch(root, "--no-feedback", "--student", "reference")
    table, _ = grade_table(root, ASSIGNMENT)
    assert table["reference"] == ZERO
    assert record(root, "reference")["status"] == "tampering detected"


def test_stock_nbgrader_export_reads_what_the_batch_wrote(graded_class):
    """Instructors keep nbgrader's tools: `nbgrader export` sees every student's score."""
    root, _, _ = graded_class
    import csv
    from autograder.course import nbgrader
    nbgrader(root, "export", "--to", str(root / "nbgrader_export.csv"))
    rows = {r["student_id"]: r for r in csv.DictReader(open(root / "nbgrader_export.csv"))
            if r["assignment"] == ASSIGNMENT}
    assert set(rows) == set(CLASS)
    assert float(rows["deletes_test_cells"]["score"]) == sum(FULL.values())
    assert float(rows["untouched"]["score"]) == 0


# ------------------------------------------------------------------ issue 10, item by item

def scripts_in_feedback(root, student):
    """Where the student's script would run in their feedback page (see test_submission_shown)."""
    from test_submission_shown import ScriptFinder
    finder = ScriptFinder()
    finder.feed((root / "feedback" / student / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text())
    return finder.found


def autograded(root, student):
    return nbformat.read(root / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4)


def test_a_moved_test_cell_goes_back_and_a_kept_stub_reaches_no_oracle(graded_class):
    root, _, _ = graded_class
    student = "moves_a_test_and_keeps_a_stub"
    assert any("'test_rnn_cell_forward' was moved" in x for x in record(root, student)["integrity"])
    release = nbformat.read(root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    order = [nbgrader_meta(c).get("grade_id") for c in autograded(root, student).cells if nbgrader_meta(c)]
    assert order == [nbgrader_meta(c).get("grade_id") for c in release.cells if nbgrader_meta(c)]


def test_links_are_refused_and_nothing_behind_them_is_read(graded_class):
    root, _, _ = graded_class
    for student, what in (("links_the_folder_to_the_source", "symbolic link"), ("submits_a_link", "symbolic link"),
                          ("hard_links_the_source_notebook", "hard link")):
        assert what in record(root, student)["detail"], student
        text = (root / "autograded" / student / ASSIGNMENT / NOTEBOOK).read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text  # the release's cells only
        assert not (root / "autograded" / student / ASSIGNMENT / "shadow.txt").exists()


def test_caps_refuse_before_anything_is_read_or_run(graded_class):
    root, _, _ = graded_class
    assert "more than 100 MiB" in record(root, "hands_in_a_huge_folder")["detail"]
    assert "more than 1000 files" in record(root, "hands_in_many_files")["detail"]
    assert "cells (at most 1000" in record(root, "hands_in_ten_thousand_cells")["detail"]
    assert "a cell of 240000 characters (at most 100000" in record(root, "hands_in_a_huge_cell")["detail"]
    report = record(root, "asks_the_oracle_for_gigabytes")["reports"]["rnn_forward"]
    assert "arrays larger than the grader computes for a call" in report
    assert any("a header of" in x for x in record(root, "sends_a_huge_header")["integrity"])
    report = record(root, "sends_huge_callback_arguments")["reports"]["rnn_forward"]
    assert "too large for the grader's reference function" in report


def test_what_once_stopped_the_batch_is_one_submissions_business(graded_class):
    """The batch exited 0 (run_batch checks), every student has a row, and each of these was graded."""
    root, output, _ = graded_class
    assert any("no grade_id" in x for x in record(root, "solution_cell_without_an_id")["integrity"])
    printed = "".join(o.get("text", "") for c in autograded(root, "prints_a_lone_surrogate_in_a_cell").cells
                      if c.cell_type == "code" for o in c.outputs)
    assert "\ufffd" in printed
    assert (root / "autograded" / "a_file_where_the_release_has_a_folder" / ASSIGNMENT / "images").is_dir()


def test_the_record_trusts_what_the_worker_saw_not_what_the_kernel_says(graded_class):
    root, _, _ = graded_class
    lied = record(root, "lies_about_itself")
    assert any("assigns numpy.allclose" in x for x in lied["integrity"])
    assert any("names a path hidden from the kernel" in x for x in lied["integrity"])
    assert not any("replaced numpy.allclose" in x for x in lied["kernel_says"])  # the kernel said nothing of it


def test_forged_report_lines_stay_the_students_everywhere(graded_class):
    root, _, _ = graded_class
    student = "forges_report_lines"
    report = record(root, student)["reports"]["rnn_cell_forward"]
    cell = next(c for c in autograded(root, student).cells if nbgrader_meta(c).get("grade_id") == "test_rnn_cell_forward")
    shown = "".join(o.get("text", "") for o in cell.outputs)
    html = (root / "feedback" / student / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    feedback = html.split("rnn_step_by_step.rnn_cell_forward: ", 1)[1].split("</pre>", 1)[0]
    for text in (report, shown, feedback):
        assert "GRADER NOTICE" in text  # shown, as the student's
        for line in text.splitlines():
            if "GRADER NOTICE" in line or "[10/10] all checks" in line or "ok [5/5]" in line:
                assert line.lstrip().startswith("|"), line


def test_no_script_of_the_student_reaches_formgrader_or_feedback(graded_class):
    root, _, _ = graded_class
    student = "displays_scripts"
    kinds = {key for c in autograded(root, student).cells if c.cell_type == "code" for o in c.outputs
             for key in o.get("data", {})}
    assert kinds <= {"text/plain", "image/png", "image/jpeg", "application/vnd.autograder.extra-credit+json"}
    assert scripts_in_feedback(root, student) == []


def test_a_kernel_that_cancels_its_alarm_and_floods_callbacks_meets_the_deadline(graded_class):
    root, _, _ = graded_class
    flooded = record(root, "cancels_its_alarm_and_floods_callbacks")
    assert "timed out" in flooded["reports"]["rnn_forward"] or "ran longer than" in flooded["detail"] \
        or "computed for more than" in flooded["detail"]
    # the call's deadline (5 s CPU, 10 s wall, a little more) was kept, callbacks or not
    assert flooded["seconds"] < 60


def test_formgraders_autograde_button_grades_through_the_sandbox(tmp_path, monkeypatch):
    """Formgrader's Autograde button calls NbGraderAPI.autograde, in formgrader's own process,
    with the course's configuration: it grades as the batch does (same status, record, points)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from autograder.course import load_config
    students = ["reference", "patches_allclose", "forges_the_protocol"]
    root = build_class(tmp_path / "course", students)
    monkeypatch.setenv("AUTOGRADER_SEED", "7")
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs alembic
    monkeypatch.chdir(root)
    config = load_config(root)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    for student in students:
        outcome = api.autograde(ASSIGNMENT, student)
        assert outcome["success"], outcome.get("error")
        assert record(root, student)["graded_by"] == "nbgrader autograde (sandboxed)"
        assert record(root, student)["status"] == CLASS[student][1]
    table, _ = grade_table(root, ASSIGNMENT)
    assert {s: table[s] for s in students} == {s: CLASS[s][2] for s in students}


def test_a_batch_killed_with_sigkill_leaves_no_process_of_its_sandboxes(tmp_path):
    """Two students' kernels each leave a process in a session of its own, a double-forked one
    and a slow fork bomb, then sleep; the batch gets SIGKILL midway (it cannot clean up): its
    workers, their sandboxes and everything these started are gone within seconds."""
    import psutil

    from sandbox_support import LEAVE_PROCESSES, marked, new_marker, start_batch, wait_for
    marker = new_marker()
    root = make_course(tmp_path / "course", ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)
    for student in ("first", "second"):
        submit(root, student, edit=insert_after("setup", f"MARKER = {marker!r}\n{LEAVE_PROCESSES}\n"
                                                          "import time\ntime.sleep(25)\n"))
    batch_process = start_batch(root, ASSIGNMENT, "--workers", "2", "--cell-seconds", "15", "--wall-factor", "2")
    try:
        both = wait_for(lambda: len({p.info["uids"].real for p in marked(marker)}) == 2, 300)
        assert both, (root / "batch.log").read_text()[-3000:]  # two sandboxes, a uid each, both busy
        descendants = psutil.Process(batch_process.pid).children(recursive=True)
        assert any(p.name() == "bwrap" for p in descendants)
    finally:
        batch_process.kill()
        batch_process.wait()
    assert wait_for(lambda: not marked(marker), 15), [p.info["cmdline"] for p in marked(marker)]
    alive = lambda: [p.pid for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]  # noqa: E731
    assert wait_for(lambda: not alive(), 15), alive()


def test_a_classmate_holding_every_thread_it_may_does_not_hinder_the_honest_ones(tmp_path):
    """One worker grades a student whose kernel starts threads until its sandbox's process cap
    stops it and holds them for 25 s; meanwhile the other worker starts the kernels of honest
    classmates one after the other: each is graded in full. (With one user for every sandbox,
    a kernel started during the hold could start no thread and no process.)"""
    root = make_course(tmp_path / "course", ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)
    honest = ["b_honest", "c_honest", "d_honest"]
    for student in honest:
        submit(root, student)
    submit(root, "a_holds_threads", edit=insert_after("setup", (
        "import threading, time\nrelease, held = threading.Event(), []\nwhile True:\n    try:\n"
        "        held.append(threading.Thread(target=release.wait))\n        held[-1].start()\n"
        "    except RuntimeError:\n        held.pop()\n        break\n"
        "print('held', len(held), 'threads')\ntime.sleep(25)\nrelease.set()\n")))
    batch(root, "--no-feedback")
    for student in honest:
        assert record(root, student)["status"] == "graded", record(root, student)["detail"]
        assert record(root, student)["points"] == FULL, student
    notebook = nbformat.read(root / "autograded" / "a_holds_threads" / ASSIGNMENT / NOTEBOOK, as_version=4)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    held = int(printed.split("held ", 1)[1].split()[0])
    assert 900 < held < 1024  # it reached its own cap (Limits.processes), the kernel's threads took the rest
    assert record(root, "a_holds_threads")["points"] == FULL
