"""Hidden tests of assignment 4: the data windows, the naive baseline, the two networks,
iterating a one-step model and the metric of the last time step (Keras 3).

Every problem is drawn at grading time: fresh series from `series.generate_series` (longer
than n_steps + horizon, so the targets must be found after the window, not at the series'
end) and sizes with m = 1, n_steps = 1 and horizon = 1 among them. The networks are checked by
architecture facts (`keras_summary`) and by their outputs with fresh injected weights against
the numpy oracle of the same network; `forecast_iteratively` drives a stand-in model whose
predictions the grader computes; the metric runs on numpy arrays, on Keras tensors and as the
metric of a compiled model. Nothing trains here. Never layer names or summary text.

What would serve another Keras assignment (`Network`-style checks of a model builder from its
summary and injected weights, a recording stand-in model, a metric checked three ways) stays
in this module until a second assignment needs it.
"""
import logging
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...agent import ReturnedArray, as_arrays
from ...catalogue import wrong_entries
from ...checks import Mismatch, compare, describe, expect_array, expect_close, matches
from ...grading import Check, Grader, StudentCode
from ...kits.numpy_functions import Compared, ProblemChecks, problem_checks_grader
from ...probes import describe_sizes, problem_sizes
from ...shares import placed, shares
from . import catalogue, oracle  # noqa: F401  (importing the catalogue registers the entries that name mistakes)
from .catalogue import NO_INPUT_HINT, NUMPY_METRIC_HINT
from .series import generate_series

# TensorFlow's Python logger writes warnings (retracing, ...) to stderr, which zeroes a cell.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

ASSIGNMENT = "time_series_forecasting"
DIMS = ("m", "n_steps", "horizon")
MODEL_METHODS = ("predict", "predict_on_batch", "__call__")  # what forecast_iteratively may call on its model
# Keras computes in float32: its outputs and metrics agree with float64 numpy to about 1e-7.
KERAS_RTOL, KERAS_ATOL = 1e-5, 1e-5


def squeezed(shape):
    return tuple(d for d in shape if d != 1)


def in_layout(actual, expected):
    """`actual` reshaped to `expected`'s shape when the two differ only by axes of size 1 (an
    (m, horizon, 1) array for an (m, horizon) one): the values check then judges the values,
    and the shapes check alone charges the extra axis."""
    if isinstance(actual, np.ndarray) and actual.shape != expected.shape and actual.size == expected.size \
            and squeezed(actual.shape) == squeezed(expected.shape):
        return actual.reshape(expected.shape)
    return actual


def compare_values(name, actual, expected, hint):
    """compare() in the expected layout (`in_layout`), with `hint` for values that differ."""
    try:
        compare(name, in_layout(actual, expected), expected)
    except Mismatch as mismatch:
        raise Mismatch(mismatch.message, mismatch.hint or hint, mismatch.evidence) from None


def expect_shape(name, value, shape, hint):
    """expect_array with a hint of this assignment's layouts for a wrong shape."""
    try:
        expect_array(name, value, shape)
    except Mismatch as mismatch:
        if value is None:
            mismatch.hint = "End with a return statement: a function without one returns None."
        elif isinstance(value, np.ndarray) and value.shape != shape:
            mismatch.hint = hint
        raise


# ------------------------------------------------------------------------- the data windows

def series_problems(rng):
    """(series, n_steps, horizon) on problem_sizes of (m, n_steps, horizon): every series is
    fresh and, but for the last, runs 1 to 4 steps past n_steps + horizon."""
    all_sizes = problem_sizes(rng, DIMS)
    problems = []
    for index, sizes in enumerate(all_sizes):
        m, n_steps, horizon = (sizes[d] for d in DIMS)
        extra = 0 if index == len(all_sizes) - 1 else int(rng.integers(1, 5))
        series = generate_series(m, n_steps + horizon + extra, seed=int(rng.integers(2 ** 31)))
        problems.append((series, n_steps, horizon))
    return problems


def series_sizes(series, n_steps, horizon):
    return {"m": series.shape[0], "n_steps": n_steps, "horizon": horizon}


def describe_series(series, n_steps, horizon):
    return f"a series of shape {series.shape} with n_steps={n_steps}, horizon={horizon}"




