"""What a batch grading run leaves in the course directory, loaded into plain dataclasses.

    grading_records/<assignment>/<student>.json   one record per graded submission
    grades/<assignment>.csv                        the batch's export (gradebook scores, penalties)
    submitted/<student>/<assignment>/<nb>.ipynb    the students' notebooks (their solution cells)
    release/<assignment>/<nb>.ipynb                the template the students started from
    the nbgrader gradebook                         the students the course knows (the roster)

Points come from grades/<assignment>.csv when it has the student (the gradebook's scores, an
instructor's manual grade included), else from the record. Nothing here writes anything.
"""
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..assignments import graders, notebook_file
from ..course import course_id, db_url, nbgrader_meta

# A check's line in a rendered report (autograder.grading.FunctionReport.render).
CHECK_LINE = re.compile(r"^  (ok  |FAIL) \[([-\d.e+]+)/([-\d.e+]+)\] (.*)$")
HINT_PREFIX = "Hint: "


@dataclass
class Function:
    """A graded function of the assignment, as its grader declares it."""
    name: str
    points: float
    bonus: bool
    check_titles: list


@dataclass
class CheckOutcome:
    """One check group of one student's report."""
    title: str
    points: float
    max_points: float
    problems: list  # the lines under the check, hints excluded
    hints: list     # the text of its "Hint: " lines

    @property
    def lost(self):
        return self.points < self.max_points


@dataclass
class Submission:
    """One student's graded submission: its record merged with its row of the grades CSV."""
    student: str
    status: str
    detail: str = ""
    points: dict = field(default_factory=dict)      # {function: points}
    checks: dict = field(default_factory=dict)      # {function: [CheckOutcome]} parsed from the reports
    seconds: float = None
    peak_memory_mb: float = None
    seconds_late: float = 0.0
    late_penalty: float = 0.0


@dataclass
class ClassData:
    """Everything the report reads about one assignment of one course directory."""
    assignment: str
    functions: list                                  # [Function], notebook order
    submissions: list                                # [Submission], sorted by student
    solutions: dict = field(default_factory=dict)    # {student: {function: solution cell source}}
    template: dict = field(default_factory=dict)     # {function: the release's solution cell source}
    unreadable: list = field(default_factory=list)   # students whose notebook could not be parsed
    roster: list = field(default_factory=list)       # student ids the gradebook knows
    roster_source: str = ""                          # where the roster came from, said in the report

    @property
    def core_max(self):
        return sum(f.points for f in self.functions if not f.bonus)

    @property
    def bonus_max(self):
        return sum(f.points for f in self.functions if f.bonus)


def parse_report(text):
    """[CheckOutcome] of a rendered function report; lines under a check are its problems,
    except "Hint: " lines, which are its hints."""
    outcomes = []
    for line in (text or "").splitlines():
        match = CHECK_LINE.match(line)
        if match:
            mark, points, most, title = match.groups()
            outcomes.append(CheckOutcome(title, float(points), float(most), [], []))
        elif outcomes and line.strip():
            body = line.strip()
            if body.startswith(HINT_PREFIX):
                outcomes[-1].hints.append(body[len(HINT_PREFIX):])
            else:
                outcomes[-1].problems.append(body)
    return outcomes


def number(text, default=0.0):
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def load_records(root, assignment):
    """{student: record dict} of grading_records/<assignment>/ (an unreadable file is skipped)."""
    records = {}
    for path in sorted((Path(root) / "grading_records" / assignment).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        records[str(record.get("student", path.stem))] = record
    return records


def load_grades_csv(root, assignment):
    """{student: row} of grades/<assignment>.csv, or {} when the batch has not exported it."""
    path = Path(root) / "grades" / f"{assignment}.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def make_submission(student, record, row, functions):
    """A Submission from a record and/or a grades CSV row (either may be None)."""
    record, row = record or {}, row or {}
    points = {f.name: number(row[f.name]) if f.name in row else number(record.get("points", {}).get(f.name))
              for f in functions}
    reports = record.get("reports") or {}
    return Submission(
        student=student,
        status=str(row.get("status") or record.get("status") or "unknown"),
        detail=str(record.get("detail") or row.get("detail") or ""),
        points=points,
        checks={f.name: parse_report(reports[f.name]) for f in functions if f.name in reports},
        seconds=record.get("seconds"),
        peak_memory_mb=record.get("peak_memory_mb"),
        seconds_late=number(row.get("seconds_late", record.get("seconds_late"))),
        late_penalty=number(row.get("late_penalty")),
    )


def solution_cells(path):
    """{grade_id: source} of a notebook's solution cells; raises on a notebook that cannot be parsed.

    Read as plain JSON (nbformat 4: a cell's source is a string or a list of lines): validating
    hundreds of notebooks with nbformat would cost more than the whole report."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = {}
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and "grade_id" in meta:
            source = cell["source"]
            cells[str(meta["grade_id"])] = source if isinstance(source, str) else "".join(source)
    return cells


def load_solutions(root, assignment, students):
    """({student: {function: source}}, [students whose notebook could not be parsed])."""
    solutions, unreadable = {}, []
    for student in students:
        path = Path(root) / "submitted" / student / assignment / notebook_file(assignment)
        if not path.exists():
            continue
        try:
            solutions[student] = solution_cells(path)
        except Exception:  # not JSON, not a notebook, not text: anything a student's file can be
            unreadable.append(student)
    return solutions, unreadable


def load_roster(root):
    """(student ids of the gradebook, the source said in the report). A SQLite gradebook that does
    not exist is not created: the roster is then empty."""
    url = db_url(root)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return [], f"no gradebook ({url} does not exist): no roster, so no student is listed as missing"
    try:
        from nbgrader.api import Gradebook
        try:
            course = course_id(root)
        except Exception:  # no or unreadable nbgrader_config.py
            course = "default_course"
        with Gradebook(url, course) as gradebook:
            ids = sorted(student.id for student in gradebook.students)
    except Exception as error:
        return [], f"the gradebook {url} could not be read ({type(error).__name__}): no roster"
    if not ids:
        return [], f"the gradebook {url} lists no student: no roster, so no student is listed as missing"
    return ids, f"the gradebook {url} ({len(ids)} students)"


def submitted_students(root, assignment):
    folder = Path(root) / "submitted"
    return sorted(p.parent.name for p in folder.glob(f"*/{assignment}") if p.is_dir()) if folder.exists() else []


def load(root, assignment, read_roster=True):
    """The ClassData of `assignment` in the course directory `root`."""
    functions = [Function(g.function, g.points, g.bonus, [c.title for c in g.checks]) for g in graders(assignment)]
    records, rows = load_records(root, assignment), load_grades_csv(root, assignment)
    submissions = [make_submission(s, records.get(s), rows.get(s), functions) for s in sorted(set(records) | set(rows))]
    solutions, unreadable = load_solutions(root, assignment, sorted(set(submitted_students(root, assignment))
                                                                    | set(records) | set(rows)))
    release = Path(root) / "release" / assignment / notebook_file(assignment)
    template = solution_cells(release) if release.exists() else {}
    roster, source = load_roster(root) if read_roster else ([], "not read")
    return ClassData(assignment, functions, submissions, solutions, template, unreadable, roster, source)
