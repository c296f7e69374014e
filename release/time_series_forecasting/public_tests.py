"""Visible checks for the "Forecasting a time series several steps ahead" assignment.

Every exercise has one function here, ``check_<function_name>``.  The checks
hold no reference solution and no stored answers.  They make small problems of
their own (a few short series from ``generate_series``, a few hidden units),
hand them to your function, and compare what comes back with what the
definitions in your notebook say, worked out here step by step:

* the data functions (``make_seq2vec_data``, ``make_seq2seq_targets``,
  ``naive_forecast``): shapes, then every value, computed with plain loops from
  the formulas of the docstrings; series longer than ``n_steps + horizon`` and
  the smallest sizes (one series, one input step, one forecast step) included;
* ``forecast_iteratively``: it is given a stand-in for a trained one-step
  model, whose ``predict`` is a simple formula of the whole sequence it reads
  and which remembers every input it was given, so a failing check can say at
  which step the input went wrong;
* the two models: a Keras ``Model`` that accepts sequences of any length, with
  the documented layers, and whose outputs equal a NumPy computation of the same
  network with the model's own weights;
* ``last_time_step_mse``: its value on NumPy arrays, on Keras tensors and as
  the metric of a compiled Keras model (where NumPy functions cannot work).

Passing the visible checks is a good sign but not a guarantee: the hidden
tests used for grading repeat this on fresh series, sizes and weights and
compare with an independent implementation.

Each check raises ``AssertionError`` with what was expected, what came back
and a hint, or prints one line when everything passed. A function that is not
written yet, or that crashes, fails its check with a message that names it.
The checks use their
own random generators: your notebook's random numbers (NumPy's, Python's, and
so Keras' initial weights) are the same whether or not you run them.
"""

import functools
import random
import warnings

import numpy as np

# What every assignment's checks share (messages, value checks) is in check_helpers.py,
# next to this file.
from check_helpers import check_close as _check_close
from check_helpers import check_shape as _check_shape
from check_helpers import check_unchanged as _check_unchanged
from check_helpers import crashed as _crashed
from check_helpers import describe as _describe
from check_helpers import difference as _difference
from check_helpers import error_text as _error_text
from check_helpers import fail as _fail
from check_helpers import keeps_random_state
from check_helpers import passed as _passed
from check_helpers import reports_crashes as _reports_crashes
from quiet_keras import import_keras_quietly
from series import generate_series

keras = import_keras_quietly()   # also keeps TensorFlow's log lines off stderr

# Keras computes in float32: its results agree with a float64 computation to about 1e-6.
KERAS_RTOL = 1e-4
KERAS_ATOL = 1e-5
# Sizes of the networks the model checks build: (horizon, units).
MODEL_SIZES = [(3, 4), (1, 1)]
DEFAULT_UNITS = 20


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------
def _repeatable(check_function):
    """Decorator: the check leaves the notebook's random numbers as it found them. Besides
    NumPy's global state (keeps_random_state), Python's `random` state is put back: Keras
    draws the seeds of a new layer's initial weights from it, so building a model in a check
    would otherwise change the weights of the next model your notebook builds. Python
    warnings raised while the check runs are not shown (they would go to stderr)."""
    @functools.wraps(check_function)
    def wrapper(*args, **kwargs):
        state = random.getstate()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return keeps_random_state(check_function)(*args, **kwargs)
        finally:
            random.setstate(state)
    return wrapper


def _array(value):
    """A tensor your function returned (keras.ops, TensorFlow) as a NumPy array; anything else
    as it is, so that the shape check can say what it got."""
    if isinstance(value, np.ndarray) or not hasattr(value, "__array__"):
        return value
    return np.asarray(value)


def _same(a, b):
    """Whether two arrays have the same shape and values (up to float32 rounding)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-7))


def _first_known_mistake(got, mistakes, fallback):
    """The hint of the first (hint, value) in `mistakes` whose value equals `got`, else
    `fallback`: the value a typical mistake would give, worked out on the same problem."""
    return next((hint for hint, value in mistakes if _same(got, value)), fallback)


def _check_pair(check, out, names, hint):
    """`out` must be a tuple (or list) of two values, named `names` in the message."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        _fail(check, "the function should return two values.", expected=", ".join(names),
              got=_describe(out), hint=hint)


# ---------------------------------------------------------------------------
# Exercise 1: make_seq2vec_data
# ---------------------------------------------------------------------------
def _seq2vec_data_by_hand(series, n_steps, horizon):
    """X[i, t, 0] = series[i, t, 0] for t < n_steps; Y[i, k] = series[i, n_steps + k, 0]."""
    m = series.shape[0]
    X = np.zeros((m, n_steps, 1))
    Y = np.zeros((m, horizon))
    for i in range(m):
        for t in range(n_steps):
            X[i, t, 0] = series[i, t, 0]
        for k in range(horizon):
            Y[i, k] = series[i, n_steps + k, 0]
    return X, Y


