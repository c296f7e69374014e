"""The visible tests students run must never reject a correct solution: every correct variant
of the catalogue passes them. When they fail, they say so in a check's own message, never as a
raw traceback, and they name the function really at fault: a mistake in a function others build
on fails their checks with "fix <function> first", and an unwritten function is said to be not
written yet. (They are weaker than the hidden tests by design; how many catalogued mistakes they
catch is printed with -s, not asserted.)"""
import ast
import importlib.util
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import assignments
from autograder.assignments import ASSIGNMENTS, graded_names
from autograder.killrate import setup_namespace, student_namespace
from autograder.course import (REPOSITORY, generate_release, nbgrader_meta, release_notebook, solutions,
                               source_notebook, write_submission)


def visible_cells(assignment):
    """{graded function: source of its visible-test cell (grade_id '<function>_public')}."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {nbgrader_meta(c)["grade_id"][:-len("_public")]: c.source for c in nb.cells
            if nbgrader_meta(c).get("grade_id", "").endswith("_public")}


def public_tests(assignment, monkeypatch):
    folder = source_notebook(assignment).parent
    monkeypatch.syspath_prepend(str(folder))  # public_tests may import the assignment's helpers
    spec = importlib.util.spec_from_file_location(f"public_tests_{assignment}", folder / "public_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ASSIGNMENT = assignment
    return module


def visible_failure(namespace, assignment, function):
    """What the visible-test cell of `function` raised, or None if it passed."""
    try:
        exec(visible_cells(assignment)[function], namespace)
    except Exception as error:
        return error
    return None


def run_visible_test(entry, monkeypatch):
    namespace = student_namespace(entry)
    namespace["public_tests"] = public_tests(entry.assignment, monkeypatch)
    exec(visible_cells(entry.assignment)[entry.function], namespace)


def validator_width():
    """The line width `nbgrader validate` cuts messages at, as the students' config sets it."""
    from nbgrader.validator import Validator
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("student_nbgrader_config.py", path=str(REPOSITORY / "source")).load_config()
    return config.Validator.width if "width" in config.Validator else Validator.width.default_value


def fits_validate(message):
    """Whether every line of a check's message is shown whole by `nbgrader validate`: indented by
    four spaces, the first line after the exception's name, cut beyond width - 3 characters."""
    lines = [f"PrerequisiteError: {line}" if i == 0 else line for i, line in enumerate(message.splitlines())]
    return all(len("    " + line) <= validator_width() - 3 for line in lines)


def is_own_failure(error, function):
    """Whether `error` is the failure of check_<function>'s own checks: a check's message, not a
    crash and not a prerequisite's."""
    return isinstance(error, AssertionError) and str(error).startswith(f"check_{function} failed: ")


@pytest.mark.parametrize("entry", [e for e in assignments.catalogue() if e.correct], ids=lambda e: f"{e.function}__{e.slug}")
def test_correct_variants_pass_the_visible_tests(entry, monkeypatch, capsys):
    run_visible_test(entry, monkeypatch)
    assert "all visible tests passed" in capsys.readouterr().out


def test_visible_tests_catch_most_catalogued_mistakes_in_messages_validate_prints_whole(monkeypatch, capsys):
    wrong = [e for e in assignments.catalogue() if not e.correct]
    caught, crashed, cut = [], [], []
    for entry in wrong:
        try:
            run_visible_test(entry, monkeypatch)
        except Exception as error:  # the check's AssertionError, never a crash of its own
            caught.append(entry)
            if not is_own_failure(error, entry.function):
                crashed.append(f"{entry.function}__{entry.slug}: {type(error).__name__}: {error}")
            elif not fits_validate(str(error)):
                cut.append(f"{entry.function}__{entry.slug}: {error}")
    with capsys.disabled():
        print(f"\nvisible tests catch {len(caught)} of {len(wrong)} catalogued mistakes")
    assert not crashed and not cut, (crashed, cut)
    assert len(caught) >= 0.8 * len(wrong), [f"{e.function}__{e.slug}" for e in wrong if e not in caught]


