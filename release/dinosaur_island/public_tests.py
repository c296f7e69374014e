"""Visible checks for the "Dinosaur Island" assignment.

Every exercise has one function here, ``check_<function_name>``.  The checks
do not know the right answer in advance.  They test what must be true of any
correct implementation:

* the return values have the documented types and shapes;
* clipped gradients lie in the allowed interval and untouched entries keep their value;
* sampled names follow from the formulas in special cases you can predict
  (a network that always outputs the same distribution, a network that has
  learned the alphabet, a network whose output only depends on its hidden state);
* the frequency of the first sampled character matches the softmax of the first step;
* ``optimize`` agrees with the helpers ``rnn_forward`` and ``rnn_backward``;
* ``model`` feeds the right inputs and targets to your ``optimize`` and actually
  lowers the loss on a tiny training set.

A function that builds on others (``optimize`` calls your ``clip``; ``model``
calls your ``optimize`` and ``sample``) can only be tested once those are right.
So its check first runs, quietly, the checks of the functions it builds on,
found in your notebook. If one of them fails, the check stops with a
``PrerequisiteError`` (an ``AssertionError``) that names the function to fix
first and repeats that function's own message.

Passing the visible checks is a good sign but not a guarantee: the hidden
tests used for grading compare your results with a reference on fresh sizes
and random seeds.

Each check raises ``AssertionError`` with what was expected, what came back
and a hint, or prints one line when everything passed. A function that is not
written yet, or that crashes, fails its check with a message that names it.
The checks leave NumPy's global random state as they found it.
"""

import copy

import numpy as np

# What every assignment's checks share (messages, value checks, checks that build on other
# functions) is in check_helpers.py, next to this file.
from check_helpers import PrerequisiteError  # noqa: F401  (what a check that builds on others raises)
from check_helpers import check_close as _check_close
from check_helpers import check_shape as _check_shape
from check_helpers import check_unchanged as _check_unchanged
from check_helpers import crashed as _crashed
from check_helpers import describe as _describe
from check_helpers import difference as _difference
from check_helpers import fail as _fail
from check_helpers import keeps_random_state as _keeps_random_state
from check_helpers import normal as _normal
from check_helpers import random_arrays
from check_helpers import visible_check
from dino_utils import initialize_parameters, rnn_backward, rnn_forward, softmax

PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_NAMES = ("dWax", "dWaa", "dWya", "db", "dby")
VOCAB = "\nabcdefghijklmnopqrstuvwxyz"
CHAR_TO_IX = {ch: i for i, ch in enumerate(VOCAB)}
IX_TO_CHAR = {i: ch for i, ch in enumerate(VOCAB)}
NEWLINE = 0
MAX_LENGTH = 50


# ---------------------------------------------------------------------------
# Reporting helpers specific to this assignment
# ---------------------------------------------------------------------------
def _short(values, limit=12):
    """A list printed in full when short, abbreviated when long."""
    values = [v if v is None else int(v) for v in values]
    if len(values) <= limit:
        return str(values)
    return f"{values[:limit]} ... ({len(values)} entries)"


# ---------------------------------------------------------------------------
# Problem generators
# ---------------------------------------------------------------------------
def _parameters(rng, n_a, vocab_size=27, scale=0.5):
    return random_arrays(rng, {"Wax": (n_a, vocab_size), "Waa": (n_a, n_a), "Wya": (vocab_size, n_a),
                               "b": (n_a, 1), "by": (vocab_size, 1)}, scale=scale)


def _indices(name):
    return [CHAR_TO_IX[ch] for ch in name]


# ---------------------------------------------------------------------------
# Exercise 1: clip
# ---------------------------------------------------------------------------
def _clip_problem(rng, n_a, n_x, max_value, with_da_next):
    """A gradient dict where every key has entries above, below and inside the bounds."""
    shapes = {"dWax": (n_a, n_x), "dWaa": (n_a, n_a), "dWya": (n_x, n_a),
              "db": (n_a, 1), "dby": (n_x, 1)}
    gradients = {}
    for position, (key, shape) in enumerate(shapes.items()):
        values = _normal(rng, *shape, scale=2.0 * max_value)
        flat = values.reshape(-1)
        flat[0] = (3.0 if position % 2 == 0 else -3.0) * max_value
        if flat.size >= 3:
            flat[1] = -flat[0]
            flat[2] = 0.25 * max_value          # inside: must stay exactly as it is
        gradients[key] = values
    if with_da_next:
        gradients["da_next"] = _normal(rng, n_a, 1, scale=max_value)
    return gradients