@_repeatable
@_reports_crashes
def check_make_seq2vec_data(target):
    """Visible checks for make_seq2vec_data(series, n_steps, horizon)."""
    check = "check_make_seq2vec_data"
    # (m, T, n_steps, horizon): series longer than n_steps + horizon, a single series with a
    # single input and target step, series of exactly n_steps + horizon, one input step.
    for seed, (m, T, n_steps, horizon) in enumerate([(3, 12, 5, 4), (1, 2, 1, 1),
                                                     (4, 9, 6, 3), (2, 14, 1, 5)]):
        sizes = f"m={m}, T={T}, n_steps={n_steps}, horizon={horizon}"
        series = generate_series(m, T, seed=100 + seed)
        before = series.copy()
        out = target(series, n_steps, horizon)
        _check_unchanged(check, before, series, "series",
                         "slice the series; do not write into it.")
        _check_pair(check, out, ("X", "Y"), "end with `return X, Y`.")
        X, Y = (_array(v) for v in out)
        if getattr(X, "shape", None) == (m, horizon) and getattr(Y, "shape", None) == (m, n_steps, 1) \
                and (m, horizon) != (m, n_steps, 1):
            _fail(check, f"X and Y come back in the wrong order ({sizes}).",
                  expected=f"X {(m, n_steps, 1)}, then Y {(m, horizon)}",
                  got=f"shapes {X.shape}, then {Y.shape}", hint="return X first, then Y.")
        _check_shape(check, X, (m, n_steps, 1), f"X ({sizes})",
                     "X = the first n_steps time steps with the feature axis kept: "
                     "series[:, :n_steps] has shape (m, n_steps, 1).")
        y_hint = "Y has one row per series and one column per forecast step: (m, horizon)."
        if getattr(Y, "shape", None) == (m, horizon, 1):
            y_hint = "drop the feature axis of Y: series[:, ..., 0] has shape (m, horizon)."
        elif getattr(Y, "shape", None) == (m, T - n_steps):
            y_hint = ("stop the slice of Y at n_steps + horizon: the series may be longer, and "
                      "the values after the horizon are not targets.")
        elif getattr(Y, "ndim", 2) < 2:
            y_hint = ("np.squeeze drops every axis of size 1, so with m = 1 or horizon = 1 Y loses "
                      "one more; drop the feature axis only: series[:, ..., 0].")
        _check_shape(check, Y, (m, horizon), f"Y ({sizes})", y_hint)

        X_expected, Y_expected = _seq2vec_data_by_hand(series, n_steps, horizon)
        _check_close(check, X, X_expected,
                     f"X should hold the first n_steps values of every series ({sizes})",
                     _first_known_mistake(X, [
                         ("X is the beginning of each series, series[:, :n_steps], not its end: "
                          "a series may be longer than n_steps + horizon.", series[:, -n_steps:]),
                     ], "X[:, t] = series[:, t] for t = 0 .. n_steps - 1."))
        _check_close(check, Y, Y_expected,
                     f"Y should hold the horizon values right after the first n_steps ({sizes})",
                     _first_known_mistake(Y, [
                         ("Y starts right after the input, at series[:, n_steps], and stops "
                          "horizon steps later; values after n_steps + horizon are ignored, "
                          "so do not count from the end of the series.", series[:, -horizon:, 0]),
                         ("Y[:, 0] is the value after the last input value, series[:, n_steps, 0]; "
                          "yours starts one step early, at the last input value.",
                          series[:, n_steps - 1:n_steps - 1 + horizon, 0]),
                         ("Y[:, 0] is the value right after the input, series[:, n_steps, 0]; "
                          "yours starts one step late (a slice starts at its first index).",
                          series[:, n_steps + 1:n_steps + 1 + horizon, 0]),
                         ("Y holds the values that follow X, not X's own last values.",
                          series[:, max(n_steps - horizon, 0):n_steps, 0]),
                     ], "Y[:, k] = series[:, n_steps + k, 0] for k = 0 .. horizon - 1."))
    _passed(check)


