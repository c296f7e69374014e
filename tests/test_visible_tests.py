"""The visible tests students run must never reject a correct solution: every correct variant
of the catalogue passes them. (They are weaker than the hidden tests by design; how many
catalogued mistakes they catch is printed with -s, not asserted.)"""
import importlib.util

import nbformat
import numpy as np
import pytest

from autograder import assignments
from autograder.killrate import student_namespace
from autograder.course import nbgrader_meta, solutions, source_notebook


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
    return module


def run_visible_test(entry, monkeypatch):
    namespace = student_namespace(entry)
    namespace["public_tests"] = public_tests(entry.assignment, monkeypatch)
    exec(visible_cells(entry.assignment)[entry.function], namespace)


@pytest.mark.parametrize("entry", [e for e in assignments.catalogue() if e.correct], ids=lambda e: f"{e.function}__{e.slug}")
def test_correct_variants_pass_the_visible_tests(entry, monkeypatch, capsys):
    run_visible_test(entry, monkeypatch)
    assert "all visible tests passed" in capsys.readouterr().out


def test_visible_tests_catch_most_catalogued_mistakes(monkeypatch, capsys):
    wrong = [e for e in assignments.catalogue() if not e.correct]
    caught = []
    for entry in wrong:
        try:
            run_visible_test(entry, monkeypatch)
        except Exception:  # an AssertionError, or a crash: either tells the student to look
            caught.append(entry)
    with capsys.disabled():
        print(f"\nvisible tests catch {len(caught)} of {len(wrong)} catalogued mistakes")
    assert len(caught) >= 0.8 * len(wrong), [f"{e.function}__{e.slug}" for e in wrong if e not in caught]


# ------------------------------------------------------------------ checks that build on others
# A visible check of a function that builds on others (a sequence function on its cell, a
# backward function on its forward function and its cell's backward) first runs the checks of
# those; when one fails, it must blame that function, not its own.

ASSIGNMENT = "rnn_step_by_step"

# bugs in functions that others build on: (function, line of the reference solution, buggy line)
BUGS = [
    ("rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)", "a_next = np.tanh(Waa @ a_prev + Wax @ xt)"),
    ("rnn_forward", "rnn_cell_forward(x[:, :, t], a_next, parameters)", "rnn_cell_forward(x[:, :, t], a0, parameters)"),
    ("lstm_cell_forward", "concat = np.concatenate((a_prev, xt), axis=0)",
     "concat = np.concatenate((xt, a_prev), axis=0)"),
    ("lstm_forward", "lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
     "lstm_cell_forward(x[:, :, t], a_next, np.zeros((n_a, m)), parameters)"),
    ("rnn_cell_backward", "da_prev = Waa.T @ dz", "da_prev = Waa @ dz"),
    ("lstm_cell_backward", "tanh_c = np.tanh(c_next)", "tanh_c = np.tanh(c_prev)"),
    ("simple_gru_cell_forward", "a_next = ut * cct + (1.0 - ut) * a_prev", "a_next = (1.0 - ut) * cct + ut * a_prev"),
    ("gru_cell_forward", "concat_reset = np.concatenate((rt * a_prev, xt), axis=0)",
     "concat_reset = np.concatenate((a_prev, xt), axis=0)"),
    # forward mistakes each of which passed its own check and failed the backward's, as the backward's fault
    ("rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)", "a_next = np.tanh(Waa @ a_prev + ba)"),
    ("rnn_cell_forward", "a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)", "a_next = np.tanh(Waa.T @ a_prev + Wax @ xt + ba)"),
    ("lstm_cell_forward", "it = sigmoid(Wi @ concat + bi)", "it = sigmoid(Wf @ concat + bi)"),
    ("lstm_cell_forward", "ft = sigmoid(Wf @ concat + bf)", "ft = sigmoid(Wf @ concat + bf + c_prev)"),
    ("simple_gru_cell_forward", "cct = np.tanh(Wc @ concat + bc)", "cct = np.tanh(Wu @ concat + bc)"),
    ("gru_cell_forward", "cct = np.tanh(Wc @ concat_reset + bc)", "cct = sigmoid(Wc @ concat_reset + bc)"),
    ("gru_cell_forward", "ut = sigmoid(Wu @ concat + bu)\n    concat_reset = np.concatenate((rt * a_prev, xt), axis=0)",
     "concat_reset = np.concatenate((rt * a_prev, xt), axis=0)\n    ut = sigmoid(Wu @ concat_reset + bu)"),
    ("rnn_cell_forward", None, "not written yet"),  # the release's `raise NotImplementedError()`
    ("lstm_cell_backward", None, "not written yet"),
]