def _diagnose_clip(check, key, original, got, max_value):
    above = original > max_value
    below = original < -max_value
    inside = ~(above | below)
    expected = np.clip(original, -max_value, max_value)
    if np.array_equal(got, expected):
        return
    if np.array_equal(got, original):
        _fail(check, f"'{key}' was not clipped at all (maxValue = {max_value}).",
              expected=f"every entry of '{key}' in [{-max_value}, {max_value}]",
              got=f"values between {got.min():.4g} and {got.max():.4g}",
              hint="loop over all five keys dWaa, dWax, dWya, db, dby and clip each one. "
                   "np.clip returns a new array unless you pass out=: "
                   "np.clip(array, -maxValue, maxValue, out=array) works in place. Assigning "
                   "to a loop variable, or clipping a copy and returning the original, leaves "
                   "the returned dictionary unclipped.")
    if np.any(below) and np.all(got[below] == 0):
        _fail(check, f"entries of '{key}' below -maxValue became 0.",
              expected=f"-{max_value} for every entry smaller than -{max_value}",
              got="0 for those entries",
              hint="the lower bound is -maxValue, not 0: np.clip(array, -maxValue, maxValue).")
    moved_up = got[above]
    if moved_up.size and np.all(moved_up == moved_up.flat[0]) and moved_up.flat[0] != max_value:
        _fail(check, f"entries of '{key}' above maxValue = {max_value} were set to "
                     f"{moved_up.flat[0]:g} instead.",
              expected=f"{max_value}", got=f"{moved_up.flat[0]:g}",
              hint="use the argument maxValue as the bound; do not hard-code a number.")
    if np.any(got[below] < -max_value):
        _fail(check, f"entries of '{key}' below -maxValue were left as they were.",
              expected=f"-{max_value} for every entry smaller than -{max_value}",
              got=f"smallest entry {got.min():.4g}",
              hint="clip on both sides: the lower bound is -maxValue, not 0 and not None.")
    if np.any(got[above] > max_value):
        _fail(check, f"entries of '{key}' above maxValue were left as they were.",
              expected=f"{max_value} for every entry larger than {max_value}",
              got=f"largest entry {got.max():.4g}",
              hint="the upper bound is maxValue; use the argument, do not hard-code a number.")
    if not np.array_equal(got[inside], original[inside]):
        _fail(check, f"entries of '{key}' that were already inside [-maxValue, maxValue] changed.",
              expected="those entries unchanged", got=_difference(original[inside], got[inside]),
              hint="clipping is element-wise: only entries outside the interval move, and they "
                   "move exactly to the nearest bound. Do not rescale the whole array.")
    _fail(check, f"'{key}' is not the element-wise clip of the input into [-maxValue, maxValue].",
          expected="np.clip(gradient, -maxValue, maxValue)", got=_difference(expected, got),
          hint="entries outside the interval become -maxValue or maxValue, the rest stay.")


def _clip_checks(target):
    check = "check_clip"
    problems = [(5, 27, 10.0, True), (3, 4, 5, True), (1, 1, 0.5, False), (4, 6, 1e-3, False),
                (2, 7, 2.0, True)]
    for seed, (n_a, n_x, max_value, with_da_next) in enumerate(problems):
        rng = np.random.default_rng(300 + seed)
        gradients = _clip_problem(rng, n_a, n_x, max_value, with_da_next)
        original = copy.deepcopy(gradients)
        out = target(gradients, max_value)
        if out is None:
            _fail(check, "the function returned None.", expected="the dictionary of gradients",
                  got="None", hint="end with `return gradients`.")
        if not isinstance(out, dict):
            _fail(check, "the function should return the dictionary of gradients.",
                  expected="dict", got=_describe(out), hint="end with `return gradients`.")
        missing = [key for key in GRADIENT_NAMES if key not in out]
        if missing:
            _fail(check, f"the returned dictionary is missing keys {missing}.",
                  expected=f"keys {list(GRADIENT_NAMES)}", got=f"keys {list(out)}",
                  hint="return the gradients dict you were given, with all five keys.")
        for key in GRADIENT_NAMES:
            _check_shape(check, out[key], original[key].shape, f"gradient '{key}'",
                         "clipping never changes the shape of an array.")
            _diagnose_clip(check, key, original[key], out[key], max_value)

    # Nothing to clip: everything must come back unchanged.
    rng = np.random.default_rng(310)
    gradients = {key: rng.uniform(-0.9, 0.9, size=shape) for key, shape in
                 {"dWax": (3, 5), "dWaa": (3, 3), "dWya": (5, 3), "db": (3, 1),
                  "dby": (5, 1)}.items()}
    original = copy.deepcopy(gradients)
    out = target(gradients, 1.0)
    for key in GRADIENT_NAMES:
        _diagnose_clip(check, key, original[key], out[key], 1.0)