# ---------------------------------------------------------------------------
# Exercise 2: naive_forecast
# ---------------------------------------------------------------------------
@_repeatable
@_reports_crashes
def check_naive_forecast(target):
    """Visible checks for naive_forecast(X, horizon)."""
    check = "check_naive_forecast"
    # (m, n_steps, horizon): a typical case, all sizes 1, one forecast step, horizon > n_steps.
    for seed, (m, n_steps, horizon) in enumerate([(3, 6, 4), (1, 1, 1), (2, 5, 1), (4, 3, 7)]):
        sizes = f"m={m}, n_steps={n_steps}, horizon={horizon}"
        X = generate_series(m, n_steps, seed=200 + seed)
        before = X.copy()
        got = _array(target(X, horizon))
        _check_unchanged(check, before, X, "X", "read X; do not write into it.")
        hint = "one row per series, one column per forecast step: (m, horizon)."
        if getattr(got, "shape", None) == (m, horizon, 1):
            hint = "drop the feature axis: repeat X[:, -1, :] (shape (m, 1)) along axis 1."
        elif getattr(got, "shape", None) == (m, 1) and horizon > 1:
            hint = "repeat the last value horizon times (np.repeat(..., horizon, axis=1))."
        elif getattr(got, "shape", None) == (m * horizon,):
            hint = ("without axis, np.repeat flattens its result: repeat along axis 1, "
                    "np.repeat(X[:, -1], horizon, axis=1).")
        _check_shape(check, got, (m, horizon), f"the forecast ({sizes})", hint)

        expected = np.zeros((m, horizon))
        for i in range(m):
            for k in range(horizon):
                expected[i, k] = X[i, n_steps - 1, 0]
        first = np.repeat(X[:, 0, :], horizon, axis=1)
        mean = np.repeat(X.mean(axis=1), horizon, axis=1)
        _check_close(check, got, expected,
                     f"every forecast step should repeat the last observed value X[:, -1, 0] ({sizes})",
                     _first_known_mistake(got, [
                         ("the last observed value is X[:, -1], not the first one X[:, 0].", first),
                         ("the naive forecast repeats the last value, not the mean of the series.",
                          mean),
                         ("X[-1] is the last series; the last time step of every series is "
                          "X[:, -1].", np.full((m, horizon), X[-1, -1, 0])),
                         ("the naive forecast repeats ONE value, the last observed, horizon times; "
                          "X[:, -horizon:] are the last horizon observations.",
                          X[:, -horizon:, 0]),
                         ("np.tile then reshape mixes the series: tile along a new axis, "
                          "np.tile(X[:, -1], (1, horizon)), or np.repeat(X[:, -1], horizon, axis=1).",
                          np.tile(X[:, -1, 0], horizon).reshape(m, horizon)),
                     ], "Y_pred[i, k] = X[i, -1, 0] for every forecast step k."))
    _passed(check)


# ---------------------------------------------------------------------------
# The two models (exercises 3 and 6)
# ---------------------------------------------------------------------------
def _simple_rnn_by_hand(x, kernel, recurrent_kernel, bias):
    """A SimpleRNN layer, one time step at a time, from a zero state:
    a_t = tanh(x_t kernel + a_{t-1} recurrent_kernel + bias). x (m, T, n_in) -> (m, T, units)."""
    m, T, _ = x.shape
    a = np.zeros((m, recurrent_kernel.shape[0]))
    states = np.zeros((m, T, recurrent_kernel.shape[0]))
    for t in range(T):
        a = np.tanh(x[:, t, :] @ kernel + a @ recurrent_kernel + bias)
        states[:, t, :] = a
    return states


def _build(check, target, args, what, sequence_out):
    """target(*args), the model your function builds; a crash becomes a failed check."""
    try:
        return target(*args)
    except Exception as err:
        _crashed(check, check[len("check_"):], err,
                 hint="a SimpleRNN reads sequences (m, T, features), so the first SimpleRNN needs "
                      "return_sequences=True"
                      + (", and so does the second: TimeDistributed(Dense) reads a sequence too."
                         if sequence_out else "; the second returns its last state to Dense."),
                 where=f"building the model {what}; the traceback above shows where")


def _run(check, model, x, what):
    """The model's output on x (float32) as a float64 NumPy array; a crash fails the check."""
    try:
        out = model(x)
    except Exception as err:
        _fail(check, f"calling your model on {what} raised {type(err).__name__}: {_error_text(err)}",
              hint="the model must accept any number of time steps: keras.Input(shape=(None, 1)).")
    if isinstance(out, (list, tuple)):
        _fail(check, f"your model returns {len(out)} outputs on {what}.", expected="one output",
              got=_describe(out), hint="the last layer is the Dense layer; it is the only output.")
    return np.asarray(keras.ops.convert_to_numpy(out), dtype=float)