def seq2vec_shapes(run):
    series, n_steps, horizon = run.problem
    X, Y = run.result
    expect_shape("X", X, (len(series), n_steps, 1), "X keeps the feature axis: (m, n_steps, 1), series[:, :n_steps].")
    expect_shape("Y", Y, (len(series), horizon), "Y holds horizon values per series without the feature axis: "
                 "(m, horizon), series[:, a:b, 0].")


def seq2vec_values(run):
    compare_values("X", run.result[0], run.expected[0], "X is the window the model reads: series[:, :n_steps].")
    compare_values("Y", run.result[1], run.expected[1], "Y holds the horizon values that follow the window: Y[:, k] "
                   "is series[:, n_steps + k, 0].")


def series_unchanged(run):
    try:
        compare("the series after the call", run.args[0], run.problem[0])
    except Mismatch as mismatch:
        raise Mismatch(mismatch.message, "Slices of the series are views: writing into them changes the caller's "
                       "series. Read slices only, or work on a copy.") from None


def expect_pair(out):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Mismatch(f"make_seq2vec_data should return (X, Y); got {describe(out)}.", "End with `return X, Y`.")


SEQ2VEC_DATA = ProblemChecks(
    "make_seq2vec_data", 10, [
        Compared("returns X (m, n_steps, 1) and Y (m, horizon) of floats", 0.3, seq2vec_shapes),
        Compared("X is the first n_steps values and Y the horizon values after them, on 6 fresh series "
                 "(m = 1, n_steps = 1 and horizon = 1 included; the series go on after the targets)", 0.5,
                 seq2vec_values),
        Compared("the series is left unchanged", 0.2, series_unchanged),
    ],
    describe=describe_series, problems=series_problems, sizes=series_sizes, in_place=True, expect=expect_pair)


def seq2seq_shapes(run):
    series, n_steps, horizon = run.problem
    expect_shape("Y", run.result, (len(series), n_steps, horizon),
                 "Y has one row of horizon targets per input step: (m, n_steps, horizon).")


def seq2seq_values(run):
    compare_values("Y", run.result, run.expected, "Y[:, t, k - 1] is series[:, t + k, 0]: at step t, the horizon "
                   "values that follow it.")


SEQ2SEQ_TARGETS = ProblemChecks(
    "make_seq2seq_targets", 15, [
        Compared("returns Y of shape (m, n_steps, horizon), floats", 0.3, seq2seq_shapes),
        Compared("Y[:, t, k - 1] is series[:, t + k, 0] for every step t and k = 1..horizon, on 6 fresh series "
                 "(m = 1, n_steps = 1 and horizon = 1 included)", 0.5, seq2seq_values),
        Compared("the series is left unchanged", 0.2, series_unchanged),
    ],
    describe=describe_series, problems=series_problems, sizes=series_sizes, in_place=True)


# ------------------------------------------------------------------------- the naive baseline

def window_problems(rng):
    """(X (m, n_steps, 1) float32, horizon) on problem_sizes of (m, n_steps, horizon)."""
    return [(generate_series(s["m"], s["n_steps"], seed=int(rng.integers(2 ** 31))), s["horizon"])
            for s in problem_sizes(rng, DIMS)]


def describe_window(X, horizon):
    return f"X of shape {X.shape}, horizon={horizon}"


def naive_shape(run):
    X, horizon = run.problem
    expect_shape("the returned array", run.result, (len(X), horizon),
                 "One row of horizon forecasts per series: (m, horizon), without the feature axis.")


def naive_values(run):
    compare_values("the returned array", run.result, run.expected, "Each series' forecasts are its last observed "
                   "value, X[:, -1, 0], repeated horizon times.")


def naive_unchanged(run):
    try:
        compare("X after the call", run.args[0], run.problem[0])
    except Mismatch as mismatch:
        raise Mismatch(mismatch.message, "Read X only: the caller still needs it.") from None


NAIVE = ProblemChecks(
    "naive_forecast", 10, [
        Compared("returns an array (m, horizon) of floats", 0.3, naive_shape),
        Compared("every forecast is its series' last observed value, on 6 fresh windows "
                 "(m = 1, n_steps = 1 and horizon = 1 included)", 0.5, naive_values),
        Compared("X is left unchanged", 0.2, naive_unchanged),
    ],
    describe=describe_window, problems=window_problems, in_place=True,
    sizes=lambda X, horizon: {"m": X.shape[0], "n_steps": X.shape[1], "horizon": horizon})


