"""Visible checks for the "RNNs step by step" assignment.

Every exercise has one function here, ``check_<function_name>``.  The checks
do not know the right answer in advance.  They test what must be true of any
correct implementation:

* the return values and caches have the documented types, lengths and shapes;
* outputs obey basic properties (probabilities sum to one, tanh stays in
  [-1, 1], gates lie in (0, 1));
* special parameter choices give results you can predict from the formulas
  (zero weights, saturated gates, a reset gate open for some units and closed
  for others, ...), and redrawing the weights of one gate changes that gate only;
* a sequence function agrees with running your own cell step by step;
* a backward function agrees with centred finite differences of your own
  forward function.

A function that builds on others (a sequence function on its cell, a backward
function on its forward function and on the backward of its cell) can only be
tested once those are right. So each check first runs, quietly, the checks of
the functions its function builds on (cells before sequences), found in your
notebook. If one of them fails, the check stops with a ``PrerequisiteError``
(an ``AssertionError``) that names the function to fix first and repeats that
function's own message.

Passing the visible checks is a good sign but not a guarantee: the hidden
tests used for grading compare your results with a reference on fresh sizes
and random seeds.

Each check raises ``AssertionError`` with what was expected, what came back
and a hint, or prints one line when everything passed. A function that is not
written yet, or that crashes, fails its check with a message that names it.
The checks use their own random generators and never change NumPy's global
random state.
"""

import copy

import numpy as np

# What every assignment's checks share (messages, value checks, checks that build on other
# functions, finite differences) is in check_helpers.py, next to this file.
from check_helpers import ATOL as _ATOL
from check_helpers import RTOL as _RTOL
from check_helpers import PrerequisiteError  # noqa: F401  (what a check that builds on others raises)
from check_helpers import check_close as _check_close
from check_helpers import check_shape as _check_shape
from check_helpers import check_unchanged as _check_unchanged_input
from check_helpers import describe as _describe
from check_helpers import difference as _difference
from check_helpers import fail as _fail
from check_helpers import norm_relative_error, numerical_gradient
from check_helpers import normal as _normal
from check_helpers import random_arrays
from check_helpers import visible_check
from rnn_utils import softmax

# Tolerances -----------------------------------------------------------------
_SAT_ATOL = 1e-8      # tolerance when a gate is saturated at 0 or 1 (bias +-30)
_FD_EPS = 1e-6        # step for centred finite differences
_FD_TOL = 1e-6        # largest accepted relative error of an analytic gradient
_BIG = 30.0           # sigmoid(30) = 1 - 9e-14, sigmoid(-30) = 9e-14


# ---------------------------------------------------------------------------
# Checks specific to this assignment
# ---------------------------------------------------------------------------
def _check_sequence(check, value, length, what, hint):
    if not isinstance(value, (tuple, list)) or len(value) != length:
        _fail(check, f"{what} should be a tuple of length {length}.",
              expected=f"tuple of length {length}", got=_describe(value), hint=hint)


def _check_slot(check, cache, index, obj, name, hint):
    """cache[index] must be the object `obj` (or an exact copy of it)."""
    item = cache[index]
    if item is obj:
        return
    if isinstance(obj, dict):
        ok = (isinstance(item, dict) and set(item) == set(obj)
              and all(np.array_equal(item[k], obj[k]) for k in obj))
    else:
        ok = isinstance(item, np.ndarray) and item.shape == obj.shape and np.array_equal(item, obj)
    if not ok:
        _fail(check, f"cache[{index}] should be {name}.",
              expected=f"{name} ({_describe(obj)})", got=_describe(item), hint=hint)


def _check_not_overwritten(check, stored, fed, later, what):
    """`stored`, the state a step cache says its step read, must not have changed since: when
    it differs from `fed` (the state that step was given) but equals one of `later` (a state
    of that step or of a later one), a later step wrote into the array the cache keeps."""
    def same(u, v):
        return isinstance(u, np.ndarray) and u.shape == v.shape and \
            bool(np.allclose(u, v, rtol=_RTOL, atol=_ATOL))
    if not same(stored, fed) and any(same(stored, value) for value in later):
        _fail(check, f"{what} was changed after its step ran: it now holds a state of that step "
                     "or a later one.", expected="the state the step read", got="a later state",
              hint="the cache keeps a view of (or the very same array as) a state you overwrite "
                   "in place later, e.g. c_prev[:] = c_next or a slice of c you write to again; "
                   "store a copy (.copy()) or give every step new arrays.")


def _check_in_range(check, value, low, high, what, hint, closed=False):
    value = np.asarray(value, dtype=float)
    if closed:
        ok = np.all(value >= low) and np.all(value <= high)
        interval = f"[{low}, {high}]"
    else:
        ok = np.all(value > low) and np.all(value < high)
        interval = f"({low}, {high})"
    if not ok:
        _fail(check, f"every entry of {what} should lie in {interval}.",
              expected=f"values in {interval}",
              got=f"values between {value.min():.4g} and {value.max():.4g}", hint=hint)


def _check_probabilities(check, y, what):
    hint = ("predictions come from softmax, which must normalise each column "
            "(axis 0, one column per example); use softmax from rnn_utils.")
    y = np.asarray(y, dtype=float)
    if np.any(y < 0):
        _fail(check, f"{what} has negative entries.", expected="probabilities >= 0",
              got=f"minimum {y.min():.4g}", hint=hint)
    sums = y.sum(axis=0)
    if not np.allclose(sums, 1.0, atol=1e-8):
        _fail(check, f"the columns of {what} should sum to 1.",
              expected="column sums of 1", got=f"column sums {np.round(sums, 4).ravel()[:6]}",
              hint=hint)


def _check_prediction(check, yt_pred, a_next, W, b, w_name):
    _check_close(check, yt_pred, softmax(W @ a_next + b),
                 f"yt_pred should equal softmax({w_name} @ a_next + by), computed from the "
                 "a_next you returned",
                 "the prediction uses the NEW hidden state a_next, the output weights "
                 f"{w_name} and the bias by.")


def _snapshot(*objs):
    return copy.deepcopy(objs)


def _check_unchanged(check, before, after, names):
    for b, a, name in zip(before, after, names):
        _check_unchanged_input(check, b, a, name,
                               "avoid in-place updates such as `a_prev += ...` or `x[...] = ...` "
                               "on the arrays you were given; build new arrays instead.")


def _visible_check(function, target, **given):
    """The visible check of `function` (the student's `target`): first the own checks of every
    function it builds on (_PREREQUISITES, in order), each found in the notebook unless
    passed in `given`, then its own checks. Prints one line when everything passed."""
    visible_check(function, target, _OWN_CHECKS, _PREREQUISITES, given, needs=_FORWARD)


# ---------------------------------------------------------------------------
# Random problem generators (all float64)
# ---------------------------------------------------------------------------
def _rnn_parameters(rng, n_x, n_a, n_y, scale=0.5):
    return random_arrays(rng, {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a),
                               "ba": (n_a, 1), "by": (n_y, 1)}, scale=scale)


def _lstm_parameters(rng, n_x, n_a, n_y, scale=0.5):
    params = {}
    for gate in "fico":
        params["W" + gate] = _normal(rng, n_a, n_a + n_x, scale=scale)
        params["b" + gate] = _normal(rng, n_a, 1, scale=scale)
    params["Wy"] = _normal(rng, n_y, n_a, scale=scale)
    params["by"] = _normal(rng, n_y, 1, scale=scale)
    return params


def _gru_parameters(rng, n_x, n_a, n_y, gates, scale=0.5):
    params = {}
    for gate in gates:
        params["W" + gate] = _normal(rng, n_a, n_a + n_x, scale=scale)
        params["b" + gate] = _normal(rng, n_a, 1, scale=scale)
    params["Wy"] = _normal(rng, n_y, n_a, scale=scale)
    params["by"] = _normal(rng, n_y, 1, scale=scale)
    return params


def _zero_x_columns(params, names, n_a):
    """Copy of params where the columns of each W that multiply xt are zero."""
    out = {k: v.copy() for k, v in params.items()}
    for name in names:
        out[name][:, n_a:] = 0.0
    return out