def _find_layers(check, model, sequence_out, horizon, units, what):
    """The model's two recurrent layers and its output Dense layer, checked against the
    documented architecture. A SimpleRNN may also be written RNN(SimpleRNNCell(units)); the
    Dense layer may be wrapped in TimeDistributed."""
    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    if any(not isinstance(layer.cell, keras.layers.SimpleRNNCell) for layer in recurrent):
        _fail(check, f"the recurrent layers should be SimpleRNN layers ({what}).",
              expected="2 SimpleRNN layers",
              got=", ".join(type(layer).__name__ for layer in recurrent),
              hint="this exercise uses layers.SimpleRNN(units, ...), the simplest recurrent "
                   "layer, not LSTM or GRU.")
    if len(recurrent) != 2:
        _fail(check, f"the model should have two stacked SimpleRNN layers ({what}).",
              expected="2 SimpleRNN layers", got=f"{len(recurrent)} SimpleRNN layer(s)",
              hint="a deep RNN here is two SimpleRNN(units) layers, one after the other.")
    for index, layer in enumerate(recurrent):
        if layer.cell.units != units:
            _fail(check, f"SimpleRNN layer {index + 1} has the wrong number of units ({what}).",
                  expected=units, got=layer.cell.units,
                  hint="give both SimpleRNN layers the argument `units`; do not type 20.")
    wanted = (True, sequence_out)
    got = tuple(bool(layer.return_sequences) for layer in recurrent)
    if got != wanted:
        first = "the first SimpleRNN returns its whole sequence (return_sequences=True), the " \
                "input of the second"
        second = ("the second returns its whole sequence too (return_sequences=True): the model "
                  "forecasts at every time step") if sequence_out else \
                 ("the second returns its last hidden state only (the default, "
                  "return_sequences=False): one forecast per series")
        _fail(check, f"return_sequences of the two SimpleRNN layers is not as documented ({what}).",
              expected=f"return_sequences={wanted[0]}, then {wanted[1]}",
              got=f"return_sequences={got[0]}, then {got[1]}", hint=f"{first}; {second}.")
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    denses += [layer.layer for layer in model.layers
               if isinstance(layer, keras.layers.TimeDistributed)
               and isinstance(layer.layer, keras.layers.Dense)]
    if len(denses) != 1:
        _fail(check, f"the model should end with one Dense layer ({what}).",
              expected="1 Dense layer", got=f"{len(denses)} Dense layer(s)",
              hint="after the two SimpleRNN layers comes a single Dense(horizon) layer"
                   + (", wrapped in TimeDistributed." if sequence_out else "."))
    dense = denses[0]
    if dense.units != horizon:
        _fail(check, f"the Dense layer has the wrong number of units ({what}).",
              expected=horizon, got=dense.units,
              hint="the Dense layer outputs the horizon forecast values: Dense(horizon).")
    own = sum(layer.count_params() for layer in recurrent) + dense.count_params()
    if model.count_params() != own:
        _fail(check, f"the model has weights besides those of its two SimpleRNN layers and its "
                     f"Dense layer ({what}).",
              expected=f"{own} parameters", got=f"{model.count_params()} parameters",
              hint="the only layers with weights are the two SimpleRNN layers and Dense(horizon).")
    return recurrent, dense


def _model_by_hand(x, recurrent, dense, sequence_out):
    """The documented network computed in NumPy with the layers' weights: two SimpleRNN
    layers, then Dense on the last hidden state (seq2vec) or on every one (seq2seq)."""
    states = x.astype(float)
    for layer in recurrent:
        states = _simple_rnn_by_hand(states, *[np.asarray(w, float) for w in layer.get_weights()])
    kernel, bias = (np.asarray(w, float) for w in dense.get_weights())
    return (states if sequence_out else states[:, -1, :]) @ kernel + bias


def _check_model(check, target, sequence_out):
    """The checks of seq2vec_model (sequence_out False) and seq2seq_model (True)."""
    name = check[len("check_"):]
    for seed, (horizon, units) in enumerate(MODEL_SIZES):
        what = f"{name}({horizon}, {units})"
        model = _build(check, target, (horizon, units), what, sequence_out)
        if model is None:
            _fail(check, f"{what} returned None.", expected="a keras Model", got="None",
                  hint="end with `return model` (or return the keras.Sequential(...) itself).")
        if not isinstance(model, keras.Model):
            _fail(check, f"{what} should return a keras Model.", expected="keras.Model",
                  got=_describe(model),
                  hint="return keras.Sequential([...]) or keras.Model(inputs, outputs).")
        try:
            inputs = model.inputs
        except (AttributeError, ValueError):
            inputs = None
        if not inputs:
            _fail(check, f"the model of {what} has no defined input.",
                  expected="input shape (None, 1)", got="no input yet",
                  hint="start the model with keras.Input(shape=(None, 1)).")
        shapes = [tuple(None if d is None else int(d) for d in i.shape[1:]) for i in inputs]
        if shapes != [(None, 1)]:
            _fail(check, f"the model's input has the wrong shape ({what}; batch axis left out).",
                  expected=[(None, 1)], got=shapes,
                  hint="keras.Input(shape=(None, 1)): any number of time steps (None), one value "
                       "per step. Do not fix the length to n_steps: the model reads series of "
                       "any length.")
        recurrent, dense = _find_layers(check, model, sequence_out, horizon, units, what)

        # Weights of the check's own (the initial ones have zero biases), so that every
        # weight matters in the comparison below.
        rng = np.random.default_rng(300 + seed)
        for layer in (*recurrent, dense):
            layer.set_weights([rng.normal(0, 0.6, np.shape(w)).astype("float32")
                               for w in layer.get_weights()])
        for m, T in ((2, 7), (3, 1)):
            x = generate_series(m, T, seed=400 + 10 * seed + T)
            got = _run(check, model, x, f"{m} series of {T} time step(s) ({what})")
            shape = (m, T, horizon) if sequence_out else (m, horizon)
            if got.shape != shape:
                _fail(check, f"the model's output has the wrong shape on {m} series of {T} "
                             f"time step(s) ({what}).", expected=shape, got=got.shape,
                      hint=("a forecast of horizon values at every time step: the Dense layer "
                            "reads the second SimpleRNN's whole sequence.") if sequence_out else
                           ("one forecast of horizon values per series: the second SimpleRNN "
                            "returns its last hidden state only."))
            expected = _model_by_hand(x, recurrent, dense, sequence_out)
            activations = [getattr(layer.cell.activation, "__name__", "?") for layer in recurrent]
            hint = ("the output is Dense(horizon) applied to "
                    + ("every hidden state" if sequence_out else "the last hidden state")
                    + " of the second SimpleRNN, which reads the first one's hidden states; keep "
                      "the default activations (tanh in SimpleRNN, none in Dense).")
            if any(a != "tanh" for a in activations):
                hint = (f"your SimpleRNN layers use the activations {activations}; keep their "
                        "default, tanh.")
            elif getattr(dense.activation, "__name__", "?") != "linear":
                hint = ("the Dense layer forecasts values of any sign and size: no activation "
                        "(the default, linear).")
            _check_close(check, got, expected,
                         f"the model's output on {m} series of {T} time step(s) ({what}) is not "
                         "what its own two SimpleRNN layers and Dense layer give, computed by hand "
                         "with their weights", hint, rtol=KERAS_RTOL, atol=KERAS_ATOL)

    # The default number of units.
    model = _build(check, target, (2,), f"{name}(2)", sequence_out)
    units = [layer.cell.units for layer in getattr(model, "layers", [])
             if isinstance(layer, keras.layers.RNN)]
    if units != [DEFAULT_UNITS, DEFAULT_UNITS]:
        _fail(check, f"{name}(2), without units, should build SimpleRNN layers of "
                     f"{DEFAULT_UNITS} units.", expected=[DEFAULT_UNITS, DEFAULT_UNITS], got=units,
              hint=f"keep the signature: def {name}(horizon, units={DEFAULT_UNITS}).")


