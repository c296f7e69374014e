"""Hidden tests of assignment 2: clip, sample, optimize and model of the character-level
language model. Every problem is drawn at grading time: random models, seeds, thresholds and
synthetic names the student never saw; sizes include n_a = 1 and one-letter names."""
import copy
import re
import string

import numpy as np

from ...checks import Mismatch, compare, expect_array, expect_keys, expect_sequence, matches
from ...grading import Check, Grader
from ...kits.numpy_functions import known_mistake
from . import catalogue, oracle  # noqa: F401  (importing the catalogue registers the entries that name mistakes)
from .hints import CAP_HINT, FIXED_BOUND_HINT, NO_CAP_HINT, P_NOT_1D_HINT, STATE_KEY_HINT, UNSEEDED_HINT

ASSIGNMENT = "dinosaur_island"
VOCABULARY = "\n" + string.ascii_lowercase
CHAR_TO_IX = {ch: i for i, ch in enumerate(VOCABULARY)}
IX_TO_CHAR = dict(enumerate(VOCABULARY))
VOCAB_SIZE = len(VOCABULARY)
KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
MAX_LENGTH = oracle.MAX_NAME_LENGTH


def hidden_sizes(rng):
    """n_a values to try: 1 and a few others."""
    return [1, int(rng.integers(2, 6)), int(rng.integers(6, 20))]


def random_parameters(rng, n_a, scale=0.5):
    """Wax (n_a, 27), Waa (n_a, n_a), Wya (27, n_a), b (n_a, 1), by (27, 1)."""
    shapes = {"Wax": (n_a, VOCAB_SIZE), "Waa": (n_a, n_a), "Wya": (VOCAB_SIZE, n_a),
              "b": (n_a, 1), "by": (VOCAB_SIZE, 1)}
    return {k: rng.normal(0, scale, s) for k, s in shapes.items()}


def random_names(rng, count, longest=10):
    """Synthetic lower-case names, one of them a single letter."""
    letters = np.array(list(string.ascii_lowercase))
    names = ["".join(rng.choice(letters, size=int(rng.integers(2, longest + 1)))) for _ in range(count - 1)]
    return names + [str(rng.choice(letters))]


def failing(problem, mismatch, hint=None):
    return Mismatch(f"On {problem}: {mismatch.message}", hint or mismatch.hint, mismatch.evidence)


# -------------------------------------------------------------------------------------- clip

def clip_problems(rng):
    """(gradients, maxValue) with many entries outside the range, at several thresholds."""
    problems = []
    for n_a, max_value in zip(hidden_sizes(rng) + [3], (0.5, 1.0, 5.0, 10.0)):
        shapes = {"dWaa": (n_a, n_a), "dWax": (n_a, VOCAB_SIZE), "dWya": (VOCAB_SIZE, n_a),
                  "db": (n_a, 1), "dby": (VOCAB_SIZE, 1)}
        problems.append(({k: rng.normal(0, 2 * max_value, s) for k, s in shapes.items()}, max_value))
    return problems


def fixed_bound_hint(runs):
    """FIXED_BOUND_HINT when clip used one bound at every threshold (a number written into the
    code), else None. runs: [(returned dict, gradients, maxValue)] of every problem; the bound
    shows where entries were clipped, and every run must agree with it."""
    try:
        bounds = [max(float(np.max(np.abs(out[key]))) for key in KEYS) for out, _, _ in runs]
        clipped = [b for b, (_, gradients, _) in zip(bounds, runs)
                   if any(np.any(np.abs(gradients[key]) > b) for key in KEYS)]
        if not clipped:
            return None
        bound = clipped[0]
        agrees = all(matches(out[key], np.clip(gradients[key], -bound, bound))
                     for out, gradients, _ in runs for key in KEYS)
        if not agrees or all(np.isclose(bound, max_value) for _, _, max_value in runs):
            return None
    except (TypeError, ValueError, KeyError, IndexError):  # not dicts of arrays: other checks say so
        return None
    return FIXED_BOUND_HINT.format(bound=bound)