def check_clip(target):
    """Visible checks for clip(gradients, maxValue)."""
    _visible_check("clip", target)


# ---------------------------------------------------------------------------
# Exercise 2: sample
# ---------------------------------------------------------------------------
_SEED_HINT = ("right before each draw call np.random.seed(counter + seed), then draw with "
              "np.random.choice(range(vocab_size), p=y.ravel()); afterwards increase both seed "
              "and counter by one.")


def _call_sample(check, target, parameters, char_to_ix, seed, situation=None):
    try:
        return target(parameters, char_to_ix, seed)
    except Exception as err:  # report the crash with the situation that caused it
        hint = ("read vocab_size from parameters['by'].shape[0] and n_a from "
                "parameters['Waa'].shape[1]; do not hard-code 27 or 50. x is a "
                "(vocab_size, 1) one-hot column and a_prev a (n_a, 1) column.")
        if "1-dimensional" in str(err):
            hint = ("np.random.choice needs p as a 1-D array; y has shape (vocab_size, 1), "
                    "so pass p=y.ravel().")
        _crashed(check, "sample", err, hint, situation)


def _check_name_list(check, indices, vocab_size, situation):
    if not isinstance(indices, list):
        _fail(check, f"sample should return a Python list of indices ({situation}).",
              expected="list", got=_describe(indices),
              hint="start from indices = [] and append every drawn index.")
    if not indices:
        _fail(check, f"sample returned an empty list ({situation}).",
              expected="at least the final newline index", got="[]",
              hint="append every drawn index, including the newline that ends the name.")
    for value in indices:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            _fail(check, f"every entry of the list should be an integer index ({situation}).",
                  expected="int or numpy integer", got=f"an entry of type {type(value).__name__}",
                  hint="append the index returned by np.random.choice, not the one-hot vector "
                       "or the probability.")
        if not 0 <= value < vocab_size:
            _fail(check, f"an index is outside the vocabulary ({situation}).",
                  expected=f"indices in 0 .. {vocab_size - 1}", got=_short(indices),
                  hint="draw from range(vocab_size) with vocab_size = parameters['by'].shape[0].")
    if len(indices) > MAX_LENGTH + 1:
        _fail(check, f"the list is too long ({situation}).",
              expected=f"at most {MAX_LENGTH} characters plus the newline", got=_short(indices),
              hint="stop the loop when counter reaches 50.")
    if indices[-1] != NEWLINE:
        _fail(check, f"the list should end with the newline index {NEWLINE} ({situation}).",
              expected=f"last entry {NEWLINE}", got=_short(indices),
              hint="the loop stops once the newline is drawn; if it stopped because counter "
                   "reached 50, append the newline index yourself.")
    if NEWLINE in indices[:-1]:
        _fail(check, f"the newline index appears before the end ({situation}).",
              expected="newline only as the last entry", got=_short(indices),
              hint="stop the loop as soon as the newline index has been drawn.")


def _seeded_draws(p, seed, steps):
    """What the seeding protocol draws when every step has the same distribution p."""
    draws = []
    for counter in range(steps):
        np.random.seed(counter + seed + counter)   # seed has been increased `counter` times
        draws.append(int(np.random.choice(range(len(p)), p=p)))
        if draws[-1] == NEWLINE:
            return draws
    return draws + [NEWLINE]


