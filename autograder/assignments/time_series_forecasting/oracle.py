"""Reference oracle for assignment 4 (time_series_forecasting): the data windows, the naive
baseline, the three forecasting schemes' parts and their metric, in Keras 3; and a numpy oracle
of the two networks that hidden tests compare outputs against (weights injected).

Shapes: series (m, T, 1) float32; X (m, n_steps, 1); seq2vec targets (m, horizon); seq2seq
targets (m, n_steps, horizon). Keras' SimpleRNN holds kernel (n_in, units), recurrent_kernel
(units, units) and bias (units,); a Dense layer kernel (units, horizon) and bias (horizon,).
"""
import os

import numpy as np

from ...agent import silenced_native_stderr

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
with silenced_native_stderr():  # TensorFlow logs to descriptor 2 while it loads
    import keras
    # The names the notebook's setup cell defines before the exercises.
    from keras import layers, ops  # noqa: F401


# ------------------------------------------------------------------------------ the data

def make_seq2vec_data(series, n_steps, horizon):
    """Inputs and targets of a sequence-to-vector forecaster.

    series: (m, T, 1) with T >= n_steps + horizon.
    Returns X (m, n_steps, 1), the first n_steps values, and Y (m, horizon), the horizon values
    that follow them: Y[:, k] = series[:, n_steps + k, 0].
    """
    X = series[:, :n_steps]
    Y = series[:, n_steps:n_steps + horizon, 0]
    return X, Y


def make_seq2seq_targets(series, n_steps, horizon):
    """Targets of a sequence-to-sequence forecaster: at every input step t, the horizon values
    that follow it.

    series: (m, T, 1) with T >= n_steps + horizon.
    Returns Y (m, n_steps, horizon) with Y[:, t, k - 1] = series[:, t + k, 0], k = 1..horizon.
    """
    Y = np.empty((series.shape[0], n_steps, horizon), dtype=series.dtype)
    for k in range(1, horizon + 1):
        Y[:, :, k - 1] = series[:, k:k + n_steps, 0]
    return Y


# ------------------------------------------------------------------------- the forecasts

def naive_forecast(X, horizon):
    """The last observed value, repeated: X (m, n_steps, 1) -> (m, horizon)."""
    return np.repeat(X[:, -1, :], horizon, axis=1)


def forecast_iteratively(model, X, horizon):
    """Scheme 1: a one-step model (its predict maps (m, t, 1) to (m, 1)) forecasts the next
    value; that value is appended to the input, and the grown sequence forecasts the next one.

    X: (m, n_steps, 1). Returns (m, horizon): the horizon values forecast one after the other.
    """
    sequence = X
    for _ in range(horizon):
        step = np.asarray(model.predict(sequence, verbose=0)).reshape(-1, 1, 1)
        sequence = np.concatenate([sequence, step.astype(sequence.dtype)], axis=1)
    return sequence[:, X.shape[1]:, 0]


def seq2vec_model(horizon, units=20):
    """Scheme 2: two stacked SimpleRNN(units), the first returning its whole sequence, and a
    Dense(horizon) on the last hidden state. Input (None, 1) (any number of steps); output
    (horizon,): the next horizon values at once."""
    return keras.Sequential([
        keras.Input(shape=(None, 1)),
        layers.SimpleRNN(units, return_sequences=True),
        layers.SimpleRNN(units),
        layers.Dense(horizon),
    ])


def seq2seq_model(horizon, units=20):
    """Scheme 3: two stacked SimpleRNN(units, return_sequences=True) and a Dense(horizon) at
    every step. Input (None, 1); output (None, horizon): at every step, the next horizon values."""
    return keras.Sequential([
        keras.Input(shape=(None, 1)),
        layers.SimpleRNN(units, return_sequences=True),
        layers.SimpleRNN(units, return_sequences=True),
        layers.TimeDistributed(layers.Dense(horizon)),
    ])


def last_time_step_mse(Y_true, Y_pred):
    """Mean squared error of the last time step's forecasts only: Y_true, Y_pred
    (m, n_steps, horizon) -> a scalar. Written with keras.ops, so it also runs on the symbolic
    tensors of a compiled Keras metric."""
    return ops.mean(ops.square(Y_true[:, -1] - Y_pred[:, -1]))


# ------------------------------------------------------- the numpy oracle of the networks

def numpy_simple_rnn(x, kernel, recurrent_kernel, bias):
    """A SimpleRNN (tanh) from a zero state: x (m, T, n_in) -> hidden states (m, T, units)."""
    m, T, _ = x.shape
    a = np.zeros((m, recurrent_kernel.shape[0]))
    states = []
    for t in range(T):
        a = np.tanh(x[:, t] @ kernel + a @ recurrent_kernel + bias)
        states.append(a)
    return np.stack(states, axis=1)


def numpy_seq2vec_outputs(X, weights):
    """seq2vec_model's output: X (m, T, 1), weights [kernel, recurrent, bias] of each RNN layer
    then [kernel (units, horizon), bias (horizon,)] of the Dense -> (m, horizon)."""
    states = numpy_simple_rnn(numpy_simple_rnn(X, *weights[0:3]), *weights[3:6])
    return states[:, -1] @ weights[6] + weights[7]


def numpy_seq2seq_outputs(X, weights):
    """seq2seq_model's output, with weights as numpy_seq2vec_outputs: (m, T, horizon)."""
    states = numpy_simple_rnn(numpy_simple_rnn(X, *weights[0:3]), *weights[3:6])
    return states @ weights[6] + weights[7]