def clip_grader():
    def on_problems(check):
        """Run `check(returned dict, gradients, maxValue)` at every threshold."""
        def run(student, rng):
            runs = [(student(gradients, max_value), gradients, max_value)
                    for gradients, max_value in clip_problems(rng)]
            for out, gradients, max_value in runs:
                try:
                    expect_keys("the returned dict", out, list(KEYS))
                    check(out, gradients, max_value)
                except Mismatch as mismatch:  # a fixed bound first: at a small maxValue it looks unclipped
                    hint = fixed_bound_hint(runs) or known_mistake(ASSIGNMENT, "clip", (gradients, max_value), out)
                    raise failing(f"clip(gradients, maxValue={max_value:g})", mismatch, hint) from None
        return run

    def structure(out, gradients, max_value):
        for key in KEYS:
            expect_array(key, out[key], gradients[key].shape)

    def region(inside):
        def check(out, gradients, max_value):
            for key in KEYS:
                mask = (np.abs(gradients[key]) <= max_value) == inside
                expected = np.clip(gradients[key], -max_value, max_value)
                compare(key, np.where(mask, out[key], 0.0), np.where(mask, expected, 0.0))
        return check

    return Grader(ASSIGNMENT, "clip", 10, [
        Check("returns the dict of gradients with every key and shape", 0.2, on_problems(structure)),
        Check("entries outside [-maxValue, maxValue] become ±maxValue, in every array, at 4 thresholds", 0.5,
              on_problems(region(False))),
        Check("entries inside the range are left unchanged", 0.3, on_problems(region(True))),
    ], oracle)


# ------------------------------------------------------------------------------------ sample

def sample_problems(rng):
    """(parameters, seed) for models of several sizes; names end on their own (no cap)."""
    return [(random_parameters(rng, n_a, scale=0.8), int(rng.integers(0, 10_000))) for n_a in hidden_sizes(rng)]


def newline_parameters(rng, n_a, bias):
    """A model whose newline logit is pushed by `bias`: -40 makes newline impossible (the
    50-character cap applies), +40 makes it certain at the first step."""
    parameters = random_parameters(rng, n_a, scale=0.3)
    parameters["by"][0] = bias
    return parameters


def first_step_probabilities(parameters):
    """Distribution of the first character: zero input and zero state give a = tanh(b)."""
    return oracle.softmax(parameters["Wya"] @ np.tanh(parameters["b"]) + parameters["by"]).ravel()


def as_indices(name, out):
    """The student's returned list as ints, or a Mismatch saying why it is not one."""
    if not isinstance(out, (list, tuple)) or not out:
        raise Mismatch(f"{name} should return a non-empty list of indices; got {type(out).__name__} {out!r:.60}.")
    try:
        values = [int(i) for i in out]
    except (TypeError, ValueError):
        raise Mismatch(f"{name} should return integer indices; got {out!r:.80}.") from None
    if values != list(out) or min(values) < 0 or max(values) >= VOCAB_SIZE:
        raise Mismatch(f"{name} should return integer indices in 0..{VOCAB_SIZE - 1}; got {out!r:.80}.")
    return values


def call_sample(student, parameters, seed, capped=False):
    """The student's sample(parameters, CHAR_TO_IX, seed) as a list of ints. A crash or a time-out
    gets the hint of its likely cause; `capped`: the model cannot draw the newline."""
    try:
        return as_indices("sample", student(parameters, CHAR_TO_IX, seed))
    except Mismatch as mismatch:
        if "must be 1-dimensional" in mismatch.message:
            mismatch.hint = P_NOT_1D_HINT
        elif capped and "did not finish" in mismatch.message.split("\n")[0]:  # the grader's words
            mismatch.hint = NO_CAP_HINT
        raise


