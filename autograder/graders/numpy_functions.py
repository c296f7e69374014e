"""Check groups shared by graders of numpy functions: forward passes that return arrays and a
cache, and backward passes that return a dict of gradients.

A forward spec gives `make_args(rng, sizes) -> args`; a backward spec gives
`make_problem(rng, sizes) -> Problem` (the backward call's arguments, built from the ORACLE's
forward pass, plus the loss that finite differences differentiate). Sizes come from
`problem_sizes`, so every function is tried on fresh sizes including size 1.
"""
import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..checks import Mismatch, compare, expect_same_shapes, expect_sequence, matches
from ..gradcheck import numerical_gradients, relative_error
from ..grading import Check, Grader, Partial
from ..probes import describe_sizes, problem_sizes


@dataclass
class Problem:
    """One backward test case.

    args: the backward function's arguments (upstream gradients, cache from the oracle).
    wrt: {gradient key: the float64 input array it differentiates}; loss() reads those arrays.
    """
    args: tuple
    wrt: dict
    loss: Callable


@dataclass
class Spec:
    """What a grader needs to know about one graded numpy function.

    outputs: labels of the returned values (for messages), e.g. ("a_next", "yt_pred", "cache").
    cache_labels: labels of the items of the returned cache (forward only).
    terms: [(label, hint, zero(args) -> args)] term isolation: args with every other term zeroed.
    intermediates: [(cache index, label, hint)] values inside the cache to localise a mistake.
    """
    function: str
    points: float
    dims: tuple
    outputs: tuple = ()
    make_args: Callable = None
    make_problem: Callable = None
    cache_labels: tuple = ()
    terms: list = field(default_factory=list)
    intermediates: list = field(default_factory=list)
    bonus: bool = False


def at(sizes, mismatch):
    """Prefix a mismatch with the problem it happened on."""
    return Mismatch(f"On a problem with {describe_sizes(sizes)}: {mismatch.message}", mismatch.hint, mismatch.evidence)


def known_mistake(assignment, function, args, actual, mutated=None):
    """Hint of the catalogued wrong implementation that behaves like the student's: same return
    value and, when `mutated` (the student's arguments after the call) is given, the same
    effect on its arguments."""
    from ..catalogue import wrong_entries
    for entry in wrong_entries(assignment, function):
        theirs_args = copy.deepcopy(args)
        try:
            theirs = entry.implementation(*theirs_args)
        except Exception:
            continue
        if matches(actual, theirs) and (mutated is None or matches(tuple(mutated), theirs_args)):
            return entry.hint
    return None


def explain(mismatch, assignment, function, sizes, args, actual, fallback=lambda: None):
    """The mismatch, placed on its problem, with the best hint: a catalogued mistake's, the
    check's own, or fallback() (computed only when neither exists)."""
    mismatch.hint = known_mistake(assignment, function, args, actual) or mismatch.hint or fallback()
    return at(sizes, mismatch)


def first_wrong_step(actual, expected):
    """For (.., T) arrays: index of the first time step that differs, or None."""
    for t in range(expected.shape[-1]):
        if not matches(actual[..., t], expected[..., t]):
            return t
    return None


# --------------------------------------------------------------------------------- forward

