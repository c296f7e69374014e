"""Hidden tests of assignment 3: the Keras 3 training model, the inference model with greedy
feedback, and predict_and_sample. Architecture facts (shared layers, parameter counts, inputs,
outputs) and behaviour with weights injected into the student's layers, compared step by step
with a numpy oracle of the same network. Never layer names, summary text or trained losses."""
import logging

import numpy as np

from ..checks import Mismatch, compare, expect_sequence
from ..grading import Check, Grader, StudentCode
from ..oracle import jazz_lstm as oracle

# TensorFlow's Python logger writes warnings (retracing, ...) to stderr, which zeroes a cell.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

ASSIGNMENT = "jazz_lstm"
ATOL = 1e-5  # Keras computes in float32
keras = oracle.keras  # loaded quietly by the oracle


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


def shared_layers(rng, n_values, n_a):
    """The notebook's LSTM_cell, densor and reshaper, built, with fresh random weights.
    Returns the layers and their weights (numpy, for the oracle)."""
    cell, densor = oracle.LSTM(n_a, return_state=True), oracle.Dense(n_values, activation="softmax")
    cell.build((None, 1, n_values))
    densor.build((None, n_a))
    lstm_weights = [rng.normal(0, 0.6, w.shape) for w in cell.get_weights()]
    dense_weights = [rng.normal(0, 0.6, w.shape) for w in densor.get_weights()]
    cell.set_weights(lstm_weights)
    densor.set_weights(dense_weights)
    return cell, densor, oracle.Reshape((1, n_values)), lstm_weights, dense_weights


def outputs_of(model, inputs):
    """The model's outputs on `inputs` as a list of numpy arrays (one per step). Running the
    student's model runs the student's code: its failures are reported as theirs."""
    def run(model, inputs):
        out = model([np.asarray(x, dtype="float32") for x in inputs])
        return [np.asarray(o, dtype=float) for o in (out if isinstance(out, (list, tuple)) else [out])]
    return StudentCode(run, "running the model you built").in_place(model, inputs)


def expect_model(name, model, input_shapes, n_outputs, n_values):
    if not isinstance(model, keras.Model):
        raise Mismatch(f"{name} should return a keras Model; got {type(model).__name__}.",
                       "End with `return Model(inputs=[...], outputs=outputs)`.")
    shapes = [tuple(i.shape[1:]) for i in model.inputs]
    if shapes != input_shapes:
        raise Mismatch(f"The model's inputs have shapes {shapes} (batch axis left out); expected {input_shapes}.",
                       "The inputs are, in this order, the sequence, a0 and c0.")
    if len(model.outputs) != n_outputs:
        raise Mismatch(f"The model has {len(model.outputs)} outputs; expected {n_outputs}, one per time step.",
                       "Append the Dense layer's output to `outputs` at every step and pass the list to Model.")
    for i, out in enumerate(model.outputs):
        if tuple(out.shape[1:]) != (n_values,):
            raise Mismatch(f"Output {i} has shape {tuple(out.shape[1:])}; expected ({n_values},).")


def expect_shared(model, cell, densor):
    """One LSTM and one Dense, the given ones, and no other weights."""
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(lstms) != 1 or lstms[0] is not cell:
        raise Mismatch(f"The model holds {len(lstms)} LSTM layer(s); it should reuse the given LSTM_cell at every "
                       "step and create none.", "Call LSTM_cell(...) inside the loop; never LSTM(...) there.")
    if len(denses) != 1 or denses[0] is not densor:
        raise Mismatch(f"The model holds {len(denses)} Dense layer(s); it should reuse the given densor.",
                       "Call densor(...) inside the loop; never Dense(...) there.")
    expected = cell.count_params() + densor.count_params()
    if model.count_params() != expected:
        raise Mismatch(f"The model has {model.count_params()} parameters; the shared layers have {expected}.")


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


def known_mistake(function, call, observe, actual, n_values, n_a):
    """Hint of the catalogued wrong implementation that behaves like the student's: each is
    called as `call(code)` with the same layers, and `observe(result)` must equal `actual`."""
    from ..catalogue import wrong_entries
    for entry in wrong_entries(ASSIGNMENT, function):
        probe = StudentCode(entry.implementation, entry.slug)
        try:
            with probe.notebook_globals(n_values=n_values, n_a=n_a):
                theirs = observe(call(probe))
        except Mismatch:
            continue
        if same_outputs(actual, theirs):
            return entry.hint
    return None


# ------------------------------------------------------------------------------ djmodel