def _check_gate_weights(check, cached, params, gates, rng):
    """Each gate reads its own weights and bias. `cached(parameters)` runs your cell and returns
    its cached gate values, in the order of `gates` ({letter: (cache name, the other cached
    values it feeds)}). With W<letter> and b<letter> redrawn, that gate must change, and no
    cached value but those it feeds."""
    names = [name for name, _ in gates.values()]
    before = dict(zip(names, cached(params)))
    for letter, (name, feeds) in gates.items():
        w, b = "W" + letter, "b" + letter
        redrawn = dict(params, **{w: _normal(rng, *params[w].shape), b: _normal(rng, *params[b].shape)})
        after = dict(zip(names, cached(redrawn)))
        if np.allclose(after[name], before[name], rtol=_RTOL, atol=_ATOL):
            _fail(check, f"{name} (cache) did not change when {w} and {b} were redrawn.",
                  expected=f"{name} computed from {w} and {b}", got=f"the same {name}",
                  hint=f"{name} reads its own weights and bias, {w} and {b}.")
        for other in names:
            if other != name and other not in feeds and \
                    not np.allclose(after[other], before[other], rtol=_RTOL, atol=_ATOL):
                _fail(check, f"{other} (cache) changed when only {w} and {b} were redrawn.",
                      expected=f"{other} unchanged: it does not read {w} or {b}",
                      got=_difference(before[other], after[other]),
                      hint=f"each gate has its own weights and bias: {other} must not read {w} or "
                           f"{b} (a line copied from the one of {name}?).")


def _gradient_check(check, grads, loss, variables, m, hints, forward_name):
    """Compare grads[key] with finite differences w.r.t. variables[key]."""
    for key, array in variables.items():
        numeric = numerical_gradient(loss, array, step=_FD_EPS)
        analytic = np.asarray(grads[key], dtype=float)
        err = norm_relative_error(analytic, numeric)
        if not np.isfinite(err) or err > _FD_TOL:
            hint = hints.get(key, "re-derive this gradient from the forward formulas.")
            denom = float(np.sum(numeric * numeric))
            if m > 1 and denom > 0:
                ratio = float(np.sum(analytic * numeric)) / denom
                if abs(ratio - 1.0 / m) < 1e-4:
                    hint = ("your gradient is the true gradient divided by m; these backward "
                            "functions must NOT average over the batch.")
                elif abs(ratio + 1.0) < 1e-4:
                    hint = "your gradient has the wrong sign."
            _fail(check,
                  f"'{key}' does not match centred finite differences of your {forward_name}.",
                  expected=f"relative error < {_FD_TOL:g}",
                  got=f"relative error {err:.3g}; {_difference(numeric, analytic)}",
                  hint=hint)


def _check_grad_dict(check, grads, shapes, hints):
    if not isinstance(grads, dict):
        _fail(check, "the function should return a dictionary of gradients.",
              expected=f"dict with keys {sorted(shapes)}", got=_describe(grads),
              hint="collect the gradients in a dict, e.g. {'dxt': dxt, ...}.")
    missing = [k for k in shapes if k not in grads]
    if missing:
        _fail(check, f"the gradient dictionary is missing keys {missing}.",
              expected=f"keys {list(shapes)}", got=f"keys {list(grads)}",
              hint="key names are case sensitive and must match the docstring exactly.")
    for key, shape in shapes.items():
        _check_shape(check, grads[key], shape, f"gradient '{key}'",
                     hints.get(key + ":shape", "every gradient has the shape of the quantity "
                                               "it is the gradient of; bias gradients need "
                                               "keepdims=True."))


def _check_cell_backward(check, target, forward, make_parameters, weights, hints, seed_base):
    """Own checks shared by rnn_cell_backward and the GRU cell backward functions: the keys
    and shapes of the gradient dict, then finite differences of your forward cell
    (loss = sum(upstream * a_next)). `weights` names the parameters that get gradients."""
    forward_name = check[len("check_"):].replace("backward", "forward")
    for seed, (n_x, n_a, n_y, m) in enumerate([(3, 5, 2, 4), (1, 1, 1, 1), (2, 3, 2, 1)]):
        rng = np.random.default_rng(seed_base + seed)
        xt = _normal(rng, n_x, m)
        a_prev = _normal(rng, n_a, m)
        params = make_parameters(rng, n_x, n_a, n_y)
        upstream = _normal(rng, n_a, m)
        cache = forward(xt, a_prev, params)[2]
        grads = target(upstream.copy(), cache)
        variables = {"dxt": xt, "da_prev": a_prev}
        variables.update({"d" + name: params[name] for name in weights})
        _check_grad_dict(check, grads, {k: v.shape for k, v in variables.items()}, hints)

        def loss():
            return float(np.sum(upstream * forward(xt, a_prev, params)[0]))

        _gradient_check(check, grads, loss, variables, m, hints, forward_name)


# ---------------------------------------------------------------------------
# Exercise 1: rnn_cell_forward
# ---------------------------------------------------------------------------
def _rnn_cell_forward_checks(target):
    check = "check_rnn_cell_forward"
    for seed, (n_x, n_a, n_y, m) in enumerate([(3, 5, 2, 4), (1, 1, 1, 1), (2, 4, 3, 1)]):
        rng = np.random.default_rng(100 + seed)
        xt = _normal(rng, n_x, m)
        a_prev = _normal(rng, n_a, m)
        params = _rnn_parameters(rng, n_x, n_a, n_y)
        before = _snapshot(xt, a_prev, params)
        out = target(xt, a_prev, params)
        _check_unchanged(check, before, (xt, a_prev, params), ("xt", "a_prev", "parameters"))

        _check_sequence(check, out, 3, "the return value",
                        "return a_next, yt_pred, cache (in that order).")
        a_next, yt_pred, cache = out
        _check_shape(check, a_next, (n_a, m), "a_next",
                     "a_next has one row per hidden unit (n_a) and one column per example (m).")
        _check_shape(check, yt_pred, (n_y, m), "yt_pred",
                     "yt_pred = softmax(Wya @ a_next + by) has shape (n_y, m).")
        _check_in_range(check, a_next, -1, 1, "a_next",
                        "a_next must be the output of np.tanh.", closed=True)
        _check_probabilities(check, yt_pred, "yt_pred")
        _check_prediction(check, yt_pred, a_next, params["Wya"], params["by"], "Wya")

        _check_sequence(check, cache, 4, "cache",
                        "cache = (a_next, a_prev, xt, parameters).")
        hint = "cache = (a_next, a_prev, xt, parameters), in exactly this order."
        _check_slot(check, cache, 0, a_next, "a_next", hint)
        _check_slot(check, cache, 1, a_prev, "a_prev", hint)
        _check_slot(check, cache, 2, xt, "xt", hint)
        _check_slot(check, cache, 3, params, "parameters", hint)

        # Column independence: every example is processed on its own.
        if m > 1:
            a1, y1, _ = target(xt[:, :1], a_prev[:, :1], params)
            _check_close(check, a_next[:, :1], a1,
                         "column 0 of a_next changes when the other examples are removed",
                         "examples (columns) must not interact; use matrix products with the "
                         "weights on the left and do not sum over axis 1 in the forward pass.")
            _check_close(check, yt_pred[:, :1], y1,
                         "column 0 of yt_pred changes when the other examples are removed",
                         "softmax must act on each column separately (axis 0).")

    # Special cases with n_x == n_a so that swapping Wax and Waa would not crash.
    rng = np.random.default_rng(7)
    n_x = n_a = 3
    n_y, m = 4, 5
    xt = _normal(rng, n_x, m)
    a_prev = _normal(rng, n_a, m)
    params = _rnn_parameters(rng, n_x, n_a, n_y)

    zero = dict(params, Wax=np.zeros((n_a, n_x)), Waa=np.zeros((n_a, n_a)),
                Wya=np.zeros((n_y, n_a)))
    a_next, yt_pred, _ = target(xt, a_prev, zero)
    _check_close(check, a_next, np.tanh(zero["ba"]) * np.ones((1, m)),
                 "with Wax = Waa = 0, a_next should equal tanh(ba) in every column",
                 "did you add the bias ba inside the tanh?")
    _check_close(check, yt_pred, softmax(zero["by"]) * np.ones((1, m)),
                 "with Wya = 0, every column of yt_pred should equal softmax(by)",
                 "did you add the bias by before the softmax, and is softmax taken over axis 0?")

    no_recurrence = dict(params, Waa=np.zeros((n_a, n_a)))
    a_one, _, _ = target(xt, a_prev, no_recurrence)
    a_two, _, _ = target(xt, a_prev + 1.0, no_recurrence)
    _check_close(check, a_two, a_one,
                 "with Waa = 0, a_next should not depend on a_prev",
                 "a_prev must be multiplied by Waa (not Wax).")
    no_input = dict(params, Wax=np.zeros((n_a, n_x)))
    a_one, _, _ = target(xt, a_prev, no_input)
    a_two, _, _ = target(xt + 1.0, a_prev, no_input)
    _check_close(check, a_two, a_one,
                 "with Wax = 0, a_next should not depend on xt",
                 "xt must be multiplied by Wax (not Waa).")

    # Each term alone (the other weight zero; Waa is not symmetric): a_next is its tanh.
    _check_close(check, target(xt, a_prev, no_recurrence)[0], np.tanh(params["Wax"] @ xt + params["ba"]),
                 "with Waa = 0, a_next should equal tanh(Wax @ xt + ba)",
                 "the input term is the matrix product Wax @ xt, added to the other terms inside the "
                 "tanh.")
    _check_close(check, target(xt, a_prev, no_input)[0], np.tanh(params["Waa"] @ a_prev + params["ba"]),
                 "with Wax = 0, a_next should equal tanh(Waa @ a_prev + ba)",
                 "the recurrent term is the matrix product Waa @ a_prev (Waa as it is, not "
                 "transposed), added to the other terms inside the tanh.")