@_repeatable
@_reports_crashes
def check_seq2vec_model(target):
    """Visible checks for seq2vec_model(horizon, units=20)."""
    _check_model("check_seq2vec_model", target, sequence_out=False)
    _passed("check_seq2vec_model")


@_repeatable
@_reports_crashes
def check_seq2seq_model(target):
    """Visible checks for seq2seq_model(horizon, units=20)."""
    _check_model("check_seq2seq_model", target, sequence_out=True)
    _passed("check_seq2seq_model")


# ---------------------------------------------------------------------------
# Exercise 4: forecast_iteratively
# ---------------------------------------------------------------------------
def _one_step(x):
    """The stand-in model's forecast: a formula of the whole sequence x (m, t, 1) -> (m, 1)
    float32. It reads the first value, the last value, the mean and the length t, so an input
    that lost its beginning, missed the newest value or did not grow gives another number."""
    x = np.asarray(x, dtype=float)
    t = x.shape[1]
    value = 0.7 * x[:, -1, 0] - 0.4 * x[:, 0, 0] + 0.2 * x.mean(axis=(1, 2)) + 0.05 * t
    return value.reshape(-1, 1).astype("float32")


class _StandInError(ValueError):
    """The stand-in model got an input it cannot read."""


class _OneStepStandIn:
    """A stand-in for a trained one-step Keras model. Its predict(x) takes sequences
    (m, t, 1) of any length t and returns (m, 1) float32, as the real model's predict does,
    but the values come from a simple formula (_one_step), so the check knows them. It keeps
    a copy of every input it receives. Like a Keras model, it also forecasts when called,
    model(x) (returning a tensor), and through predict_on_batch(x)."""

    def __init__(self):
        self.inputs = []

    def predict(self, x, *args, **kwargs):
        # The other arguments of Keras' predict (batch_size, verbose, ...) change nothing here.
        x = np.array(x)                   # a copy: what the function passed at this call
        self.inputs.append(x)
        if x.ndim != 3 or x.shape[2] != 1 or x.shape[1] == 0:
            raise _StandInError(f"the model was given an array of shape {x.shape}")
        return _one_step(x)

    def predict_on_batch(self, x):
        return self.predict(x)

    def __call__(self, x, *args, **kwargs):
        return keras.ops.convert_to_tensor(self.predict(x))


def _iterated_by_hand(X, horizon):
    """What forecast_iteratively must return with the stand-in, one series and one step at a
    time: forecast[i, k] = _one_step(the series i so far)."""
    m, n_steps, _ = X.shape
    forecast = np.zeros((m, horizon), dtype="float32")
    for i in range(m):
        sequence = X[i:i + 1].copy()                       # (1, n_steps, 1)
        for k in range(horizon):
            value = _one_step(sequence)                    # (1, 1)
            forecast[i, k] = value[0, 0]
            sequence = np.concatenate([sequence, value.reshape(1, 1, 1)], axis=1)
    return forecast


