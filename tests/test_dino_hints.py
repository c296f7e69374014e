"""Hints of the Dinosaur Island grader that no catalogue entry can show: a sampler that never
stops (its calls time out, too slow for the catalogue), a threshold written into clip other
than the catalogued one, and the threshold diagnosis staying silent where it does not apply.
Also the visible checks' hints for the same mistakes (public_tests.py, which students run)."""
import copy
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

import autograder.limits
from autograder import assignments
from autograder.killrate import notebook_namespace
from autograder.assignments.dinosaur_island import graders
from autograder.assignments import graded_names
from autograder.grading import run

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "source" / "dinosaur_island"))
import public_tests  # noqa: E402

SAMPLE_WITHOUT_CAP = '''
def sample(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    x, a_prev = np.zeros((by.shape[0], 1)), np.zeros((Waa.shape[1], 1))
    indices, idx, counter = [], -1, 0
    while idx != char_to_ix["\\n"]:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(by.shape[0]), p=y.ravel())
        indices.append(idx)
        x = np.zeros((by.shape[0], 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    return indices
'''

CLIP_AT_TEN = '''
def clip(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        np.clip(gradients[key], -10, 10, out=gradients[key])
    return gradients
'''


def report(function, source, seed=11):
    namespace = notebook_namespace("dinosaur_island")
    exec(source, namespace)
    grader = next(g for g in graders.GRADERS if g.function == function)
    return run(grader, namespace, graded_names("dinosaur_island"), seed)


def test_a_sampler_without_the_50_character_cap_is_told_to_add_it(monkeypatch):
    # a short time limit: the endless calls are stopped after half a second of CPU time each
    monkeypatch.setattr(autograder.limits, "DEFAULT", dataclasses.replace(autograder.limits.DEFAULT, call_seconds=0.5))
    found = report("sample", SAMPLE_WITHOUT_CAP)
    termination = next(r for r in found.results if r.title.startswith("stops at the first newline"))
    assert termination.points == 0
    assert graders.NO_CAP_HINT in found.render(), found.render()


def test_a_threshold_written_into_clip_is_named():
    found = report("clip", CLIP_AT_TEN)
    assert found.points < found.max_points
    # the first threshold that fails is 0.5, where clipping at 10 changes nothing: still named
    assert graders.FIXED_BOUND_HINT.format(bound=10) in found.render()


def clip_runs(clip, thresholds=(0.5, 1.0, 5.0, 10.0)):
    """[(clip's result, gradients, maxValue)] as the clip grader collects them."""
    rng = np.random.default_rng(3)
    runs = []
    for max_value in thresholds:
        gradients = {key: rng.normal(0, 2 * max_value, (4, 3)) for key in graders.KEYS}
        runs.append((clip(copy.deepcopy(gradients), max_value), gradients, max_value))
    return runs


def clipped_at(bound):
    return lambda gradients, max_value: {k: np.clip(v, -bound, bound) for k, v in gradients.items()}


def test_the_fixed_bound_hint_names_the_bound():
    assert graders.fixed_bound_hint(clip_runs(clipped_at(3.0))) == graders.FIXED_BOUND_HINT.format(bound=3)


@pytest.mark.parametrize("clip", [
    lambda gradients, max_value: {k: np.clip(v, -max_value, max_value) for k, v in gradients.items()},  # right
    lambda gradients, max_value: gradients,                                                           # unclipped
    lambda gradients, max_value: {k: np.clip(v, 0, max_value) for k, v in gradients.items()},        # other mistake
    lambda gradients, max_value: None,
], ids=["right", "unclipped", "lower-bound-zero", "none"])
def test_the_fixed_bound_hint_is_silent_where_it_does_not_apply(clip):
    assert graders.fixed_bound_hint(clip_runs(clip)) is None


def test_a_bound_that_agrees_with_every_threshold_is_not_called_fixed():
    assert graders.fixed_bound_hint(clip_runs(clipped_at(5.0), thresholds=(5.0, 5.0))) is None


def student_function(name, source):
    namespace = notebook_namespace("dinosaur_island")
    exec(source, namespace)
    return namespace[name]


def catalogued(key):
    entry = next(e for e in assignments.catalogue("dinosaur_island") if f"{e.function}__{e.slug}" == key)
    return student_function(entry.function, entry.source)


@pytest.mark.parametrize("sample, words", [
    (lambda: student_function("sample", SAMPLE_WITHOUT_CAP), "counter reaches 50"),  # fails, does not hang
    (lambda: catalogued("sample__two_dimensional_p"), "p=y.ravel()"),
    (lambda: catalogued("sample__seed_argument_ignored"), "not np.random.seed(counter)"),
    (lambda: catalogued("sample__unseeded"), "np.random.seed(counter + seed)"),
])
def test_the_visible_sample_check_names_the_mistake(sample, words):
    with pytest.raises(AssertionError) as failure:
        public_tests.check_sample(sample())
    assert words in str(failure.value)


@pytest.mark.parametrize("key", ["clip__copy_clipped_original_returned", "clip__loop_variable_rebound"])
def test_the_visible_clip_check_explains_an_unclipped_dict(key):
    with pytest.raises(AssertionError) as failure:
        public_tests.check_clip(catalogued(key))
    assert "clipping a copy and returning the original" in str(failure.value)
