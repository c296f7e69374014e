"""Where the class struggles: points lost per graded function and per check group, the
catalogued misconceptions found, and the lost points no catalogue entry explains.

A catalogued mistake is recognised by its hint: the graders print a wrong catalogue entry's
hint (`entry.hint`) when the student's output behaves like that entry (a misconception probe),
so a report whose "Hint: " line equals the hint of a wrong entry of that function names that
mistake. Other hints (term isolation, shapes, crashes) name no entry.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from ..assignments import catalogue
from ..grading import NOT_WRITTEN_HINT


@dataclass
class Loss:
    """Points lost at one place (a function, or one check group of it) across the class."""
    function: str
    title: str           # the check group's title; "" for the function as a whole
    max_points: float
    graded: int          # students with a report there
    students: list       # those who lost points there
    mean_points: float
    not_written: list = field(default_factory=list)  # of those, who left the function as released

    @property
    def lost(self):
        return len(self.students)


@dataclass
class Misconception:
    function: str
    slug: str
    hint: str
    students: list = field(default_factory=list)


@dataclass
class Unexplained:
    """Lost points no catalogue hint explains, grouped by the first failing check."""
    function: str
    title: str
    students: list = field(default_factory=list)
    examples: list = field(default_factory=list)  # (student, first problem line and hint) of a few students


def graded(data):
    """Submissions whose functions were graded (they carry reports)."""
    return [s for s in data.submissions if s.checks]


def not_written(checks):
    """Whether a function's report says it still raises the release's NotImplementedError."""
    return any(NOT_WRITTEN_HINT in check.hints for check in checks)


def function_losses(data):
    """[Loss] per graded function, in notebook order."""
    losses = []
    for function in data.functions:
        rows = [s for s in graded(data) if function.name in s.checks]
        lost = [s.student for s in rows if s.points.get(function.name, 0.0) < function.points]
        mean = sum(s.points.get(function.name, 0.0) for s in rows) / len(rows) if rows else 0.0
        losses.append(Loss(function.name, "", function.points, len(rows), lost, round(mean, 2),
                           [s.student for s in rows if not_written(s.checks[function.name])]))
    return losses


def check_losses(data):
    """[Loss] per check group of each function (the grader's titles first, in its order, then
    any other title the reports carry)."""
    outcomes = defaultdict(list)  # (function, title) -> [(student, CheckOutcome)]
    for submission in graded(data):
        for function, checks in submission.checks.items():
            for check in checks:
                outcomes[function, check.title].append((submission.student, check))
    order = [(f.name, t) for f in data.functions for t in f.check_titles]
    order += [key for key in outcomes if key not in order]
    losses = []
    for function, title in order:
        rows = outcomes.get((function, title), [])
        if not rows:
            continue
        losses.append(Loss(function, title, rows[0][1].max_points, len(rows),
                           [student for student, check in rows if check.lost],
                           round(sum(check.points for _, check in rows) / len(rows), 2)))
    return losses


def catalogued_hints(assignment):
    """{(function, hint): slug} of the assignment's wrong catalogue entries."""
    return {(e.function, e.hint): e.slug for e in catalogue(assignment) if not e.correct}


def misconceptions(data):
    """[Misconception] found in the reports, most students first; each student once per entry."""
    known = catalogued_hints(data.assignment)
    found = {}
    for submission in graded(data):
        for function, checks in submission.checks.items():
            hints = {hint for check in checks for hint in check.hints}
            for hint in hints:
                slug = known.get((function, hint))
                if slug is not None:
                    entry = found.setdefault((function, slug), Misconception(function, slug, hint))
                    entry.students.append(submission.student)
    return sorted(found.values(), key=lambda m: (-len(m.students), m.function, m.slug))


def unexplained(data):
    """[Unexplained]: per (function, first failing check), the students who lost points in that
    function while none of its hints is a catalogued one, the function written (a function left
    as released is counted in function_losses); most students first."""
    known = catalogued_hints(data.assignment)
    groups = {}
    for submission in graded(data):
        for function, checks in submission.checks.items():
            failing = [check for check in checks if check.lost]
            if not failing or not_written(checks) or \
                    any((function, hint) in known for check in checks for hint in check.hints):
                continue
            first = failing[0]
            group = groups.setdefault((function, first.title), Unexplained(function, first.title))
            group.students.append(submission.student)
            if len(group.examples) < 3:
                said = (first.problems[:1] + [f"Hint: {hint}" for hint in first.hints[:1]])
                group.examples.append((submission.student, " ".join(said)))
    return sorted(groups.values(), key=lambda g: (-len(g.students), g.function, g.title))