# ---------------------------------------------------------------------------- the networks

RECURRENT = ("SimpleRNN", "LSTM", "GRU")
DESCRIBING = "describing the model you built"
RUNNING = "running the model you built"


@dataclass
class Network:
    """A graded function `function(horizon, units)` that builds one of the two networks: two
    SimpleRNN(units), the first returning its sequence, then a linear Dense(horizon) on the
    last hidden state (`every_step` False) or at every step (True: TimeDistributed or a plain
    Dense, which Keras 3 applies at every step).

    oracle_outputs(X, weights): the numpy oracle's output on X (m, T, 1), weights in
    model.get_weights() order.
    """
    function: str
    points: float
    every_step: bool
    oracle_outputs: Callable

    def output_shape(self, horizon):
        return (None, horizon) if self.every_step else (horizon,)


def network_sizes(rng):
    """(horizon, units): distinct sizes, both 1, horizon = 1, units = 1."""
    horizon, units = (int(v) for v in rng.choice(np.arange(2, 8), size=2, replace=False))
    return [(horizon, units), (1, 1), (1, int(rng.integers(2, 8))), (int(rng.integers(2, 8)), 1)]


def network_inputs(rng):
    """(m, T) batches each network runs on: T = 1, m = 1, and a longer sequence."""
    return [(int(rng.integers(2, 5)), 1), (1, int(rng.integers(2, 6))),
            (int(rng.integers(2, 5)), int(rng.integers(6, 12)))]


def weight_shapes(horizon, units):
    """The shapes of model.get_weights() of the exercise's network."""
    rnn = [(units, units), (units,)]  # recurrent kernel and bias, after each layer's input kernel
    return [(1, units), *rnn, (units, units), *rnn, (units, horizon), (horizon,)]


def weighted_layers(facts):
    """The layers that hold weights (an InputLayer, a Reshape or an Identity holds none)."""
    return [layer for layer in facts["layers"] if layer["weight_shapes"]]


def flat_weight_shapes(facts):
    return [tuple(shape) for layer in weighted_layers(facts) for shape in layer["weight_shapes"]]


def signature(facts):
    """What a model's summary says of its architecture (layers without weights left out)."""
    return facts.get("type") if not facts.get("is_model") else (
        [tuple(s) for s in facts["input_shapes"]], [tuple(s) for s in facts["output_shapes"]], weighted_layers(facts))


def expect_network_io(spec, facts, horizon):
    """A keras Model with input (None, 1) and the output of the exercise."""
    if not facts["is_model"]:
        raise Mismatch(f"{spec.function} should return a keras Model; got {facts['type']}.",
                       "Return the model itself: keras.Sequential([...]) or keras.Model(inputs, outputs).")
    inputs, outputs = [tuple(s) for s in facts["input_shapes"]], [tuple(s) for s in facts["output_shapes"]]
    if inputs != [(None, 1)]:
        raise Mismatch(f"The model's inputs have shapes {inputs} (batch axis left out); expected [(None, 1)]: any "
                       "number of time steps, one value each.",
                       "keras.Input(shape=(None, 1)): None lets the model read series of any length (the notebook "
                       "and the grader use several).")
    expected = spec.output_shape(horizon)
    if outputs != [expected]:
        hint = ("Sequence-to-sequence: both SimpleRNN layers return their whole sequence (return_sequences=True), so "
                "horizon values come out at every time step." if spec.every_step else
                "Sequence-to-vector: only the last hidden state goes to Dense(horizon), so the second SimpleRNN keeps "
                "return_sequences=False and the model outputs horizon values per series.")
        raise Mismatch(f"The model's outputs have shapes {outputs} (batch axis left out); expected [{expected}].", hint)