def check_rnn_cell_forward(target):
    """Visible checks for rnn_cell_forward(xt, a_prev, parameters)."""
    _visible_check("rnn_cell_forward", target)


# ---------------------------------------------------------------------------
# Exercise 2: rnn_forward
# ---------------------------------------------------------------------------
def _rnn_forward_checks(target, cell=None):
    """Own checks of rnn_forward; `cell`, the student's rnn_cell_forward, is compared step by step."""
    check = "check_rnn_forward"
    for seed, (n_x, n_a, n_y, m, T_x) in enumerate([(3, 5, 2, 4, 6), (1, 1, 1, 1, 1),
                                                    (2, 3, 4, 1, 2)]):
        rng = np.random.default_rng(200 + seed)
        x = _normal(rng, n_x, m, T_x)
        a0 = _normal(rng, n_a, m)
        params = _rnn_parameters(rng, n_x, n_a, n_y)
        before = _snapshot(x, a0, params)
        out = target(x, a0, params)
        _check_unchanged(check, before, (x, a0, params), ("x", "a0", "parameters"))

        _check_sequence(check, out, 3, "the return value",
                        "return a, y_pred, caches (in that order).")
        a, y_pred, caches = out
        _check_shape(check, a, (n_a, m, T_x), "a",
                     "a stores every hidden state: shape (n_a, m, T_x).")
        _check_shape(check, y_pred, (n_y, m, T_x), "y_pred",
                     "y_pred stores every prediction: shape (n_y, m, T_x).")
        for t in range(T_x):
            _check_probabilities(check, y_pred[:, :, t], f"y_pred[:, :, {t}]")

        _check_sequence(check, caches, 2, "caches",
                        "caches = (list_of_step_caches, x).")
        step_caches, x_cached = caches
        if x_cached is not x and not (isinstance(x_cached, np.ndarray)
                                      and np.array_equal(x_cached, x)):
            _fail(check, "caches[1] should be the input x.", expected=_describe(x),
                  got=_describe(x_cached), hint="caches = (list_of_step_caches, x).")
        if not isinstance(step_caches, (list, tuple)) or len(step_caches) != T_x:
            _fail(check, "caches[0] should hold one cache per time step.",
                  expected=f"list of length {T_x}", got=_describe(step_caches),
                  hint="append the cache returned by rnn_cell_forward at every step.")
        for t in range(T_x):
            step = step_caches[t]
            _check_sequence(check, step, 4, f"caches[0][{t}]",
                            "store exactly the cache returned by rnn_cell_forward.")
            prev = a0 if t == 0 else a[:, :, t - 1]
            _check_not_overwritten(check, step[1], prev, [a[:, :, s] for s in range(t, T_x)],
                                   f"caches[0][{t}][1] (a_prev)")
            _check_close(check, step[0], a[:, :, t], f"caches[0][{t}][0] should equal a[:, :, {t}]",
                         "store a_next of step t in a[:, :, t] and keep the cache of the same step.")
            _check_close(check, step[1], prev,
                         f"the hidden state fed into step {t} should be "
                         + ("a0" if t == 0 else f"a[:, :, {t - 1}]"),
                         "start from a0 and pass each new a_next on to the next step.")
            _check_close(check, step[2], x[:, :, t], f"step {t} should receive x[:, :, {t}]",
                         "slice the input as x[:, :, t].")

        if cell is not None:
            a_prev = a0
            for t in range(T_x):
                a_next, yt, _ = cell(x[:, :, t], a_prev, params)
                _check_close(check, a[:, :, t], a_next,
                             f"a[:, :, {t}] differs from running your rnn_cell_forward step by step",
                             "loop t = 0 .. T_x-1, call rnn_cell_forward(x[:, :, t], a_prev, "
                             "parameters) and feed a_next back in.")
                _check_close(check, y_pred[:, :, t], yt,
                             f"y_pred[:, :, {t}] differs from running your rnn_cell_forward "
                             "step by step", "store yt_pred of step t in y_pred[:, :, t].")
                a_prev = a_next


def check_rnn_forward(target):
    """Visible checks for rnn_forward(x, a0, parameters)."""
    _visible_check("rnn_forward", target)


# ---------------------------------------------------------------------------
# Exercise 3: lstm_cell_forward
# ---------------------------------------------------------------------------
_LSTM_CACHE_HINT = "cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)."
# gate letter -> (its name in the cache, the cached values it feeds); the cache holds ft, it, cct, ot
_LSTM_GATES = {"f": ("ft", ()), "i": ("it", ()), "c": ("cct", ()), "o": ("ot", ())}


