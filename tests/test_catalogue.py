"""The graders are proven by their catalogues: every plausible wrong implementation loses
points in its own function and only there; every correct variant earns full marks."""
import pytest

from autograder import assignments
from autograder.killrate import grade_entry
from autograder.assignments import graded_names

SEEDS = (11, 2024, 777)
# assignments whose graders show every catalogued mistake its own hint (the misconception is
# named, not only detected), in the feedback a student reads
OWN_HINT_ASSIGNMENTS = ("rnn_step_by_step", "dinosaur_island", "time_series_forecasting")


@pytest.mark.parametrize("entry", assignments.catalogue(), ids=lambda e: f"{e.assignment}.{e.function}__{e.slug}")
def test_entry_is_graded_right(entry):
    own, others = grade_entry(entry, SEEDS)
    for report in list(own.values()) + others:
        assert "NameError" not in report.render(), "catalogue entries must be self-contained"
        # a student's mistake never looks like the grader's own trouble (that status is regraded)
        assert not report.grader_failures, report.render()
    for report in others:
        assert report.points == report.max_points, f"a mistake in {entry.function} cost points here:\n{report.render()}"
    for report in own.values():
        if entry.correct:
            assert report.points == report.max_points, report.render()
        else:
            assert report.points < report.max_points, f"wrong implementation scored full marks:\n{report.render()}"
            assert "Hint:" in report.render(), f"no hint for a catalogued mistake:\n{report.render()}"
            if entry.assignment in OWN_HINT_ASSIGNMENTS:
                assert f"Hint: {entry.hint}" in report.render(details=False), report.render()


@pytest.mark.parametrize("assignment", assignments.ASSIGNMENTS)
def test_catalogue_covers_every_graded_function(assignment):
    for name in graded_names(assignment):
        kinds = [e.correct for e in assignments.catalogue(assignment, name)]
        assert kinds.count(False) >= 5 and kinds.count(True) >= 2, \
            f"{name}: {kinds.count(False)} wrong and {kinds.count(True)} correct entries"
