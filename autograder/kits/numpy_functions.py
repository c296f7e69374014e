"""Check groups shared by graders of numpy functions: forward passes that return arrays and a
cache, backward passes that return a dict of gradients, and any function whose result is
compared with the oracle's part by part on a list of problems (`ProblemChecks`).

A forward spec gives `make_args(rng, sizes) -> args`; a backward spec gives
`make_problem(rng, sizes) -> Problem` (the backward call's arguments, built from the ORACLE's
forward pass, plus the loss that finite differences differentiate). Sizes come from
`problem_sizes`, so every function is tried on fresh sizes including size 1. Every problem of
a check is worth an equal share of it: a function that fails on some sizes only (a single time
step, a single example) loses those problems' shares, and the report says which sizes fail.
"""
import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..catalogue import wrong_entries
from ..checks import Mismatch, compare, expect_same_shapes, expect_sequence, matches
from ..gradcheck import numerical_gradients, relative_error
from ..grading import Check, Grader
from ..probes import problem_sizes
from ..shares import UNCHECKED, at, by_problem, placed, shares

OVERWRITTEN_VALUE_HINT = (
    "What you stored for one time step holds the value of a later step: you keep a view of (or the "
    "very same array as) an array that later steps overwrite in place; store a copy (.copy()) or "
    "give every step new arrays.")
OVERWRITTEN_CACHE_HINT = (
    "The cache of a time step holds a view of (or the very same array as) a state that later steps "
    "overwrite in place, so it no longer holds what that step used: copy it (.copy()) before "
    "storing, or give every step new arrays instead of writing into old ones.")


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
class StepCaches:
    """How a sequence function's list of step caches is made, to recognise a step cache that a
    later step overwrote.

    cell: the oracle's cell function, whose last return value is a step cache.
    inputs: positions, in a step cache, of the cell's arguments in call order.
    states: {position of a state the step read (a_prev, c_prev): position of the state it
    wrote (a_next, c_next)}.
    """
    cell: Callable
    inputs: tuple
    states: dict


