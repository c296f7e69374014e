"""The graders are proven by their catalogues: every plausible wrong implementation loses
points in its own function and only there; every correct variant earns full marks."""
import numpy as np
import pytest

from autograder.catalogue import entries
from autograder.graders import ASSIGNMENT_GRADERS, graded_names
from autograder.grading import run

SEEDS = (11, 2024, 777)


def oracle_namespace(assignment):
    """A notebook namespace holding the reference solution of every graded function."""
    grader = ASSIGNMENT_GRADERS[assignment][0]
    namespace = {"np": np}
    namespace.update({name: getattr(grader.oracle, name) for name in dir(grader.oracle)
                      if not name.startswith("_")})
    return namespace


def namespace_with(entry):
    namespace = oracle_namespace(entry.assignment)
    exec(compile(entry.source, f"<{entry.function}__{entry.slug}>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("entry", entries(), ids=lambda e: f"{e.function}__{e.slug}")
def test_entry_is_graded_right(entry):
    names = graded_names(entry.assignment)
    for grader in ASSIGNMENT_GRADERS[entry.assignment]:
        own = grader.function == entry.function
        for seed in SEEDS if own else SEEDS[:1]:
            result = run(grader, namespace_with(entry), names, seed)
            if own and not entry.correct:
                assert result.points < result.max_points, f"wrong implementation scored full marks:\n{result.render()}"
            else:
                assert result.points == result.max_points, result.render()


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENT_GRADERS))
def test_catalogue_covers_every_graded_function(assignment):
    for name in graded_names(assignment):
        kinds = [e.correct for e in entries(assignment, name)]
        assert kinds.count(False) >= 5 and kinds.count(True) >= 2, \
            f"{name}: {kinds.count(False)} wrong and {kinds.count(True)} correct entries"


@pytest.mark.parametrize("entry", [e for e in entries() if not e.correct], ids=lambda e: f"{e.function}__{e.slug}")
def test_wrong_entry_gets_a_hint(entry):
    """Every catalogued mistake's report says what to look at (usually that mistake's own hint)."""
    grader = next(g for g in ASSIGNMENT_GRADERS[entry.assignment] if g.function == entry.function)
    result = run(grader, namespace_with(entry), graded_names(entry.assignment), SEEDS[0])
    assert "Hint:" in result.render(), result.render()
