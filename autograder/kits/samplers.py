"""Check groups shared by graders of random samplers: functions that draw a sequence of indices
into a vocabulary, one per step, each draw after seeding numpy's generator as the assignment's
protocol says, until they draw the stop index or reach a length cap (after which they append
the stop index).

A `Sampler` spec gives the models to sample from and the words and hints of the messages;
`sampler_grader` checks, with the same weights for every sampler: the result's structure
(0.1), exact agreement with the oracle under the seeding protocol (0.4), termination (0.2) and
the distribution of the first draw over many seeds (0.3).
"""
import copy
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..checks import Mismatch
from ..grading import Check, Grader
from ..shares import placed, shares
from .numpy_functions import known_mistake

# biases of the stop index's logit (Sampler.biased_model): never drawn (the cap ends every
# sequence), drawn at the first step, seldom drawn (long sequences that still end without a cap)
NEVER, AT_ONCE, RARELY = -40.0, 40.0, -3.0


@dataclass
class SamplerHints:
    """What a student whose sampler fails a check should read.

    ends: the result does not end with the stop index.
    protocol: the draws differ from the oracle's, and nothing more specific explains it.
    cap: the sequence went on past the cap. no_cap: the sampler never ended on a model that
    never draws the stop index (its calls timed out).
    capped: a model that never draws the stop index gave the wrong sequence length.
    stops: a model that draws the stop index first did not stop at once.
    distribution: the first draws do not follow the probabilities.
    unseeded: one seed gave two different sequences.
    p_not_1d: np.random.choice refused its probabilities p as not 1-dimensional.
    """
    ends: str
    protocol: str
    cap: str
    no_cap: str
    capped: str
    stops: str
    distribution: str
    unseeded: str
    p_not_1d: str


@dataclass
class Sampler:
    """What a grader needs to know about one graded sampler.

    vocabulary: the character of every index (its length is the vocabulary size).
    stop: the index that ends a sequence; cap: the most draws a sequence holds, after which
    the stop index is appended.
    stop_name, unit, item, follows: words of the messages, e.g. "newline", "character",
    "name" and "the softmax" (what the draws follow).
    arguments(parameters, seed) -> the sampler's arguments.
    describe(parameters) -> the model's size in messages, e.g. "n_a=3".
    problems(rng) -> [(parameters, seed)]: fresh models whose sequences end on their own.
    biased_model(rng, size, bias) -> the parameters of a small model (hidden size `size`)
    whose stop logit is pushed by `bias` (NEVER, AT_ONCE or RARELY).
    distribution_model(rng) -> the parameters of a model whose sequences end quickly (many
    samples stay cheap); first_probabilities(parameters) -> (vocabulary size,) the
    probabilities of its first draw.
    draws: how many seeds the distribution check samples the first draw with.
    """
    function: str
    points: float
    vocabulary: str
    stop: int
    cap: int
    stop_name: str
    unit: str
    item: str
    follows: str
    arguments: Callable
    describe: Callable
    problems: Callable
    biased_model: Callable
    distribution_model: Callable
    first_probabilities: Callable
    hints: SamplerHints
    draws: int = 600


def as_indices(name, out, vocabulary_size):
    """The student's returned list as ints, or a Mismatch saying why it is not one."""
    if not isinstance(out, (list, tuple)) or not out:
        raise Mismatch(f"{name} should return a non-empty list of indices; got {type(out).__name__} {out!r:.60}.")
    try:
        values = [int(i) for i in out]
    except (TypeError, ValueError):
        raise Mismatch(f"{name} should return integer indices; got {out!r:.80}.") from None
    if values != list(out) or min(values) < 0 or max(values) >= vocabulary_size:
        raise Mismatch(f"{name} should return integer indices in 0..{vocabulary_size - 1}; got {out!r:.80}.")
    return values


def first_difference(actual, expected):
    """Index of the first position where two lists differ (the shorter one's length when
    one is the start of the other)."""
    return next((i for i, (a, e) in enumerate(zip(actual, expected)) if a != e), min(len(actual), len(expected)))


def far_from(counts, probabilities, draws):
    """Index whose count strays furthest beyond 5 standard deviations (plus 3) from what
    `probabilities` predict over `draws` draws, or None when every count is within: far beyond
    sampling noise, so a right sampler never fails."""
    bound = 5 * np.sqrt(draws * probabilities * (1 - probabilities)) + 3
    excess = np.abs(counts - draws * probabilities) - bound
    return int(np.argmax(excess)) if np.any(excess > 0) else None


