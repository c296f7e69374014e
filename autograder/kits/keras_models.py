"""Check groups shared by graders of functions that build or drive a Keras model of shared
layers: an LSTM cell (LSTM_cell) and a Dense layer (densor) given to the function and reused at
every time step (agent.keras_layers builds them, with a reshaper, and injects their weights).

A `ModelSpec` is a function that builds such a model, with inputs [first input, a0, c0] and
one output (n_values,) per step: its architecture (inputs, outputs, the shared layers and no
others) and its per-step outputs against the assignment's numpy oracle of the same network,
with the same injected weights. A `DriverSpec` is a function that runs such a model (the
oracle's, built here) on one example and returns arrays made of its outputs, which the spec's
own checks judge against the numpy oracle's outputs. On a mismatch, the hint is the one of the
catalogued mistake that behaves the same, when one does.

Sizes (n_values, n_a, T, m) come from `model_sizes`, weights from `layer_weights`.
"""
import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..agent import keras_layers
from ..catalogue import wrong_entries
from ..checks import Mismatch, expect_sequence
from ..grading import Check, Grader, StudentCode
from ..probes import describe_sizes
from ..shares import placed, shares

# TensorFlow's Python logger writes warnings (retracing, ...) to stderr, which zeroes a cell.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

ATOL = 1e-5  # Keras computes in float32
DRIVER_PROBLEMS = 3  # a driver runs on the first three sizes (n_a = 1 included), on one example (m = 1)
MODEL_METHODS = ("predict", "__call__")  # what a driver may call on the model it is given


@dataclass
class ModelSpec:
    """A graded function that builds a model from the shared layers.

    build(code, layers, T): calls `code` (a StudentCode) as the function, with the shared
    layers (cell, densor, reshaper) and T steps; returns the model.
    first_input(rng, n_values, m, T): the model's first input, (m, T, n_values) when
    `sequence_input`, else (m, 1, n_values).
    oracle_outputs(inputs, lstm_weights, dense_weights, T): the numpy oracle's outputs on
    inputs [first input, a0 (m, n_a), c0 (m, n_a)], a list of T arrays (m, n_values).
    steps_name: T's name in the notebook ("Tx"); inputs: the model's inputs as the check titles
    name them ("[X, a0, c0]"); compared: what the behaviour check compares ("per-step outputs").
    """
    function: str
    points: float
    build: Callable
    first_input: Callable
    oracle_outputs: Callable
    sequence_input: bool
    steps_name: str
    inputs: str
    compared: str


@dataclass
class DriverSpec:
    """A graded function that runs a model of the shared layers: called as
    function(model, first input, a0, c0) on one example, returning the values `returns` names.

    model(cell, densor, T): the oracle's function that builds the model it is given.
    first_input(n_values): the model's first input (1, 1, n_values), float32.
    oracle_outputs: as in ModelSpec.
    checks: [(title, weight, check(returned, oracle outputs, n_values, T))], each raising a
    Mismatch when the returned values are wrong.
    """
    function: str
    points: float
    model: Callable
    first_input: Callable
    oracle_outputs: Callable
    steps_name: str
    returns: tuple
    checks: list


def model_sizes(rng):
    """(n_values, n_a, T, m): distinct sizes, then n_a = 1, T = 1 and m = 1 edge cases."""
    def draw():
        return int(rng.integers(4, 12)), int(rng.integers(2, 7)), int(rng.integers(2, 6)), int(rng.integers(2, 5))
    sizes = [draw(), draw()]
    for index in (1, 2, 3):
        size = list(draw())
        size[index] = 1
        sizes.append(tuple(size))
    return sizes


def layer_weights(rng, n_values, n_a):
    """Fresh random weights of the notebook's LSTM_cell (kernel, recurrent kernel, bias; Keras
    gate order i, f, c, o) and densor (kernel, bias), as numpy arrays for the oracle."""
    lstm = [rng.normal(0, 0.6, shape) for shape in ((n_values, 4 * n_a), (n_a, 4 * n_a), (4 * n_a,))]
    dense = [rng.normal(0, 0.6, shape) for shape in ((n_a, n_values), (n_values,))]
    return lstm, dense


