"""The class report of one assignment, after a batch grading run (instructor only).

    python -m autograder.classreport ASSIGNMENT [--root DIR] [--similarity-threshold X] [--out DIR]

writes to DIR (default: <root>/reports/<assignment>/) a self-contained `report.html` (figures
embedded as PNG data URIs, inline CSS, no script, nothing fetched) and the same figures as
CSV/JSON files, the Canvas import (`canvas.csv`) and a generic grades file (`grades_lms.csv`).

Modules, imports pointing down: `records` (load what the batch left), then `struggles`,
`similarity`, `lms`, `plots` (each computes one part from the loaded ClassData), then `html`
(renders a ClassReport); this module ties them together.
"""
import base64
import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..status import Status
from . import html, lms, plots, records, similarity, struggles


@dataclass
class ClassReport:
    data: records.ClassData
    threshold: float
    function_losses: list
    check_losses: list
    misconceptions: list
    unexplained: list
    pairs: list
    skipped_cells: int
    grades: list                  # [lms.FinalGrade]
    missing: list                 # roster students with no submission
    status_counts: dict
    figures: dict = field(default_factory=dict)  # {name: PNG bytes}

    @property
    def assignment(self):
        return self.data.assignment


def status_counts(submissions):
    """{status: count}: every status of autograder.status in its order, then any other word found."""
    counts = Counter(s.status for s in submissions)
    ordered = {str(status): counts.pop(str(status), 0) for status in Status}
    return {**ordered, **dict(sorted(counts.items()))}


def draw(report):
    """The report's figures, {name: PNG bytes}."""
    data, graded = report.data, struggles.graded(report.data)
    points = {f.name: [s.points.get(f.name, 0.0) for s in graded] for f in data.functions}
    figures = {
        "functions": plots.function_histograms(data.functions, points),
        "totals": plots.total_histograms([g.core for g in report.grades], data.core_max,
                                         [g.bonus for g in report.grades], data.bonus_max),
        # the chart shows the statuses that occur (the table lists every one)
        "statuses": plots.bar_chart({k: v for k, v in report.status_counts.items() if v}, "submissions per status"),
    }
    late = [s for s in data.submissions if s.seconds_late > 0]
    if late:
        figures["late"] = plots.late_scatter([s.seconds_late / 3600 for s in late], [s.late_penalty for s in late])
    timed = [s for s in data.submissions if s.seconds is not None and s.peak_memory_mb is not None]
    if timed:
        figures["resources"] = plots.resources([s.seconds for s in timed], [s.peak_memory_mb for s in timed])
    return figures


def build(root, assignment, threshold=similarity.DEFAULT_THRESHOLD, read_roster=True):
    """The ClassReport of `assignment` in the course directory `root`."""
    data = records.load(root, assignment, read_roster)
    pairs, skipped = similarity.analyse(data, threshold)
    report = ClassReport(data, threshold, struggles.function_losses(data), struggles.check_losses(data),
                         struggles.misconceptions(data), struggles.unexplained(data), pairs, skipped,
                         lms.final_grades(data), lms.missing_students(data), status_counts(data.submissions))
    report.figures = draw(report)
    return report


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def write(report, out):
    """Write report.html and the figures' data into the folder `out`; returns report.html's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = report.data
    write_csv(out / "functions.csv", ["function", "bonus", "max_points", "graded", "students_losing_points",
                                      "not_written", "mean_points"],
              [[x.function, next(f.bonus for f in data.functions if f.name == x.function), x.max_points, x.graded,
                x.lost, len(x.not_written), x.mean_points] for x in report.function_losses])
    write_csv(out / "checks.csv", ["function", "check", "max_points", "graded", "students_losing_points",
                                   "mean_points"],
              [[x.function, x.title, x.max_points, x.graded, x.lost, x.mean_points] for x in report.check_losses])
    write_csv(out / "statuses.csv", ["status", "submissions"], list(report.status_counts.items()))
    by_student = {g.student: g for g in report.grades}
    write_csv(out / "submissions.csv",
              ["student", "status", "core", "bonus", "late_penalty", "final", "max", "seconds_late", "seconds",
               "peak_memory_mb", *[f.name for f in data.functions]],
              [[s.student, s.status, by_student[s.student].core, by_student[s.student].bonus, s.late_penalty,
                by_student[s.student].final, data.core_max, s.seconds_late, s.seconds, s.peak_memory_mb,
                *[s.points.get(f.name, 0.0) for f in data.functions]] for s in data.submissions])
    write_csv(out / "similarity.csv", ["first", "second", "score", "per_function"],
              [[p.first, p.second, p.score, json.dumps(p.functions)] for p in report.pairs])
    write_csv(out / "missing.csv", ["student"], [[s] for s in report.missing])
    (out / "struggles.json").write_text(json.dumps({
        "misconceptions": [asdict(m) for m in report.misconceptions],
        "unexplained": [asdict(u) for u in report.unexplained]}, indent=1))
    (out / "summary.json").write_text(json.dumps({
        "assignment": report.assignment, "submissions": len(data.submissions), "core_max": data.core_max,
        "bonus_max": data.bonus_max, "statuses": report.status_counts, "similarity_threshold": report.threshold,
        "similar_pairs": len(report.pairs), "cells_not_tokenised": report.skipped_cells,
        "notebooks_not_parsed": data.unreadable, "missing": report.missing, "roster_source": data.roster_source},
        indent=1))
    lms.write_canvas(out / "canvas.csv", report.assignment, report.grades, report.missing, data.core_max)
    lms.write_generic(out / "grades_lms.csv", report.grades, report.missing, data.core_max)
    for name, image in report.figures.items():
        (out / f"{name}.png").write_bytes(image)
    images = {name: base64.b64encode(image).decode("ascii") for name, image in report.figures.items()}
    page = out / "report.html"
    page.write_text(html.render(report, images), encoding="utf-8")
    return page


def write_class_report(root, assignment, out=None, threshold=similarity.DEFAULT_THRESHOLD):
    """Build and write the report of `assignment` in the course directory `root` (into `out`,
    default <root>/reports/<assignment>/); returns (report.html's path, the ClassReport)."""
    report = build(root, assignment, threshold)
    return write(report, out or Path(root) / "reports" / assignment), report
