"""The runner: never raises, keeps student output off stderr, points at the student's line,
limits time, and grades one function at a time against the oracle's versions of the others."""
import os
import time

import pytest

import autograder
from autograder import grading, limits
from autograder import assignments
from autograder.assignments import reference_namespace
from autograder.assignments.rnn_step_by_step import oracle

NAME = "rnn_step_by_step.rnn_cell_forward"


def student(source):
    namespace = reference_namespace("rnn_step_by_step")
    exec(compile(source, "<student cell>", "exec"), namespace)
    return namespace


def test_reference_scores_full_marks_and_grade_returns_the_points(capsys):
    value = autograder.grade(NAME, reference_namespace("rnn_step_by_step"))
    out = capsys.readouterr()
    assert repr(value) == "10" and out.err == ""
    assert f"{NAME}: 10 / 10 points" in out.out


def test_a_bonus_is_worth_zero_to_nbgrader_and_carries_its_points_as_extra_credit(capsys):
    bonus = next(g for g in assignments.graders("rnn_step_by_step") if g.bonus)
    value = autograder.grade(bonus.name, reference_namespace("rnn_step_by_step"))
    data = value._repr_mimebundle_()
    assert data["text/plain"] == "0" and data[grading.EXTRA_CREDIT_TYPE] == {"points": bonus.points}
    assert f"{bonus.name}: {bonus.points:g} / {bonus.points:g} extra-credit points" in capsys.readouterr().out


def test_grade_prints_what_is_wrong_and_the_hint_but_no_expected_value(capsys):
    namespace = student("def rnn_cell_forward(xt, a_prev, parameters):\n"
                        "    a, y, cache = _reference(xt, a_prev, parameters)\n"
                        "    return a * 1.5, y, cache\n")
    namespace["_reference"] = oracle.rnn_cell_forward
    assert float(repr(autograder.grade(NAME, namespace))) < 10
    printed = capsys.readouterr().out
    assert "a_next differs from the expected value" in printed and "expected " not in printed.replace(
        "the expected value", "")
    full = autograder.report(NAME, namespace, seed=1).render()
    assert "(got " in full and ", expected " in full  # the instructor's record keeps the values


def test_missing_function_scores_zero_with_a_message():
    namespace = reference_namespace("rnn_step_by_step")
    del namespace["rnn_cell_forward"]
    report = autograder.report(NAME, namespace, seed=1)
    assert report.points == 0 and "is not defined" in report.render()


def test_unimplemented_function_points_at_the_line_and_says_what_to_do():
    namespace = student("def rnn_cell_forward(xt, a_prev, parameters):\n"
                        "    # YOUR CODE HERE\n    raise NotImplementedError()\n")
    text = autograder.report(NAME, namespace, seed=1).render()
    assert "raised NotImplementedError" in text and "line 3 of rnn_cell_forward" in text
    assert "replace `raise NotImplementedError()`" in text


def test_an_error_raised_inside_compiled_numpy_points_at_the_students_line():
    """numpy's Cython frames (numpy/random/_generator.pyx) are not the student's: the report
    points at the student's call."""
    namespace = student("def rnn_cell_forward(xt, a_prev, parameters):\n"
                        "    rng = np.random.default_rng(0)\n    return rng.choice(3, p=[0.9, 0.9, 0.9])\n")
    text = autograder.report(NAME, namespace, seed=1).render()
    assert "at line 3 of rnn_cell_forward" in text and ".pyx" not in text and "_generator" not in text, text


def test_student_output_warnings_and_stderr_never_reach_stderr(capsys):
    namespace = student(
        "import sys, warnings\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    print('debug'); print('noise', file=sys.stderr); warnings.warn('careful')\n"
        "    np.log(-np.ones(1))\n"
        "    return reference(xt, a_prev, parameters)\n".replace("reference", "_reference"))
    namespace["_reference"] = oracle.rnn_cell_forward
    assert repr(autograder.grade(NAME, namespace)) == "10"
    out = capsys.readouterr()
    assert out.err == "" and "debug" not in out.out