# ------------------------------------------------------------------ an unwritten function
def unwritten(assignment, function):
    """The function's solution cell as the release hands it out: its code replaced by
    `raise NotImplementedError()`."""
    nb = nbformat.read(release_notebook(assignment), as_version=4)
    return next(c.source for c in nb.cells if nbgrader_meta(c).get("grade_id") == function)


@pytest.mark.parametrize("assignment, function", [(a, f) for a in ASSIGNMENTS for f in graded_names(a)])
def test_an_unwritten_function_is_said_to_be_not_written_yet(assignment, function, monkeypatch):
    """Its own check fails with that (no hint about another mistake), and every check built on it
    says to fix it first, with the same words."""
    namespace = notebook_namespace(assignment, monkeypatch, {function: unwritten(assignment, function)})
    tests = namespace["public_tests"]
    not_written = f"check_{function} failed: {function} is not written yet"
    own = visible_failure(namespace, assignment, function)
    assert is_own_failure(own, function) and str(own).startswith(not_written), own
    assert "raise NotImplementedError()" in str(own).split("hint:", 1)[1], own
    for user in dependents(tests, function):
        error = visible_failure(namespace, assignment, user)
        assert isinstance(error, tests.PrerequisiteError) and error.function == function, error
        assert str(error).startswith(f"check_{user} stopped: fix {function} first.") and not_written in str(error)


# ------------------------------------------------------------------ checks that build on others
# A visible check of a function that builds on others (a sequence function on its cell, a
# backward function on its forward function and its cell's backward, a training step on the
# clipping, a training loop on the step and the sampler) first runs the checks of those; when one
# fails, it must blame that function, not its own.

# the assignments whose functions build on others (public_tests._PREREQUISITES)
BUILDING = ("rnn_step_by_step", "dinosaur_island")

# bugs in functions that others build on: (assignment, function, line of the reference solution, buggy line)
BUGS = [
    ("rnn_step_by_step", "rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)",
     "a_next = np.tanh(Waa @ a_prev + Wax @ xt)"),
    ("rnn_step_by_step", "rnn_forward", "rnn_cell_forward(x[:, :, t], a_next, parameters)",
     "rnn_cell_forward(x[:, :, t], a0, parameters)"),
    ("rnn_step_by_step", "lstm_cell_forward", "concat = np.concatenate((a_prev, xt), axis=0)",
     "concat = np.concatenate((xt, a_prev), axis=0)"),
    ("rnn_step_by_step", "lstm_forward", "lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
     "lstm_cell_forward(x[:, :, t], a_next, np.zeros((n_a, m)), parameters)"),
    ("rnn_step_by_step", "rnn_cell_backward", "da_prev = Waa.T @ dz", "da_prev = Waa @ dz"),
    ("rnn_step_by_step", "lstm_cell_backward", "tanh_c = np.tanh(c_next)", "tanh_c = np.tanh(c_prev)"),
    ("rnn_step_by_step", "simple_gru_cell_forward", "a_next = ut * cct + (1.0 - ut) * a_prev",
     "a_next = (1.0 - ut) * cct + ut * a_prev"),
    ("rnn_step_by_step", "gru_cell_forward", "concat_reset = np.concatenate((rt * a_prev, xt), axis=0)",
     "concat_reset = np.concatenate((a_prev, xt), axis=0)"),
    # forward mistakes each of which passed its own check and failed the backward's, as the backward's fault
    ("rnn_step_by_step", "rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)",
     "a_next = np.tanh(Waa @ a_prev + ba)"),
    ("rnn_step_by_step", "rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)",
     "a_next = np.tanh(Waa.T @ a_prev + Wax @ xt + ba)"),
    ("rnn_step_by_step", "lstm_cell_forward", "it = sigmoid(Wi @ concat + bi)", "it = sigmoid(Wf @ concat + bi)"),
    ("rnn_step_by_step", "lstm_cell_forward", "ft = sigmoid(Wf @ concat + bf)", "ft = sigmoid(Wf @ concat + bf + c_prev)"),
    ("rnn_step_by_step", "simple_gru_cell_forward", "cct = np.tanh(Wc @ concat + bc)", "cct = np.tanh(Wu @ concat + bc)"),
    ("rnn_step_by_step", "gru_cell_forward", "cct = np.tanh(Wc @ concat_reset + bc)",
     "cct = sigmoid(Wc @ concat_reset + bc)"),
    ("rnn_step_by_step", "gru_cell_forward",
     "ut = sigmoid(Wu @ concat + bu)\n    concat_reset = np.concatenate((rt * a_prev, xt), axis=0)",
     "concat_reset = np.concatenate((rt * a_prev, xt), axis=0)\n    ut = sigmoid(Wu @ concat_reset + bu)"),
    # crashes: a ValueError from the matrix product, a function that returns None, a KeyError
    ("rnn_step_by_step", "rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)",
     "a_next = np.tanh(Waa @ a_prev.T + Wax @ xt + ba)"),
    ("dinosaur_island", "clip", "    return gradients", "    pass"),  # returns None: optimize crashed on it
    ("dinosaur_island", "clip", "np.clip(gradients[key], -maxValue, maxValue, out=gradients[key])",
     "np.clip(gradients[key], None, maxValue, out=gradients[key])"),
    ("dinosaur_island", "sample", "        idx = np.random.choice(range(vocab_size), p=y.ravel())\n",
     "        idx = int(np.argmax(y))\n"),
    ("dinosaur_island", "optimize", "return loss, gradients, a[len(X) - 1]", "return loss, gradients, a[len(X)]"),
]