def layer_problem(spec, facts, horizon, units):
    """A Mismatch naming the first architecture fact that differs from the exercise's network,
    or None."""
    found = weighted_layers(facts)
    classes = [layer["class"] for layer in found]
    recurrent = [layer for layer in found if layer["class"] in RECURRENT]
    last = "TimeDistributed(Dense) or Dense" if spec.every_step else "Dense"
    expected = f"[SimpleRNN, SimpleRNN, {last}]"
    if any(layer["class"] in ("LSTM", "GRU") for layer in recurrent):
        return Mismatch(f"The model's layers with weights are {classes}; expected {expected}.",
                        "The exercise's network is made of SimpleRNN layers: an LSTM or a GRU has gates, other weights "
                        "and other outputs.")
    if len(recurrent) != 2 or classes[:2] != ["SimpleRNN", "SimpleRNN"] or len(found) != 3:
        return Mismatch(f"The model's layers with weights are {classes}; expected {expected}.",
                        "A deep RNN: stack two SimpleRNN layers (the first returns its whole sequence for the second "
                        "to read), then one Dense(horizon) output layer.")
    for index, layer in enumerate(found[:2]):
        if layer["units"] != units:
            return Mismatch(f"SimpleRNN layer {index + 1} has {layer['units']} units; expected units={units}.",
                            "Give both SimpleRNN layers the function's `units` argument, not a number written in the "
                            "code.")
    if found[0]["return_sequences"] is not True:
        return Mismatch("The first SimpleRNN returns only its last hidden state.",
                        "The first SimpleRNN feeds the second a sequence: return_sequences=True.")
    if found[1]["return_sequences"] is not spec.every_step:
        return Mismatch(f"The second SimpleRNN has return_sequences={found[1]['return_sequences']}; expected "
                        f"{spec.every_step}.", second_rnn_hint(spec))
    dense = found[2]["wraps"] if spec.every_step and found[2]["class"] == "TimeDistributed" else found[2]
    if dense is None or dense["class"] != "Dense":
        return Mismatch(f"The output layer is {found[2]['class']}; expected {last}.",
                        "End with a Dense(horizon) layer: it turns the hidden state into horizon forecasts.")
    if dense["units"] != horizon:
        return Mismatch(f"The output Dense layer has {dense['units']} units; expected horizon={horizon}.",
                        "The model forecasts all horizon values at once: Dense(horizon).")
    if dense["activation"] != "linear":
        return Mismatch(f"The output Dense layer has activation {dense['activation']!r}; expected a linear one.",
                        "Leave the output Dense layer linear (no activation): forecasts are real values, which an "
                        "activation such as tanh would squash.")
    count = sum(int(np.prod(shape)) for shape in weight_shapes(horizon, units))
    if facts["parameters"] != count:
        return Mismatch(f"The model has {facts['parameters']} parameters; the network of the exercise has {count}.",
                        "Two SimpleRNN(units) and one Dense(horizon), and no other layer with weights.")
    return None


def second_rnn_hint(spec):
    return ("Sequence-to-sequence: the second SimpleRNN returns its whole sequence too (return_sequences=True), so the "
            "Dense layer forecasts at every step." if spec.every_step else
            "The second SimpleRNN returns only its last hidden state (leave return_sequences False): Dense(horizon) "
            "reads that vector.")


class OutputsDiffer(Mismatch):
    """The outputs differ from the oracle's; `probe` = (weights, X, the student's outputs)."""

    def __init__(self, message, probe):
        super().__init__(message, "Check which layer reads which output, and that nothing else changes the values.")
        self.probe = probe


def first_lines(message):
    """A crash's message without its location and numbers (layer names carry a counter)."""
    kept = [line for line in message.splitlines() if "at line" not in line]
    return re.sub(r"\d+", "#", "\n".join(kept))


def known_network_mistake(spec, horizon, units, facts=None, probe=None, crash=None):
    """Hint of the catalogued wrong network that behaves like the student's at these sizes: the
    same crash, or the same architecture facts and (with a probe) the same outputs with the same
    injected weights. The entries are built here, in-process."""
    for entry in wrong_entries(ASSIGNMENT, spec.function):
        code = StudentCode(entry.implementation, spec.function)
        try:
            model = code(horizon, units)
            theirs = code.helper("keras_summary", model, label=DESCRIBING)
        except Mismatch as mismatch:
            if crash is not None and first_lines(mismatch.message) == first_lines(crash.message):
                return entry.hint
            continue
        if crash is not None or facts is None or signature(theirs) != signature(facts):
            continue
        if probe is not None:
            weights, X, actual = probe
            try:
                outputs = code.helper("keras_outputs_with_weights", model, weights, X, label=RUNNING)
            except Mismatch:
                continue
            if np.shape(outputs) != np.shape(actual) or \
                    not np.allclose(outputs, actual, rtol=KERAS_RTOL, atol=KERAS_ATOL):
                continue
        return entry.hint
    return None