def djmodel_grader():
    def on_sizes(check, all_sizes=True):
        def run(student, rng):
            for sizes in problem_sizes(rng)[:None if all_sizes else 1]:
                n_values, n_a, Tx, m = sizes
                cell, densor, reshaper, lstm_weights, dense_weights = shared_layers(rng, n_values, n_a)
                # the globals stay defined while the model runs: Lambda layers read them then
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    model = student.in_place(Tx, cell, densor, reshaper)
                    try:
                        expect_model("djmodel", model, [(Tx, n_values), (n_a,), (n_a,)], Tx, n_values)
                        check(model, cell, densor, lstm_weights, dense_weights, sizes, rng)
                    except Mismatch as mismatch:
                        raise Mismatch(f"With n_values={n_values}, n_a={n_a}, Tx={Tx}, m={m}: {mismatch.message}",
                                       mismatch.hint) from None
        return run

    def structure(model, *rest):
        pass

    def sharing(model, cell, densor, *rest):
        expect_shared(model, cell, densor)

    def behaviour(model, cell, densor, lstm_weights, dense_weights, sizes, rng):
        n_values, n_a, Tx, m = sizes
        X = np.eye(n_values)[rng.integers(0, n_values, (m, Tx))]
        a0, c0 = rng.normal(0, 1, (m, n_a)), rng.normal(0, 1, (m, n_a))
        actual = outputs_of(model, [X, a0, c0])

        def build(code):
            return code.in_place(Tx, cell, densor, oracle.Reshape((1, n_values)))
        compare_steps(actual, oracle.numpy_training_outputs(X, a0, c0, lstm_weights, dense_weights),
                      lambda: known_mistake("djmodel", build, lambda built: outputs_of(built, [X, a0, c0]),
                                            actual, n_values, n_a))

    return Grader(ASSIGNMENT, "djmodel", 40, [
        Check("returns a keras Model with inputs [X, a0, c0] and Tx outputs of n_values", 0.2,
              on_sizes(structure)),
        Check("reuses the one shared LSTM_cell and densor at every step (parameter count)", 0.2,
              on_sizes(sharing, all_sizes=False)),
        Check("per-step outputs match a numpy LSTM with the same injected weights, on 5 fresh sizes "
              "(Tx = 1, m = 1 and n_a = 1 included)", 0.6, on_sizes(behaviour)),
    ], oracle)


# ----------------------------------------------------------------- music_inference_model

def inference_grader():
    def on_sizes(check, all_sizes=True):
        def run(student, rng):
            for n_values, n_a, Ty, m in problem_sizes(rng)[:None if all_sizes else 1]:
                cell, densor, _, lstm_weights, dense_weights = shared_layers(rng, n_values, n_a)
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    model = student.in_place(cell, densor, Ty)
                    try:
                        expect_model("music_inference_model", model, [(1, n_values), (n_a,), (n_a,)], Ty,
                                     n_values)
                        check(model, cell, densor, lstm_weights, dense_weights, (n_values, n_a, Ty, m), rng)
                    except Mismatch as mismatch:
                        raise Mismatch(f"With n_values={n_values}, n_a={n_a}, Ty={Ty}, m={m}: {mismatch.message}",
                                       mismatch.hint) from None
        return run

    def structure(model, *rest):
        pass

    def sharing(model, cell, densor, *rest):
        expect_shared(model, cell, densor)

    def behaviour(model, cell, densor, lstm_weights, dense_weights, sizes, rng):
        n_values, n_a, Ty, m = sizes
        x0 = np.eye(n_values)[rng.integers(0, n_values, (m, 1))]
        a0, c0 = rng.normal(0, 1, (m, n_a)), rng.normal(0, 1, (m, n_a))
        actual = outputs_of(model, [x0, a0, c0])
        compare_steps(actual, oracle.numpy_inference_outputs(x0, a0, c0, lstm_weights, dense_weights, Ty),
                      lambda: known_mistake("music_inference_model", lambda code: code.in_place(cell, densor, Ty),
                                            lambda built: outputs_of(built, [x0, a0, c0]), actual, n_values, n_a))

    return Grader(ASSIGNMENT, "music_inference_model", 40, [
        Check("returns a keras Model with inputs [x0, a0, c0] and Ty outputs of n_values", 0.2,
              on_sizes(structure)),
        Check("reuses the one shared LSTM_cell and densor at every step (parameter count)", 0.2,
              on_sizes(sharing, all_sizes=False)),
        Check("greedy feedback matches a numpy LSTM with the same injected weights, on 5 fresh sizes "
              "(Ty = 1, m = 1 and n_a = 1 included)", 0.6, on_sizes(behaviour)),
    ], oracle)


# -------------------------------------------------------------------- predict_and_sample

def predict_grader():
    def on_models(check):
        def run(student, rng):
            for n_values, n_a, Ty, _ in problem_sizes(rng)[:3]:
                cell, densor, _, lstm_weights, dense_weights = shared_layers(rng, n_values, n_a)
                model = oracle.music_inference_model(cell, densor, Ty)
                x0 = np.zeros((1, 1, n_values), dtype="float32")
                a0 = rng.normal(0, 1, (1, n_a)).astype("float32")
                c0 = rng.normal(0, 1, (1, n_a)).astype("float32")
                with student.notebook_globals(n_values=n_values, n_a=n_a):
                    out = student.in_place(model, x0, a0, c0)
                expected = oracle.numpy_inference_outputs(x0.astype(float), a0.astype(float), c0.astype(float),
                                                          lstm_weights, dense_weights, Ty)
                indices = np.argmax(np.array(expected), axis=-1)  # (Ty, 1)
                try:
                    expect_sequence("predict_and_sample's return value", out, 2, ("results", "indices"))
                    check(out, indices, n_values, Ty)
                except Mismatch as mismatch:
                    hint = known_mistake("predict_and_sample", lambda code: code.in_place(model, x0, a0, c0),
                                         returned_arrays, returned_arrays(out), n_values, n_a)
                    raise Mismatch(f"With n_values={n_values}, Ty={Ty}: {mismatch.message}",
                                   hint or mismatch.hint) from None
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