def notebook_namespace(assignment, monkeypatch, answers=None):
    """What a student's kernel holds after Run All: the setup cells' names, then every solution
    cell of the source notebook, or its replacement in `answers` ({grade_id: source})."""
    namespace = setup_namespace(assignment)
    namespace["public_tests"] = public_tests(assignment, monkeypatch)
    for grade_id, source in solutions(assignment).items():
        exec(compile((answers or {}).get(grade_id, source), f"<{grade_id}>", "exec"), namespace)
    return namespace


def buggy_answer(assignment, function, line, bug):
    source = solutions(assignment)[function]
    assert source.count(line) == 1, f"the reference {function} no longer has the line {line!r}"
    return source.replace(line, bug)


def builds_on(assignment):
    """{graded function: the graded functions its reference solution calls, directly or through
    another}, read from the solutions' code."""
    graded = set(graded_names(assignment))
    calls = {name: {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)} & graded - {name}
             for name, source in solutions(assignment).items()}
    closed = {name: set(called) for name, called in calls.items()}
    for _ in graded:
        for name in closed:
            closed[name] |= set().union(*(closed[c] for c in closed[name]))
    return closed


def dependents(tests, function):
    """The functions whose checks build on `function`: those that list it in _PREREQUISITES, and
    those whose reference solution calls it (whether they list it or not)."""
    declared = getattr(tests, "_PREREQUISITES", {})
    calling = builds_on(tests.ASSIGNMENT)
    return [name for name in graded_names(tests.ASSIGNMENT)
            if function in declared.get(name, ()) or function in calling[name]]


@pytest.mark.parametrize("assignment", BUILDING)
def test_the_reference_solutions_pass_every_visible_check(assignment, monkeypatch, capsys):
    namespace = notebook_namespace(assignment, monkeypatch)
    for function in visible_cells(assignment):
        assert visible_failure(namespace, assignment, function) is None, function
        assert f"check_{function}: all visible tests passed." in capsys.readouterr().out


def assert_blames(namespace, assignment, user, function, own):
    """check_<user> stops on `function`, repeating `own`, the failure of check_<function>."""
    tests = namespace["public_tests"]
    error = visible_failure(namespace, assignment, user)
    assert isinstance(error, tests.PrerequisiteError), f"check_{user} did not blame {function}: {error!r}"
    message = str(error)
    assert error.function == function
    assert message.splitlines()[0] == f"check_{user} stopped: fix {function} first.", message
    assert f"check_{user} failed" not in message and f"fix {user} " not in message, message
    assert message.split("What check_", 1)[1].split("\n", 1)[1].strip() \
        == "\n".join("    " + text for text in str(own).splitlines()).strip()