def seeding_hint(student, rng):
    """UNSEEDED_HINT when two calls with one seed return different names, else None. The model
    rarely draws the newline (long names: two unseeded calls cannot agree by chance) but can,
    so that a sampler without the 50-character cap ends too."""
    parameters, seed = newline_parameters(rng, 3, -3.0), int(rng.integers(10_000))
    try:
        first, second = (call_sample(student, parameters, seed) for _ in range(2))
    except Mismatch:
        return None
    return UNSEEDED_HINT if first != second else None


def sample_grader():
    def structure(student, rng):
        for parameters, seed in sample_problems(rng):
            indices = call_sample(student, parameters, seed)
            if indices[-1] != CHAR_TO_IX["\n"]:
                raise Mismatch(f"The list should end with the newline index 0; it ends with {indices[-1]}.",
                               "Stop after drawing '\\n' (and append one after 50 characters).")

    def protocol(student, rng):
        problems = [(parameters, seed, False) for parameters, seed in sample_problems(rng)]
        for parameters, seed, capped in problems + [(newline_parameters(rng, 3, -40.0), 7, True)]:
            actual = call_sample(student, parameters, seed, capped)
            expected = oracle.sample(copy.deepcopy(parameters), CHAR_TO_IX, seed)
            if actual != expected:
                n_a = parameters["Waa"].shape[0]
                first = next((i for i, (a, e) in enumerate(zip(actual, expected)) if a != e),
                             min(len(actual), len(expected)))
                went_on = len(actual) > len(expected) == MAX_LENGTH + 1 and actual[:MAX_LENGTH] == expected[:MAX_LENGTH]
                hint = known_mistake(ASSIGNMENT, "sample", (parameters, CHAR_TO_IX, seed), actual) or \
                    (f"Your name went on past {MAX_LENGTH} characters. " + CAP_HINT if went_on else None) or \
                    seeding_hint(student, rng) or (
                    "Before draw t call np.random.seed(counter + seed), draw with np.random.choice("
                    "range(vocab_size), p=y.ravel()), feed the one-hot of the draw back in, then add 1 to "
                    "both seed and counter.")
                raise Mismatch(f"With n_a={n_a} and seed={seed}: draws agree up to position {first}, then differ.",
                               hint, evidence=f"Got {actual[first:first + 5]}..., expected "
                               f"{expected[first:first + 5]}... (lengths {len(actual)} and {len(expected)}).")

    def termination(student, rng):
        capped = call_sample(student, newline_parameters(rng, 4, -40.0), int(rng.integers(100)), capped=True)
        if len(capped) != 51 or capped[-1] != 0 or 0 in capped[:-1]:
            raise Mismatch(f"With a model that never draws '\\n', sample should return 50 characters and then "
                           f"the newline index (51 indices); got {len(capped)} indices ending with {capped[-1:]}.",
                           "Stop when counter reaches 50, then append char_to_ix['\\n'].")
        first = call_sample(student, newline_parameters(rng, 4, 40.0), int(rng.integers(100)))
        if first != [0]:
            raise Mismatch(f"With a model that always draws '\\n' first, sample should return [0]; got {first[:8]}.",
                           "The loop stops right after the newline is drawn, and only a capped name gets an "
                           "extra '\\n'.")

    def distribution(student, rng):
        """The first character over many seeds follows softmax(Wya tanh(b) + by)."""
        parameters = random_parameters(rng, 5, scale=0.8)
        parameters["by"][0] = 3.0  # names end quickly: many samples stay cheap
        p = first_step_probabilities(parameters)
        draws = 600
        counts = np.zeros(VOCAB_SIZE)
        seeds = [int(seed) for seed in rng.choice(10 ** 6, size=draws, replace=False)]
        first_name = None
        for seed in seeds:
            indices = call_sample(student, parameters, seed)
            first_name = first_name or indices
            counts[indices[0]] += 1
        bound = 5 * np.sqrt(draws * p * (1 - p)) + 3  # far beyond sampling noise
        worst = int(np.argmax(np.abs(counts - draws * p) - bound))
        if np.any(np.abs(counts - draws * p) > bound):
            hint = known_mistake(ASSIGNMENT, "sample", (parameters, CHAR_TO_IX, seeds[0]), first_name) or (
                "Draw from the softmax: np.random.choice(range(vocab_size), p=y.ravel()), not the argmax, and "
                "from the state and input of the current step.")
            raise Mismatch(f"Over {draws} seeds the first character {VOCABULARY[worst]!r} came {int(counts[worst])} "
                           f"times; its probability {p[worst]:.3f} predicts about {draws * p[worst]:.0f}.", hint)

    return Grader(ASSIGNMENT, "sample", 30, [
        Check("returns a list of indices ending with the newline index", 0.1, structure),
        Check("agrees with the reference draw for draw under the seeding protocol, on fresh models and seeds",
              0.4, protocol),
        Check("stops at the first newline; caps a name at 50 characters plus a newline", 0.2, termination),
        Check("draws follow the softmax (first character over 600 seeds)", 0.3, distribution),
    ], oracle)