def _lstm_cell_forward_checks(target):
    check = "check_lstm_cell_forward"
    for seed, (n_x, n_a, n_y, m) in enumerate([(3, 5, 2, 4), (1, 1, 1, 1), (4, 2, 3, 1)]):
        rng = np.random.default_rng(300 + seed)
        xt = _normal(rng, n_x, m)
        a_prev = _normal(rng, n_a, m)
        c_prev = _normal(rng, n_a, m)
        params = _lstm_parameters(rng, n_x, n_a, n_y)
        before = _snapshot(xt, a_prev, c_prev, params)
        out = target(xt, a_prev, c_prev, params)
        _check_unchanged(check, before, (xt, a_prev, c_prev, params),
                         ("xt", "a_prev", "c_prev", "parameters"))

        _check_sequence(check, out, 4, "the return value",
                        "return a_next, c_next, yt_pred, cache (in that order).")
        a_next, c_next, yt_pred, cache = out
        _check_shape(check, a_next, (n_a, m), "a_next", "a_next has shape (n_a, m).")
        _check_shape(check, c_next, (n_a, m), "c_next", "c_next has shape (n_a, m).")
        _check_shape(check, yt_pred, (n_y, m), "yt_pred",
                     "yt_pred = softmax(Wy @ a_next + by) has shape (n_y, m).")
        _check_in_range(check, a_next, -1, 1, "a_next",
                        "a_next = ot * tanh(c_next) always lies in [-1, 1].", closed=True)
        _check_probabilities(check, yt_pred, "yt_pred")
        _check_prediction(check, yt_pred, a_next, params["Wy"], params["by"], "Wy")

        _check_sequence(check, cache, 10, "cache", _LSTM_CACHE_HINT)
        _check_slot(check, cache, 0, a_next, "a_next", _LSTM_CACHE_HINT)
        _check_slot(check, cache, 1, c_next, "c_next", _LSTM_CACHE_HINT)
        _check_slot(check, cache, 2, a_prev, "a_prev", _LSTM_CACHE_HINT)
        _check_slot(check, cache, 3, c_prev, "c_prev", _LSTM_CACHE_HINT)
        _check_slot(check, cache, 8, xt, "xt", _LSTM_CACHE_HINT)
        _check_slot(check, cache, 9, params, "parameters", _LSTM_CACHE_HINT)
        names = ["ft", "it", "cct", "ot"]
        for offset, name in enumerate(names):
            _check_shape(check, cache[4 + offset], (n_a, m), f"cache[{4 + offset}] ({name})",
                         _LSTM_CACHE_HINT)
        ft, it, cct, ot = cache[4:8]
        for value, name in ((ft, "ft"), (it, "it"), (ot, "ot")):
            _check_in_range(check, value, 0, 1, f"the gate {name} (cache)",
                            f"{name} is the output of sigmoid.", closed=True)
        _check_in_range(check, cct, -1, 1, "the candidate cct (cache)",
                        "cct is the output of np.tanh.", closed=True)
        _check_close(check, c_next, ft * c_prev + it * cct,
                     "c_next should equal ft * c_prev + it * cct (using the gates in your cache)",
                     "the forget gate scales the OLD cell state, the update gate scales the "
                     "candidate; use element-wise products (*).")
        _check_close(check, a_next, ot * np.tanh(c_next),
                     "a_next should equal ot * tanh(c_next) (using the gates in your cache)",
                     "take tanh of the NEW cell state c_next, then multiply by ot element-wise.")

        if m > 1:
            a1, c1, y1, _ = target(xt[:, :1], a_prev[:, :1], c_prev[:, :1], params)
            _check_close(check, a_next[:, :1], a1,
                         "column 0 of a_next changes when the other examples are removed",
                         "examples (columns) must not interact; stack a_prev over xt with "
                         "axis=0, not axis=1.")
            _check_close(check, c_next[:, :1], c1,
                         "column 0 of c_next changes when the other examples are removed",
                         "examples (columns) must not interact.")

    # Saturated gates: behaviour you can predict without knowing the weights.
    rng = np.random.default_rng(31)
    n_x, n_a, n_y, m = 3, 5, 2, 4
    xt = _normal(rng, n_x, m)
    a_prev = _normal(rng, n_a, m)
    c_prev = _normal(rng, n_a, m)
    params = _lstm_parameters(rng, n_x, n_a, n_y)
    zeros_w = np.zeros((n_a, n_a + n_x))
    ones_b = np.ones((n_a, 1))

    keep = dict(params, Wf=zeros_w, bf=_BIG * ones_b, Wi=zeros_w, bi=-_BIG * ones_b)
    _, c_next, _, _ = target(xt, a_prev, c_prev, keep)
    _check_close(check, c_next, c_prev,
                 "with the forget gate forced to 1 and the update gate forced to 0, "
                 "the cell state should be carried over unchanged (c_next == c_prev)",
                 "check which gate multiplies c_prev (forget gate ft, uses Wf, bf) and which "
                 "multiplies the candidate (update gate it, uses Wi, bi).", atol=_SAT_ATOL)

    write = dict(params, Wf=zeros_w, bf=-_BIG * ones_b, Wi=zeros_w, bi=_BIG * ones_b,
                 Wc=zeros_w, Wo=zeros_w, bo=_BIG * ones_b)
    a_next, c_next, _, _ = target(xt, a_prev, c_prev, write)
    _check_close(check, c_next, np.tanh(params["bc"]) * np.ones((1, m)),
                 "with forget gate 0, update gate 1 and Wc = 0, c_next should equal tanh(bc)",
                 "the candidate is cct = tanh(Wc @ concat + bc); did you add bc?",
                 atol=_SAT_ATOL)
    _check_close(check, a_next, np.tanh(c_next),
                 "with the output gate forced to 1, a_next should equal tanh(c_next)",
                 "the output gate uses Wo and bo; a_next = ot * tanh(c_next).", atol=_SAT_ATOL)

    closed = dict(params, Wo=zeros_w, bo=-_BIG * ones_b)
    a_next, _, _, _ = target(xt, a_prev, c_prev, closed)
    _check_close(check, a_next, np.zeros((n_a, m)),
                 "with the output gate forced to 0, a_next should be 0",
                 "the output gate ot = sigmoid(Wo @ concat + bo) multiplies tanh(c_next).",
                 atol=_SAT_ATOL)

    # The gates read a_prev, not c_prev: c_prev enters only through ft * c_prev.
    hint = ("c_prev enters only through ft * c_prev; every gate reads concat = [a_prev; xt], the "
            "hidden state, not the cell state.")
    before = target(xt, a_prev, c_prev, params)[3][4:8]
    after = target(xt, a_prev, c_prev + 1.0, params)[3][4:8]
    for name, gate, moved in zip(("ft", "it", "cct", "ot"), before, after):
        _check_close(check, moved, gate, f"{name} (cache) should not depend on c_prev", hint)
    forget = dict(params, Wf=zeros_w, bf=-_BIG * ones_b)
    a1, c1, _, _ = target(xt, a_prev, c_prev, forget)
    a2, c2, _, _ = target(xt, a_prev, c_prev + 1.0, forget)
    _check_close(check, c2, c1, "with the forget gate forced to 0, c_next should not depend on c_prev",
                 hint, atol=_SAT_ATOL)
    _check_close(check, a2, a1, "with the forget gate forced to 0, a_next should not depend on c_prev",
                 hint, atol=_SAT_ATOL)
    # Each gate reads its own weights and bias.
    _check_gate_weights(check, lambda p: target(xt, a_prev, c_prev, p)[3][4:8], params, _LSTM_GATES, rng)

    # Concatenation order: [a_prev; xt], a_prev on top.
    no_x = _zero_x_columns(params, ["Wf", "Wi", "Wc", "Wo"], n_a)
    a1, c1, _, _ = target(xt, a_prev, c_prev, no_x)
    a2, c2, _, _ = target(xt + 1.0, a_prev, c_prev, no_x)
    hint = ("the gates act on concat = [a_prev; xt]: a_prev occupies the first n_a rows, xt "
            "the last n_x rows (np.concatenate((a_prev, xt), axis=0)).")
    _check_close(check, c2, c1, "when the last n_x columns of every gate matrix are zero, "
                 "c_next should not depend on xt", hint)
    _check_close(check, a2, a1, "when the last n_x columns of every gate matrix are zero, "
                 "a_next should not depend on xt", hint)


def check_lstm_cell_forward(target):
    """Visible checks for lstm_cell_forward(xt, a_prev, c_prev, parameters)."""
    _visible_check("lstm_cell_forward", target)


# ---------------------------------------------------------------------------
# Exercise 4: lstm_forward
# ---------------------------------------------------------------------------
def _lstm_forward_checks(target, cell=None):
    """Own checks of lstm_forward; `cell`, the student's lstm_cell_forward, is compared step by step."""
    check = "check_lstm_forward"
    for seed, (n_x, n_a, n_y, m, T_x) in enumerate([(3, 5, 2, 4, 6), (1, 1, 1, 1, 1),
                                                    (2, 3, 4, 1, 2)]):
        rng = np.random.default_rng(400 + seed)
        x = _normal(rng, n_x, m, T_x)
        a0 = _normal(rng, n_a, m)
        params = _lstm_parameters(rng, n_x, n_a, n_y)
        before = _snapshot(x, a0, params)
        out = target(x, a0, params)
        _check_unchanged(check, before, (x, a0, params), ("x", "a0", "parameters"))

        _check_sequence(check, out, 4, "the return value",
                        "return a, y, c, caches (in that order).")
        a, y, c, caches = out
        _check_shape(check, a, (n_a, m, T_x), "a (first return value)",
                     "a stores every hidden state: shape (n_a, m, T_x).")
        _check_shape(check, y, (n_y, m, T_x), "y (second return value)",
                     "y stores every prediction: shape (n_y, m, T_x); the return order is "
                     "a, y, c, caches.")
        _check_shape(check, c, (n_a, m, T_x), "c (third return value)",
                     "c stores every cell state: shape (n_a, m, T_x).")
        for t in range(T_x):
            _check_probabilities(check, y[:, :, t], f"y[:, :, {t}]")

        _check_sequence(check, caches, 2, "caches", "caches = (list_of_step_caches, x).")
        step_caches, x_cached = caches
        if x_cached is not x and not (isinstance(x_cached, np.ndarray)
                                      and np.array_equal(x_cached, x)):
            _fail(check, "caches[1] should be the input x.", expected=_describe(x),
                  got=_describe(x_cached), hint="caches = (list_of_step_caches, x).")
        if not isinstance(step_caches, (list, tuple)) or len(step_caches) != T_x:
            _fail(check, "caches[0] should hold one cache per time step.",
                  expected=f"list of length {T_x}", got=_describe(step_caches),
                  hint="append the cache returned by lstm_cell_forward at every step.")
        for t in range(T_x):
            step = step_caches[t]
            _check_sequence(check, step, 10, f"caches[0][{t}]",
                            "store exactly the cache returned by lstm_cell_forward.")
            a_in = a0 if t == 0 else a[:, :, t - 1]
            c_in = np.zeros((n_a, m)) if t == 0 else c[:, :, t - 1]
            _check_not_overwritten(check, step[2], a_in, [a[:, :, s] for s in range(t, T_x)],
                                   f"caches[0][{t}][2] (a_prev)")
            _check_not_overwritten(check, step[3], c_in, [c[:, :, s] for s in range(t, T_x)],
                                   f"caches[0][{t}][3] (c_prev)")
            _check_close(check, step[2], a_in, f"the hidden state fed into step {t} should be "
                         + ("a0" if t == 0 else f"a[:, :, {t - 1}]"),
                         "start from a0 and pass each new a_next on to the next step.")
            _check_close(check, step[3], c_in, f"the cell state fed into step {t} should be "
                         + ("all zeros" if t == 0 else f"c[:, :, {t - 1}]"),
                         "the cell state starts at zero, np.zeros((n_a, m)), and each c_next "
                         "is passed on to the next step.")
            _check_close(check, step[8], x[:, :, t], f"step {t} should receive x[:, :, {t}]",
                         "slice the input as x[:, :, t].")

        if cell is not None:
            a_prev, c_prev = a0, np.zeros((n_a, m))
            for t in range(T_x):
                a_next, c_next, yt, _ = cell(x[:, :, t], a_prev, c_prev, params)
                hint = ("loop over t, call lstm_cell_forward(x[:, :, t], a_next, c_next, "
                        "parameters), store the results at index t; return a, y, c, caches.")
                _check_close(check, a[:, :, t], a_next, f"a[:, :, {t}] differs from running "
                             "your lstm_cell_forward step by step", hint)
                _check_close(check, c[:, :, t], c_next, f"c[:, :, {t}] differs from running "
                             "your lstm_cell_forward step by step", hint)
                _check_close(check, y[:, :, t], yt, f"y[:, :, {t}] differs from running "
                             "your lstm_cell_forward step by step", hint)
                a_prev, c_prev = a_next, c_next