def _sample_checks(target):
    check = "check_sample"

    # 1. Types, range, newline at the end; inputs untouched; several sizes.
    for seed, n_a in enumerate((6, 1, 11)):
        rng = np.random.default_rng(400 + seed)
        params = _parameters(rng, n_a, scale=0.8)
        params["by"][NEWLINE] += 1.5               # names of a few characters on average
        before = copy.deepcopy(params)
        for name_seed in (0, 3, 17, 123):
            situation = f"n_a = {n_a}, seed = {name_seed}"
            out = _call_sample(check, target, params, CHAR_TO_IX, name_seed, situation)
            _check_name_list(check, out, 27, situation)
        _check_unchanged(check, before, params, "parameters",
                         "sample only reads the parameters; do not update them.")

    # 2. A smaller vocabulary: vocab_size must come from the parameters.
    rng = np.random.default_rng(410)
    small_vocab = {"\n": 0, "a": 1, "b": 2, "c": 3, "d": 4}
    params = _parameters(rng, 3, vocab_size=5)
    out = _call_sample(check, target, params, small_vocab, 2, "a vocabulary of 5 characters")
    _check_name_list(check, out, 5, "a vocabulary of 5 characters")

    # 3. Reproducible: the same seed gives the same list, whatever the global state.
    rng = np.random.default_rng(420)
    params = _parameters(rng, 5, scale=0.8)
    np.random.seed(2024)
    first = _call_sample(check, target, params, CHAR_TO_IX, 5)
    np.random.seed(7)
    np.random.rand(13)
    second = _call_sample(check, target, params, CHAR_TO_IX, 5)
    if [int(i) for i in first] != [int(i) for i in second]:
        _fail(check, "two calls with the same seed returned different names.",
              expected="the same list twice", got=f"{_short(first)} and {_short(second)}",
              hint=_SEED_HINT)

    # 4. Different seeds give different names.
    names = {tuple(int(i) for i in _call_sample(check, target, params, CHAR_TO_IX, s))
             for s in range(12)}
    if len(names) == 1:
        _fail(check, "12 different seeds all produced the same name.",
              expected="different names for different seeds", got=f"always {_short(names.pop())}",
              hint="draw the index at random with np.random.choice(..., p=y.ravel()) (taking "
                   "the most likely index, argmax, ignores the seed), and seed each draw with "
                   "the seed argument: np.random.seed(counter + seed), not np.random.seed(counter).")

    # 5. The length cap: the newline is so unlikely that this seed's first 50 draws miss it,
    #    so the loop must stop at 50. (Not impossible: a loop without the cap ends after some
    #    ten thousand draws, instead of hanging this check.)
    rng = np.random.default_rng(430)
    params = _parameters(rng, 4)
    params["by"][NEWLINE] = -7.0
    out = _call_sample(check, target, params, CHAR_TO_IX, 1)
    if not isinstance(out, list) or len(out) != MAX_LENGTH + 1 or NEWLINE in out[:-1] \
            or out[-1] != NEWLINE:
        hint = ("loop while idx != newline and counter != 50; after the loop, if counter "
                "== 50, append the newline index.")
        if isinstance(out, list) and len(out) < MAX_LENGTH and NEWLINE in out:
            hint = ("by[newline] = -7 makes the newline very unlikely, yet it was drawn after "
                    "only a few letters: is by added before the softmax, "
                    "y = softmax(Wya a + by)?")
        _fail(check, "with a newline probability close to zero the name should be cut at 50 "
                     "characters and end with the newline index.",
              expected=f"50 letters then {NEWLINE} (51 entries)", got=_short(out, 4)
              if isinstance(out, list) else _describe(out), hint=hint)

    # 6. The first character follows softmax(Wya tanh(b) + by) (x = 0, a_prev = 0).
    rng = np.random.default_rng(440)
    n_a = 7
    params = _parameters(rng, n_a, scale=1.0)
    params["by"][NEWLINE] += 2.0                   # keep the names short: this check is fast
    p_first = softmax(params["Wya"] @ np.tanh(params["b"]) + params["by"]).ravel()
    draws = 700
    counts = np.zeros(27)
    for s in range(draws):
        counts[int(_call_sample(check, target, params, CHAR_TO_IX, s)[0])] += 1
    freq = counts / draws
    tolerance = 4.5 * np.sqrt(p_first * (1 - p_first) / draws) + 3.0 / draws
    if np.any(np.abs(freq - p_first) > tolerance):
        worst = int(np.argmax(np.abs(freq - p_first) / tolerance))
        hint = ("the first step has x = zeros((vocab_size, 1)) and a_prev = zeros((n_a, 1)), so "
                "a = tanh(b) and y = softmax(Wya a + by); draw from y with np.random.choice.")
        if freq.max() > 0.99:
            hint = "every seed gave the same first character: draw at random, do not use argmax."
        _fail(check, f"over {draws} seeds the first character is not distributed like "
                     "softmax(Wya tanh(b) + by).",
              expected=f"index {worst} with frequency about {p_first[worst]:.3f}",
              got=f"frequency {freq[worst]:.3f}", hint=hint)

    # 7. The seeding protocol. With Wya = 0 every step draws from softmax(by), so the name is
    #    fixed by the seeds alone: step k uses np.random.seed(seed + 2k).
    rng = np.random.default_rng(450)
    params = _parameters(rng, 3, scale=1.0)
    params["Wya"] = np.zeros_like(params["Wya"])
    params["by"][NEWLINE] = -1.0
    p = softmax(params["by"]).ravel()
    for s in (0, 4, 31):
        out = _call_sample(check, target, params, CHAR_TO_IX, s)
        expected = _seeded_draws(p, s, MAX_LENGTH)
        if [int(i) for i in out] != expected:
            _fail(check, f"with Wya = 0 (so y = softmax(by) at every step) and seed = {s}, "
                         "the drawn indices do not follow the seeding protocol.",
                  expected=_short(expected), got=_short(out), hint=_SEED_HINT)

    # 8. Feeding the drawn character back. This network has learned the alphabet: after
    #    letter c it puts almost all probability on c + 1 (and on the newline after 'z').
    n_a = 27
    params = {"Wax": 3.0 * np.eye(n_a), "Waa": np.zeros((n_a, n_a)), "b": -1.5 * np.ones((n_a, 1)),
              "Wya": 30.0 * np.roll(np.eye(27), 1, axis=0), "by": np.zeros((27, 1))}
    for s in (1, 8, 40, 66):
        out = _call_sample(check, target, params, CHAR_TO_IX, s)
        _check_name_list(check, out, 27, f"the alphabet network, seed = {s}")
        for previous, following in zip(out[:-1], out[1:]):
            if following != (previous + 1) % 27:
                _fail(check, "the network that learned the alphabet should continue every letter "
                             "with the next one (and 'z' with the newline).",
                      expected=f"{int(previous)} followed by {(int(previous) + 1) % 27}",
                      got=_short(out, 30),
                      hint="after each draw set x to the one-hot vector of the drawn index: "
                           "x = np.zeros((vocab_size, 1)); x[idx] = 1.")

    # 9. Carrying the hidden state. Here Wax = 0: the inputs do not matter, the hidden state
    #    evolves as a<t> = tanh(Waa a<t-1> + b), and the output layer is so sharp that the
    #    letter of every step is the most likely one. The newline is impossible (cut at 50).
    expected, params = _hidden_state_problem()
    out = _call_sample(check, target, params, CHAR_TO_IX, 3)
    if [int(i) for i in out] != expected:
        _fail(check, "with Wax = 0 the name is decided by the hidden states alone, "
                     "a<t> = tanh(Waa a<t-1> + b) starting from a<0> = 0, and your list differs.",
              expected=_short(expected, 16), got=_short(out, 16) if isinstance(out, list)
              else _describe(out),
              hint="after each step pass the new hidden state on: a_prev = a. And compute "
                   "a = tanh(Wax x + Waa a_prev + b) with the bias b.")