def network_grader(spec):
    """Three check groups: a Model of the right inputs and outputs, the architecture facts, and
    the outputs with injected weights against the numpy oracle; each on the sizes of
    network_sizes (horizon = 1 and units = 1 included)."""
    def on_networks(check):
        """`check` on every size of network_sizes, each worth an equal share."""
        def run(student, rng):
            def one(sizes):
                horizon, units = sizes
                try:
                    model = student(horizon, units)
                    facts = student.helper("keras_summary", model, label=DESCRIBING)
                except Mismatch as crash:
                    hint = NO_INPUT_HINT if "no defined inputs" in crash.message else \
                        known_network_mistake(spec, horizon, units, crash=crash)
                    raise Mismatch(crash.message, hint or crash.hint, crash.evidence, crash.timed_out) from None
                try:
                    check(student, model, facts, horizon, units, rng)
                except Mismatch as mismatch:
                    hint = known_network_mistake(spec, horizon, units, facts, getattr(mismatch, "probe", None))
                    raise Mismatch(mismatch.message, hint or mismatch.hint, mismatch.evidence,
                                   mismatch.timed_out) from None
            return shares(network_sizes(rng), one, placed(lambda sizes: f"{spec.function}({sizes[0]}, units={sizes[1]})"),
                          sizes_of=lambda sizes: {"horizon": sizes[0], "units": sizes[1]})
        return run

    def io(student, model, facts, horizon, units, rng):
        expect_network_io(spec, facts, horizon)

    def architecture(student, model, facts, horizon, units, rng):
        if not facts["is_model"]:  # its inputs and outputs have a check of their own
            expect_network_io(spec, facts, horizon)
        problem = layer_problem(spec, facts, horizon, units)
        if problem is not None:
            raise problem

    def behaviour(student, model, facts, horizon, units, rng):
        if not facts["is_model"]:
            expect_network_io(spec, facts, horizon)
        shapes = weight_shapes(horizon, units)
        if flat_weight_shapes(facts) != shapes:
            problem = layer_problem(spec, facts, horizon, units)
            raise Mismatch(f"The model's weights have shapes {flat_weight_shapes(facts)}; the network of the exercise "
                           f"has {shapes}, so the grader's weights cannot be injected.",
                           problem.hint if problem else "Two SimpleRNN(units) and one Dense(horizon).")
        weights = [rng.normal(0, 0.5, shape) for shape in shapes]
        for m, T in network_inputs(rng):
            X = rng.normal(0, 1, (m, T, 1))
            actual = student.helper("keras_outputs_with_weights", model, weights, X, label=RUNNING)
            expected = spec.oracle_outputs(X, weights)
            if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
                raise OutputsDiffer(f"On X of shape {X.shape}, the output has shape {np.shape(actual)}; expected "
                                    f"{expected.shape}.", (weights, X, actual))
            if not np.allclose(actual, expected, rtol=KERAS_RTOL, atol=KERAS_ATOL):
                raise OutputsDiffer(f"On X of shape {X.shape}, the output differs from a numpy network of two "
                                    "SimpleRNN and a Dense with the same weights.", (weights, X, actual))

    return Grader(ASSIGNMENT, spec.function, spec.points, [
        Check("returns a keras Model with input (None, 1) (any number of steps) and output "
              f"{'(None, horizon)' if spec.every_step else '(horizon,)'}", 0.2, on_networks(io)),
        Check("two SimpleRNN(units), the first with return_sequences=True, the second with return_sequences="
              f"{spec.every_step}, then a linear Dense(horizon){' at every step' if spec.every_step else ''} "
              "(layer facts and parameter count, on 4 sizes: horizon = 1 and units = 1 included)", 0.3,
              on_networks(architecture)),
        Check("outputs match a numpy network with the same injected weights, on 4 sizes and 3 inputs each "
              "(T = 1, m = 1, horizon = 1 and units = 1 included)", 0.5, on_networks(behaviour)),
    ], oracle)