@dataclass
class Spec:
    """What a grader needs to know about one graded numpy function.

    outputs: labels of the returned values (for messages), e.g. ("a_next", "yt_pred", "cache").
    cache_labels: labels of the items of the returned cache (forward only).
    terms: [(label, hint, zero(args) -> args)] term isolation: args with every other term zeroed.
    intermediates: [(cache index, label, hint)] values inside the cache to localise a mistake.
    steps: for a sequence function, how its step caches are made (StepCaches).
    cache_hint: the hint for a wrong cache, when its layout is more than cache_labels in order
    (e.g. a list of one cache per layer).
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
    steps: StepCaches = None
    cache_hint: str = None


def known_mistake(assignment, function, args, actual, mutated=None):
    """Hint of the catalogued wrong implementation that behaves like the student's: same return
    value and, when `mutated` (the student's arguments after the call) is given, the same
    effect on its arguments."""
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

def overwritten_step(steps, actual_cache, expected_cache):
    """Index of the first step cache that a later step overwrote, or None: its own inputs no
    longer give its outputs, and a state it read now holds a state of that step or a later
    one (what an array shared with later steps and written in place holds)."""
    try:
        for t, (step, want) in enumerate(zip(actual_cache[0], expected_cache[0])):
            if matches(step, want):
                continue
            recomputed = steps.cell(*copy.deepcopy([step[i] for i in steps.inputs]))[-1]
            if matches(recomputed, step):
                continue  # a step consistent with itself: some other mistake
            for read, wrote in steps.states.items():
                if not matches(step[read], want[read]) and \
                        any(matches(step[read], later[wrote]) for later in expected_cache[0][t:]):
                    return t
    except Exception:  # an unusable cache: its layout has a message of its own
        return None
    return None


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
                if t is not None and any(matches(got[..., t], want[..., s]) for s in range(t + 1, want.shape[-1])):
                    return OVERWRITTEN_VALUE_HINT
                if t:
                    return (f"Time step 0 is right but step {t} is wrong: check what carries over from one "
                            "step to the next (the hidden state, the cell state) and which slice of x you use.")
        return None

    def own_items(args, actual, expected):
        """With wrong returned values, the cache items that must still be exact: those the
        reference stores as they came (an argument: a_prev, xt, parameters, x) or as it returns
        them (a_next), held against the student's own arguments and returned values. A cache of
        the right shapes holding nothing of the sort (zeros) is no layout right."""
        cache, reference_cache = actual[-1], expected[-1]
        if not isinstance(reference_cache, (tuple, list)):
            return
        labels = spec.cache_labels or [f"item {i}" for i in range(len(reference_cache))]
        for index, item in enumerate(reference_cache):
            same = [given for given in args if matches(item, given)] or \
                [mine for mine, theirs in zip(actual[:n_values], expected[:n_values]) if matches(item, theirs)]
            if same:
                compare(f"{spec.outputs[-1]}[{index}] ({labels[index]})", cache[index], same[0])

    def cache_hint(args, actual, expected):
        """Why a cache is wrong: a step cache overwritten later, a wrong layout, or a wrong value."""
        if spec.steps is not None and isinstance(actual, (tuple, list)) and len(actual) == len(expected) \
                and overwritten_step(spec.steps, actual[-1], expected[-1]) is not None:
            return OVERWRITTEN_CACHE_HINT
        if spec.cache_hint:
            return f"The backward pass reads the cache: {spec.cache_hint}"
        return (f"The backward pass reads the cache: store {spec.outputs[-1]} = "
                f"({', '.join(spec.cache_labels)}) in this order, each item as the step computed it.")

    def structure(student, rng):
        sizes = problem_sizes(rng, spec.dims)[0]
        args = spec.make_args(rng, sizes)
        actual, expected = run_both(student, args)
        try:
            expect_same_shapes(spec.function, actual, expected, spec.outputs)
        except Mismatch as mismatch:
            raise explain(mismatch, assignment, spec.function, sizes, args, actual) from None

    def values(student, rng):
        reported = []

        def one(sizes):
            args = spec.make_args(rng, sizes)
            actual, expected = run_both(student, args)
            try:  # the returned values only: the cache has a check of its own
                expect_sequence(spec.function, actual, len(spec.outputs), spec.outputs)
                for i in range(n_values):
                    compare(spec.outputs[i], actual[i], expected[i])
            except Mismatch as error:
                failure = error
                return 0.0, lambda: first_report(reported, lambda: explain(
                    failure, assignment, spec.function, sizes, args, actual,
                    lambda: diagnose(student, args, actual, expected)))
            return None
        return by_problem(rng, spec.dims, one)

    def cache(student, rng):
        """The full cache when the returned values are right; its layout (items and shapes)
        when they are not, so one mistake in the values is not charged twice."""
        reported = []

        def one(sizes):
            args = spec.make_args(rng, sizes)
            actual, expected = run_both(student, args)
            try:
                expect_same_shapes(spec.function, actual, expected, spec.outputs)
                if not matches(tuple(actual[:n_values]), tuple(expected[:n_values])):
                    own_items(args, actual, expected)
                    return UNCHECKED  # the layout is right; the values check charges the rest
                compare(spec.outputs[-1], actual[-1], expected[-1], spec.cache_labels or None)
            except Mismatch as error:
                failure = error
                return 0.0, lambda: first_report(reported, lambda: explain(
                    failure, assignment, spec.function, sizes, args, actual,
                    lambda: cache_hint(args, actual, expected)))
            return None
        return by_problem(rng, spec.dims, one)

    returned = ", ".join(spec.outputs)
    problems = len(spec.dims) + 3
    checks = [Check(f"returns ({returned}) with the right shapes", 0.2, structure),
              Check(f"{', '.join(spec.outputs[:n_values])} match the reference on {problems} fresh "
                    "problems, including size 1 (an equal share per problem)", 0.5, values),
              Check(f"{spec.outputs[-1]} holds what the backward pass needs, in the documented order, "
                    f"on {problems} problems (an equal share per problem)", 0.3, cache)]
    return Grader(assignment, spec.function, spec.points, checks, oracle, spec.bonus)


def first_report(reported, explained):
    """[the explained mismatch] the first time a check reports one, [] afterwards: the first
    failing problem is explained in full (hints cost calls), the others are counted."""
    if reported:
        return []
    reported.append(True)
    return [explained()]


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
        reported = set()  # gradient keys already explained (on the first problem they failed)

        def one(sizes):
            problem = spec.make_problem(rng, sizes)
            expected = reference(*copy.deepcopy(problem.args))
            numeric = numerical_gradients(problem.loss, problem.wrt)
            for key in expected:  # the oracle must agree with finite differences, or the grader is broken
                if not np.allclose(expected[key], numeric[key], rtol=1e-5, atol=1e-8):
                    raise RuntimeError(f"oracle {key} disagrees with finite differences")
            actual = student(*problem.args)
            if not isinstance(actual, dict):
                raise Mismatch(f"{spec.function} should return a dict of gradients; got {type(actual).__name__}.")
            wrong = {}
            for key in expected:
                try:
                    compare(key, actual.get(key), expected[key])
                except Mismatch as mismatch:
                    wrong[key] = mismatch
            if not wrong:
                return None
            return 1 - len(wrong) / len(expected), lambda: explain_keys(sizes, problem, actual, expected,
                                                                        numeric, wrong, reported)

        def explain_keys(sizes, problem, actual, expected, numeric, wrong, reported):
            new = [key for key in wrong if key not in reported]
            if not new:
                return []
            known = known_mistake(assignment, spec.function, problem.args, actual)  # once per problem
            messages = []
            for key in new:
                reported.add(key)
                mismatch, got = wrong[key], actual.get(key)
                if isinstance(got, np.ndarray) and got.shape == numeric[key].shape:
                    mismatch.message += (f" Its relative error against centred finite differences of the "
                                         f"forward pass is {relative_error(got, numeric[key]):.2g} "
                                         "(a correct gradient is below 1e-7).")
                mismatch.hint = known or mismatch.hint or scale_hint(got, expected[key])
                messages.append(at(sizes, mismatch))
            return messages
        return by_problem(rng, spec.dims, one)

    gradient_names = ", ".join(spec.outputs)
    checks = [Check(f"returns a dict with {gradient_names} of the right shapes", 0.2, structure),
              Check(f"each gradient matches centred finite differences on {len(spec.dims) + 3} fresh "
                    "problems, including size 1 (partial credit per problem and per gradient)", 0.8, gradients)]
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


# ----------------------------------------------------------------------- checked on problems

@dataclass
class Run:
    """One problem run by the student's function and by the oracle's.

    problem: the arguments as drawn. args: the student's arguments after its call (for an
    `in_place` spec; otherwise as drawn). expected_args: the oracle's arguments after its call.
    """
    problem: tuple
    args: tuple
    result: object
    expected: object
    expected_args: tuple


@dataclass
class Compared:
    """A check group of a ProblemChecks: compare(run) raises a Mismatch when the part of the
    result it looks at differs from the oracle's; `problems` replaces the spec's own."""
    title: str
    weight: float
    compare: Callable
    problems: Callable = None


@dataclass
class ProblemChecks:
    """A numpy function checked on a list of problems by several check groups, each comparing
    part of the result with the oracle's. Every problem is worth an equal share of a group
    (`shares`); a problem that differs is reported with its message prefixed with the problem and
    the hint of a catalogued mistake that behaves alike.

    checks: Compared groups, or Check objects used as they are.
    problems(rng) -> [the function's arguments (tuple)], drawn afresh by every group.
    describe(*arguments) -> the problem in messages, e.g. "clip(gradients, maxValue=0.5)".
    expect(result): raises a Mismatch when the result is unusable, before any part is compared.
    in_place: the function updates its arguments (a Run holds the student's after the call).
    crash_hint(mismatch) -> a better hint for a call that raised or timed out, or None.
    hint_from_runs(runs) -> a hint that reads every problem's Run (None for a problem whose call
    failed), tried before the catalogue's, or None; with it, the student runs on every problem
    before any is compared.
    sizes(*arguments) -> {size name: value} of a problem, for the hint of a function that fails
    only when a size is 1.
    """
    function: str
    points: float
    checks: list
    describe: Callable
    problems: Callable = None
    expect: Callable = None
    in_place: bool = False
    crash_hint: Callable = None
    hint_from_runs: Callable = None
    sizes: Callable = None


def attempt(call):
    """call()'s value, or the Mismatch it raised."""
    try:
        return call()
    except Mismatch as mismatch:
        return mismatch


def problem_checks_grader(assignment, oracle, spec):
    reference = getattr(oracle, spec.function)

    def run_one(student, problem):
        try:
            if spec.in_place:  # the student's own copy shows what the call changed
                args = copy.deepcopy(problem)
                result = student.in_place(*args)
            else:
                args, result = problem, student(*problem)
        except Mismatch as mismatch:
            mismatch.hint = (spec.crash_hint and spec.crash_hint(mismatch)) or mismatch.hint
            raise
        expected_args = copy.deepcopy(problem)
        return Run(problem, args, result, reference(*expected_args), expected_args)

    def compared(part):
        def check(student, rng):
            problems = (part.problems or spec.problems)(rng)
            runs = [attempt(lambda: run_one(student, problem)) for problem in problems] \
                if spec.hint_from_runs else None

            def one(index):
                problem = problems[index]
                run = runs[index] if runs is not None else run_one(student, problem)
                if isinstance(run, Mismatch):  # its call failed (hint_from_runs ran it already)
                    raise run
                try:
                    if spec.expect:
                        spec.expect(run.result)
                    part.compare(run)
                except Mismatch as mismatch:
                    hint = (spec.hint_from_runs and spec.hint_from_runs(
                        [r if isinstance(r, Run) else None for r in runs])) or known_mistake(
                        assignment, spec.function, problem, run.result, mutated=run.args if spec.in_place else None)
                    raise Mismatch(mismatch.message, hint or mismatch.hint, mismatch.evidence) from None
            return shares(range(len(problems)), one, placed(lambda index: f"On {spec.describe(*problems[index])}"),
                          sizes_of=spec.sizes and (lambda index: spec.sizes(*problems[index])),
                          label=lambda index: spec.describe(*problems[index]))
        return check

    checks = [part if isinstance(part, Check) else Check(part.title, part.weight, compared(part))
              for part in spec.checks]
    return Grader(assignment, spec.function, spec.points, checks, oracle)
