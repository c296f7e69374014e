"""Reference oracle for assignment 3 (jazz_lstm): the Keras 3 models, and a numpy oracle of the
same network that hidden tests compare per-step outputs against (weights injected).

Shapes: X (m, Tx, n_values); a0, c0 (m, n_a); x0 (m, 1, n_values); a model's outputs are a
list of Tx (or Ty) arrays (m, n_values). Keras' LSTM packs its gates as i, f, c, o:
kernel (n_values, 4 n_a), recurrent_kernel (n_a, 4 n_a), bias (4 n_a,).
"""
import os

import numpy as np

from ...agent import silenced_native_stderr

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
with silenced_native_stderr():  # TensorFlow logs to descriptor 2 while it loads
    import tensorflow as tf  # noqa: F401
    import keras
    # The names the notebook's setup cell defines before the exercises (solutions call them by
    # name; those written for the original course use tf on real arrays, e.g. the predictions).
    from keras.layers import LSTM, Activation, Dense, Dropout, Input, Lambda, RepeatVector, Reshape  # noqa: F401
    from keras.models import Model
    from keras.optimizers import Adam  # noqa: F401
    from keras.utils import to_categorical

# What the notebook's data cell defines before the exercises, at the notebook's sizes: solutions
# written for the original course read the start values as default arguments
# (`def predict_and_sample(inference_model, x_initializer=x_initializer, ...)`). With the names
# above, a reference namespace (graders.reference_namespace, where the catalogue runs) offers a
# solution what the notebook does; tests/test_jazz_namespace.py holds the two together. The
# functions here never read these: they take their sizes from the layers.
n_values, n_a = 40, 64
x_initializer = np.zeros((1, 1, n_values))
a_initializer = np.zeros((1, n_a))
c_initializer = np.zeros((1, n_a))


def djmodel(Tx, LSTM_cell, densor, reshaper):
    """Training model: the shared LSTM_cell and densor applied at each of Tx steps.
    Inputs [X (Tx, n_values), a0 (n_a,), c0 (n_a,)]; Tx outputs (n_values,) each."""
    n_values, n_a = densor.units, LSTM_cell.units
    X = Input(shape=(Tx, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = reshaper(X[:, t, :])
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[X, a0, c0], outputs=outputs)


def music_inference_model(LSTM_cell, densor, Ty=100):
    """Inference model: each step's greedy choice (one-hot of the argmax) is the next input.
    Inputs [x0 (1, n_values), a0 (n_a,), c0 (n_a,)]; Ty outputs (n_values,) each."""
    n_values, n_a = densor.units, LSTM_cell.units
    x0 = Input(shape=(1, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
    return Model(inputs=[x0, a0, c0], outputs=outputs)


def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):
    """Run the inference model on one example. Returns results (Ty, n_values), the one-hot
    of each step's choice, and indices (Ty, 1)."""
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    if not isinstance(pred, list):  # a one-output model (Ty = 1) returns a bare array
        pred = [pred]
    indices = np.argmax(np.array(pred), axis=-1)
    results = to_categorical(indices, num_classes=x_initializer.shape[-1])
    return results, indices


# ------------------------------------------------------------------------ numpy oracle

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def lstm_step(x, a, c, kernel, recurrent_kernel, bias):
    """One Keras-convention LSTM step. x (m, n_values), a and c (m, n_a) -> a, c."""
    n_a = a.shape[1]
    z = x @ kernel + a @ recurrent_kernel + bias
    i, f = sigmoid(z[:, :n_a]), sigmoid(z[:, n_a:2 * n_a])
    g, o = np.tanh(z[:, 2 * n_a:3 * n_a]), sigmoid(z[:, 3 * n_a:])
    c = f * c + i * g
    return o * np.tanh(c), c


def numpy_training_outputs(X, a0, c0, lstm_weights, dense_weights):
    """Per-step softmax outputs of the training network: list of Tx arrays (m, n_values)."""
    a, c, outputs = a0, c0, []
    for t in range(X.shape[1]):
        a, c = lstm_step(X[:, t, :], a, c, *lstm_weights)
        outputs.append(softmax_rows(a @ dense_weights[0] + dense_weights[1]))
    return outputs


def numpy_inference_outputs(x0, a0, c0, lstm_weights, dense_weights, Ty):
    """Per-step outputs of the inference network with greedy one-hot feedback."""
    x, a, c, outputs = x0[:, 0, :], a0, c0, []
    n_values = x.shape[1]
    for t in range(Ty):
        a, c = lstm_step(x, a, c, *lstm_weights)
        out = softmax_rows(a @ dense_weights[0] + dense_weights[1])
        outputs.append(out)
        x = np.eye(n_values)[np.argmax(out, axis=-1)]
    return outputs