def forward_grader(assignment, oracle, spec):
    reference = getattr(oracle, spec.function)
    n_values = len(spec.outputs) - 1  # the last output is the cache

    def run_both(student, args):
        return student(*args), reference(*copy.deepcopy(args))

    def diagnose(student, args, actual, expected):
        """Where a wrong value comes from: a term, a gate, or the first wrong time step."""
        try:
            return locate(student, args, actual, expected)
        except Mismatch:  # the student's code failed on the isolated problem: no diagnosis
            return None

    def locate(student, args, actual, expected):
        for label, term_hint, zero in spec.terms:
            isolated = zero(copy.deepcopy(args))
            mine, ref = run_both(student, isolated)
            if not matches(tuple(mine[:n_values]), tuple(ref[:n_values])):
                return f"With every term but {label} set to zero, your result already differs: {term_hint}"
        cache, ref_cache = actual[-1], expected[-1]
        for index, label, term_hint in spec.intermediates:
            if isinstance(cache, tuple) and len(cache) == len(ref_cache) and \
                    not matches(cache[index], ref_cache[index]):
                return f"{label} (cache[{index}]) is already wrong: {term_hint}"
        for got, want in zip(actual[:n_values], expected[:n_values]):
            if isinstance(want, np.ndarray) and want.ndim == 3 and isinstance(got, np.ndarray) \
                    and got.shape == want.shape:
                t = first_wrong_step(got, want)
                if t:
                    return (f"Time step 0 is right but step {t} is wrong: check what carries over from one "
                            "step to the next (the hidden state, the cell state) and which slice of x you use.")
        return None

    def structure(student, rng):
        sizes = problem_sizes(rng, spec.dims)[0]
        args = spec.make_args(rng, sizes)
        actual, expected = run_both(student, args)
        try:
            expect_same_shapes(spec.function, actual, expected, spec.outputs)
        except Mismatch as mismatch:
            raise explain(mismatch, assignment, spec.function, sizes, args, actual) from None

    def values(student, rng):
        for sizes in problem_sizes(rng, spec.dims):
            args = spec.make_args(rng, sizes)
            actual, expected = run_both(student, args)
            try:  # the returned values only: the cache has a check of its own
                expect_sequence(spec.function, actual, len(spec.outputs), spec.outputs)
                for i in range(n_values):
                    compare(spec.outputs[i], actual[i], expected[i])
            except Mismatch as mismatch:
                raise explain(mismatch, assignment, spec.function, sizes, args, actual,
                              lambda: diagnose(student, args, actual, expected)) from None

    def cache(student, rng):
        """The full cache when the returned values are right; its layout (items and shapes)
        when they are not, so one mistake in the values is not charged twice."""
        for sizes in problem_sizes(rng, spec.dims):
            args = spec.make_args(rng, sizes)
            actual, expected = run_both(student, args)
            try:
                expect_same_shapes(spec.function, actual, expected, spec.outputs)
                if matches(tuple(actual[:n_values]), tuple(expected[:n_values])):
                    compare(spec.outputs[-1], actual[-1], expected[-1], spec.cache_labels or None)
            except Mismatch as mismatch:
                raise explain(mismatch, assignment, spec.function, sizes, args, actual, lambda: (
                    f"The backward pass reads the cache: store {spec.outputs[-1]} = "
                    f"({', '.join(spec.cache_labels)}) in this order.")) from None

    returned = ", ".join(spec.outputs)
    checks = [Check(f"returns ({returned}) with the right shapes", 0.2, structure),
              Check(f"{', '.join(spec.outputs[:n_values])} match the reference on "
                    f"{len(spec.dims) + 3} fresh problems, including size 1", 0.5, values),
              Check(f"{spec.outputs[-1]} holds what the backward pass needs, in the documented order", 0.3, cache)]
    return Grader(assignment, spec.function, spec.points, checks, oracle, spec.bonus)


# -------------------------------------------------------------------------------- backward

def backward_grader(assignment, oracle, spec):
    reference = getattr(oracle, spec.function)

    def structure(student, rng):
        sizes = problem_sizes(rng, spec.dims)[0]
        problem = spec.make_problem(rng, sizes)
        actual = student(*problem.args)
        try:
            expect_same_shapes(spec.function, actual, reference(*copy.deepcopy(problem.args)))
        except Mismatch as mismatch:
            raise explain(mismatch, assignment, spec.function, sizes, problem.args, actual) from None

    def gradients(student, rng):
        wrong = {}  # gradient key -> first problem found
        keys = None
        for sizes in problem_sizes(rng, spec.dims):
            problem = spec.make_problem(rng, sizes)
            expected = reference(*copy.deepcopy(problem.args))
            keys = list(expected)
            numeric = numerical_gradients(problem.loss, problem.wrt)
            for key in keys:  # the oracle must agree with finite differences, or the grader is broken
                if not np.allclose(expected[key], numeric[key], rtol=1e-5, atol=1e-8):
                    raise RuntimeError(f"oracle {key} disagrees with finite differences")
            actual = student(*problem.args)
            if not isinstance(actual, dict):
                raise at(sizes, Mismatch(f"{spec.function} should return a dict of gradients; "
                                         f"got {type(actual).__name__}."))
            for key in keys:
                if key in wrong:
                    continue
                try:
                    compare(key, actual.get(key), expected[key])
                except Mismatch as mismatch:
                    got = actual.get(key)
                    if isinstance(got, np.ndarray) and got.shape == numeric[key].shape:
                        mismatch.message += (f" Its relative error against centred finite differences of the "
                                             f"forward pass is {relative_error(got, numeric[key]):.2g} "
                                             "(a correct gradient is below 1e-7).")
                    wrong[key] = explain(mismatch, assignment, spec.function, sizes, problem.args, actual,
                                         lambda: scale_hint(got, expected[key]))
        if wrong:
            return Partial(1 - len(wrong) / len(keys), list(wrong.values()))
        return None

    gradient_names = ", ".join(spec.outputs)
    checks = [Check(f"returns a dict with {gradient_names} of the right shapes", 0.2, structure),
              Check(f"each gradient matches centred finite differences on {len(spec.dims) + 3} fresh "
                    "problems, including size 1 (partial credit per gradient)", 0.8, gradients)]
    return Grader(assignment, spec.function, spec.points, checks, oracle, spec.bonus)


def scale_hint(actual, expected):
    """Name a constant factor between a gradient and the expected one (sign, 1/m, ...)."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape or not np.any(expected):
        return None
    ratio = np.sum(actual * expected) / np.sum(expected * expected)
    if abs(ratio) > 1e-12 and matches(actual, ratio * expected):
        if np.isclose(ratio, -1):
            return "Your gradient has the wrong sign."
        return (f"Your gradient is {ratio:.3g} times the expected one: backward functions neither divide "
                "by m nor average over time; check for a constant factor.")
    if not np.any(actual):
        return "Your gradient is all zeros: is it computed, and accumulated over time steps?"
    return None