def _diagnose_calls(check, inputs, X, forecast, sizes):
    """Find the first call of predict whose input is not X followed by the forecasts so far,
    and fail there; return quietly when every call was right."""
    m, n_steps, _ = X.shape
    horizon = forecast.shape[1]
    if not inputs:
        _fail(check, f"your function never called model.predict ({sizes}).",
              expected=f"{horizon} calls of model.predict", got="no call",
              hint="forecast each value with model.predict(sequence, verbose=0).")
    for j, got in enumerate(inputs[:horizon]):
        expected = np.concatenate([X, forecast[:, :j, None]], axis=1)
        step = f"call {j + 1} of model.predict (forecasting step {j + 1} of {horizon})"
        if got.shape != expected.shape:
            if got.ndim == 3 and got.shape[1] == 1 and expected.shape[1] > 1:
                hint = ("the model reads the whole sequence so far, not only its last value: "
                        "predict(sequence).")
            elif got.ndim == 3 and got.shape[1] == n_steps and j > 0:
                hint = ("the input must grow by one step per forecast: append each forecast to "
                        "the sequence (np.concatenate along axis 1) and pass the whole grown "
                        "sequence, not X again or a window of n_steps values.")
            elif got.ndim != 3:
                hint = ("predict reads (m, t, 1): keep the feature axis, and reshape each "
                        "forecast (m, 1) to (m, 1, 1) before appending it along axis 1.")
            else:
                hint = "start from the sequence X and append one forecast per step."
            _fail(check, f"{step} got an input of the wrong shape ({sizes}).",
                  expected=expected.shape, got=got.shape, hint=hint)
        if not _same(got, expected):
            wrong = np.argwhere(~np.isclose(got.astype(float), expected, rtol=1e-6, atol=1e-7))
            t = int(wrong[0][1])
            if t < n_steps:
                hint = "the first n_steps values of the input are X itself; do not change them."
            else:
                hint = (f"time step {t} of the input should be the forecast that call "
                        f"{t - n_steps + 1} returned; append each forecast, in order, to the "
                        "end of the sequence.")
            _fail(check, f"{step} got an input that is not X followed by the forecasts so far "
                         f"({sizes}).", expected="the values that agree",
                  got=_difference(expected, got), hint=hint)
    if len(inputs) < horizon:
        _fail(check, f"model.predict was called {len(inputs)} time(s) ({sizes}).",
              expected=f"{horizon} calls, one per forecast step", got=f"{len(inputs)} calls",
              hint="loop horizon times: one call of predict per forecast value.")


@_repeatable
@_reports_crashes
def check_forecast_iteratively(target):
    """Visible checks for forecast_iteratively(model, X, horizon), with a stand-in model."""
    check = "check_forecast_iteratively"
    # (m, n_steps, horizon): a typical case, all sizes 1, one forecast step, horizon > n_steps.
    for seed, (m, n_steps, horizon) in enumerate([(3, 4, 5), (1, 1, 1), (2, 6, 1), (2, 2, 6)]):
        sizes = f"m={m}, n_steps={n_steps}, horizon={horizon}"
        X = generate_series(m, n_steps, seed=500 + seed)
        before = X.copy()
        model = _OneStepStandIn()
        try:
            got = _array(target(model, X, horizon))
        except _StandInError as err:
            _fail(check, f"model.predict was given an input it cannot read ({sizes}): {err}.",
                  expected="sequences of shape (m, t, 1)", got=_describe(model.inputs[-1]),
                  hint="pass the sequence with its feature axis, (m, t, 1); reshape each "
                       "forecast (m, 1) to (m, 1, 1) before appending it along axis 1.")
        _check_unchanged(check, before, X, "X",
                         "build a new, longer sequence (np.concatenate); do not write into X.")
        forecast = _iterated_by_hand(X, horizon)
        ok_shape = isinstance(got, np.ndarray) and got.shape == (m, horizon)
        if not ok_shape or not _same(got, forecast):
            # Say which call of predict went wrong first, if one did.
            _diagnose_calls(check, model.inputs, X, forecast, sizes)
        hint = "return the horizon forecasts only, one column per step: shape (m, horizon)."
        if getattr(got, "shape", None) == (m, n_steps + horizon):
            hint = "return only the forecasts, not the observed values: the last horizon steps."
        elif getattr(got, "shape", None) == (m, horizon, 1):
            hint = "drop the feature axis: sequence[:, n_steps:, 0] has shape (m, horizon)."
        _check_shape(check, got, (m, horizon), f"the forecast ({sizes})", hint)
        _check_close(check, got, forecast,
                     f"the forecast should hold, in order, the values model.predict returned "
                     f"({sizes})",
                     _first_known_mistake(got, [
                         ("the forecasts come back in reverse order.", forecast[:, ::-1]),
                         ("np.array of the list of forecasts is (horizon, m, 1): reshaping it to "
                          "(m, horizon) mixes the series; join them along axis 1 "
                          "(np.concatenate(forecasts, axis=1)) or transpose first.",
                          forecast.T.reshape(m, horizon)),
                     ], "column k of the result is the value predict returned at step k + 1."),
                     rtol=1e-6, atol=1e-7)
    _passed(check)


# ---------------------------------------------------------------------------
# Exercise 5: make_seq2seq_targets
# ---------------------------------------------------------------------------
def _seq2seq_targets_by_hand(series, n_steps, horizon):
    """Y[i, t, k - 1] = series[i, t + k, 0] for t < n_steps and k = 1 .. horizon."""
    m = series.shape[0]
    Y = np.zeros((m, n_steps, horizon))
    for i in range(m):
        for t in range(n_steps):
            for k in range(1, horizon + 1):
                Y[i, t, k - 1] = series[i, t + k, 0]
    return Y