def _hidden_state_problem():
    rng = np.random.default_rng(463)
    n_a = 4
    q, _ = np.linalg.qr(rng.standard_normal((n_a, n_a)))
    params = {"Wax": np.zeros((n_a, 27)), "Waa": 0.9 * q, "b": rng.uniform(-1, 1, (n_a, 1)),
              "Wya": rng.standard_normal((27, n_a)), "by": np.zeros((27, 1))}
    a = np.zeros((n_a, 1))
    logits = []
    for _ in range(MAX_LENGTH):
        a = np.tanh(params["Waa"] @ a + params["b"])
        logits.append((params["Wya"] @ a).ravel()[1:])       # the letters only
    logits = np.array(logits)
    ordered = np.sort(logits, axis=1)
    gap = np.min(ordered[:, -1] - ordered[:, -2])
    scale = 60.0 / gap                                       # top letter beats the rest by >= 60
    params["Wya"] = scale * params["Wya"]
    params["Wya"][NEWLINE] = 0.0
    params["by"][NEWLINE] = -1e4                             # newline impossible
    expected = [int(i) + 1 for i in np.argmax(logits, axis=1)] + [NEWLINE]
    return expected, params


@_keeps_random_state
def check_sample(target):
    """Visible checks for sample(parameters, char_to_ix, seed)."""
    _visible_check("sample", target)


# ---------------------------------------------------------------------------
# Exercise 3: optimize
# ---------------------------------------------------------------------------
def _optimize_problem(seed, n_a, name):
    rng = np.random.default_rng(seed)
    params = _parameters(rng, n_a, scale=1.0)
    X = [None] + _indices(name)
    Y = X[1:] + [NEWLINE]
    a_prev = rng.uniform(-0.9, 0.9, (n_a, 1))
    return X, Y, a_prev, params