def check_lstm_forward(target):
    """Visible checks for lstm_forward(x, a0, parameters)."""
    _visible_check("lstm_forward", target)


# ---------------------------------------------------------------------------
# Exercise 5: rnn_cell_backward
# ---------------------------------------------------------------------------
_RNN_CELL_HINTS = {
    "dxt": "dxt = Wax.T @ dz with dz = (1 - a_next**2) * da_next.",
    "da_prev": "da_prev = Waa.T @ dz with dz = (1 - a_next**2) * da_next.",
    "dWax": "dWax = dz @ xt.T (the matrix product already sums over the examples).",
    "dWaa": "dWaa = dz @ a_prev.T.",
    "dba": "dba = np.sum(dz, axis=1, keepdims=True).",
    "dba:shape": "dba needs shape (n_a, 1): np.sum(dz, axis=1, keepdims=True).",
}


def check_rnn_cell_backward(target, forward):
    """Visible checks for rnn_cell_backward(da_next, cache).

    `forward` is your rnn_cell_forward; the gradients are compared with
    finite differences of it.
    """
    _visible_check("rnn_cell_backward", target, rnn_cell_forward=forward)


def _rnn_cell_backward_checks(target, forward):
    _check_cell_backward("check_rnn_cell_backward", target, forward, _rnn_parameters,
                         ("Wax", "Waa", "ba"), _RNN_CELL_HINTS, 500)


# ---------------------------------------------------------------------------
# Exercise 6: rnn_backward
# ---------------------------------------------------------------------------
_RNN_HINTS = {
    "dx": "dx[:, :, t] is the dxt returned by rnn_cell_backward at step t.",
    "da0": "da0 is the da_prev returned by the LAST call of the loop (t = 0).",
    "dWax": "add up (+=) the dWax of every time step.",
    "dWaa": "add up (+=) the dWaa of every time step; feed da[:, :, t] + da_prevt to the cell.",
    "dba": "add up (+=) the dba of every time step.",
    "dba:shape": "dba needs shape (n_a, 1).",
}


def check_rnn_backward(target, forward):
    """Visible checks for rnn_backward(da, caches).

    `forward` is your rnn_forward; the gradients are compared with finite
    differences of it.
    """
    _visible_check("rnn_backward", target, rnn_forward=forward)


def _rnn_backward_checks(target, forward):
    check = "check_rnn_backward"
    for seed, (n_x, n_a, n_y, m, T_x) in enumerate([(3, 4, 2, 3, 5), (1, 1, 1, 1, 1),
                                                    (2, 3, 2, 1, 3)]):
        rng = np.random.default_rng(600 + seed)
        x = _normal(rng, n_x, m, T_x)
        a0 = _normal(rng, n_a, m)
        params = _rnn_parameters(rng, n_x, n_a, n_y)
        upstream = _normal(rng, n_a, m, T_x)
        _, _, caches = forward(x, a0, params)
        grads = target(upstream.copy(), caches)
        _check_grad_dict(check, grads, {"dx": (n_x, m, T_x), "da0": (n_a, m),
                                        "dWax": (n_a, n_x), "dWaa": (n_a, n_a),
                                        "dba": (n_a, 1)}, _RNN_HINTS)

        def loss():
            return float(np.sum(upstream * forward(x, a0, params)[0]))

        variables = {"dx": x, "da0": a0, "dWax": params["Wax"], "dWaa": params["Waa"],
                     "dba": params["ba"]}
        _gradient_check(check, grads, loss, variables, m, _RNN_HINTS, "rnn_forward")


# ---------------------------------------------------------------------------
# Exercise 7: lstm_cell_backward
# ---------------------------------------------------------------------------
_LSTM_CELL_HINTS = {
    "dxt": "dxt is the LAST n_x rows of Wf.T @ dzf + Wi.T @ dzi + Wc.T @ dzc + Wo.T @ dzo.",
    "da_prev": "da_prev is the FIRST n_a rows of Wf.T @ dzf + Wi.T @ dzi + Wc.T @ dzc + "
               "Wo.T @ dzo (a_prev sits on top of concat).",
    "dc_prev": "dc_prev = dc * ft, where dc = dc_next + da_next * ot * (1 - tanh(c_next)**2).",
    "dWf": "dWf = dzf @ concat.T with dzf = dc * c_prev * ft * (1 - ft).",
    "dbf": "dbf = np.sum(dzf, axis=1, keepdims=True).",
    "dWi": "dWi = dzi @ concat.T with dzi = dc * cct * it * (1 - it).",
    "dbi": "dbi = np.sum(dzi, axis=1, keepdims=True).",
    "dWc": "dWc = dzc @ concat.T with dzc = dc * it * (1 - cct**2).",
    "dbc": "dbc = np.sum(dzc, axis=1, keepdims=True).",
    "dWo": "dWo = dzo @ concat.T with dzo = da_next * tanh(c_next) * ot * (1 - ot).",
    "dbo": "dbo = np.sum(dzo, axis=1, keepdims=True).",
}


def check_lstm_cell_backward(target, forward):
    """Visible checks for lstm_cell_backward(da_next, dc_next, cache).

    `forward` is your lstm_cell_forward; the gradients are compared with
    finite differences of it.
    """
    _visible_check("lstm_cell_backward", target, lstm_cell_forward=forward)


def _lstm_cell_backward_checks(target, forward):
    check = "check_lstm_cell_backward"
    for seed, (n_x, n_a, n_y, m) in enumerate([(3, 5, 2, 4), (1, 1, 1, 1), (2, 3, 2, 1)]):
        rng = np.random.default_rng(700 + seed)
        xt = _normal(rng, n_x, m)
        a_prev = _normal(rng, n_a, m)
        c_prev = _normal(rng, n_a, m)
        params = _lstm_parameters(rng, n_x, n_a, n_y)
        up_a = _normal(rng, n_a, m)
        up_c = _normal(rng, n_a, m)
        _, _, _, cache = forward(xt, a_prev, c_prev, params)
        grads = target(up_a.copy(), up_c.copy(), cache)
        shapes = {"dxt": (n_x, m), "da_prev": (n_a, m), "dc_prev": (n_a, m)}
        for gate in "fico":
            shapes["dW" + gate] = (n_a, n_a + n_x)
            shapes["db" + gate] = (n_a, 1)
        _check_grad_dict(check, grads, shapes, _LSTM_CELL_HINTS)

        def loss():
            a_next, c_next, _, _ = forward(xt, a_prev, c_prev, params)
            return float(np.sum(up_a * a_next) + np.sum(up_c * c_next))

        variables = {"dxt": xt, "da_prev": a_prev, "dc_prev": c_prev}
        for gate in "fico":
            variables["dW" + gate] = params["W" + gate]
            variables["db" + gate] = params["b" + gate]
        _gradient_check(check, grads, loss, variables, m, _LSTM_CELL_HINTS, "lstm_cell_forward")


# ---------------------------------------------------------------------------
# Exercise 8: lstm_backward
# ---------------------------------------------------------------------------
_LSTM_HINTS = {
    "dx": "dx[:, :, t] is the dxt returned by lstm_cell_backward at step t.",
    "da0": "da0 is the da_prev returned by the LAST call of the loop (t = 0).",
}
for _gate in "fico":
    _LSTM_HINTS["dW" + _gate] = ("add up (+=) the gradients of every step; call "
                                 "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cache_t) "
                                 "with dc_prevt starting at zero.")
    _LSTM_HINTS["db" + _gate] = "add up (+=) the bias gradients of every time step."
del _gate


def check_lstm_backward(target, forward):
    """Visible checks for lstm_backward(da, caches).

    `forward` is your lstm_forward; the gradients are compared with finite
    differences of it.
    """
    _visible_check("lstm_backward", target, lstm_forward=forward)


def _lstm_backward_checks(target, forward):
    check = "check_lstm_backward"
    for seed, (n_x, n_a, n_y, m, T_x) in enumerate([(3, 4, 2, 3, 4), (1, 1, 1, 1, 1),
                                                    (2, 3, 2, 1, 3)]):
        rng = np.random.default_rng(800 + seed)
        x = _normal(rng, n_x, m, T_x)
        a0 = _normal(rng, n_a, m)
        params = _lstm_parameters(rng, n_x, n_a, n_y)
        upstream = _normal(rng, n_a, m, T_x)
        _, _, _, caches = forward(x, a0, params)
        grads = target(upstream.copy(), caches)
        shapes = {"dx": (n_x, m, T_x), "da0": (n_a, m)}
        for gate in "fico":
            shapes["dW" + gate] = (n_a, n_a + n_x)
            shapes["db" + gate] = (n_a, 1)
        _check_grad_dict(check, grads, shapes, _LSTM_HINTS)

        def loss():
            return float(np.sum(upstream * forward(x, a0, params)[0]))

        variables = {"dx": x, "da0": a0}
        for gate in "fico":
            variables["dW" + gate] = params["W" + gate]
            variables["db" + gate] = params["b" + gate]
        _gradient_check(check, grads, loss, variables, m, _LSTM_HINTS, "lstm_forward")


