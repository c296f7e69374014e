"""Hidden tests of assignment 3: the Keras 3 training model, the inference model with greedy
feedback, and predict_and_sample. Architecture facts (shared layers, parameter counts, inputs,
outputs) and behaviour with weights injected into the student's layers, compared step by step
with a numpy oracle of the same network. Never layer names, summary text or trained losses."""
import logging

import numpy as np

from ...agent import keras_layers
from ...catalogue import wrong_entries
from ...checks import Mismatch, compare, expect_sequence
from ...grading import Check, Grader, StudentCode
from . import catalogue, oracle  # noqa: F401  (importing the catalogue registers the entries that name mistakes)

# TensorFlow's Python logger writes warnings (retracing, ...) to stderr, which zeroes a cell.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

ASSIGNMENT = "jazz_lstm"
ATOL = 1e-5  # Keras computes in float32


def problem_sizes(rng):
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


def known_mistake(function, call, observe, actual, sizes, weights):
    """Hint of the catalogued wrong implementation that behaves like the student's: each runs
    here, as `call(code, layers)` on fresh layers (cell, densor, reshaper) with the same
    weights, and `observe(code, result)` must equal `actual`."""
    n_values, n_a = sizes
    for entry in wrong_entries(ASSIGNMENT, function):
        probe = StudentCode(entry.implementation, entry.slug)
        try:
            with probe.notebook_globals(n_values=n_values, n_a=n_a):
                theirs = observe(probe, call(probe, keras_layers(n_values, n_a, *weights)))
        except Mismatch:
            continue
        if same_outputs(actual, theirs):
            return entry.hint
    return None


# ------------------------------------------------- djmodel and music_inference_model

def model_checks(function, build, first_input, oracle_outputs, steps_name):
    """The three check groups of a function that builds a Keras model from the shared layers.

    build(code, layers, T) calls the function with the shared layers (cell, densor, reshaper); first_input(rng, n_values, m,
    T) draws its first input; oracle_outputs(inputs, lstm_weights, dense_weights, T) is the
    numpy oracle's per-step outputs."""
    def on_sizes(check, all_sizes=True):
        def run(student, rng):
            for n_values, n_a, T, m in problem_sizes(rng)[:None if all_sizes else 1]:
                weights = layer_weights(rng, n_values, n_a)
                layers = student.helper("keras_layers", n_values, n_a, *weights)
                cell, densor, _ = layers
                # the globals stay defined while the model runs: Lambda layers read them then
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    model = build(student, layers, T)
                    facts = student.helper("model_facts", model, cell, densor)
                    try:
                        # the training model reads a sequence of T notes, the inference model one note
                        first_shape = (T if steps_name == "Tx" else 1, n_values)
                        expect_model(function, facts, [first_shape, (n_a,), (n_a,)], T, n_values)
                        check(student, model, facts, weights, (n_values, n_a, T, m), rng)
                    except Mismatch as mismatch:
                        raise Mismatch(f"With n_values={n_values}, n_a={n_a}, {steps_name}={T}, m={m}: "
                                       f"{mismatch.message}", mismatch.hint) from None
        return run

    def structure(*rest):
        pass

    def sharing(student, model, facts, *rest):
        expect_shared(facts)

    def behaviour(student, model, facts, weights, sizes, rng):
        n_values, n_a, T, m = sizes
        inputs = [first_input(rng, n_values, m, T), rng.normal(0, 1, (m, n_a)), rng.normal(0, 1, (m, n_a))]
        actual = outputs_of(student, model, inputs)
        compare_steps(actual, oracle_outputs(inputs, *weights, T), lambda: known_mistake(
            function, lambda code, layers: build(code, layers, T),
            lambda code, built: outputs_of(code, built, inputs), actual, (n_values, n_a), weights))

    inputs = "[X, a0, c0]" if steps_name == "Tx" else "[x0, a0, c0]"
    return [
        Check(f"returns a keras Model with inputs {inputs} and {steps_name} outputs of n_values", 0.2,
              on_sizes(structure)),
        Check("reuses the one shared LSTM_cell and densor at every step (parameter count)", 0.2,
              on_sizes(sharing, all_sizes=False)),
        Check(("per-step outputs" if steps_name == "Tx" else "greedy feedback") + " match a numpy LSTM with the "
              f"same injected weights, on 5 fresh sizes ({steps_name} = 1, m = 1 and n_a = 1 included)", 0.6,
              on_sizes(behaviour)),
    ]