def _optimize_checks(target):
    check = "check_optimize"
    problems = [(500, 5, "tyrannosaurusrexwasheavy", None), (501, 1, "ab", 0.1),
                (502, 8, "velociraptor", 0.03), (503, 3, "", None)]
    for seed, n_a, name, learning_rate in problems:
        X, Y, a_prev, params = _optimize_problem(seed, n_a, name)
        before = copy.deepcopy(params)
        a_before = a_prev.copy()
        lr = 0.01 if learning_rate is None else learning_rate
        where = f"(name '{name}', n_a = {n_a}, learning_rate = {lr})"

        loss_expected, cache = rnn_forward(X, Y, a_prev, before)
        raw, states = rnn_backward(X, Y, before, cache)
        if learning_rate is None:
            out = target(X, Y, a_prev, params)
        else:
            out = target(X, Y, a_prev, params, learning_rate=learning_rate)

        if not isinstance(out, tuple) or len(out) != 3:
            _fail(check, "optimize should return a tuple of three values.",
                  expected="(loss, gradients, a_last)", got=_describe(out),
                  hint="return loss, gradients, a[len(X) - 1]")
        loss, gradients, a_last = out
        _check_unchanged(check, a_before, a_prev, "a_prev",
                         "a_prev is only read by rnn_forward; do not modify it.")

        # The loss.
        if isinstance(loss, np.ndarray) and loss.size == 1:
            loss = loss.item()
        if not isinstance(loss, (float, np.floating)) or not np.isfinite(loss):
            _fail(check, f"the loss should be a finite float {where}.", expected="float",
                  got=_describe(loss), hint="return the loss computed by rnn_forward.")
        _check_close(check, loss, loss_expected,
                     f"the loss differs from rnn_forward(X, Y, a_prev, parameters) on the "
                     f"parameters before the update {where}",
                     "compute the loss with rnn_forward BEFORE updating the parameters, and "
                     "pass a_prev (not zeros) as the initial hidden state.")

        # The gradients: those of rnn_backward, clipped to [-5, 5].
        if not isinstance(gradients, dict):
            _fail(check, "the second value should be the dictionary of gradients.",
                  expected="dict", got=_describe(gradients),
                  hint="return the (clipped) gradients dict you got from rnn_backward.")
        for key in GRADIENT_NAMES:
            if key not in gradients:
                _fail(check, f"the gradient dictionary has no key '{key}'.",
                      expected=f"keys {list(GRADIENT_NAMES)}", got=f"keys {list(gradients)}",
                      hint="return the dict rnn_backward gave you, after clipping it.")
            _check_shape(check, gradients[key], before[key[1:]].shape, f"gradient '{key}'",
                         f"'{key}' has the shape of parameters['{key[1:]}'].")
        for key in GRADIENT_NAMES:
            got = gradients[key]
            if np.any(np.abs(got) > 5.0):
                _fail(check, f"gradient '{key}' has entries outside [-5, 5] {where}.",
                      expected="every entry in [-5, 5]",
                      got=f"values between {got.min():.4g} and {got.max():.4g}",
                      hint="call clip(gradients, 5) on the output of rnn_backward (maxValue 5).")
            hint = ("gradients, a = rnn_backward(X, Y, parameters, cache) with the cache "
                    "of rnn_forward, then gradients = clip(gradients, 5).")
            largest = float(np.max(np.abs(got))) if got.size else 0.0
            if np.max(np.abs(raw[key])) > 5.0 and 0 < largest < 5.0 \
                    and np.count_nonzero(np.isclose(np.abs(got), largest)) > 1:
                hint = (f"your gradients look clipped at {largest:g}; optimize clips at "
                        "maxValue = 5.")
            _check_close(check, got, np.clip(raw[key], -5.0, 5.0),
                         f"gradient '{key}' is not the gradient of rnn_backward clipped to "
                         f"[-5, 5] {where}", hint)

        # The last hidden state.
        _check_shape(check, a_last, (n_a, 1), "the third value (the last hidden state)",
                     "return a[len(X) - 1], one (n_a, 1) column, not the whole dict a.")
        _check_close(check, a_last, states[len(X) - 1],
                     f"the third value is not the hidden state of the last time step {where}",
                     "return a[len(X) - 1], the state after the last character. It becomes "
                     "a_prev for the next name.")

        # The update, in place, with the clipped gradients and the learning rate.
        if all(np.array_equal(params[k], before[k]) for k in PARAMETER_NAMES):
            _fail(check, "the parameters dictionary you were given was not updated.",
                  expected="parameters changed in place", got="the same values as before",
                  hint="call update_parameters(parameters, gradients, learning_rate); it "
                       "changes the dict in place.")
        for name in PARAMETER_NAMES:
            _check_close(check, params[name], before[name] - lr * gradients["d" + name],
                         f"parameters['{name}'] after the call is not parameters['{name}'] - "
                         f"learning_rate * gradients['d{name}'] {where}",
                         "update with the CLIPPED gradients and the learning_rate argument "
                         "(do not hard-code 0.01).")


