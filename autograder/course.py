"""The course directory: its notebooks, its nbgrader commands, its gradebook, and sample
submissions built from the source notebooks (shared by the demo and the course-level tests).

`root` is always a course directory: one holding nbgrader_config.py, source/ and release/.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from .assignments import ASSIGNMENTS, graders, notebook_file

REPOSITORY = Path(__file__).resolve().parent.parent

SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def source_notebook(assignment, root=REPOSITORY):
    return Path(root) / "source" / assignment / notebook_file(assignment)


def release_notebook(assignment, root=REPOSITORY):
    return Path(root) / "release" / assignment / notebook_file(assignment)


def nbgrader(root, *args, timeout=1800):
    """Run an nbgrader command in the course directory `root`; returns its combined output.

    The environment's bin/ goes first on PATH: nbgrader shells out to alembic for the gradebook.
    """
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # nbgrader only logs a broken nbgrader_config.py and goes on with defaults: refuse that.
    if done.returncode != 0 or "Exception while loading config file" in done.stdout:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({done.returncode}):\n{done.stdout}")
    return done.stdout


def generate_release(root, assignment):
    """(Re)write release/<assignment>/ with nbgrader generate_assignment."""
    nbgrader(root, "generate_assignment", assignment, "--force")


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def solutions(assignment, root=REPOSITORY):
    """{solution cell grade_id: its source with the solution markers removed}."""
    nb = nbformat.read(source_notebook(assignment, root), as_version=4)
    return {nbgrader_meta(c)["grade_id"]: SOLUTION_MARKERS.sub("", c.source)
            for c in nb.cells if nbgrader_meta(c).get("solution")}


def write_submission(root, student, assignment, answers):
    """Write submitted/<student>/<assignment>/: the release as downloaded, its notebook's solution
    cells whose grade_id is in `answers` replaced by that code (what a student hands in)."""
    nb = nbformat.read(release_notebook(assignment, root), as_version=4)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    folder = Path(root) / "submitted" / student / assignment
    shutil.copytree(release_notebook(assignment, root).parent, folder, dirs_exist_ok=True)
    nbformat.write(nb, folder / notebook_file(assignment))
    (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    return folder


def load_config(root):
    """The course's nbgrader configuration (nbgrader_config.py in `root`)."""
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def course_id(root):
    return load_config(root).CourseDirectory.course_id or "default_course"


def grade_table(root, assignment):
    """{student: {graded function: points}} from the gradebook, plus the bonus function names."""
    from nbgrader.api import Gradebook

    functions = graders(assignment)
    table = {}
    with Gradebook(db_url(root), course_id(root)) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            notebook = submission.notebooks[0]
            scores = {grade.name: grade.score for grade in notebook.grades}
            table[submission.student_id] = {g.function: scores.get(f"test_{g.function}") for g in functions}
    return table, [g.function for g in functions if g.bonus]


def db_url(root):
    return os.environ.get("NBGRADER_DB_URL", "sqlite:///" + str(Path(root) / "gradebook.db"))


if __name__ == "__main__":  # make release
    for name in ASSIGNMENTS:
        generate_release(REPOSITORY, name)