def outputs_of(student, model, inputs):
    """The model's outputs on `inputs` as a list of numpy arrays (one per step), computed where
    the student's code runs. Running the student's model runs the student's code: its failures
    are reported as theirs."""
    return student.helper("model_outputs", model, inputs, label="running the model you built")


def returned_arrays(result):
    """A driver's returned values as float arrays, for comparing with a catalogued mistake's."""
    if not isinstance(result, (tuple, list)):
        return []
    return [np.asarray(part, dtype=float) for part in result]


def expect_model(name, facts, input_shapes, n_outputs, n_values):
    """`facts` (agent.model_facts of the returned value) describe a keras Model with these
    inputs (batch axis left out) and `n_outputs` outputs of shape (n_values,)."""
    if not facts["is_model"]:
        raise Mismatch(f"{name} should return a keras Model; got {facts['type']}.",
                       "End with `return Model(inputs=[...], outputs=outputs)`.")
    shapes = [tuple(shape) for shape in facts["input_shapes"]]
    if shapes != input_shapes:
        raise Mismatch(f"The model's inputs have shapes {shapes} (batch axis left out); expected {input_shapes}.",
                       "The inputs are, in this order, the sequence, a0 and c0.")
    if len(facts["output_shapes"]) != n_outputs:
        raise Mismatch(f"The model has {len(facts['output_shapes'])} outputs; expected {n_outputs}, one per time "
                       "step.", "Append the Dense layer's output to `outputs` at every step and pass the list to Model.")
    for i, shape in enumerate(facts["output_shapes"]):
        if tuple(shape) != (n_values,):
            raise Mismatch(f"Output {i} has shape {tuple(shape)}; expected ({n_values},).")


def expect_shared(facts):
    """One LSTM and one Dense, the given ones, and no other weights."""
    if not facts["lstm_is_given"]:
        raise Mismatch(f"The model holds {facts['lstm_layers']} LSTM layer(s); it should reuse the given LSTM_cell "
                       "at every step and create none.", "Call LSTM_cell(...) inside the loop; never LSTM(...) there.")
    if not facts["dense_is_given"]:
        raise Mismatch(f"The model holds {facts['dense_layers']} Dense layer(s); it should reuse the given densor.",
                       "Call densor(...) inside the loop; never Dense(...) there.")
    if facts["parameters"] != facts["shared_parameters"]:
        raise Mismatch(f"The model has {facts['parameters']} parameters; the shared layers have "
                       f"{facts['shared_parameters']}.")


def same_outputs(actual, other):
    return len(actual) == len(other) and all(
        a.shape == b.shape and np.allclose(a, b, atol=ATOL) for a, b in zip(actual, other))


def compare_steps(actual, expected, diagnose):
    """Per-step outputs against the oracle; on a mismatch the first wrong step, and the hint
    diagnose() finds (computed only then)."""
    expect_sequence("the model's outputs", actual, len(expected))
    for t, (got, want) in enumerate(zip(actual, expected)):
        if got.shape != want.shape or not np.allclose(got, want, atol=ATOL):
            raise Mismatch(f"Output {t} (time step {t}) differs from a numpy LSTM with the same weights"
                           + (" (steps before it are right)." if t else "."),
                           diagnose() or "Check what each step feeds the LSTM and what carries over to the next step.")


def known_mistake(assignment, function, observe, actual, sizes, weights):
    """Hint of the catalogued wrong implementation that behaves like the student's: each runs
    here, as `observe(code, layers)` on fresh layers (cell, densor, reshaper) with the same
    weights, and what it observes must equal `actual`."""
    n_values, n_a = sizes
    for entry in wrong_entries(assignment, function):
        probe = StudentCode(entry.implementation, entry.slug)
        try:
            with probe.notebook_globals(n_values=n_values, n_a=n_a):
                theirs = observe(probe, keras_layers(n_values, n_a, *weights))
        except Mismatch:
            continue
        if same_outputs(actual, theirs):
            return entry.hint
    return None


# ------------------------------------------------------------------------ building a model