SEQ2VEC = Network("seq2vec_model", 15, every_step=False, oracle_outputs=oracle.numpy_seq2vec_outputs)
SEQ2SEQ = Network("seq2seq_model", 15, every_step=True, oracle_outputs=oracle.numpy_seq2seq_outputs)


# ------------------------------------------------------------------ iterating a one-step model

def stand_in_prediction(x):
    """The stand-in model's forecast of the next value: x (m, t, 1) -> (m, 1) float32. It reads
    the whole sequence (a weighted sum by position from the start, the last value, and the
    length t), so a sliding window, a sequence built in another order or a missing step all
    change it."""
    t = x.shape[1]
    position = np.cos(1.1 * np.arange(t) + 0.3)
    mixed = np.tanh(x[:, :, 0] @ position / np.sqrt(t))
    return (0.5 * mixed + 0.4 * x[:, -1, 0] + 0.02 * t)[:, np.newaxis].astype(np.float32)


class StandInModel:
    """A one-step model whose predictions the grader knows: `predict(x, ...)`, `predict_on_batch(x)`
    and calling the model map x (m, t, 1) to (m, 1) float32 and record a copy of every input. It
    reads arrays or tensors and answers an array that also has `.numpy()`, like a Keras model's
    output, whether it is called in-process or from a sandboxed kernel."""

    def __init__(self):
        self.inputs = []

    def predict(self, x, *args, **kwargs):
        x = np.array(as_arrays(x), dtype=float)
        self.inputs.append(x)
        if x.ndim != 3 or x.shape[2] != 1 or x.shape[1] == 0:
            raise ValueError(f"the one-step model reads inputs of shape (m, t, 1) with t >= 1; it was given an "
                             f"array of shape {x.shape}")
        return ReturnedArray.of(stand_in_prediction(x))

    def predict_on_batch(self, x):
        return self.predict(x)

    def __call__(self, x, *args, **kwargs):
        return self.predict(x)


@dataclass
class Driven:
    """One problem of forecast_iteratively: X (m, n_steps, 1) as drawn, horizon, what the student
    returned, X after the student's call, the inputs the stand-in model was given, and the
    oracle's forecasts with the same stand-in."""
    X: np.ndarray
    horizon: int
    result: object
    after: np.ndarray
    inputs: list
    expected: np.ndarray


def forecast_shape(run):
    m, _, _ = run.X.shape
    expect_shape("the returned array", run.result, (m, run.horizon),
                 "Return the horizon forecasts of every series: (m, horizon), without the feature axis.")


def forecast_values(run):
    compare_values("the returned array", run.result, run.expected, "Forecast k is the model's prediction on X "
                   "followed by the k forecasts before it; return them in order, one column per step.")


def forecast_calls(run):
    m, n_steps, _ = run.X.shape
    shapes = [x.shape for x in run.inputs]
    if len(shapes) != run.horizon:
        raise Mismatch(f"The model was called {len(shapes)} times; expected horizon = {run.horizon} times.",
                       "Forecast one value per call: call the model horizon times, each time on the sequence grown by "
                       "the value forecast before.")
    for k, (x, shape) in enumerate(zip(run.inputs, shapes)):
        if shape != (m, n_steps + k, 1):
            lengths = [s[1] if len(s) > 1 else None for s in shapes]
            raise Mismatch(f"Call {k + 1} of the model got an input of shape {shape}; expected "
                           f"{(m, n_steps + k, 1)}: X and the {k} value(s) forecast before (the inputs' lengths were "
                           f"{lengths}).",
                           "Each call reads the whole sequence so far: X followed by every value already forecast, one "
                           "step longer each time.")
        if not np.array_equal(x[:, :n_steps], run.X.astype(float)):
            raise Mismatch(f"Call {k + 1} of the model got an input whose first n_steps steps are not X.",
                           "Keep X at the start of the sequence and append each forecast at its end (axis 1).")


