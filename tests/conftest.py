import shutil

import pytest

from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY, generate_release, grade_table, nbgrader
from autograder.demo import build_submissions

@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    """A copy of the course in which every assignment was generated with nbgrader and the demo's
    sample submissions (reference, untouched release, students with catalogued bugs) were
    autograded on a fresh SQLite gradebook and given feedback.

    Returns (course root, {assignment: (grade table, bonus functions)}).
    """
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPOSITORY / "source", root / "source")
    shutil.copy(REPOSITORY / "nbgrader_config.py", root)
    tables = {}
    for assignment in ASSIGNMENTS:
        generate_release(root, assignment)
        build_submissions(root, assignment)
        nbgrader(root, "autograde", assignment, "--force")
        nbgrader(root, "generate_feedback", assignment, "--force")
        tables[assignment] = grade_table(root, assignment)
    return root, tables