@_repeatable
@_reports_crashes
def check_make_seq2seq_targets(target):
    """Visible checks for make_seq2seq_targets(series, n_steps, horizon)."""
    check = "check_make_seq2seq_targets"
    # (m, T, n_steps, horizon): series longer than n_steps + horizon, all sizes 1 (T = 2),
    # horizon > n_steps with T = n_steps + horizon, a single forecast step.
    for seed, (m, T, n_steps, horizon) in enumerate([(2, 11, 5, 3), (1, 2, 1, 1),
                                                     (3, 9, 4, 5), (2, 9, 6, 1)]):
        sizes = f"m={m}, T={T}, n_steps={n_steps}, horizon={horizon}"
        series = generate_series(m, T, seed=600 + seed)
        before = series.copy()
        got = _array(target(series, n_steps, horizon))
        _check_unchanged(check, before, series, "series",
                         "read the series; write into a new array of your own.")
        hint = "one row of horizon targets per series and input step: (m, n_steps, horizon)."
        shape = getattr(got, "shape", None)
        if shape == (m, horizon, n_steps) and horizon != n_steps:
            hint = "the time axis comes before the horizon axis: (m, n_steps, horizon)."
        elif shape == (m, n_steps, horizon, 1):
            hint = "drop the feature axis: take series[:, ..., 0]."
        _check_shape(check, got, (m, n_steps, horizon), f"Y ({sizes})", hint)

        expected = _seq2seq_targets_by_hand(series, n_steps, horizon)
        # What two typical mistakes give: targets that start at the input step itself
        # (series[:, t + k - 1]), and the last step's targets repeated at every step.
        starts_early = np.stack([series[:, k - 1:k - 1 + n_steps, 0]
                                 for k in range(1, horizon + 1)], axis=-1)
        mistakes = [("Y[:, t, 0] is the value after step t, series[:, t + 1, 0]; yours starts at "
                     "series[:, t, 0], the input value itself.", starts_early),
                    ("every input step has its own targets, the horizon values after it; yours "
                     "repeats the targets of the last step at every step.",
                     np.repeat(expected[:, -1:, :], n_steps, axis=1)),
                    ("k runs from 1 to horizon, range(1, horizon + 1): Y[:, :, k - 1] holds the "
                     "values k steps ahead; with k = 0 the last column holds the inputs.",
                     np.concatenate([expected[:, :, :-1], series[:, :n_steps]], axis=2)),
                    ("the targets of the last steps lie beyond the input: take them from the "
                     "series (series[:, t + k, 0]); rolling the input wraps its first values "
                     "around to its end.",
                     np.stack([np.roll(series[:, :n_steps, 0], -k, axis=1)
                               for k in range(1, horizon + 1)], axis=-1))]
        _check_close(check, got, expected,
                     f"Y[:, t, k - 1] should equal series[:, t + k, 0] ({sizes})",
                     _first_known_mistake(got, mistakes,
                                          "for k = 1 .. horizon, Y[:, :, k - 1] holds the values "
                                          "k steps after the input steps 0 .. n_steps - 1: "
                                          "series[:, k:k + n_steps, 0]."))
    _passed(check)


# ---------------------------------------------------------------------------
# Exercise 7: last_time_step_mse
# ---------------------------------------------------------------------------
def _last_step_errors_by_hand(Y_true, Y_pred):
    """(the mean over examples and horizon, the mean over horizon per example) of the squared
    errors of the last time step."""
    m, _, horizon = Y_true.shape
    per_example = np.zeros(m)
    for i in range(m):
        for k in range(horizon):
            per_example[i] += (float(Y_true[i, -1, k]) - float(Y_pred[i, -1, k])) ** 2 / horizon
    return per_example.mean(), per_example


def _check_metric_value(check, got, Y_true, Y_pred, on_what):
    """`got` must be the mean squared error of the last step: a single number, or one per
    example (shape (m,) or (m, 1)); Keras averages the latter."""
    m = Y_true.shape[0]
    scalar, per_example = _last_step_errors_by_hand(Y_true, Y_pred)
    got = np.asarray(got, dtype=float)
    if got.size == 1:
        expected, got = np.array(scalar), got.reshape(())
    elif got.shape in ((m,), (m, 1)):
        expected, got = per_example, got.reshape(m)
    else:
        _fail(check, f"the metric on {on_what} has the wrong shape.",
              expected=f"a single number, or one per example: shape () or ({m},)", got=got.shape,
              hint="average the squared errors of the last step over every example and forecast "
                   "value (ops.mean with no axis), or over the horizon only (axis=-1).")
    # What typical mistakes give, reduced as your result is (one number, or one per example).
    axis = None if got.ndim == 0 else -1
    diff = Y_true.astype(float) - Y_pred.astype(float)
    last = diff[:, -1]
    mistakes = [
        ("only the last time step counts: Y_true[:, -1] and Y_pred[:, -1], shape (m, horizon).",
         np.mean(diff ** 2, axis=None if got.ndim == 0 else (1, 2))),
        ("the last time step is index -1 of axis 1, Y[:, -1]; yours reads the first, Y[:, 0].",
         np.mean(diff[:, 0] ** 2, axis=axis)),
        ("square the errors; the absolute value gives the mean absolute error.",
         np.mean(np.abs(last), axis=axis)),
        ("the mean squared error has no square root.", np.sqrt(np.mean(last ** 2, axis=axis))),
        ("square the errors before the mean (ops.square): positive and negative errors must not "
         "cancel.", np.mean(last, axis=axis)),
        ("Y[-1] is the last example; the last time step of every example is Y[:, -1] (axis 1 "
         "is time).", np.mean(diff[-1] ** 2)),
        ("Y[..., -1] is the last horizon value at every step; the last time step is Y[:, -1] "
         "(axis 1).", np.mean(diff[..., -1] ** 2, axis=axis)),
        ("average the squared errors (ops.mean); do not sum them.", np.sum(last ** 2, axis=axis)),
    ]
    _check_close(check, got, expected,
                 f"the metric on {on_what} should be the mean of (Y_true[:, -1] - Y_pred[:, -1]) ** 2",
                 _first_known_mistake(got, mistakes,
                                      "ops.mean(ops.square(Y_true[:, -1] - Y_pred[:, -1]))."),
                 rtol=1e-5, atol=1e-7)