# ---------------------------------------------------------------------------------- optimize

def optimize_problems(rng):
    """(X, Y, a_prev, parameters, learning_rate): names of length 1 and more, n_a = 1 and more,
    weights large enough that some gradients exceed 5 (so clipping matters)."""
    problems = []
    for n_a, learning_rate in zip(hidden_sizes(rng), (0.01, 0.05, 0.02)):
        for name in random_names(rng, 2, longest=12):
            X = [None] + [CHAR_TO_IX[ch] for ch in name]
            parameters = random_parameters(rng, n_a, scale=2.0)
            problems.append((X, X[1:] + [0], rng.normal(0, 1, (n_a, 1)), parameters, learning_rate))
    return problems


def optimize_grader():
    def with_problem(check):
        """Run `check(out, parameters after the call, expected out, expected parameters)` on
        every problem; the student's own copy of the arguments shows the in-place update."""
        def wrapped(student, rng):
            for problem in optimize_problems(rng):
                arguments = copy.deepcopy(problem)
                try:
                    out = student.in_place(*arguments)
                except Mismatch as mismatch:
                    # a[len(X)] and the like: the key is a time step (the message's format aside)
                    if re.search(r"raised KeyError\b[\s:|]*-?\d+\s*(\n|$)", mismatch.message):
                        mismatch.hint = STATE_KEY_HINT
                    raise
                expected_arguments = copy.deepcopy(problem)
                expected = oracle.optimize(*expected_arguments)
                try:
                    expect_sequence("optimize's return value", out, 3, ("loss", "gradients", "a_prev"))
                    check(out, arguments[3], expected, expected_arguments[3])
                except Mismatch as mismatch:
                    n_a, length = problem[3]["Waa"].shape[0], len(problem[0]) - 1
                    hint = known_mistake(ASSIGNMENT, "optimize", problem, out, mutated=arguments)
                    raise failing(f"a name of {length} letters with n_a={n_a}, learning rate {problem[4]}",
                                  mismatch, hint) from None
        return wrapped

    def structure(out, parameters, expected, expected_parameters):
        loss, gradients, a = out
        if not np.isscalar(loss) and np.shape(loss) != ():
            raise Mismatch(f"loss should be a number; got {type(loss).__name__}.")
        expect_keys("gradients", {k: v for k, v in dict(gradients).items() if k in KEYS}, list(KEYS))
        expect_array("the returned hidden state", a, expected[2].shape)

    def loss(out, parameters, expected, expected_parameters):
        compare("loss", out[0], expected[0])

    def gradients(out, parameters, expected, expected_parameters):
        for key in KEYS:
            compare(f"gradients['{key}']", out[1][key], expected[1][key])

    def state(out, parameters, expected, expected_parameters):
        compare("the returned hidden state", out[2], expected[2])

    def update(out, parameters, expected, expected_parameters):
        for key in ("Wax", "Waa", "Wya", "b", "by"):
            compare(f"parameters['{key}'] after the call", parameters[key], expected_parameters[key])

    return Grader(ASSIGNMENT, "optimize", 25, [
        Check("returns (loss, gradients, a) with the five gradients and a of shape (n_a, 1)", 0.15,
              with_problem(structure)),
        Check("loss matches the reference", 0.2, with_problem(loss)),
        Check("gradients are the reference's, clipped to [-5, 5]", 0.25, with_problem(gradients)),
        Check("returns the hidden state of the last step, a[len(X) - 1]", 0.15, with_problem(state)),
        Check("updates the parameters in place with the clipped gradients and the learning rate", 0.25,
              with_problem(update)),
    ], oracle)