@pytest.mark.parametrize("assignment, function, line, bug", BUGS, ids=[f"{a}.{f}-{i}" for i, (a, f, _, _) in enumerate(BUGS)])
def test_a_check_names_the_function_it_builds_on_that_is_wrong(assignment, function, line, bug, monkeypatch):
    namespace = notebook_namespace(assignment, monkeypatch, {function: buggy_answer(assignment, function, line, bug)})
    tests = namespace["public_tests"]
    own = visible_failure(namespace, assignment, function)
    assert is_own_failure(own, function), own  # its own check fails with its own message, even on a crash
    users = dependents(tests, function)
    assert users, f"nothing builds on {function}"
    for user in users:
        assert_blames(namespace, assignment, user, function, own)


@pytest.mark.parametrize("entry", [e for e in assignments.catalogue() if e.assignment in BUILDING and not e.correct],
                         ids=lambda e: f"{e.assignment}.{e.function}__{e.slug}")
def test_a_catalogued_mistake_fails_the_visible_checks_under_its_own_name(entry, monkeypatch):
    """The catalogue's real mistakes, written into the notebook's reference: the checks built on
    the function either pass (its own check missed the mistake, and so must they) or stop on it."""
    namespace = notebook_namespace(entry.assignment, monkeypatch, {entry.function: entry.source})
    own = visible_failure(namespace, entry.assignment, entry.function)
    assert own is None or is_own_failure(own, entry.function), own
    for user in dependents(namespace["public_tests"], entry.function):
        if own is None:
            error = visible_failure(namespace, entry.assignment, user)
            assert error is None, f"check_{entry.function} passes, but check_{user} fails: {error}"
        else:
            assert_blames(namespace, entry.assignment, user, entry.function, own)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_check_runs_first_the_checks_of_every_function_its_function_calls(assignment, monkeypatch):
    tests = public_tests(assignment, monkeypatch)
    for function, called in builds_on(assignment).items():
        assert called <= set(getattr(tests, "_PREREQUISITES", {}).get(function, ())), (function, called)


@pytest.mark.parametrize("assignment", BUILDING)
def test_prerequisites_come_in_order_and_include_what_they_build_on(assignment, monkeypatch):
    tests = public_tests(assignment, monkeypatch)
    order = list(visible_cells(assignment))
    for function, needed in tests._PREREQUISITES.items():
        for index, name in enumerate(needed):
            assert set(tests._PREREQUISITES.get(name, ())) <= set(needed[:index]), (function, name)
            assert order.index(name) < order.index(function)
        cells = [i for i, name in enumerate(needed) if "_cell_" in name]
        assert cells == list(range(len(cells))), f"{function}: cells before sequences"
    for backward, forward in getattr(tests, "_FORWARD", {}).items():
        assert forward in tests._PREREQUISITES[backward]


# ------------------------------------------------------------------ what Validate shows
def test_validate_shows_every_line_of_the_checks_messages_whole(tmp_path, monkeypatch):
    """`nbgrader validate` in a student's folder (a fresh release, a wrong notebook) repeats the
    visible checks' messages without cutting a line (nbgrader cuts lines at its Validator.width)."""
    # a simple_gru_cell_forward that swaps the two terms: its check and its backward's fail
    assignment, function, line, bug = next(bug for bug in BUGS if bug[1] == "simple_gru_cell_forward")
    answers = dict(solutions(assignment), **{function: buggy_answer(assignment, function, line, bug)})
    root = tmp_path / "course"
    shutil.copytree(REPOSITORY / "source" / assignment, root / "source" / assignment)
    shutil.copy(REPOSITORY / "nbgrader_config.py", root)
    generate_release(root, assignment)
    folder = write_submission(root, "student", assignment, answers)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", release_notebook(assignment).name],
                          cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    shown = done.stdout
    assert "VALIDATION FAILED ON 2 CELL(S)" in shown, shown

    namespace = notebook_namespace(assignment, monkeypatch, answers)
    for name in (function, "simple_gru_cell_backward"):
        message = str(visible_failure(namespace, assignment, name))
        for text in message.splitlines():
            assert re.search(rf"^    (\w+Error: )?{re.escape(text)}$", shown, re.MULTILINE), (text, shown)