def notebook_namespace(monkeypatch, answers=None):
    """What a student's kernel holds after Run All: the setup cell's names, then every solution
    cell of the source notebook, or its replacement in `answers` ({grade_id: source})."""
    tests = public_tests(ASSIGNMENT, monkeypatch)  # also puts the assignment folder on sys.path
    from rnn_utils import sigmoid, softmax
    namespace = {"np": np, "softmax": softmax, "sigmoid": sigmoid, "public_tests": tests}
    for grade_id, source in solutions(ASSIGNMENT).items():
        exec(compile((answers or {}).get(grade_id, source), f"<{grade_id}>", "exec"), namespace)
    return namespace


def buggy_answer(function, line, bug):
    source = solutions(ASSIGNMENT)[function]
    if line is None:  # unwritten: the signature line, then raise NotImplementedError()
        return source.split("\n", 1)[0] + "\n    raise NotImplementedError()\n"
    assert source.count(line) == 1, f"the reference {function} no longer has the line {line!r}"
    return source.replace(line, bug)


def visible_failure(namespace, function):
    """What the visible-test cell of `function` raised (an AssertionError, or the student's own
    crash), or None if it passed."""
    try:
        exec(visible_cells(ASSIGNMENT)[function], namespace)
    except Exception as error:
        return error
    return None


def dependents(tests, function):
    return [name for name, needed in tests._PREREQUISITES.items() if function in needed]


def test_the_reference_solutions_pass_every_visible_check(monkeypatch, capsys):
    namespace = notebook_namespace(monkeypatch)
    for function in visible_cells(ASSIGNMENT):
        assert visible_failure(namespace, function) is None, function
        assert f"check_{function}: all visible tests passed." in capsys.readouterr().out


@pytest.mark.parametrize("function, line, bug", BUGS,
                         ids=[f"{f}-{'unwritten' if line is None else i}" for i, (f, line, _) in enumerate(BUGS)])
def test_a_check_names_the_function_it_builds_on_that_is_wrong(function, line, bug, monkeypatch):
    namespace = notebook_namespace(monkeypatch, {function: buggy_answer(function, line, bug)})
    tests = namespace["public_tests"]
    own = visible_failure(namespace, function)
    if line is None:  # its own check cell shows the student's NotImplementedError
        assert isinstance(own, NotImplementedError), own
    else:  # its own check fails with its own message
        assert isinstance(own, AssertionError) and not isinstance(own, tests.PrerequisiteError), own
        assert str(own).startswith(f"check_{function} failed:"), str(own)
    users = dependents(tests, function)
    assert users, f"nothing builds on {function}"
    for user in users:
        error = visible_failure(namespace, user)
        assert isinstance(error, tests.PrerequisiteError), f"check_{user} did not blame {function}: {error}"
        message = str(error)
        assert error.function == function
        assert message.splitlines()[0] == f"check_{user} stopped: fix {function} first.", message
        assert f"check_{function} failed:" in message  # the buggy function's own message, repeated
        assert f"check_{user} failed" not in message and f"fix {user} " not in message, message
        if line is not None:
            assert message.split("What check_", 1)[1].split("\n", 1)[1].strip() \
                == "\n".join("    " + text for text in str(own).splitlines()).strip()


def test_every_catalogued_mistake_is_named_by_the_checks_built_on_it_or_fails_none_of_them(monkeypatch):
    """The same for the catalogue's real mistakes, written into the notebook's reference. A
    mistake its own visible check misses (the hidden tests catch it) must pass the checks built
    on the function too: failing one of them would blame a function that is right."""
    tests = public_tests(ASSIGNMENT, monkeypatch)
    exercised, wrongly_blamed = 0, []
    for entry in assignments.catalogue(ASSIGNMENT):
        users = dependents(tests, entry.function)
        if entry.correct or not users:
            continue
        namespace = notebook_namespace(monkeypatch, {entry.function: entry.source})
        tests = namespace["public_tests"]
        own = visible_failure(namespace, entry.function)
        assert not isinstance(own, tests.PrerequisiteError), f"{entry.slug}: {own}"
        exercised += own is not None
        for user in users:
            error = visible_failure(namespace, user)
            if own is None and error is not None:
                wrongly_blamed.append(f"{entry.function}__{entry.slug} passes its own check -> check_{user}: {error}")
            elif own is not None and not (isinstance(error, tests.PrerequisiteError)
                                          and error.function == entry.function):
                wrongly_blamed.append(f"{entry.function}__{entry.slug} -> check_{user}: {error}")
    assert exercised >= 40 and not wrongly_blamed, wrongly_blamed


def test_prerequisites_come_in_order_and_include_what_they_build_on(monkeypatch):
    tests = public_tests(ASSIGNMENT, monkeypatch)
    order = list(visible_cells(ASSIGNMENT))
    for function, needed in tests._PREREQUISITES.items():
        for index, name in enumerate(needed):
            assert set(tests._PREREQUISITES.get(name, ())) <= set(needed[:index]), (function, name)
            assert order.index(name) < order.index(function)
        cells = [i for i, name in enumerate(needed) if "_cell_" in name]
        assert cells == list(range(len(cells))), f"{function}: cells before sequences"
    for backward, forward in tests._FORWARD.items():
        assert forward in tests._PREREQUISITES[backward]