def djmodel_grader():
    def build(code, layers, Tx):
        cell, densor, reshaper = layers
        return code.in_place(Tx, cell, densor, reshaper)

    def sequence(rng, n_values, m, Tx):
        return np.eye(n_values)[rng.integers(0, n_values, (m, Tx))]

    def expected(inputs, lstm_weights, dense_weights, Tx):
        return oracle.numpy_training_outputs(*inputs, lstm_weights, dense_weights)

    return Grader(ASSIGNMENT, "djmodel", 40, model_checks("djmodel", build, sequence, expected, "Tx"), oracle)


def inference_grader():
    def build(code, layers, Ty):
        cell, densor, _ = layers
        return code.in_place(cell, densor, Ty)

    def first_note(rng, n_values, m, Ty):
        return np.eye(n_values)[rng.integers(0, n_values, (m, 1))]

    def expected(inputs, lstm_weights, dense_weights, Ty):
        return oracle.numpy_inference_outputs(*inputs, lstm_weights, dense_weights, Ty)

    return Grader(ASSIGNMENT, "music_inference_model",
                  40, model_checks("music_inference_model", build, first_note, expected, "Ty"), oracle)


# -------------------------------------------------------------------- predict_and_sample

def predict_grader():
    def on_models(check):
        def run(student, rng):
            for n_values, n_a, Ty, _ in problem_sizes(rng)[:3]:
                weights = layer_weights(rng, n_values, n_a)
                cell, densor, _ = keras_layers(n_values, n_a, *weights)
                model = oracle.music_inference_model(cell, densor, Ty)  # runs here, called from the student's code
                x0 = np.zeros((1, 1, n_values), dtype="float32")
                a0 = rng.normal(0, 1, (1, n_a)).astype("float32")
                c0 = rng.normal(0, 1, (1, n_a)).astype("float32")
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    out = student.in_place(student.expose(model, ("predict", "__call__")), x0, a0, c0)
                expected = oracle.numpy_inference_outputs(x0.astype(float), a0.astype(float), c0.astype(float),
                                                          *weights, Ty)
                indices = np.argmax(np.array(expected), axis=-1)  # (Ty, 1)
                try:
                    expect_sequence("predict_and_sample's return value", out, 2, ("results", "indices"))
                    check(out, indices, n_values, Ty)
                except Mismatch as mismatch:
                    hint = known_mistake("predict_and_sample", lambda code, layers: code.in_place(model, x0, a0, c0),
                                         lambda code, result: returned_arrays(result), returned_arrays(out),
                                         (n_values, n_a), weights)
                    raise Mismatch(f"With n_values={n_values}, Ty={Ty}: {mismatch.message}",
                                   hint or mismatch.hint, mismatch.evidence) from None
        return run

    def returned_arrays(result):
        """(results, indices) as float arrays, for comparing with a catalogued mistake's."""
        if not isinstance(result, (tuple, list)):
            return []
        return [np.asarray(part, dtype=float) for part in result]

    def shapes(out, indices, n_values, Ty):
        results, got = (np.asarray(x) for x in out)
        if results.shape != (Ty, n_values) or got.shape != (Ty, 1):
            raise Mismatch(f"results has shape {results.shape} and indices {got.shape}; expected ({Ty}, {n_values}) "
                           f"and ({Ty}, 1).", "Return results first, then indices; argmax over the last axis.")

    def chosen(out, indices, n_values, Ty):
        got = np.asarray(out[1]).reshape(-1)
        if got.shape != (Ty,) or not np.array_equal(got, indices.reshape(-1)):
            raise Mismatch(f"indices are {got.tolist()[:10]}; the argmax of each step's prediction is "
                           f"{indices.reshape(-1).tolist()[:10]}.",
                           "np.argmax(pred, axis=-1): the last axis holds the n_values probabilities.")

    def one_hot(out, indices, n_values, Ty):
        chosen = np.asarray(out[1]).reshape(-1).astype(int)
        if chosen.min() < 0 or chosen.max() >= n_values:
            raise Mismatch(f"indices should lie in 0..{n_values - 1}; got {chosen.tolist()[:10]}.")
        try:
            compare("results", np.asarray(out[0], dtype=float), np.eye(n_values)[chosen])
        except Mismatch as mismatch:
            raise Mismatch(mismatch.message, "results[t] is the one-hot vector of indices[t]: "
                           "to_categorical(indices, num_classes=n_values).") from None

    return Grader(ASSIGNMENT, "predict_and_sample", 20, [
        Check("returns results (Ty, n_values) and indices (Ty, 1)", 0.3, on_models(shapes)),
        Check("indices are the argmax of the model's prediction at every step", 0.4, on_models(chosen)),
        Check("results are the one-hot vectors of indices", 0.3, on_models(one_hot)),
    ], oracle)


GRADERS = [djmodel_grader(), inference_grader(), predict_grader()]