def test_an_endless_loop_is_stopped_after_its_cpu_time(monkeypatch):
    monkeypatch.setattr(limits, "DEFAULT", limits.Limits(call_seconds=0.2, wall_factor=100))
    namespace = student("def rnn_cell_forward(xt, a_prev, parameters):\n"
                        "    while True:\n        try:\n            pass\n        except Exception:\n            pass\n")
    text = autograder.report(NAME, namespace, seed=1).render()
    assert "did not finish within 0.2 s of computing time" in text


def test_a_call_that_waits_is_stopped_by_the_wall_clock_backstop(monkeypatch):
    monkeypatch.setattr(limits, "DEFAULT", limits.Limits(call_seconds=0.1, wall_factor=3))
    namespace = student("def rnn_cell_forward(xt, a_prev, parameters):\n"
                        "    import time\n    time.sleep(30)\n")
    started = time.monotonic()
    text = autograder.report(NAME, namespace, seed=1).render()
    assert "did not return within 0.3 s, most of it spent waiting" in text
    assert time.monotonic() - started < 20  # every problem stopped after 0.3 s, not 30


def test_the_time_limit_counts_cpu_time_not_a_busy_machine(monkeypatch):
    """A call that needs 0.3 s of CPU passes a 1 s limit even while CPU-bound processes hold
    every core several times over (its wall time then grows; its CPU time does not)."""
    import multiprocessing
    from autograder.agent import call_quietly

    def work():
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
        return "done"
    hogs = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(6 * os.cpu_count())]
    for hog in hogs:
        hog.start()
    try:
        started = time.monotonic()
        assert call_quietly(work, (), 1.0, 60) == "done"
        waited = time.monotonic() - started
    finally:
        for hog in hogs:
            hog.kill()
    assert waited > 1.0  # it really did compete for a CPU: a wall-clock limit of 1 s would have stopped it


def _spin():
    while True:
        pass


def test_other_graded_functions_are_the_oracle_while_grading_and_restored_after():
    namespace = student("def rnn_cell_forward(xt, a_prev, parameters):\n    return None\n")
    broken_cell = namespace["rnn_cell_forward"]
    report = autograder.report("rnn_step_by_step.rnn_forward", namespace, seed=1)
    assert report.points == report.max_points
    assert namespace["rnn_cell_forward"] is broken_cell


def test_inputs_are_copied_so_a_student_cannot_corrupt_the_oracle():
    namespace = student(
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    import copy\n"
        "    out = _reference(xt.copy(), a_prev.copy(), copy.deepcopy(parameters))\n"
        "    parameters['Wax'] *= 100; xt *= 0\n"
        "    return out\n")
    namespace["_reference"] = oracle.rnn_cell_forward
    assert autograder.report(NAME, namespace, seed=1).points == 10


def test_a_grader_bug_is_not_blamed_on_the_student():
    def broken_check(student_code, rng):
        raise ZeroDivisionError("oops")
    grader = grading.Grader("a", "f", 4, [grading.Check("check", 1.0, broken_check)], oracle)
    report = grading.run(grader, {"f": lambda: None}, ["f"], seed=1)
    assert report.points == 0 and "not your mistake" in report.render()


@pytest.mark.parametrize("grader", [g for graders in map(assignments.graders, assignments.ASSIGNMENTS) for g in graders],
                         ids=lambda g: g.name)
def test_every_grader_gives_the_reference_full_marks_on_several_seeds(grader):
    namespace = reference_namespace(grader.assignment)
    for seed in (0, 1, 2):
        report = autograder.report(grader.name, namespace, seed=seed)
        assert report.points == grader.points, report.render()


BORROWS_LATER_ORACLE = (
    "def rnn_cell_forward(xt, a_prev, parameters):\n"
    "    a, y_pred, caches = rnn_forward(xt[:, :, None], a_prev, parameters)\n"
    "    return a[:, :, 0], y_pred[:, :, 0], caches[0][0]\n")


def test_a_function_cannot_borrow_the_oracle_of_a_later_one():
    """Only the graded functions before the one graded become the oracle's: rnn_forward with
    T_x = 1 would otherwise compute rnn_cell_forward for the student."""
    namespace = student(BORROWS_LATER_ORACLE)
    namespace["rnn_forward"] = lambda x, a0, parameters: None  # the student's own, unwritten
    assert autograder.report(NAME, namespace, seed=1).points == 0