_GRU_GATES = {  # letter -> (cache name, description, hint, lower end of its range)
    "r": ("rt", "the reset gate rt", "rt is the output of sigmoid.", 0),
    "u": ("ut", "the update gate ut", "ut is the output of sigmoid.", 0),
    "c": ("cct", "the candidate cct", "cct is the output of np.tanh.", -1),
}


def _gru_forward_problems(check, target, gates, seed_base):
    """Checks shared by both GRU cells on three problems (size 1 included): inputs left
    unchanged, the return value and cache layout, gate ranges, and the update rule applied to
    your own cached gates. `gates` is "uc" (simplified GRU) or "ruc" (full GRU)."""
    names = [_GRU_GATES[g][0] for g in gates]
    cache_hint = f"cache = (a_next, a_prev, xt, {', '.join(names)}, parameters)."
    for seed, (n_x, n_a, n_y, m) in enumerate([(3, 5, 2, 4), (1, 1, 1, 1), (4, 2, 3, 1)]):
        rng = np.random.default_rng(seed_base + seed)
        xt = _normal(rng, n_x, m)
        a_prev = _normal(rng, n_a, m)
        params = _gru_parameters(rng, n_x, n_a, n_y, gates)
        before = _snapshot(xt, a_prev, params)
        out = target(xt, a_prev, params)
        _check_unchanged(check, before, (xt, a_prev, params), ("xt", "a_prev", "parameters"))

        _check_sequence(check, out, 3, "the return value",
                        "return a_next, yt_pred, cache (in that order).")
        a_next, yt_pred, cache = out
        _check_shape(check, a_next, (n_a, m), "a_next", "a_next has shape (n_a, m).")
        _check_shape(check, yt_pred, (n_y, m), "yt_pred",
                     "yt_pred = softmax(Wy @ a_next + by) has shape (n_y, m).")
        _check_probabilities(check, yt_pred, "yt_pred")
        _check_prediction(check, yt_pred, a_next, params["Wy"], params["by"], "Wy")
        _check_sequence(check, cache, len(gates) + 4, "cache", cache_hint)
        _check_slot(check, cache, 0, a_next, "a_next", cache_hint)
        _check_slot(check, cache, 1, a_prev, "a_prev", cache_hint)
        _check_slot(check, cache, 2, xt, "xt", cache_hint)
        _check_slot(check, cache, len(gates) + 3, params, "parameters", cache_hint)
        for index, name in enumerate(names, start=3):
            _check_shape(check, cache[index], (n_a, m), f"cache[{index}] ({name})", cache_hint)
        for index, gate in enumerate(gates, start=3):
            _, label, hint, low = _GRU_GATES[gate]
            _check_in_range(check, cache[index], low, 1, f"{label} (cache)", hint, closed=True)
        ut, cct = cache[3 + gates.index("u")], cache[3 + gates.index("c")]
        _check_close(check, a_next, ut * cct + (1 - ut) * a_prev,
                     "a_next should equal ut * cct + (1 - ut) * a_prev (using your cache)",
                     "ut weights the NEW candidate, (1 - ut) weights the old state.")
        if m > 1:
            a1, _, _ = target(xt[:, :1], a_prev[:, :1], params)
            _check_close(check, a_next[:, :1], a1,
                         "column 0 of a_next changes when the other examples are removed",
                         "concatenate along axis 0, never mix columns.")


def _gru_special_cases(check, target, gates, seed):
    """Cases whose result the formulas predict, shared by both GRU cells (`gates` "uc" or "ruc"):
    the update gate closed keeps a_prev, open with Wc = 0 it writes tanh(bc), each gate reads its
    own weights, and xt does not matter when the last n_x columns of every weight are zero.
    Returns the problem, (xt, a_prev, parameters), for the full GRU's own cases."""
    rng = np.random.default_rng(seed)
    n_x, n_a, n_y, m = 3, 5, 2, 4
    xt = _normal(rng, n_x, m)
    a_prev = _normal(rng, n_a, m)
    params = _gru_parameters(rng, n_x, n_a, n_y, gates)
    zeros_w = np.zeros((n_a, n_a + n_x))
    ones_b = np.ones((n_a, 1))
    keep = dict(params, Wu=zeros_w, bu=-_BIG * ones_b)
    a_next, _, _ = target(xt, a_prev, keep)
    _check_close(check, a_next, a_prev,
                 "with the update gate forced to 0, a_next should equal a_prev",
                 "a_next = ut * cct + (1 - ut) * a_prev; ut uses Wu and bu.", atol=_SAT_ATOL)
    write = dict(params, Wu=zeros_w, bu=_BIG * ones_b, Wc=zeros_w)
    a_next, _, _ = target(xt, a_prev, write)
    _check_close(check, a_next, np.tanh(params["bc"]) * np.ones((1, m)),
                 "with the update gate forced to 1 and Wc = 0, a_next should equal tanh(bc)",
                 "the candidate is a tanh with the bias bc inside: cct = tanh(Wc @ ... + bc).",
                 atol=_SAT_ATOL)
    _check_gate_weights(check, lambda p: target(xt, a_prev, p)[2][3:3 + len(gates)], params,
                        {g: (_GRU_GATES[g][0], ("cct",) if g == "r" else ()) for g in gates}, rng)

    weights = ["W" + g for g in gates]
    no_x = _zero_x_columns(params, weights, n_a)
    a1, _, _ = target(xt, a_prev, no_x)
    a2, _, _ = target(xt + 1.0, a_prev, no_x)
    _check_close(check, a2, a1, f"when the last n_x columns of {', '.join(weights[:-1])} and "
                 f"{weights[-1]} are zero, a_next should not depend on xt",
                 "stack a_prev (or rt * a_prev) ON TOP of xt: the first n_a rows are the hidden "
                 "part, the last n_x rows are xt." if "r" in gates else
                 "concat = [a_prev; xt], with a_prev in the first n_a rows.")
    return xt, a_prev, params


# ---------------------------------------------------------------------------
# Bonus: simplified GRU
# ---------------------------------------------------------------------------
def _simple_gru_cell_forward_checks(target):
    check = "check_simple_gru_cell_forward"
    _gru_forward_problems(check, target, "uc", 900)
    _gru_special_cases(check, target, "uc", 95)


def check_simple_gru_cell_forward(target):
    """Visible checks for simple_gru_cell_forward(xt, a_prev, parameters)."""
    _visible_check("simple_gru_cell_forward", target)


_SIMPLE_GRU_HINTS = {
    "dxt": "dxt is the LAST n_x rows of Wu.T @ dzu + Wc.T @ dzc.",
    "da_prev": "a_prev reaches a_next twice: through concat (first n_a rows of "
               "Wu.T @ dzu + Wc.T @ dzc) and directly through (1 - ut) * a_prev.",
    "dWu": "dWu = dzu @ concat.T with dzu = da_next * (cct - a_prev) * ut * (1 - ut).",
    "dbu": "dbu = np.sum(dzu, axis=1, keepdims=True).",
    "dWc": "dWc = dzc @ concat.T with dzc = da_next * ut * (1 - cct**2).",
    "dbc": "dbc = np.sum(dzc, axis=1, keepdims=True).",
}


def check_simple_gru_cell_backward(target, forward):
    """Visible checks for simple_gru_cell_backward(da_next, cache).

    `forward` is your simple_gru_cell_forward.
    """
    _visible_check("simple_gru_cell_backward", target, simple_gru_cell_forward=forward)


def _simple_gru_cell_backward_checks(target, forward):
    _check_cell_backward("check_simple_gru_cell_backward", target, forward,
                         lambda rng, n_x, n_a, n_y: _gru_parameters(rng, n_x, n_a, n_y, "uc"),
                         ("Wu", "bu", "Wc", "bc"), _SIMPLE_GRU_HINTS, 1000)