def forecast_unchanged(run):
    try:
        compare("X after the call", run.after, run.X)
    except Mismatch as mismatch:
        raise Mismatch(mismatch.message, "Build a new, longer array each step (np.concatenate): the caller still "
                       "needs X as it was.") from None


def known_forecast_mistake(run):
    """Hint of the catalogued wrong forecast_iteratively that behaves like the student's on this
    problem: the same forecasts, the same input shapes given to the model, the same X after."""
    for entry in wrong_entries(ASSIGNMENT, "forecast_iteratively"):
        model, X = StandInModel(), run.X.copy()
        try:
            theirs = as_arrays(StudentCode(entry.implementation, entry.function).in_place(model, X, run.horizon))
        except Mismatch:
            continue
        if matches(run.result, theirs) and [x.shape for x in model.inputs] == [x.shape for x in run.inputs] \
                and matches(run.after, X):
            return entry.hint
    return None


def driven_check(check):
    """Run `check(Driven)` on every problem of problem_sizes (m, n_steps, horizon), the model a
    fresh stand-in exposed to the student's code; each problem is worth an equal share."""
    def run(student, rng):
        def one(sizes):
            X = generate_series(sizes["m"], sizes["n_steps"], seed=int(rng.integers(2 ** 31)))
            model, given = StandInModel(), X.copy()
            result = as_arrays(student.in_place(student.expose(model, MODEL_METHODS), given, sizes["horizon"]))
            expected = oracle.forecast_iteratively(StandInModel(), X.copy(), sizes["horizon"])
            problem = Driven(X, sizes["horizon"], result, given, model.inputs, expected)
            try:
                check(problem)
            except Mismatch as mismatch:
                raise Mismatch(mismatch.message, known_forecast_mistake(problem) or mismatch.hint,
                               mismatch.evidence) from None
        return shares(problem_sizes(rng, DIMS), one, placed(
            lambda sizes: f"On X of shape ({sizes['m']}, {sizes['n_steps']}, 1), horizon={sizes['horizon']}"))
    return run


FORECAST = Grader(ASSIGNMENT, "forecast_iteratively", 20, [
    Check("returns an array (m, horizon) of floats", 0.2, driven_check(forecast_shape)),
    Check("the forecasts are the reference's with a stand-in one-step model whose predictions the grader knows, "
          "on 6 problems (m = 1, n_steps = 1 and horizon = 1 included)", 0.4, driven_check(forecast_values)),
    Check("the model is called horizon times, on inputs that grow by one step (n_steps, n_steps + 1, ...) and start "
          "with X", 0.3, driven_check(forecast_calls)),
    Check("X is left unchanged", 0.1, driven_check(forecast_unchanged)),
], oracle)


# ----------------------------------------------------------------------------------- the metric

COMPILED_PROBLEMS = 3  # a compiled metric costs a model and a graph: the first 3 sizes (all 1 included)


def metric_problems(rng):
    """(Y_true, Y_pred), both (m, n_steps, horizon) float32, on problem_sizes."""
    return [tuple(rng.normal(0, 1, (s["m"], s["n_steps"], s["horizon"])).astype(np.float32) for _ in range(2))
            for s in problem_sizes(rng, DIMS)]


def metric_sizes(Y_true):
    m, n_steps, horizon = Y_true.shape
    return dict(m=m, n_steps=n_steps, horizon=horizon)


def describe_metric(Y_true, Y_pred):
    return f"Y_true and Y_pred of shape {Y_true.shape} ({describe_sizes(metric_sizes(Y_true))})"


def last_step_errors(Y_true, Y_pred):
    """(m,): each example's mean squared error over the horizon values of the last time step."""
    difference = Y_true[:, -1].astype(float) - Y_pred[:, -1].astype(float)
    return np.mean(difference ** 2, axis=-1)


