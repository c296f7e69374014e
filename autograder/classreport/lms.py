"""Grades for an LMS: a Canvas gradebook import, a generic one-row-per-student CSV, and the
students the gradebook knows who submitted nothing.

Score = core points + bonus points (extra credit, on top of the core maximum) - late penalty,
never below 0. Canvas's gradebook CSV: the columns Student, ID, SIS User ID, SIS Login ID,
Section, then one column per assignment; its second row, "Points Possible", holds each
assignment's maximum (the core: a bonus is extra credit). The student's nbgrader id (their
login) goes in "SIS Login ID"; ID (Canvas's own number) stays empty for Canvas to match on the
login. A student with no submission gets an empty cell (Canvas leaves an empty cell ungraded).
"""
import csv
from dataclasses import dataclass


@dataclass
class FinalGrade:
    student: str
    status: str
    core: float
    bonus: float
    late_penalty: float
    max: float

    @property
    def final(self):
        return round(max(0.0, self.core + self.bonus - self.late_penalty), 2)


def final_grades(data):
    """[FinalGrade] of every submission of a ClassData."""
    core = [f.name for f in data.functions if not f.bonus]
    bonus = [f.name for f in data.functions if f.bonus]
    return [FinalGrade(s.student, s.status, round(sum(s.points.get(f, 0.0) for f in core), 2),
                       round(sum(s.points.get(f, 0.0) for f in bonus), 2), s.late_penalty, data.core_max)
            for s in data.submissions]


def missing_students(data):
    """Students of the roster (the gradebook) with no submission of this assignment."""
    present = {s.student for s in data.submissions} | set(data.solutions) | set(data.unreadable)
    return [student for student in data.roster if student not in present]


def write_canvas(path, assignment, grades, missing, points_possible):
    """Canvas's gradebook import format (see the module's docstring)."""
    column = assignment
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        writer.writerow(["Points Possible", "", "", "", "", f"{points_possible:g}"])
        for grade in grades:
            writer.writerow([grade.student, "", "", grade.student, "", f"{grade.final:g}"])
        for student in missing:
            writer.writerow([student, "", "", student, "", ""])


GENERIC_COLUMNS = ["student", "status", "core", "bonus", "late_penalty", "final", "max"]


def write_generic(path, grades, missing, core_max):
    """One row per student; a student with no submission has status "no submission" and final 0."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(GENERIC_COLUMNS)
        for g in grades:
            writer.writerow([g.student, g.status, f"{g.core:g}", f"{g.bonus:g}", f"{g.late_penalty:g}",
                             f"{g.final:g}", f"{g.max:g}"])
        for student in missing:
            writer.writerow([student, "no submission", 0, 0, 0, 0, f"{core_max:g}"])
