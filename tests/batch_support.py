"""What the batch grading tests share: a course directory with submissions, and the batch
command run the way an instructor runs it (a subprocess, the environment's bin/ on PATH)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.course import REPOSITORY
from autograder.demo import build_submissions

BIN = Path(sys.executable).parent  # the project's environment: python, nbgrader, alembic, dask


def make_course(root, assignment, demo_students=True):
    """A course directory (source/, release/, nbgrader_config.py) holding, unless told
    otherwise, the demo's sample submissions of `assignment`."""
    for folder in ("source", "release"):
        shutil.copytree(REPOSITORY / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPOSITORY / "nbgrader_config.py", root)
    if demo_students:
        build_submissions(root, assignment)
    return root


def run_batch(root, assignment, *args, timeout=900):
    """`python -m autograder.batch assignment --root root *args` (`assignment`: a name or a list
    of names); returns its output (it must exit 0). NBGRADER_DB_URL is unset: the gradebook is
    the course's own unless --db-url says."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_DB_URL", None)
    assignments = [assignment] if isinstance(assignment, str) else list(assignment)
    done = subprocess.run([sys.executable, "-m", "autograder.batch", *assignments, "--root", str(root), "--no-progress",
                           *args], cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-5000:]
    return done.stdout


def not_graded(root, assignment):
    """The status and detail (a traceback for a grader error) of every record not "graded"."""
    found = []
    for path in sorted((root / "grading_records" / assignment).glob("*.json")):
        record = json.loads(path.read_text())
        if record.get("status") != "graded":
            found.append(f"\n{path.stem}: {record.get('status')}\n{record.get('detail')}")
    return "".join(found)


def assert_demo_grades(table, assignment):
    """The demo class's grades ({student: {function: points}}): the reference at full marks, the
    untouched release at zero, each buggy student below full in exactly its own functions."""
    from autograder import assignments
    points = {g.function: g.points for g in assignments.graders(assignment)}
    assert sorted(table) == sorted(["reference", "untouched", *assignments.demo_students(assignment)])
    assert table["reference"] == points
    assert table["untouched"] == dict.fromkeys(points, 0.0)
    for student, mistakes in assignments.demo_students(assignment).items():
        wrong = {key.split("__")[0] for key in mistakes}
        for function, full in points.items():
            assert (table[student][function] < full) if function in wrong else (table[student][function] == full), \
                (student, function, table[student])