def judge_metric(name, value, Y_true, Y_pred):
    """`value` must be the last step's MSE (a number, or an array of one entry) or the (m,) vector
    of each example's last-step error."""
    try:
        value = np.asarray(as_arrays(value), dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(f"{name} is {describe(value)}, not a number.",
                       "Return the value ops.mean computes (a tensor of one number).") from None
    per_example = last_step_errors(Y_true, Y_pred)
    if value.size == 1:
        expect_close(name, value.reshape(()), np.mean(per_example), KERAS_RTOL, 1e-7)
    elif value.shape in ((len(Y_true),), (len(Y_true), 1)):
        expect_close(name + " (one value per example)", value.reshape(-1), per_example, KERAS_RTOL, 1e-7)
    else:
        raise Mismatch(f"{name} has shape {value.shape}; a metric returns one number, or one per example "
                       f"({len(Y_true)},).", "Average the squared errors with ops.mean, over every axis (or over "
                       "the horizon only, for one value per example).")


def metric_value_of(entry, Y_true, Y_pred, how):
    """A catalogued metric's value on this problem, computed here as `how` says: "numpy" (called
    on the arrays), "eager" (on Keras tensors) or "compiled" (the mean of the eager value)."""
    code = StudentCode(entry.implementation, entry.function)
    if how == "numpy":
        return np.asarray(as_arrays(code(Y_true, Y_pred)), dtype=float)
    value = code.helper("keras_metric_on_tensors", Y_true, Y_pred)
    return np.mean(value) if how == "compiled" else value


def known_metric_mistake(Y_true, Y_pred, actual, how):
    for entry in wrong_entries(ASSIGNMENT, "last_time_step_mse"):
        try:
            theirs = metric_value_of(entry, Y_true, Y_pred, how)
        except (Mismatch, TypeError, ValueError):
            continue
        if np.shape(theirs) == np.shape(actual) and np.allclose(theirs, actual, rtol=KERAS_RTOL, atol=1e-7):
            return entry.hint
    return None


def metric_check(how, count=None):
    """The metric's value on every problem (the first `count`), called as `how` says."""
    def run(student, rng):
        def one(problem):
            Y_true, Y_pred = problem
            try:
                if how == "numpy":
                    value = student(Y_true, Y_pred)
                elif how == "eager":
                    value = student.helper("keras_metric_on_tensors", Y_true, Y_pred,
                                           label="last_time_step_mse on Keras tensors")
                else:
                    value = student.helper("keras_compiled_metric", Y_true, Y_pred,
                                           label="last_time_step_mse as a compiled Keras metric")
            except Mismatch as crash:
                hint = NUMPY_METRIC_HINT if how == "compiled" and "symbolic" in crash.message else crash.hint
                raise Mismatch(crash.message, hint, crash.evidence, crash.timed_out) from None
            try:
                judge_metric("the compiled metric's value" if how == "compiled" else "the metric", value, Y_true,
                             Y_pred)
            except Mismatch as mismatch:
                try:
                    actual = np.asarray(as_arrays(value), dtype=float)
                except (TypeError, ValueError):
                    actual = None
                hint = known_metric_mistake(Y_true, Y_pred, actual, how) if actual is not None else None
                raise Mismatch(mismatch.message, hint or mismatch.hint or
                               "Only the last time step counts: square the differences Y_true[:, -1] - Y_pred[:, -1] "
                               "and average them (ops.mean(ops.square(...))).", mismatch.evidence) from None
        return shares(metric_problems(rng)[:count], one, placed(lambda problem: f"On {describe_metric(*problem)}"),
                      sizes_of=lambda problem: metric_sizes(problem[0]))
    return run


METRIC = Grader(ASSIGNMENT, "last_time_step_mse", 15, [
    Check("on numpy arrays: the mean squared error of the last time step (one number, or one per example), on 6 "
          "problems (m = 1, n_steps = 1 and horizon = 1 included)", 0.4, metric_check("numpy")),
    Check("on Keras tensors (called eagerly), the same values", 0.3, metric_check("eager")),
    Check(f"works as the metric of a compiled Keras model (graph mode), on {COMPILED_PROBLEMS} problems", 0.3,
          metric_check("compiled", COMPILED_PROBLEMS)),
], oracle)


GRADERS = [problem_checks_grader(ASSIGNMENT, oracle, SEQ2VEC_DATA), problem_checks_grader(ASSIGNMENT, oracle, NAIVE),
           network_grader(SEQ2VEC), FORECAST, problem_checks_grader(ASSIGNMENT, oracle, SEQ2SEQ_TARGETS),
           network_grader(SEQ2SEQ), METRIC]