# ------------------------------------------------------------------------------------- model

def model_problems(rng, iterations):
    """Keyword arguments of model: fresh synthetic names, small n_a (1 included)."""
    return [dict(data_x=[name + "\n" for name in random_names(rng, int(rng.integers(8, 40)))],
                 ix_to_char=IX_TO_CHAR, char_to_ix=CHAR_TO_IX, num_iterations=count, n_a=n_a,
                 dino_names=int(rng.integers(1, 8)), vocab_size=VOCAB_SIZE)
            for count, n_a in zip(iterations, (1, int(rng.integers(3, 9)), int(rng.integers(9, 17))))]


def model_grader():
    def compare_runs(part, iterations):
        def check(student, rng):
            for kwargs in model_problems(rng, iterations):
                actual = student(*kwargs.values())
                expected = oracle.model(**copy.deepcopy(kwargs))
                try:
                    expect_sequence("model's return value", actual, 2, ("parameters", "last_dino_name"))
                    if part == "parameters":
                        compare("parameters", actual[0], expected[0])
                    elif actual[1] != expected[1]:
                        raise Mismatch(f"last_dino_name is {actual[1]!r}, not the expected name.",
                                       evidence=f"Expected {expected[1]!r}.")
                except Mismatch as mismatch:
                    hint = known_mistake(ASSIGNMENT, "model", tuple(kwargs.values()), actual)
                    raise failing(f"{len(kwargs['data_x'])} fresh names, n_a={kwargs['n_a']}, "
                                  f"{kwargs['num_iterations']} iterations", mismatch, hint) from None
        return check

    def structure(student, rng):
        kwargs = model_problems(rng, (3,))[0]
        actual = student(*kwargs.values())
        expect_sequence("model's return value", actual, 2, ("parameters", "last_dino_name"))
        expected = oracle.model(**copy.deepcopy(kwargs))
        expect_keys("parameters", actual[0], list(expected[0]))
        for key, value in expected[0].items():
            expect_array(f"parameters['{key}']", actual[0][key], value.shape)
        if not isinstance(actual[1], str) or not actual[1].endswith("\n"):
            raise Mismatch(f"last_dino_name should be a str ending with '\\n'; got {actual[1]!r:.60}.",
                           "Keep the name from get_sample as it is, trailing newline included.")

    return Grader(ASSIGNMENT, "model", 35, [
        Check("returns (parameters, last_dino_name) with the shapes of initialize_parameters", 0.1, structure),
        Check("the first training steps match the reference (examples shuffled with seed 0, "
              "X = [None] + name, Y = X[1:] + ['\\n'])", 0.3, compare_runs("parameters", (1, 2, 3))),
        Check("300 iterations match the reference (one name per step, hidden state carried across names)",
              0.35, compare_runs("parameters", (300, 300, 300))),
        Check("last_dino_name matches the names sampled with seeds 0, 1, ... after 2,001 iterations", 0.25,
              compare_runs("name", (2001, 1, 1))),
    ], oracle)


GRADERS = [clip_grader(), sample_grader(), optimize_grader(), model_grader()]