# ---------------------------------------------------------------------------
# Bonus: full GRU
# ---------------------------------------------------------------------------
def _gru_cell_forward_checks(target):
    check = "check_gru_cell_forward"
    _gru_forward_problems(check, target, "ruc", 1100)
    xt, a_prev, params = _gru_special_cases(check, target, "ruc", 115)
    n_a, m = a_prev.shape
    zeros_w = np.zeros_like(params["Wr"])
    ones_b = np.ones((n_a, 1))

    reset = dict(params, Wr=zeros_w, br=-_BIG * ones_b, Wu=zeros_w, bu=_BIG * ones_b)
    a1, _, _ = target(xt, a_prev, reset)
    a2, _, _ = target(xt, a_prev + 1.0, reset)
    _check_close(check, a2, a1,
                 "with the reset gate forced to 0 and the update gate forced to 1, a_next "
                 "should not depend on a_prev",
                 "the candidate uses [rt * a_prev; xt]: the reset gate (Wr, br) multiplies "
                 "a_prev element-wise before it enters Wc.", atol=_SAT_ATOL)
    x1, _, _ = target(xt + 1.0, a_prev, reset)
    if np.allclose(x1, a1, atol=1e-6):
        _fail(check, "with the update gate forced to 1, a_next should still depend on xt "
                     "through the candidate.", expected="a_next changes when xt changes",
              got="a_next did not change",
              hint="the candidate is cct = tanh(Wc @ [rt * a_prev; xt] + bc); keep xt in it.")
    open_reset = dict(params, Wr=zeros_w, br=_BIG * ones_b, Wu=zeros_w, bu=_BIG * ones_b)
    o1, _, _ = target(xt, a_prev, open_reset)
    o2, _, _ = target(xt, a_prev + 1.0, open_reset)
    if np.allclose(o1, o2, atol=1e-6):
        _fail(check, "with the reset gate forced to 1 and the update gate forced to 1, a_next "
                     "should depend on a_prev through the candidate.",
              expected="a_next changes when a_prev changes", got="a_next did not change",
              hint="the candidate is cct = tanh(Wc @ [rt * a_prev; xt] + bc).")

    # The reset gate acts unit by unit, before Wc (whose entries are all non-zero): open (1) for
    # units 0, 2, 4 and closed (0) for units 1, 3, with a_next = cct (update gate forced to 1).
    is_open = np.arange(n_a) % 2 == 0
    half = dict(open_reset, br=np.where(is_open, _BIG, -_BIG)[:, None])
    h1, _, _ = target(xt, a_prev, half)
    h2, _, _ = target(xt, a_prev + np.where(is_open, 0.0, 1.0)[:, None], half)
    hint = ("rt multiplies a_prev element-wise BEFORE the product with Wc: the candidate reads "
            "[rt * a_prev; xt], so a unit of a_prev whose reset gate is 0 does not reach it at all "
            "(scaling the product Wc @ a_prev by rt afterwards lets it through).")
    _check_close(check, h2, h1, "with the reset gate open (1) for units 0, 2, 4 and closed (0) for "
                 "units 1, 3, and the update gate forced to 1, a_next should not change when a_prev "
                 "changes in units 1 and 3", hint, atol=_SAT_ATOL)
    h3, _, _ = target(xt, a_prev + np.where(is_open, 1.0, 0.0)[:, None], half)
    moved = ~np.isclose(h3, h1, atol=1e-6).all(axis=1)
    if not moved.all():
        _fail(check, "with the reset gate open (1) for units 0, 2, 4 and closed (0) for units 1, 3, "
                     "and the update gate forced to 1, every unit of a_next should change when "
                     "a_prev changes in units 0, 2 and 4.",
              expected="all units change", got=f"units {np.flatnonzero(~moved).tolist()} did not",
              hint=hint)


def check_gru_cell_forward(target):
    """Visible checks for gru_cell_forward(xt, a_prev, parameters)."""
    _visible_check("gru_cell_forward", target)


_GRU_HINTS = {
    "dxt": "xt enters through concat (gates r and u) AND through [rt * a_prev; xt] "
           "(candidate): add the last n_x rows of both.",
    "da_prev": "a_prev has three routes: the gates' concat, rt * a_prev inside the candidate, "
               "and the direct term (1 - ut) * a_prev.",
    "dWr": "dWr = dzr @ concat.T with dzr = (d(rt * a_prev) * a_prev) * rt * (1 - rt).",
    "dbr": "dbr = np.sum(dzr, axis=1, keepdims=True).",
    "dWu": "dWu = dzu @ concat.T with dzu = da_next * (cct - a_prev) * ut * (1 - ut).",
    "dbu": "dbu = np.sum(dzu, axis=1, keepdims=True).",
    "dWc": "dWc = dzc @ [rt * a_prev; xt].T with dzc = da_next * ut * (1 - cct**2).",
    "dbc": "dbc = np.sum(dzc, axis=1, keepdims=True).",
}


def check_gru_cell_backward(target, forward):
    """Visible checks for gru_cell_backward(da_next, cache).

    `forward` is your gru_cell_forward.
    """
    _visible_check("gru_cell_backward", target, gru_cell_forward=forward)


def _gru_cell_backward_checks(target, forward):
    _check_cell_backward("check_gru_cell_backward", target, forward,
                         lambda rng, n_x, n_a, n_y: _gru_parameters(rng, n_x, n_a, n_y, "ruc"),
                         ("Wr", "br", "Wu", "bu", "Wc", "bc"), _GRU_HINTS, 1200)


# ---------------------------------------------------------------------------
# Bonus: deep (stacked) RNN
# ---------------------------------------------------------------------------
def _check_list(check, value, length, what, hint):
    if not isinstance(value, (list, tuple)) or len(value) != length:
        _fail(check, f"{what} should be a list of length {length}.",
              expected=f"list of length {length}", got=_describe(value), hint=hint)


def _check_rnn_caches(check, caches, inputs, T_x, what, hint):
    """`caches` must look like rnn_forward's caches of a run over the sequence `inputs`."""
    _check_sequence(check, caches, 2, what, hint)
    _check_list(check, caches[0], T_x, f"{what}[0]", hint)
    _check_close(check, caches[1], inputs, f"{what}[1] should be the sequence that run read", hint)


def _deep_rnn_forward_checks(target, rnn_forward=None):
    """Own checks of deep_rnn_forward; each layer is compared with the student's rnn_forward run
    on the states of the layer below."""
    check = "check_deep_rnn_forward"
    for seed, (n_x, widths, n_y, m, T_x) in enumerate([(3, (5, 4), 2, 3, 4), (1, (1,), 1, 1, 1),
                                                       (2, (3, 1, 2), 4, 1, 2)]):
        rng = np.random.default_rng(1300 + seed)
        L = len(widths)
        x = _normal(rng, n_x, m, T_x)
        a0 = [_normal(rng, n_a, m) for n_a in widths]
        params = [_rnn_parameters(rng, n_in, n_a, n_y) for n_in, n_a in zip((n_x,) + widths[:-1], widths)]
        before = _snapshot(x, *a0, *params)
        out = target(x, a0, params)
        _check_unchanged(check, before, (x, *a0, *params),
                         ("x", *[f"a0[{l}]" for l in range(L)], *[f"parameters[{l}]" for l in range(L)]))

        _check_sequence(check, out, 3, "the return value", "return a, y_pred, caches (in that order).")
        a, y_pred, caches = out
        _check_list(check, a, L, "a", "a holds the hidden states of every layer: a[l] for layer l.")
        for l, n_a in enumerate(widths):
            _check_shape(check, a[l], (n_a, m, T_x), f"a[{l}]",
                         f"a[{l}] holds layer {l}'s states: shape (n_a of that layer, m, T_x).")
        _check_shape(check, y_pred, (n_y, m, T_x), "y_pred", "y_pred has shape (n_y, m, T_x).")
        for t in range(T_x):
            _check_probabilities(check, y_pred[:, :, t], f"y_pred[:, :, {t}]")
        _check_list(check, caches, L, "caches", "caches[l] is the cache rnn_forward returned for layer l.")
        for l in range(L):
            below = x if l == 0 else a[l - 1]
            _check_rnn_caches(check, caches[l], below, T_x, f"caches[{l}]",
                              "caches[l] is the cache rnn_forward returned for layer l, whose input is "
                              + ("x." if l == 0 else f"a[{l - 1}], the states of the layer below."))

        if rnn_forward is not None:
            for l in range(L):
                below = "x" if l == 0 else f"a[{l - 1}]"
                a_l, y_l, _ = rnn_forward(x if l == 0 else a[l - 1], a0[l], params[l])
                _check_close(check, a[l], a_l,
                             f"a[{l}] should equal your rnn_forward run over {below} from a0[{l}] "
                             f"with parameters[{l}]",
                             "layer l+1 reads the states of layer l as its input sequence (layer 0 "
                             "reads x), and every layer has its own a0[l] and parameters[l].")
            _check_close(check, y_pred, y_l,
                         "y_pred should be the predictions of the top layer (your rnn_forward on it)",
                         "a deep RNN predicts from its last layer; the output layers below are unused.")


def check_deep_rnn_forward(target):
    """Visible checks for deep_rnn_forward(x, a0, parameters)."""
    _visible_check("deep_rnn_forward", target)


