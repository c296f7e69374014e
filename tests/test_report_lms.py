"""autograder.classreport.lms: Canvas and generic exports, extra credit and late penalties, and the
gradebook's students who submitted nothing."""
import csv
import os
import sys
from pathlib import Path

import pytest

from autograder.assignments import graders
from autograder.classreport import build, lms, records, write
from autograder.classreport.synthetic import copy_release, write_grades_csv, write_student

ASSIGNMENT = "rnn_step_by_step"  # it has bonus functions (extra credit)
CORE = sum(g.points for g in graders(ASSIGNMENT) if not g.bonus)
BONUS = sum(g.points for g in graders(ASSIGNMENT) if g.bonus)
BONUS_FUNCTION = next(g.function for g in graders(ASSIGNMENT) if g.bonus)


@pytest.fixture
def course(tmp_path):
    copy_release(tmp_path, ASSIGNMENT)
    write_student(tmp_path, ASSIGNMENT, "full")  # every function right, bonus included
    write_student(tmp_path, ASSIGNMENT, "late", seconds_late=3 * 3600)
    write_student(tmp_path, ASSIGNMENT, "no_bonus", hints={BONUS_FUNCTION: "Check the update gate."})
    write_student(tmp_path, ASSIGNMENT, "very_late", hints={"rnn_cell_forward": "x"}, seconds_late=9 * 86400)
    write_grades_csv(tmp_path, ASSIGNMENT, penalties={"late": 10.0, "very_late": 500.0})
    return tmp_path


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_final_grade_adds_extra_credit_and_subtracts_the_penalty(course):
    grades = {g.student: g for g in lms.final_grades(records.load(course, ASSIGNMENT, read_roster=False))}
    assert CORE == 100 and BONUS > 0
    assert (grades["full"].core, grades["full"].bonus, grades["full"].final) == (CORE, BONUS, CORE + BONUS)
    assert grades["late"].final == CORE + BONUS - 10
    partial = grades["no_bonus"]  # lost extra credit only: its core stays whole
    assert partial.core == CORE and BONUS - 5 <= partial.bonus < BONUS and partial.final == CORE + partial.bonus
    assert grades["very_late"].final == 0  # never below 0
    assert all(g.max == CORE for g in grades.values())


@pytest.fixture
def gradebook(course, monkeypatch):
    """A gradebook knowing the four students who submitted and two who did not."""
    from nbgrader.api import Gradebook
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # alembic
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        for student in ("full", "late", "no_bonus", "very_late", "zoe", "adam"):
            book.add_student(student)
    return course


def test_exports_and_missing_students_from_the_gradebook(gradebook, tmp_path):
    report = build(gradebook, ASSIGNMENT)
    assert report.missing == ["adam", "zoe"]
    assert "gradebook" in report.data.roster_source and "6 students" in report.data.roster_source
    out = tmp_path / "out"
    page = write(report, out).read_text()
    assert "adam, zoe" in page

    canvas = rows(out / "canvas.csv")
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    assert canvas[1][0] == "Points Possible" and float(canvas[1][-1]) == CORE
    scores = {row[3]: row[-1] for row in canvas[2:]}
    assert float(scores["full"]) == CORE + BONUS and float(scores["late"]) == CORE + BONUS - 10
    assert scores["zoe"] == scores["adam"] == ""  # no submission: left ungraded

    generic = {row[0]: row for row in rows(out / "grades_lms.csv")[1:]}
    assert rows(out / "grades_lms.csv")[0] == lms.GENERIC_COLUMNS
    assert [float(x) for x in generic["late"][2:]] == [CORE, BONUS, 10, CORE + BONUS - 10, CORE]
    assert generic["zoe"][1] == "no submission"


def test_without_a_gradebook_nobody_is_missing_and_the_report_says_why(course, monkeypatch):
    monkeypatch.delenv("NBGRADER_DB_URL", raising=False)
    report = build(course, ASSIGNMENT)
    assert report.missing == [] and "no gradebook" in report.data.roster_source
    assert not (course / "gradebook.db").exists()  # looking did not create one
