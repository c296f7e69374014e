"""A synthetic graded class for the report's tests and bench: what a batch run leaves, written
without grading anything.

Each student's record holds reports rendered by the real `FunctionReport.render` with the real
graders' check titles; a function given a hint fails every check but the first, with that hint
(a catalogue entry's hint is what a misconception probe prints). The notebook is the release's
with solution cells replaced, and grades/<assignment>.csv is derived from the records as the
batch derives it.
"""
import csv
import json
import shutil
from functools import lru_cache
from pathlib import Path

from ..assignments import graders, notebook_file
from ..checks import Mismatch
from ..course import REPOSITORY, nbgrader_meta, release_notebook, solutions
from ..grading import CheckResult, FunctionReport


def copy_release(root, assignment):
    """release/<assignment>/<notebook> of the repository, into the course directory `root`."""
    target = Path(root) / "release" / assignment / notebook_file(assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(release_notebook(assignment, REPOSITORY), target)
    return target


@lru_cache(maxsize=None)
def reference_code(assignment):
    """{function: the reference solution cell}, markers removed."""
    return solutions(assignment, REPOSITORY)


def function_report(grader, hint, seed=1):
    """The FunctionReport of a function that fails every check but the first with `hint`
    (a hint of None: full marks)."""
    results = []
    for i, check in enumerate(grader.checks):
        most = round(grader.points * check.weight, 2)
        failed = hint is not None and (i > 0 or len(grader.checks) == 1)
        problems = [Mismatch(f"On a problem with n=3: {grader.function} differs at 2 of 6 entries.", hint)] \
            if failed else []
        results.append(CheckResult(check.title, 0.0 if failed else most, most, problems))
    return FunctionReport(grader.name, seed, results, grader.bonus)


def write_student(root, assignment, student, code=None, hints=None, status="graded", seconds_late=0.0,
                  seconds=2.0, peak_memory_mb=120.0):
    """Write a student's notebook (the release, solution cells from `code`: {function: source},
    else the reference's) and record (`hints`: {function: hint of its failing checks}).
    A status other than "graded" writes a record without reports or points, as the batch does."""
    code, hints = code or {}, hints or {}
    reference = reference_code(assignment)
    notebook = json.loads(Path(root, "release", assignment, notebook_file(assignment)).read_text())
    for cell in notebook["cells"]:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in reference:
            cell["source"] = code.get(grade_id, reference[grade_id])
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / notebook_file(assignment)).write_text(json.dumps(notebook))
    reports = {g.function: function_report(g, hints.get(g.function)) for g in graders(assignment)} \
        if status == "graded" else {}
    record = {"student": student, "assignment": assignment, "status": status,
              "detail": "" if status == "graded" else f"synthetic: {status}",
              "points": {f: r.points for f, r in reports.items()},
              "max_points": {g.function: g.points for g in graders(assignment)},
              "reports": {f: r.render() for f, r in reports.items()},
              "integrity": [], "activity": [], "kernel_says": [], "seconds": seconds,
              "peak_memory_mb": peak_memory_mb, "seed": 1, "output_truncated": False, "attempts": 1,
              "seconds_late": seconds_late, "fingerprint": "synthetic"}
    path = Path(root) / "grading_records" / assignment / f"{student}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1))
    return record


def write_grades_csv(root, assignment, penalties=None):
    """grades/<assignment>.csv from the records, in the batch's columns; `penalties` is
    {student: late penalty}."""
    penalties = penalties or {}
    functions = graders(assignment)
    rows = []
    for path in sorted((Path(root) / "grading_records" / assignment).glob("*.json")):
        record = json.loads(path.read_text())
        points = {g.function: record["points"].get(g.function, 0.0) for g in functions}
        penalty = penalties.get(record["student"], 0.0)
        rows.append({"student": record["student"], "status": record["status"], **points,
                     "total": round(sum(points.values()) - penalty, 2),
                     "max": sum(g.points for g in functions if not g.bonus),
                     "seconds_late": round(record["seconds_late"]), "late_penalty": penalty,
                     "detail": record["detail"]})
    path = Path(root) / "grades" / f"{assignment}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