def sampler_grader(assignment, oracle, spec):
    reference = getattr(oracle, spec.function)
    hints, stop_char = spec.hints, spec.vocabulary[spec.stop]

    def draw(student, parameters, seed, capped=False):
        """The student's sequence as a list of ints. A crash or a time-out gets the hint of its
        likely cause; `capped`: the model never draws the stop index."""
        try:
            return as_indices(spec.function, student(*spec.arguments(parameters, seed)), len(spec.vocabulary))
        except Mismatch as mismatch:
            if "must be 1-dimensional" in mismatch.message:
                mismatch.hint = hints.p_not_1d
            elif capped and "did not finish" in mismatch.message.split("\n")[0]:  # the grader's words
                mismatch.hint = hints.no_cap
            raise

    def seeding_hint(student, rng):
        """hints.unseeded when two calls with one seed return different sequences, else None.
        The model seldom draws the stop index (long sequences: two unseeded calls cannot agree
        by chance) but can, so that a sampler without the cap ends too."""
        parameters, seed = spec.biased_model(rng, 3, RARELY), int(rng.integers(10_000))
        try:
            first, second = (draw(student, parameters, seed) for _ in range(2))
        except Mismatch:
            return None
        return hints.unseeded if first != second else None

    def on_problems(problems, run_one):
        """`shares` of the (parameters, seed, ...) problems: each worth an equal share."""
        return shares(problems, run_one, placed(lambda problem: f"With {spec.describe(problem[0])} and "
                                                                f"seed={problem[1]}"),
                      label=lambda problem: f"{spec.describe(problem[0])}, seed={problem[1]}")

    def structure(student, rng):
        def one(problem):
            indices = draw(student, *problem)
            if indices[-1] != spec.stop:
                raise Mismatch(f"The list should end with the {spec.stop_name} index {spec.stop}; it ends with "
                               f"{indices[-1]}.", hints.ends)
        return on_problems(spec.problems(rng), one)

    def protocol(student, rng):
        def one(problem):
            parameters, seed, capped = problem
            actual = draw(student, parameters, seed, capped)
            expected = reference(*copy.deepcopy(spec.arguments(parameters, seed)))
            if actual == expected:
                return
            first, cap = first_difference(actual, expected), spec.cap
            went_on = len(actual) > len(expected) == cap + 1 and actual[:cap] == expected[:cap]
            hint = known_mistake(assignment, spec.function, spec.arguments(parameters, seed), actual) or \
                (f"Your {spec.item} went on past {cap} {spec.unit}s. " + hints.cap if went_on else None) or \
                seeding_hint(student, rng) or hints.protocol
            raise Mismatch(f"draws agree up to position {first}, then differ.", hint, evidence=f"Got "
                           f"{actual[first:first + 5]}..., expected {expected[first:first + 5]}... (lengths "
                           f"{len(actual)} and {len(expected)}).")
        problems = [(parameters, seed, False) for parameters, seed in spec.problems(rng)]
        return on_problems(problems + [(spec.biased_model(rng, 3, NEVER), 7, True)], one)

    def termination(student, rng):
        capped = draw(student, spec.biased_model(rng, 4, NEVER), int(rng.integers(100)), capped=True)
        if len(capped) != spec.cap + 1 or capped[-1] != spec.stop or spec.stop in capped[:-1]:
            raise Mismatch(f"With a model that never draws {stop_char!r}, {spec.function} should return {spec.cap} "
                           f"{spec.unit}s and then the {spec.stop_name} index ({spec.cap + 1} indices); got "
                           f"{len(capped)} indices ending with {capped[-1:]}.", hints.capped)
        first = draw(student, spec.biased_model(rng, 4, AT_ONCE), int(rng.integers(100)))
        if first != [spec.stop]:
            raise Mismatch(f"With a model that always draws {stop_char!r} first, {spec.function} should return "
                           f"[{spec.stop}]; got {first[:8]}.", hints.stops)

    def distribution(student, rng):
        """The first draw over many seeds follows spec.first_probabilities."""
        parameters = spec.distribution_model(rng)
        p, draws = spec.first_probabilities(parameters), spec.draws
        counts = np.zeros(len(spec.vocabulary))
        seeds = [int(seed) for seed in rng.choice(10 ** 6, size=draws, replace=False)]
        first_sequence = None
        for seed in seeds:
            indices = draw(student, parameters, seed)
            first_sequence = first_sequence or indices
            counts[indices[0]] += 1
        worst = far_from(counts, p, draws)
        if worst is not None:
            hint = known_mistake(assignment, spec.function, spec.arguments(parameters, seeds[0]), first_sequence) \
                or hints.distribution
            raise Mismatch(f"Over {draws} seeds the first {spec.unit} {spec.vocabulary[worst]!r} came "
                           f"{int(counts[worst])} times; its probability {p[worst]:.3f} predicts about "
                           f"{draws * p[worst]:.0f}.", hint)

    return Grader(assignment, spec.function, spec.points, [
        Check(f"returns a list of indices ending with the {spec.stop_name} index", 0.1, structure),
        Check("agrees with the reference draw for draw under the seeding protocol, on fresh models and seeds",
              0.4, protocol),
        Check(f"stops at the first {spec.stop_name}; caps a {spec.item} at {spec.cap} {spec.unit}s plus a "
              f"{spec.stop_name}", 0.2, termination),
        Check(f"draws follow {spec.follows} (first {spec.unit} over {spec.draws} seeds)", 0.3, distribution),
    ], oracle)
