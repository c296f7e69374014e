"""The visible checks' shared helpers, autograder/check_helpers.py: one file, shipped with every
release as a plain file that needs nothing of the grading package."""
import os
import subprocess
import sys

import numpy as np
import pytest

from autograder import check_helpers
from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY

SHARED = REPOSITORY / "autograder" / "check_helpers.py"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_links_to_the_one_file_and_its_release_holds_a_copy(assignment):
    linked = REPOSITORY / "source" / assignment / "check_helpers.py"
    assert linked.is_symlink() and linked.resolve() == SHARED.resolve()
    released = REPOSITORY / "release" / assignment / "check_helpers.py"
    assert not released.is_symlink() and released.read_bytes() == SHARED.read_bytes()


def test_the_shipped_file_imports_with_no_grading_package(tmp_path):
    """A student's machine has no `autograder`: the copy runs alone, with it blocked."""
    (tmp_path / "check_helpers.py").write_bytes(SHARED.read_bytes())
    code = ("import sys; sys.modules['autograder'] = None\n"
            "import check_helpers\nprint(sorted(n for n in dir(check_helpers) if n.startswith('check_')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stderr
    assert "check_close" in done.stdout


def test_a_failure_says_what_was_expected_what_came_back_and_a_hint():
    with pytest.raises(AssertionError) as failed:
        check_helpers.check_close("check_f", np.array([1.0, 2.0]), np.array([1.0, 2.5]), "y should equal x",
                                  "look at y")
    lines = str(failed.value).splitlines()
    assert lines[0] == "check_f failed: y should equal x."
    assert "index (1,)" in lines[2] and "expected 2.5" in lines[2] and "got 2" in lines[2]
    assert lines[3].strip() == "hint:     look at y"


@pytest.mark.parametrize("shape", [(1,), (3, 1), (2, 3)])
def test_numerical_gradient_of_a_quadratic_and_the_two_error_measures(shape):
    rng = np.random.default_rng(len(shape))
    x, w = rng.normal(size=shape), rng.normal(size=shape)
    original = x.copy()
    grad = check_helpers.numerical_gradient(lambda: np.sum(w * x ** 2), x)
    assert np.array_equal(x, original)  # put back exactly
    assert check_helpers.relative_error(grad, 2 * w * x) < 1e-7
    assert check_helpers.norm_relative_error(grad, 2 * w * x) < 1e-7
    assert check_helpers.relative_error(grad, w * x) > 0.1 and check_helpers.norm_relative_error(grad, w * x) > 0.1


def failure_of(check_function, *args):
    with pytest.raises(AssertionError) as failed:
        check_function(*args)
    return failed.value


def unwritten(x):
    raise NotImplementedError()


def test_an_unwritten_function_fails_its_check_saying_so_with_its_traceback_above():
    error = failure_of(check_helpers.run_checks, "check_f", "f", lambda: unwritten(1), {"f": unwritten})
    assert str(error).startswith("check_f failed: f is not written yet")
    assert "raise NotImplementedError()" in str(error).splitlines()[1]  # the hint
    assert isinstance(error.__context__, NotImplementedError)  # shown above the message


def test_a_crash_names_the_function_at_fault_in_one_line_of_bounded_length():
    def f(x):
        return helper(x)

    def helper(x):
        raise ValueError("shapes (3,) and (4,) not aligned " * 100)

    error = failure_of(check_helpers.run_checks, "check_g", "g", lambda: f(1), {"g": lambda: 0, "f": f})
    first = str(error).splitlines()[0]
    assert first.startswith("check_g failed: f raised ValueError: shapes (3,) and (4,)") and len(first) < 400


def test_an_assert_of_the_students_code_is_a_crash_and_a_checks_failure_is_not():
    def f(x):
        assert x > 1, "x too small"

    error = failure_of(check_helpers.run_checks, "check_f", "f", lambda: f(1), {"f": f})
    assert str(error).startswith("check_f failed: f raised AssertionError: x too small")
    own = failure_of(check_helpers.run_checks, "check_f", "f", lambda: check_helpers.fail("check_f", "no."), {"f": f})
    assert str(own) == "check_f failed: no."


def test_a_crash_of_the_check_itself_and_a_librarys_not_implemented_error_are_not_blamed_on_the_student():
    def read(returned):
        return returned["a_next"]  # what f returned is None

    error = failure_of(check_helpers.run_checks, "check_f", "f", lambda: read(None), {"f": unwritten})
    assert str(error).startswith("check_f failed: the check could not use what f returned: TypeError")

    def f(x):
        raise NotImplementedError("this operation is not supported on symbolic tensors")

    error = failure_of(check_helpers.run_checks, "check_f", "f", lambda: f(1), {"f": f})
    assert "f raised NotImplementedError: this operation" in str(error) and "not written" not in str(error)


def test_a_prerequisite_that_crashes_stops_the_check_with_its_message_and_its_crash_as_cause():
    error = failure_of(check_helpers.run_prerequisite, "check_g", "g", "f", lambda: unwritten(1), {"f": unwritten})
    assert isinstance(error, check_helpers.PrerequisiteError) and error.function == "f"
    assert str(error).splitlines()[0] == "check_g stopped: fix f first."
    assert "    check_f failed: f is not written yet" in str(error)
    assert isinstance(error.__cause__, NotImplementedError)
