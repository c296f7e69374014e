"""Hidden tests of assignment 2: clip, sample, optimize and model of the character-level
language model. Every problem is drawn at grading time: random models, seeds, thresholds and
synthetic names the student never saw; sizes include n_a = 1 and one-letter names."""
import copy
import re
import string

import numpy as np

from ...checks import Mismatch, compare, expect_array, expect_keys, expect_sequence, matches
from ...grading import Check
from ...kits.numpy_functions import Compared, ProblemChecks, problem_checks_grader
from ...kits.samplers import Sampler, SamplerHints, sampler_grader
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


def clip_structure(run):
    gradients, _ = run.problem
    for key in KEYS:
        expect_array(key, run.result[key], gradients[key].shape)


def clip_region(inside):
    """Compare the entries inside the range (or outside it) with np.clip's, the others zeroed."""
    def check(run):
        gradients, max_value = run.problem
        for key in KEYS:
            mask = (np.abs(gradients[key]) <= max_value) == inside
            expected = np.clip(gradients[key], -max_value, max_value)
            compare(key, np.where(mask, run.result[key], 0.0), np.where(mask, expected, 0.0))
    return check


CLIP = ProblemChecks(
    "clip", 10, [
        Compared("returns the dict of gradients with every key and shape", 0.2, clip_structure),
        Compared("entries outside [-maxValue, maxValue] become ±maxValue, in every array, at 4 thresholds", 0.5,
                 clip_region(False)),
        Compared("entries inside the range are left unchanged", 0.3, clip_region(True)),
    ],
    describe=lambda gradients, max_value: f"clip(gradients, maxValue={max_value:g})", problems=clip_problems,
    sizes=lambda gradients, max_value: {"n_a": gradients["dWaa"].shape[0]},
    expect=lambda out: expect_keys("the returned dict", out, list(KEYS)),
    # a fixed bound before a catalogued mistake: at a small maxValue it looks unclipped
    hint_from_runs=lambda runs: fixed_bound_hint([(run.result, *run.problem) for run in runs if run is not None]))


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


def short_names_parameters(rng):
    """A model whose names end quickly (newline logit 3): many samples stay cheap."""
    parameters = random_parameters(rng, 5, scale=0.8)
    parameters["by"][0] = 3.0
    return parameters


def first_step_probabilities(parameters):
    """Distribution of the first character: zero input and zero state give a = tanh(b)."""
    return oracle.softmax(parameters["Wya"] @ np.tanh(parameters["b"]) + parameters["by"]).ravel()


SAMPLE = Sampler(
    "sample", 30, VOCABULARY, stop=CHAR_TO_IX["\n"], cap=MAX_LENGTH,
    stop_name="newline", unit="character", item="name", follows="the softmax",
    arguments=lambda parameters, seed: (parameters, CHAR_TO_IX, seed),
    describe=lambda parameters: f"n_a={parameters['Waa'].shape[0]}",
    problems=sample_problems, biased_model=newline_parameters,
    distribution_model=short_names_parameters, first_probabilities=first_step_probabilities,
    hints=SamplerHints(
        ends="Stop after drawing '\\n' (and append one after 50 characters).",
        protocol=("Before draw t call np.random.seed(counter + seed), draw with np.random.choice("
                  "range(vocab_size), p=y.ravel()), feed the one-hot of the draw back in, then add 1 to "
                  "both seed and counter."),
        cap=CAP_HINT, no_cap=NO_CAP_HINT,
        capped="Stop when counter reaches 50, then append char_to_ix['\\n'].",
        stops="The loop stops right after the newline is drawn, and only a capped name gets an extra '\\n'.",
        distribution=("Draw from the softmax: np.random.choice(range(vocab_size), p=y.ravel()), not the argmax, "
                      "and from the state and input of the current step."),
        unseeded=UNSEEDED_HINT, p_not_1d=P_NOT_1D_HINT))


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


def describe_optimize(X, Y, a_prev, parameters, learning_rate):
    letters = len(X) - 1
    return (f"a name of {letters} letter{'s' if letters != 1 else ''} with n_a={parameters['Waa'].shape[0]}, "
            f"learning rate {learning_rate}")


def state_key_hint(mismatch):
    """STATE_KEY_HINT when optimize raised a KeyError whose key is a time step (a[len(X)] and
    the like), the message's format aside."""
    return STATE_KEY_HINT if re.search(r"raised KeyError\b[\s:|]*-?\d+\s*(\n|$)", mismatch.message) else None


def optimize_structure(run):
    loss, gradients, a = run.result
    if not np.isscalar(loss) and np.shape(loss) != ():
        raise Mismatch(f"loss should be a number; got {type(loss).__name__}.")
    expect_keys("gradients", {k: v for k, v in dict(gradients).items() if k in KEYS}, list(KEYS))
    expect_array("the returned hidden state", a, run.expected[2].shape)


