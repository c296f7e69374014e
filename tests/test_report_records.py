"""autograder.classreport.records: reports parsed back from the real renderer, the grades CSV
taking precedence over the record (it holds the gradebook's scores)."""
import csv

from autograder.assignments import graders
from autograder.checks import Mismatch
from autograder.grading import CheckResult, FunctionReport
from autograder.classreport import records
from autograder.classreport.synthetic import copy_release, write_grades_csv, write_student

ASSIGNMENT = "dinosaur_island"


def test_parse_report_reads_back_points_problems_and_hints():
    report = FunctionReport("dinosaur_island.clip", 7, [
        CheckResult("keys and shapes", 2.0, 2.0),
        CheckResult("values [-m, m]", 1.25, 5.0, [Mismatch("Entry 3 differs.\nAnd entry 4.", "Clip from below."),
                                                  "A text problem"]),
        CheckResult("in range", 0.0, 3.0, [Mismatch("Changed.", "Hint: a hint naming Hint:")])])
    parsed = records.parse_report(report.render())
    assert [(c.title, c.points, c.max_points, c.lost) for c in parsed] == [
        ("keys and shapes", 2, 2, False), ("values [-m, m]", 1.25, 5, True), ("in range", 0, 3, True)]
    assert parsed[1].problems == ["Entry 3 differs.", "And entry 4.", "A text problem"]
    assert parsed[1].hints == ["Clip from below."] and parsed[2].hints == ["Hint: a hint naming Hint:"]


def test_grades_csv_overrides_record_points_and_gives_the_penalty(tmp_path):
    copy_release(tmp_path, ASSIGNMENT)
    write_student(tmp_path, ASSIGNMENT, "ann", seconds_late=60)
    write_student(tmp_path, ASSIGNMENT, "ben", status="out of memory")
    path = write_grades_csv(tmp_path, ASSIGNMENT, penalties={"ann": 5.0})
    rows = list(csv.DictReader(open(path)))
    rows[0]["model"] = "20.5"  # an instructor's manual grade in the gradebook
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    data = records.load(tmp_path, ASSIGNMENT, read_roster=False)
    ann, ben = data.submissions
    assert ann.points["model"] == 20.5 and ann.late_penalty == 5 and ann.seconds_late == 60
    assert ben.status == "out of memory" and ben.checks == {} and all(v == 0 for v in ben.points.values())
    assert [f.name for f in data.functions] == [g.function for g in graders(ASSIGNMENT)]
    assert data.core_max == 100 and data.bonus_max == 0
    assert set(data.template) >= {"clip", "sample"} and "NotImplementedError" in data.template["clip"]


def test_a_report_that_cannot_be_made_is_said_by_the_batch_not_raised(tmp_path):
    """The batch has stored and exported every grade before it writes the report: a report that
    fails (here: a folder stands where the page must go) must not end the batch."""
    from autograder.batch.__main__ import class_report
    copy_release(tmp_path, ASSIGNMENT)
    write_student(tmp_path, ASSIGNMENT, "amy")
    (tmp_path / "reports" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "reports" / ASSIGNMENT / "report.html").mkdir()  # where the page must go
    said = class_report(tmp_path, ASSIGNMENT)
    assert said.startswith("not written (") and f"python -m autograder.classreport {ASSIGNMENT}" in said
