"""Hidden tests of assignment 3: the Keras 3 training model, the inference model with greedy
feedback, and predict_and_sample. Architecture facts (shared layers, parameter counts, inputs,
outputs) and behaviour with weights injected into the student's layers, compared step by step
with a numpy oracle of the same network. Never layer names, summary text or trained losses."""
import numpy as np

from ...checks import Mismatch, compare
from ...kits.keras_models import DriverSpec, ModelSpec, driver_grader, model_grader
from . import catalogue, oracle  # noqa: F401  (importing the catalogue registers the entries that name mistakes)

ASSIGNMENT = "jazz_lstm"


def one_hot_notes(rng, n_values, m, steps):
    """(m, steps, n_values): random notes, one-hot."""
    return np.eye(n_values)[rng.integers(0, n_values, (m, steps))]


# ---------------------------------------------------------- djmodel and music_inference_model

def build_training_model(code, layers, Tx):
    cell, densor, reshaper = layers
    return code.in_place(Tx, cell, densor, reshaper)


def build_inference_model(code, layers, Ty):
    cell, densor, _ = layers
    return code.in_place(cell, densor, Ty)


def training_outputs(inputs, lstm_weights, dense_weights, Tx):
    return oracle.numpy_training_outputs(*inputs, lstm_weights, dense_weights)


def inference_outputs(inputs, lstm_weights, dense_weights, Ty):
    return oracle.numpy_inference_outputs(*inputs, lstm_weights, dense_weights, Ty)


DJMODEL = ModelSpec("djmodel", 40, build_training_model, first_input=one_hot_notes,
                    oracle_outputs=training_outputs, sequence_input=True, steps_name="Tx", inputs="[X, a0, c0]",
                    compared="per-step outputs")
INFERENCE = ModelSpec("music_inference_model", 40, build_inference_model,
                      first_input=lambda rng, n_values, m, Ty: one_hot_notes(rng, n_values, m, 1),
                      oracle_outputs=inference_outputs, sequence_input=False, steps_name="Ty",
                      inputs="[x0, a0, c0]", compared="greedy feedback")


# ------------------------------------------------------------------------ predict_and_sample
# Each check gets the returned (results, indices) and the oracle's outputs: Ty arrays (1, n_values).

def returns_shapes(out, expected, n_values, Ty):
    results, got = (np.asarray(x) for x in out)
    if results.shape != (Ty, n_values) or got.shape != (Ty, 1):
        raise Mismatch(f"results has shape {results.shape} and indices {got.shape}; expected ({Ty}, {n_values}) "
                       f"and ({Ty}, 1).", "Return results first, then indices; argmax over the last axis.")


def indices_are_argmax(out, expected, n_values, Ty):
    indices = np.argmax(np.array(expected), axis=-1)  # (Ty, 1)
    got = np.asarray(out[1]).reshape(-1)
    if got.shape != (Ty,) or not np.array_equal(got, indices.reshape(-1)):
        raise Mismatch(f"indices are {got.tolist()[:10]}; the argmax of each step's prediction is "
                       f"{indices.reshape(-1).tolist()[:10]}.",
                       "np.argmax(pred, axis=-1): the last axis holds the n_values probabilities.")


def results_are_one_hot(out, expected, n_values, Ty):
    indices = np.asarray(out[1]).reshape(-1).astype(int)
    if indices.min() < 0 or indices.max() >= n_values:
        raise Mismatch(f"indices should lie in 0..{n_values - 1}; got {indices.tolist()[:10]}.")
    try:
        compare("results", np.asarray(out[0], dtype=float), np.eye(n_values)[indices])
    except Mismatch as mismatch:
        raise Mismatch(mismatch.message, "results[t] is the one-hot vector of indices[t]: "
                       "to_categorical(indices, num_classes=n_values).") from None


PREDICT = DriverSpec("predict_and_sample", 20, oracle.music_inference_model,
                     first_input=lambda n_values: np.zeros((1, 1, n_values), dtype="float32"),
                     oracle_outputs=inference_outputs, steps_name="Ty", returns=("results", "indices"), checks=[
                         ("returns results (Ty, n_values) and indices (Ty, 1)", 0.3, returns_shapes),
                         ("indices are the argmax of the model's prediction at every step", 0.4, indices_are_argmax),
                         ("results are the one-hot vectors of indices", 0.3, results_are_one_hot)])

GRADERS = [model_grader(ASSIGNMENT, oracle, DJMODEL), model_grader(ASSIGNMENT, oracle, INFERENCE),
           driver_grader(ASSIGNMENT, oracle, PREDICT)]