def optimize_loss(run):
    compare("loss", run.result[0], run.expected[0])


def optimize_gradients(run):
    for key in KEYS:
        compare(f"gradients['{key}']", run.result[1][key], run.expected[1][key])


def optimize_state(run):
    compare("the returned hidden state", run.result[2], run.expected[2])


def optimize_update(run):
    """The parameters the student's call received, after it, against the oracle's."""
    for key in ("Wax", "Waa", "Wya", "b", "by"):
        compare(f"parameters['{key}'] after the call", run.args[3][key], run.expected_args[3][key])


OPTIMIZE = ProblemChecks(
    "optimize", 25, [
        Compared("returns (loss, gradients, a) with the five gradients and a of shape (n_a, 1)", 0.15,
                 optimize_structure),
        Compared("loss matches the reference", 0.2, optimize_loss),
        Compared("gradients are the reference's, clipped to [-5, 5]", 0.25, optimize_gradients),
        Compared("returns the hidden state of the last step, a[len(X) - 1]", 0.15, optimize_state),
        Compared("updates the parameters in place with the clipped gradients and the learning rate", 0.25,
                 optimize_update),
    ],
    describe=describe_optimize, problems=optimize_problems,
    sizes=lambda X, Y, a_prev, parameters, learning_rate: {"letters": len(X) - 1, "n_a": parameters["Waa"].shape[0]},
    expect=lambda out: expect_sequence("optimize's return value", out, 3, ("loss", "gradients", "a_prev")),
    in_place=True, crash_hint=state_key_hint)


# ------------------------------------------------------------------------------------- model

def model_problems(rng, iterations):
    """Arguments of model (data_x, ix_to_char, char_to_ix, num_iterations, n_a, dino_names,
    vocab_size): fresh synthetic names, small n_a (1 included)."""
    return [([name + "\n" for name in random_names(rng, int(rng.integers(8, 40)))],
             IX_TO_CHAR, CHAR_TO_IX, count, n_a, int(rng.integers(1, 8)), VOCAB_SIZE)
            for count, n_a in zip(iterations, (1, int(rng.integers(3, 9)), int(rng.integers(9, 17))))]


def trained(*iterations):
    """Problems of model, one per number of iterations."""
    return lambda rng: model_problems(rng, iterations)


def describe_model(data_x, ix_to_char, char_to_ix, num_iterations, n_a, dino_names, vocab_size):
    return f"{len(data_x)} fresh names, n_a={n_a}, {num_iterations} iterations"


def model_structure(student, rng):
    args = model_problems(rng, (3,))[0]
    actual = student(*args)
    expect_sequence("model's return value", actual, 2, ("parameters", "last_dino_name"))
    expected = oracle.model(*copy.deepcopy(args))
    expect_keys("parameters", actual[0], list(expected[0]))
    for key, value in expected[0].items():
        expect_array(f"parameters['{key}']", actual[0][key], value.shape)
    if not isinstance(actual[1], str) or not actual[1].endswith("\n"):
        raise Mismatch(f"last_dino_name should be a str ending with '\\n'; got {actual[1]!r:.60}.",
                       "Keep the name from get_sample as it is, trailing newline included.")


def same_parameters(run):
    compare("parameters", run.result[0], run.expected[0])


def same_name(run):
    if run.result[1] != run.expected[1]:
        raise Mismatch(f"last_dino_name is {run.result[1]!r}, not the expected name.",
                       evidence=f"Expected {run.expected[1]!r}.")


MODEL = ProblemChecks(
    "model", 35, [
        Check("returns (parameters, last_dino_name) with the shapes of initialize_parameters", 0.1, model_structure),
        Compared("the first training steps match the reference (examples shuffled with seed 0, "
                 "X = [None] + name, Y = X[1:] + ['\\n'])", 0.3, same_parameters, trained(1, 2, 3)),
        Compared("300 iterations match the reference (one name per step, hidden state carried across names)",
                 0.35, same_parameters, trained(300, 300, 300)),
        Compared("last_dino_name matches the names sampled with seeds 0, 1, ... after 2,001 iterations", 0.25,
                 same_name, trained(2001, 1, 1)),
    ],
    describe=describe_model, sizes=lambda data_x, ix_to_char, char_to_ix, num_iterations, n_a, *rest: {"n_a": n_a},
    expect=lambda out: expect_sequence("model's return value", out, 2, ("parameters", "last_dino_name")))


GRADERS = [problem_checks_grader(ASSIGNMENT, oracle, CLIP), sampler_grader(ASSIGNMENT, oracle, SAMPLE),
           problem_checks_grader(ASSIGNMENT, oracle, OPTIMIZE), problem_checks_grader(ASSIGNMENT, oracle, MODEL)]