def _compiled_metric(target, Y_true, Y_pred):
    """The value model.evaluate reports for `target` as the metric of a compiled model that
    outputs its input unchanged, on one batch: Y_pred goes in, Y_true is the target. Keras
    traces the metric in graph mode, on symbolic tensors."""
    inputs = keras.Input(shape=Y_pred.shape[1:])
    model = keras.Model(inputs, keras.layers.Identity()(inputs))
    model.compile(loss="mse", metrics=[target], jit_compile=False)
    values = model.evaluate(Y_pred, Y_true, batch_size=len(Y_pred), verbose=0, return_dict=True)
    return next(value for name, value in values.items() if name != "loss")


@_repeatable
@_reports_crashes
def check_last_time_step_mse(target):
    """Visible checks for last_time_step_mse(Y_true, Y_pred)."""
    check = "check_last_time_step_mse"
    # (m, n_steps, horizon): a typical case, all sizes 1, horizon > m.
    problems = [(4, 5, 3), (1, 1, 1), (3, 2, 6)]
    for seed, (m, n_steps, horizon) in enumerate(problems):
        sizes = f"m={m}, n_steps={n_steps}, horizon={horizon}"
        rng = np.random.default_rng(700 + seed)
        Y_true = rng.normal(0, 0.5, (m, n_steps, horizon)).astype("float32")
        # Errors that differ from one time step to the next (larger at later steps), so that
        # reading the wrong steps gives another number.
        scale = np.linspace(0.2, 1.0, n_steps)[None, :, None]
        Y_pred = (Y_true + scale * rng.normal(0, 1, (m, n_steps, horizon))).astype("float32")
        before = (Y_true.copy(), Y_pred.copy())
        got = _array(target(Y_true, Y_pred))
        _check_unchanged(check, before[0], Y_true, "Y_true", "compute; do not write into Y_true.")
        _check_unchanged(check, before[1], Y_pred, "Y_pred", "compute; do not write into Y_pred.")
        _check_metric_value(check, got, Y_true, Y_pred, f"NumPy arrays ({sizes})")

        try:
            got = target(keras.ops.convert_to_tensor(Y_true), keras.ops.convert_to_tensor(Y_pred))
            got = keras.ops.convert_to_numpy(got)
        except Exception as err:
            _fail(check, f"the metric raised {type(err).__name__} on Keras tensors ({sizes}): "
                         f"{_error_text(err)}",
                  hint="Keras gives the metric tensors, not NumPy arrays: use keras.ops "
                       "(ops.mean, ops.square) and indexing such as Y_true[:, -1].")
        _check_metric_value(check, got, Y_true, Y_pred, f"Keras tensors ({sizes})")

    # As the metric of a compiled model: Keras traces it on symbolic tensors.
    m, n_steps, horizon = problems[0]
    rng = np.random.default_rng(710)
    Y_true = rng.normal(0, 0.5, (m, n_steps, horizon)).astype("float32")
    Y_pred = (Y_true + rng.normal(0, 0.5, (m, n_steps, horizon))).astype("float32")
    try:
        got = _compiled_metric(target, Y_true, Y_pred)
    except Exception as err:
        _fail(check, "the metric fails inside a compiled Keras model "
                     f"(model.compile(metrics=[last_time_step_mse]); model.evaluate): "
                     f"{type(err).__name__}: {_error_text(err)}",
              hint="in a compiled model the metric runs on symbolic tensors, which NumPy "
                   "functions (np.mean, np.square, .numpy()) cannot read: use keras.ops "
                   "(ops.mean, ops.square).")
    scalar, _ = _last_step_errors_by_hand(Y_true, Y_pred)
    _check_close(check, got, scalar,
                 "the metric of a compiled model (model.evaluate on one batch) should be the mean "
                 "of (Y_true[:, -1] - Y_pred[:, -1]) ** 2",
                 "the metric must give the same number in a compiled model as on arrays: use "
                 "keras.ops on its arguments and nothing that depends on NumPy.",
                 rtol=1e-5, atol=1e-7)
    _passed(check)