def check_optimize(target):
    """Visible checks for optimize(X, Y, a_prev, parameters, learning_rate=0.01)."""
    _visible_check("optimize", target)


# ---------------------------------------------------------------------------
# Exercise 4: model
# ---------------------------------------------------------------------------
_NAMES = ["anna\n", "bob\n", "carla\n", "dodo\n", "ebba\n", "fifi\n", "gogo\n", "hannah\n",
          "ida", "jojo\n", "kaka\n", "lola\n", "mimi\n", " nana\n"]


class _OptimizeSpy:
    """Stands in for the notebook's optimize during check_model: checks the arguments of
    every call against the training protocol, then calls the real optimize."""

    def __init__(self, real, examples, n_a):
        self.real = real
        self.examples = examples      # the names in the order model visits them
        self.n_a = n_a
        self.calls = 0
        self.last_state = np.zeros((n_a, 1))

    def __call__(self, X, Y, a_prev, parameters, learning_rate=0.01):
        check, j = "check_model", self.calls
        name = self.examples[j % len(self.examples)]
        expected_x = [None] + _indices(name)
        expected_y = expected_x[1:] + [NEWLINE]
        got_x, got_y = list(X), list(Y)
        at = f"at iteration j = {j} (the name '{name}')"
        if got_x != expected_x:
            hint = "X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]."
            if got_x[:1] != [None]:
                hint = "X must start with None: the first input is the zero vector."
            elif NEWLINE in got_x[1:]:
                hint = "the name should not contain its newline: use the stripped list examples."
            elif got_x[1:] in ([_indices(n.strip()) for n in _NAMES]):
                hint = ("this is a name of the training set, but not the one for this iteration: "
                        "use idx = j % len(examples) and the shuffled list examples (not data_x).")
            _fail(check, f"optimize received the wrong X {at}.", expected=_short(expected_x),
                  got=_short(got_x), hint=hint)
        if got_y != expected_y:
            hint = ("Y is X shifted left by one, followed by the newline: "
                    "Y = X[1:] + [char_to_ix['\\n']].")
            if got_y == got_x:
                hint = ("Y = X asks the network to repeat its input; the label at step t is the "
                        "NEXT character: " + hint)
            _fail(check, f"optimize received the wrong Y {at}.", expected=_short(expected_y),
                  got=_short(got_y), hint=hint)
        if not isinstance(a_prev, np.ndarray) or a_prev.shape != (self.n_a, 1):
            _fail(check, f"optimize received an a_prev of the wrong type or shape {at}.",
                  expected=f"numpy array of shape ({self.n_a}, 1)", got=_describe(a_prev),
                  hint="a_prev is the third value optimize returned for the previous name.")
        if not np.allclose(a_prev, self.last_state, rtol=0, atol=1e-12):
            hint = ("keep the hidden state from one name to the next: "
                    "curr_loss, gradients, a_prev = optimize(...).")
            if not np.any(a_prev):
                hint = ("a_prev was reset to zeros. K" + hint[1:] + " Only the very first "
                        "iteration starts from zeros.")
            _fail(check, f"optimize received the wrong a_prev {at}.",
                  expected="the hidden state optimize returned at the previous iteration"
                  if j else "zeros", got=_difference(self.last_state, a_prev), hint=hint)
        if not np.isclose(learning_rate, 0.01):
            _fail(check, f"optimize was called with learning_rate = {learning_rate} {at}.",
                  expected="learning_rate = 0.01", got=learning_rate,
                  hint="call optimize(X, Y, a_prev, parameters, learning_rate=0.01).")
        out = self.real(X, Y, a_prev, parameters, learning_rate=learning_rate)
        self.calls += 1
        self.last_state = np.array(out[2], dtype=float, copy=True)
        return out


def _mean_loss(parameters, names):
    losses = []
    for name in names:
        X = [None] + _indices(name)
        losses.append(rnn_forward(X, X[1:] + [NEWLINE], np.zeros((parameters["Waa"].shape[0], 1)),
                                  parameters)[0] / len(X))
    return float(np.mean(losses))


