"""autograder.classreport.struggles on a small synthetic class: real check titles, real catalogue hints."""
import pytest

from autograder.assignments import catalogue, graders
from autograder.grading import NOT_WRITTEN_HINT
from autograder.classreport import records, struggles
from autograder.classreport.synthetic import copy_release, write_grades_csv, write_student

ASSIGNMENT = "dinosaur_island"


def hint(function, slug):
    return next(e.hint for e in catalogue(ASSIGNMENT, function) if e.slug == slug)


@pytest.fixture
def data(tmp_path):
    copy_release(tmp_path, ASSIGNMENT)
    argmax, upper_only = hint("sample", "argmax"), hint("clip", "upper_bound_only")
    write_student(tmp_path, ASSIGNMENT, "amy", hints={"sample": argmax})
    write_student(tmp_path, ASSIGNMENT, "bob", hints={"sample": argmax, "clip": upper_only})
    # a hint no entry of optimize has: an unexplained mistake (clip's hint, in the wrong function)
    write_student(tmp_path, ASSIGNMENT, "cid", hints={"optimize": upper_only})
    write_student(tmp_path, ASSIGNMENT, "dee", hints={"optimize": "Check the sign of the update."})
    write_student(tmp_path, ASSIGNMENT, "eli")
    write_student(tmp_path, ASSIGNMENT, "gil", hints={"optimize": NOT_WRITTEN_HINT})  # left as released
    write_student(tmp_path, ASSIGNMENT, "fay", status="timed out")
    write_grades_csv(tmp_path, ASSIGNMENT)
    return records.load(tmp_path, ASSIGNMENT, read_roster=False)


def test_losses_per_function_count_students_and_mean_points(data):
    losses = {x.function: x for x in struggles.function_losses(data)}
    assert losses["sample"].students == ["amy", "bob"]
    assert losses["clip"].students == ["bob"]
    assert losses["optimize"].students == ["cid", "dee", "gil"]
    assert losses["optimize"].not_written == ["gil"] and losses["sample"].not_written == []
    assert losses["model"].students == []
    assert all(x.graded == 6 for x in losses.values())  # the timed-out submission has no reports
    graded = [s for s in data.submissions if s.status == "graded"]
    expected_mean = sum(s.points["sample"] for s in graded) / len(graded)
    assert losses["sample"].mean_points == pytest.approx(expected_mean, abs=0.01)
    assert losses["sample"].mean_points < losses["model"].mean_points == 35


def test_losses_per_check_group_follow_the_grader(data):
    sample = next(g for g in graders(ASSIGNMENT) if g.function == "sample")
    losses = [x for x in struggles.check_losses(data) if x.function == "sample"]
    assert [x.title for x in losses] == [c.title for c in sample.checks]
    assert losses[0].students == []  # the synthetic reports pass the first check
    assert all(x.students == ["amy", "bob"] for x in losses[1:])


def test_catalogued_misconceptions_ranked_with_their_students(data):
    found = struggles.misconceptions(data)
    assert [(m.function, m.slug, m.students) for m in found] == [
        ("sample", "argmax", ["amy", "bob"]), ("clip", "upper_bound_only", ["bob"])]
    assert found[0].hint == hint("sample", "argmax")


def test_unexplained_losses_grouped_by_first_failing_check_without_the_functions_not_written(data):
    optimize = next(g for g in graders(ASSIGNMENT) if g.function == "optimize")
    groups = struggles.unexplained(data)
    assert [(u.function, u.title, u.students) for u in groups] == [("optimize", optimize.checks[1].title,
                                                                     ["cid", "dee"])]
    assert "Check the sign of the update." in groups[0].examples[1][1]