def model_grader(assignment, oracle, spec):
    """The three check groups of a ModelSpec: structure, shared layers, behaviour."""
    def on_sizes(check, all_sizes=True):
        """`check` on every size of model_sizes (or the first), each worth an equal share."""
        def named(sizes):
            n_values, n_a, T, m = sizes
            return {"n_values": n_values, "n_a": n_a, spec.steps_name: T, "m": m}

        def run(student, rng):
            def one(sizes):
                n_values, n_a, T, m = sizes
                weights = layer_weights(rng, n_values, n_a)
                layers = student.helper("keras_layers", n_values, n_a, *weights)
                cell, densor, _ = layers
                # the globals stay defined while the model runs: Lambda layers read them then
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    model = spec.build(student, layers, T)
                    facts = student.helper("model_facts", model, cell, densor)
                    first_shape = (T if spec.sequence_input else 1, n_values)
                    expect_model(spec.function, facts, [first_shape, (n_a,), (n_a,)], T, n_values)
                    check(student, model, facts, weights, (n_values, n_a, T, m), rng)
            return shares(model_sizes(rng)[:None if all_sizes else 1], one,
                          placed(lambda sizes: f"With {describe_sizes(named(sizes))}"), sizes_of=named)
        return run

    def structure(*rest):
        pass  # on_sizes checks the inputs and outputs of every model

    def sharing(student, model, facts, *rest):
        expect_shared(facts)

    def behaviour(student, model, facts, weights, sizes, rng):
        n_values, n_a, T, m = sizes
        inputs = [spec.first_input(rng, n_values, m, T), rng.normal(0, 1, (m, n_a)), rng.normal(0, 1, (m, n_a))]
        actual = outputs_of(student, model, inputs)
        compare_steps(actual, spec.oracle_outputs(inputs, *weights, T), lambda: known_mistake(
            assignment, spec.function, lambda code, layers: outputs_of(code, spec.build(code, layers, T), inputs),
            actual, (n_values, n_a), weights))

    return Grader(assignment, spec.function, spec.points, [
        Check(f"returns a keras Model with inputs {spec.inputs} and {spec.steps_name} outputs of n_values", 0.2,
              on_sizes(structure)),
        Check("reuses the one shared LSTM_cell and densor at every step (parameter count)", 0.2,
              on_sizes(sharing, all_sizes=False)),
        Check(f"{spec.compared} match a numpy LSTM with the same injected weights, on 5 fresh sizes "
              f"({spec.steps_name} = 1, m = 1 and n_a = 1 included)", 0.6, on_sizes(behaviour)),
    ], oracle)


# ------------------------------------------------------------------------- driving a model

def driver_grader(assignment, oracle, spec):
    """A DriverSpec's checks, each run on the oracle's model of DRIVER_PROBLEMS sizes."""
    def on_models(check):
        def named(sizes):
            return {"n_values": sizes[0], spec.steps_name: sizes[2]}

        def run(student, rng):
            def one(sizes):
                n_values, n_a, T, _ = sizes
                weights = layer_weights(rng, n_values, n_a)
                cell, densor, _ = keras_layers(n_values, n_a, *weights)
                model = spec.model(cell, densor, T)  # runs here, called from the student's code
                x0 = spec.first_input(n_values)
                a0 = rng.normal(0, 1, (1, n_a)).astype("float32")
                c0 = rng.normal(0, 1, (1, n_a)).astype("float32")
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    out = student.in_place(student.expose(model, MODEL_METHODS), x0, a0, c0)
                expected = spec.oracle_outputs([x.astype(float) for x in (x0, a0, c0)], *weights, T)
                try:
                    expect_sequence(f"{spec.function}'s return value", out, len(spec.returns), spec.returns)
                    check(out, expected, n_values, T)
                except Mismatch as mismatch:
                    hint = known_mistake(assignment, spec.function,
                                         lambda code, layers: returned_arrays(code.in_place(model, x0, a0, c0)),
                                         returned_arrays(out), (n_values, n_a), weights)
                    raise Mismatch(mismatch.message, hint or mismatch.hint, mismatch.evidence) from None
            return shares(model_sizes(rng)[:DRIVER_PROBLEMS], one,
                          placed(lambda sizes: f"With {describe_sizes(named(sizes))}"), sizes_of=named)
        return run

    return Grader(assignment, spec.function, spec.points,
                  [Check(title, weight, on_models(check)) for title, weight, check in spec.checks], oracle)
