"""The grader's own trouble is never a student's grade: a lost worker and a grader error are
retried at once (a bounded number of times), a submission still in trouble after that keeps
the status "grader error" (not a final verdict), and the next run grades it again without
--force. The faults are injected by a task function that wraps the real one."""
import json
import os
from pathlib import Path

import pytest

from autograder.batch import coordinator
from autograder.course import db_url, generate_release, grade_table, solutions, write_submission
from autograder import assignments
from autograder.limits import Limits
from autograder.status import Status
from batch_support import BIN, make_course

pytestmark = pytest.mark.xdist_group("batch")
ASSIGNMENT = "rnn_step_by_step"
FULL = {g.function: float(g.points) for g in assignments.graders(ASSIGNMENT)}


def faulty_grade_task(task, release):
    """coordinator.grade_task, with faults by student: `worker_lost` kills its worker on the
    first attempt; `grader_trouble` is a grader error twice; `always_trouble` always is.
    Attempts are counted in files (the worker may be a new process)."""
    attempts = Path(os.environ["FAULT_DIR"]) / task.student
    attempts.write_text(attempts.read_text() + "x" if attempts.exists() else "x")
    count = len(attempts.read_text())
    if task.student == "worker_lost" and count == 1:
        os._exit(1)
    if task.student == "grader_trouble" and count <= 2 or task.student == "always_trouble":
        return coordinator.blank_result(task.student, task.assignment, Status.GRADER_ERROR, "injected fault")
    return coordinator.grade_task(task, release)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("retry-course"), ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)
    for student in ("worker_lost", "grader_trouble", "always_trouble"):
        write_submission(root, student, ASSIGNMENT, solutions(ASSIGNMENT))
    return root


def grade(root, monkeypatch, tmp_path):
    monkeypatch.setattr(coordinator, "grade_task", faulty_grade_task)
    monkeypatch.setenv("FAULT_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    with coordinator.Batch(root, db_url(root), Limits(), seed=3, workers=2, progress=False) as batch:
        retried = batch.grade(ASSIGNMENT)
        return retried, batch.summary(ASSIGNMENT, batch.table(ASSIGNMENT), retried)


def record(root, student):
    return json.loads((root / "grading_records" / ASSIGNMENT / f"{student}.json").read_text())


def test_trouble_is_retried_and_then_left_for_the_next_run(course, monkeypatch, tmp_path):
    retried, summary = grade(course, monkeypatch, tmp_path)
    table, _ = grade_table(course, ASSIGNMENT)
    assert record(course, "worker_lost")["status"] == Status.GRADED and table["worker_lost"] == FULL
    assert record(course, "grader_trouble")["status"] == Status.GRADED and table["grader_trouble"] == FULL
    assert record(course, "grader_trouble")["attempts"] == 3
    always = record(course, "always_trouble")
    assert always["status"] == Status.GRADER_ERROR and always["attempts"] == coordinator.RETRIES + 1
    assert retried >= 2  # grader_trouble and always_trouble (a lost worker may be retried by Dask itself)
    assert f"{retried} retried after the grader's own trouble" in summary and "1 grader error" in summary

    # the next run, without --force: only the submission whose last status was not final
    (tmp_path / "always_trouble").unlink()
    monkeypatch.setattr(coordinator, "RETRIES", 0)
    stamps = {p.name: p.stat().st_mtime_ns for p in (course / "grading_records" / ASSIGNMENT).iterdir()}
    grade(course, monkeypatch, tmp_path)
    assert (tmp_path / "always_trouble").read_text() == "x"  # tried again
    after = {p.name: p.stat().st_mtime_ns for p in (course / "grading_records" / ASSIGNMENT).iterdir()}
    assert {k for k in stamps if stamps[k] != after[k]} == {"always_trouble.json"}  # final verdicts kept


def test_a_submission_the_cluster_cannot_take_gets_a_row_and_the_others_are_graded(tmp_path, monkeypatch):
    """The cluster refuses one task (a scheduler in trouble): that submission's row says
    "grader error" (a later run grades it), and every other submission is graded."""
    root = make_course(tmp_path / "course", ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)
    for student in ("refused_by_the_cluster", "honest"):
        write_submission(root, student, ASSIGNMENT, solutions(ASSIGNMENT))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    with coordinator.Batch(root, db_url(root), Limits(), seed=3, workers=1, progress=False) as batch:
        submit = batch.client.submit

        def refusing(function, task, *args, **kwargs):
            if task.student == "refused_by_the_cluster":
                raise OSError("the scheduler went away")
            return submit(function, task, *args, **kwargs)
        monkeypatch.setattr(batch.client, "submit", refusing)
        batch.grade(ASSIGNMENT)
    table, _ = grade_table(root, ASSIGNMENT)
    assert record(root, "refused_by_the_cluster")["status"] == Status.GRADER_ERROR
    assert "could not take it" in record(root, "refused_by_the_cluster")["detail"]
    assert record(root, "honest")["status"] == Status.GRADED and table["honest"] == FULL
