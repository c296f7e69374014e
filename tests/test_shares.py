"""Every problem of a check is worth an equal share of it (autograder/shares.py), in every kit:
a function that fails only when one size is 1 loses those problems' shares, not the group, and
is told which sizes fail. Here the shared machinery, then one function of each kind that only a
size of 1 breaks: the numpy kits' problem checks (dinosaur_island's clip and optimize), the
sampler (sample) and, in tests of their own assignments, the Keras kits and the forecasting
graders (test_jazz_hints, test_time_series_forecasting_graders)."""
import numpy as np
import pytest

from autograder import grading
from autograder.assignments import graded_names, grader
from autograder.assignments.rnn_step_by_step.graders import CELL_DIMS, SEQUENCE_DIMS
from autograder.checks import Mismatch
from autograder.grading import Partial, run
from autograder.killrate import notebook_namespace
from autograder.probes import problem_sizes
from autograder.shares import UNCHECKED, by_problem, fails_when_hint, placed, shares, size_rule

ASSIGNMENT = "dinosaur_island"


def test_after_a_time_limit_the_remaining_problems_are_not_run():
    calls = []

    def run_one(sizes):
        calls.append(sizes)
        if len(calls) == 3:
            raise grading.timeout_mismatch("f", "cpu")
        return None

    outcome = by_problem(np.random.default_rng(0), CELL_DIMS, run_one)
    total = len(problem_sizes(np.random.default_rng(0), CELL_DIMS))
    assert len(calls) == 3 and isinstance(outcome, Partial)
    assert outcome.fraction == pytest.approx(2 / total)
    assert any("not run after the time limit" in str(p) for p in outcome.problems)


def test_size_rules_name_the_sizes_that_explain_the_failures():
    sizes = problem_sizes(np.random.default_rng(5), SEQUENCE_DIMS)

    def where(condition):
        return [i for i, s in enumerate(sizes) if condition(s)]

    assert size_rule(sizes, where(lambda s: s["T_x"] == 1)) == ["T_x"]
    assert size_rule(sizes, where(lambda s: s["n_a"] == 1 or s["m"] == 1)) == ["n_a", "m"]
    assert size_rule(sizes, where(lambda s: all(v == 1 for v in s.values()))) == ["*"]
    assert size_rule(sizes, [0]) is None  # a problem without any size 1: no rule
    assert size_rule(sizes, where(lambda s: s["T_x"] == 1)[:1] + [0]) is None
    assert size_rule([{}, {}], [0]) is None  # problems without sizes


@pytest.mark.parametrize("count", [1, 2, 5])
def test_one_failing_problem_costs_its_share_and_says_which(count):
    """Problems labelled but without sizes: the failing one is named by its label, the same
    crash is reported once, and an unchecked problem counts as neither."""
    problems = list(range(count))

    def run_one(problem):
        if problem == 0:
            raise Mismatch("it broke", "look here")
        return UNCHECKED if problem == 1 else None

    outcome = shares(problems, run_one, placed(lambda p: f"On problem {p}"), label=lambda p: f"problem {p}")
    assert isinstance(outcome, Partial) and outcome.fraction == pytest.approx((count - 1) / count)
    rendered = [str(p) if not isinstance(p, Mismatch) else p.message for p in outcome.problems]
    assert "On problem 0: it broke" in rendered
    if count > 2:  # one checked problem passed: the report says which one failed
        assert rendered[0].startswith(f"Right on {count - 2} of {count - 1} problems; wrong on problem 0.")
    assert shares(problems, lambda p: None, placed(str)) is None


def graded(function, source, seed=11):
    namespace = notebook_namespace(ASSIGNMENT)
    exec(compile(source, f"<{function}>", "exec"), namespace)
    return run(grader(f"{ASSIGNMENT}.{function}"), namespace, graded_names(ASSIGNMENT), seed)


CLIP_SQUEEZING = '''
def clip(gradients, maxValue):
    gradients = dict(gradients)
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        gradients[key] = np.clip(gradients[key], -maxValue, maxValue)
    gradients["db"] = np.squeeze(gradients["db"])[:, None]  # breaks when n_a = 1
    return gradients
'''
OPTIMIZE_SQUEEZING = '''
def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, np.squeeze(a[len(X) - 1])[:, None]  # breaks when n_a = 1
'''
SAMPLE_CRASHING_FOR_ONE_UNIT = '''
def sample(parameters, char_to_ix, seed):
    if parameters["Waa"].shape[0] == 1:
        raise ValueError("a single hidden unit")
    return SAMPLE(parameters, char_to_ix, seed)
'''


@pytest.mark.parametrize("function, source", [("clip", CLIP_SQUEEZING), ("optimize", OPTIMIZE_SQUEEZING)])
def test_a_numpy_function_broken_only_by_a_single_hidden_unit_keeps_the_other_problems_shares(function, source):
    result = graded(function, source)
    feedback = result.render(details=False)
    assert 0 < result.points < result.max_points, feedback
    assert f"Hint: {fails_when_hint(['n_a'])}" in feedback


def test_a_sampler_broken_only_by_a_single_hidden_unit_keeps_the_other_problems_shares():
    from autograder.assignments.dinosaur_island.oracle import sample
    namespace = notebook_namespace(ASSIGNMENT)
    namespace["SAMPLE"] = sample
    exec(compile(SAMPLE_CRASHING_FOR_ONE_UNIT, "<sample>", "exec"), namespace)
    result = run(grader(f"{ASSIGNMENT}.sample"), namespace, graded_names(ASSIGNMENT), 11)
    protocol = next(r for r in result.results if r.title.startswith("agrees with the reference"))
    assert 0 < protocol.points < protocol.max_points, result.render()
    assert "ValueError" in result.render(details=False)