def _model_checks(target):
    check = "check_model"
    namespace = getattr(target, "__globals__", {})
    n_a, iterations, dino_names = 8, 300, 3
    examples = [x.strip() for x in _NAMES]
    np.random.seed(0)
    np.random.shuffle(examples)           # the order the given code of model produces

    real_optimize = namespace.get("optimize")
    spy = _OptimizeSpy(real_optimize, examples, n_a) if callable(real_optimize) else None
    history = namespace.get("LOSS_HISTORY")
    saved_history = list(history) if isinstance(history, list) else None
    try:
        if spy is not None:
            namespace["optimize"] = spy
        out = target(list(_NAMES), dict(IX_TO_CHAR), dict(CHAR_TO_IX), num_iterations=iterations,
                     n_a=n_a, dino_names=dino_names, vocab_size=27, verbose=False)
    finally:
        if spy is not None:
            namespace["optimize"] = real_optimize
        if saved_history is not None:
            history[:] = saved_history     # the visible test leaves your loss curve alone

    if spy is not None and spy.calls not in (0, iterations):
        _fail(check, "optimize should be called exactly once per iteration.",
              expected=f"{iterations} calls", got=f"{spy.calls} calls",
              hint="call optimize once inside the loop over j, on one name.")

    if not isinstance(out, tuple) or len(out) != 2:
        _fail(check, "model should return a tuple of two values.",
              expected="(parameters, last_dino_name)", got=_describe(out),
              hint="keep the given `return parameters, last_dino_name`.")
    parameters, last_name = out
    if not isinstance(parameters, dict):
        _fail(check, "the first value should be the parameters dictionary.", expected="dict",
              got=_describe(parameters), hint="return the dict that optimize updated.")
    shapes = {"Wax": (n_a, 27), "Waa": (n_a, n_a), "Wya": (27, n_a), "b": (n_a, 1), "by": (27, 1)}
    for key, shape in shapes.items():
        if key not in parameters:
            _fail(check, f"the parameters dictionary has no key '{key}'.",
                  expected=f"keys {list(shapes)}", got=f"keys {list(parameters)}",
                  hint="return the dictionary created by initialize_parameters.")
        _check_shape(check, parameters[key], shape, f"parameters['{key}']",
                     "the parameters keep the shapes initialize_parameters gave them.")
    if not isinstance(last_name, str) or not last_name.endswith("\n") \
            or any(ch not in CHAR_TO_IX for ch in last_name):
        _fail(check, "the second value should be a sampled name: a string of lower-case "
                     "letters ending with '\\n'.", expected="e.g. 'anna\\n'",
              got=repr(last_name), hint="keep the given sampling code at the end of the loop.")

    initial = initialize_parameters(n_a, 27, 27)
    if all(np.array_equal(parameters[k], initial[k]) for k in PARAMETER_NAMES):
        _fail(check, "the returned parameters are the initial ones: nothing was learned.",
              expected="parameters changed by training", got="initialize_parameters' values",
              hint="call optimize(X, Y, a_prev, parameters, learning_rate=0.01) on every "
                   "iteration; it updates the parameters dict in place.")
    before, after = _mean_loss(initial, examples), _mean_loss(parameters, examples)
    if not after < before - 0.1:
        _fail(check, f"after {iterations} iterations the loss per character on the training "
                     "names did not go down.",
              expected=f"clearly below {before:.3f} (the loss of the initial parameters)",
              got=f"{after:.3f}",
              hint="each iteration should train on one name: X = [None] + its indices, "
                   "Y = X[1:] + [newline index].")


@_keeps_random_state
def check_model(target):
    """Visible checks for model(data_x, ix_to_char, char_to_ix, num_iterations, n_a, ...)."""
    _visible_check("model", target)


# ---------------------------------------------------------------------------
# What builds on what
# ---------------------------------------------------------------------------
# function -> the functions whose checks run first, every one it calls directly or through
# another, in notebook order
_PREREQUISITES = {
    "optimize": ("clip",),
    "model": ("clip", "sample", "optimize"),
}

# function -> its own checks, (target, {name: the student's function}) -> None or AssertionError
_OWN_CHECKS = {
    "clip": lambda target, functions: _clip_checks(target),
    "sample": lambda target, functions: _sample_checks(target),
    "optimize": lambda target, functions: _optimize_checks(target),
    "model": lambda target, functions: _model_checks(target),
}


def _visible_check(function, target):
    """The visible check of `function` (the student's `target`): first the own checks of every
    function it builds on (_PREREQUISITES, in order, found in the notebook), then its own.
    Prints one line when everything passed."""
    visible_check(function, target, _OWN_CHECKS, _PREREQUISITES)