# ---------------------------------------------------------------------------
# Bonus: bidirectional RNN
# ---------------------------------------------------------------------------
def _brnn_forward_checks(target, rnn_forward=None, cell=None):
    """Own checks of brnn_forward: shapes, each direction against the student's own rnn_forward
    and rnn_cell_forward, the prediction from both states, and the symmetry of time reversal."""
    check = "check_brnn_forward"
    for seed, (n_x, n_a, n_y, m, T_x) in enumerate([(3, 4, 2, 3, 5), (1, 1, 1, 1, 1), (2, 3, 4, 1, 2)]):
        rng = np.random.default_rng(1400 + seed)
        x = _normal(rng, n_x, m, T_x)
        a0_fwd, a0_bwd = _normal(rng, n_a, m), _normal(rng, n_a, m)
        params = {"fwd": _rnn_parameters(rng, n_x, n_a, n_y), "bwd": _rnn_parameters(rng, n_x, n_a, n_y),
                  "Wy": _normal(rng, n_y, 2 * n_a, scale=0.5), "by": _normal(rng, n_y, 1, scale=0.5)}
        before = _snapshot(x, a0_fwd, a0_bwd, params["fwd"], params["bwd"], params["Wy"], params["by"])
        out = target(x, a0_fwd, a0_bwd, params)
        _check_unchanged(check, before, (x, a0_fwd, a0_bwd, params["fwd"], params["bwd"], params["Wy"],
                                         params["by"]),
                         ("x", "a0_fwd", "a0_bwd", "parameters['fwd']", "parameters['bwd']",
                          "parameters['Wy']", "parameters['by']"))

        _check_sequence(check, out, 4, "the return value",
                        "return a_fwd, a_bwd, y_pred, caches (in that order).")
        a_fwd, a_bwd, y_pred, caches = out
        _check_shape(check, a_fwd, (n_a, m, T_x), "a_fwd", "a_fwd has shape (n_a, m, T_x).")
        _check_shape(check, a_bwd, (n_a, m, T_x), "a_bwd",
                     "a_bwd has shape (n_a, m, T_x), in time order like a_fwd.")
        _check_shape(check, y_pred, (n_y, m, T_x), "y_pred", "y_pred has shape (n_y, m, T_x).")
        for t in range(T_x):
            _check_probabilities(check, y_pred[:, :, t], f"y_pred[:, :, {t}]")
            both = np.concatenate([a_fwd[:, :, t], a_bwd[:, :, t]], axis=0)
            _check_close(check, y_pred[:, :, t], softmax(params["Wy"] @ both + params["by"]),
                         f"y_pred[:, :, {t}] should equal softmax(Wy @ [a_fwd; a_bwd] + by) at step {t}, "
                         "computed from the states you returned",
                         "stack the forward state ABOVE the backward one (np.concatenate, axis 0) and "
                         "use the BRNN's own Wy and by, not the output layers of the two directions.")

        if rnn_forward is not None:
            _check_close(check, a_fwd, rnn_forward(x, a0_fwd, params["fwd"])[0],
                         "a_fwd should equal your rnn_forward run over x from a0_fwd with parameters['fwd']",
                         "the forward direction is an ordinary RNN over x.")
        if cell is not None:
            last = T_x - 1
            _check_close(check, a_bwd[:, :, last], cell(x[:, :, last], a0_bwd, params["bwd"])[0],
                         f"a_bwd[:, :, {last}] should be one step of your rnn_cell_forward from a0_bwd "
                         f"on the last input x[:, :, {last}], with parameters['bwd']",
                         "the backward direction starts at the LAST time step, from a0_bwd, and "
                         "a_bwd[:, :, t] holds its state at time t (flip the reversed run back).")
            for t in range(last - 1, -1, -1):
                _check_close(check, a_bwd[:, :, t], cell(x[:, :, t], a_bwd[:, :, t + 1], params["bwd"])[0],
                             f"a_bwd[:, :, {t}] should be your rnn_cell_forward of x[:, :, {t}] and "
                             f"a_bwd[:, :, {t + 1}], with parameters['bwd']",
                             "the backward direction runs from t = T_x-1 down to 0, each step reading "
                             "the state of the step AFTER it in time.")

        cache_hint = ("caches = (caches_fwd, caches_bwd): what rnn_forward returned for the forward "
                      "run over x and for the backward run over x[:, :, ::-1].")
        _check_sequence(check, caches, 2, "caches", cache_hint)
        _check_rnn_caches(check, caches[0], x, T_x, "caches[0] (caches_fwd)", cache_hint)
        _check_rnn_caches(check, caches[1], x[:, :, ::-1], T_x, "caches[1] (caches_bwd)", cache_hint)

        if seed == 0:  # reversing time swaps the roles of the two directions
            swapped = {"fwd": params["bwd"], "bwd": params["fwd"], "by": params["by"],
                       "Wy": np.concatenate([params["Wy"][:, n_a:], params["Wy"][:, :n_a]], axis=1)}
            mirror = target(x[:, :, ::-1].copy(), a0_bwd, a0_fwd, swapped)
            for got, want, name in zip(mirror[:3], (a_bwd, a_fwd, y_pred), ("a_fwd", "a_bwd", "y_pred")):
                _check_close(check, got, want[:, :, ::-1],
                             f"on the time-reversed x with the two directions swapped, {name} should be "
                             "the original result reversed in time",
                             "a BRNN treats both directions alike: the backward direction is the forward "
                             "one run over x[:, :, ::-1], its states flipped back into time order.")


def check_brnn_forward(target):
    """Visible checks for brnn_forward(x, a0_fwd, a0_bwd, parameters)."""
    _visible_check("brnn_forward", target)


# ---------------------------------------------------------------------------
# What builds on what
# ---------------------------------------------------------------------------
# function -> the functions whose checks run first, every one it builds on directly or through
# another, in order: a function's own prerequisites come before it, cells before sequences.
_PREREQUISITES = {
    "rnn_forward": ("rnn_cell_forward",),
    "lstm_forward": ("lstm_cell_forward",),
    "rnn_cell_backward": ("rnn_cell_forward",),
    "rnn_backward": ("rnn_cell_forward", "rnn_cell_backward", "rnn_forward"),
    "lstm_cell_backward": ("lstm_cell_forward",),
    "lstm_backward": ("lstm_cell_forward", "lstm_cell_backward", "lstm_forward"),
    "simple_gru_cell_backward": ("simple_gru_cell_forward",),
    "gru_cell_backward": ("gru_cell_forward",),
    "deep_rnn_forward": ("rnn_cell_forward", "rnn_forward"),
    "brnn_forward": ("rnn_cell_forward", "rnn_forward"),
}

# backward function -> the forward function its gradients are compared with
_FORWARD = {
    "rnn_cell_backward": "rnn_cell_forward",
    "rnn_backward": "rnn_forward",
    "lstm_cell_backward": "lstm_cell_forward",
    "lstm_backward": "lstm_forward",
    "simple_gru_cell_backward": "simple_gru_cell_forward",
    "gru_cell_backward": "gru_cell_forward",
}

# function -> its own checks, (target, {name: the student's function}) -> None or AssertionError
_OWN_CHECKS = {
    "rnn_cell_forward": lambda target, functions: _rnn_cell_forward_checks(target),
    "rnn_forward": lambda target, functions: _rnn_forward_checks(target, functions.get("rnn_cell_forward")),
    "lstm_cell_forward": lambda target, functions: _lstm_cell_forward_checks(target),
    "lstm_forward": lambda target, functions: _lstm_forward_checks(target, functions.get("lstm_cell_forward")),
    "simple_gru_cell_forward": lambda target, functions: _simple_gru_cell_forward_checks(target),
    "gru_cell_forward": lambda target, functions: _gru_cell_forward_checks(target),
    "deep_rnn_forward": lambda target, functions: _deep_rnn_forward_checks(target, functions.get("rnn_forward")),
    "brnn_forward": lambda target, functions: _brnn_forward_checks(target, functions.get("rnn_forward"),
                                                                   functions.get("rnn_cell_forward")),
}


def _with_forward(own_checks, forward):
    """Own checks of a backward function, run with the student's `forward` function."""
    return lambda target, functions: own_checks(target, functions[forward])


_OWN_CHECKS.update({
    "rnn_cell_backward": _with_forward(_rnn_cell_backward_checks, "rnn_cell_forward"),
    "rnn_backward": _with_forward(_rnn_backward_checks, "rnn_forward"),
    "lstm_cell_backward": _with_forward(_lstm_cell_backward_checks, "lstm_cell_forward"),
    "lstm_backward": _with_forward(_lstm_backward_checks, "lstm_forward"),
    "simple_gru_cell_backward": _with_forward(_simple_gru_cell_backward_checks, "simple_gru_cell_forward"),
    "gru_cell_backward": _with_forward(_gru_cell_backward_checks, "gru_cell_forward"),
})
