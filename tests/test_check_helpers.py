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
