"""Catalogue of assignment 4: wrong data windows, baselines, networks, forecasting loops and
metrics students write, and correct variants written differently.

A mistake that is a small change of the reference is a `mutant` of the oracle's function (its
names resolve in the oracle: np, keras, layers, ops). The other entries read only the names the
notebook's setup and data cells define (np, keras, layers, ops, and n_steps, defined here with
the notebook's value as jazz's catalogue defines n_values).
"""
import numpy as np

from . import oracle  # loads TensorFlow and Keras quietly
from .oracle import keras, layers, ops
from ...catalogue import correct, mutant, wrong

n_steps = 50  # the notebook's data cell's value

# Hints the graders give for crashes that no comparison names (tests check them against real exceptions).
NO_INPUT_HINT = ("Start the model with keras.Input(shape=(None, 1)): without an input the model has no input shape "
                 "and no weights until it first sees data.")
NUMPY_METRIC_HINT = ("Write the metric with keras.ops (ops.mean, ops.square): a compiled Keras model calls it on "
                     "symbolic tensors, which NumPy cannot compute with.")


# ------------------------------------------------------------------------ make_seq2vec_data

mutant(oracle.make_seq2vec_data, "target_starts_at_last_input",
       "Y starts right after X ends: Y[:, 0] is series[:, n_steps, 0], the first value X does not hold "
       "(series[:, n_steps - 1] is X's last value).",
       ("series[:, n_steps:n_steps + horizon, 0]", "series[:, n_steps - 1:n_steps - 1 + horizon, 0]"))

mutant(oracle.make_seq2vec_data, "target_skips_first_value",
       "A slice starts at its first index: series[:, n_steps:n_steps + horizon] begins with the value right after X; "
       "starting at n_steps + 1 skips it.",
       ("series[:, n_steps:n_steps + horizon, 0]", "series[:, n_steps + 1:n_steps + horizon + 1, 0]"))

mutant(oracle.make_seq2vec_data, "target_keeps_feature_axis",
       "Y is (m, horizon): drop the feature axis of the targets, series[:, n_steps:n_steps + horizon, 0] (X keeps "
       "it: (m, n_steps, 1)).",
       ("series[:, n_steps:n_steps + horizon, 0]", "series[:, n_steps:n_steps + horizon]"))

mutant(oracle.make_seq2vec_data, "target_from_series_end",
       "The targets are the horizon values right after X, series[:, n_steps:n_steps + horizon, 0]; the series may go "
       "on after them, so its last horizon values are not the targets.",
       ("series[:, n_steps:n_steps + horizon, 0]", "series[:, -horizon:, 0]"))

mutant(oracle.make_seq2vec_data, "target_from_inputs",
       "Y holds the future: the horizon values after X (series[:, n_steps:n_steps + horizon, 0]), not X's own last "
       "values, which the model already reads.",
       ("series[:, n_steps:n_steps + horizon, 0]", "X[:, -horizon:, 0]"))

mutant(oracle.make_seq2vec_data, "target_runs_to_series_end",
       "Y holds exactly horizon values: stop the slice at n_steps + horizon (the series may be longer).",
       ("series[:, n_steps:n_steps + horizon, 0]", "series[:, n_steps:, 0]"))

mutant(oracle.make_seq2vec_data, "inputs_without_feature_axis",
       "X keeps the feature axis that Keras' recurrent layers read: (m, n_steps, 1), series[:, :n_steps].",
       ("X = series[:, :n_steps]", "X = series[:, :n_steps, 0]"))

mutant(oracle.make_seq2vec_data, "squeezed",
       "np.squeeze drops every axis of size 1, so with m = 1 or horizon = 1 Y loses one more: drop only the last "
       "axis (series[:, n_steps:n_steps + horizon, 0], or .squeeze(axis=-1)).",
       ("series[:, n_steps:n_steps + horizon, 0]", "np.squeeze(series[:, n_steps:n_steps + horizon])"))


@correct("squeeze(axis=-1) on a copied slice")
def make_seq2vec_data__squeeze_last_axis(series, n_steps, horizon):
    X = series[:, :n_steps].copy()
    Y = series[:, n_steps:n_steps + horizon].squeeze(axis=-1)
    return X, Y


@correct("float64 copies, Y reshaped to (m, horizon)")
def make_seq2vec_data__float64_reshape(series, n_steps, horizon):
    m = series.shape[0]
    X = np.array(series[:, :n_steps], dtype=np.float64)
    Y = np.array(series[:, n_steps:n_steps + horizon], dtype=np.float64).reshape(m, horizon)
    return X, Y


# --------------------------------------------------------------------------- naive_forecast

mutant(oracle.naive_forecast, "first_value",
       "The naive forecast repeats the LAST observed value, X[:, -1]: the most recent value is the best guess of "
       "the next ones.",
       ("X[:, -1, :]", "X[:, 0, :]"))

mutant(oracle.naive_forecast, "last_example",
       "X[-1] is the last series (example), not the last time step: take X[:, -1] so that every series keeps its own "
       "last value.",
       ("np.repeat(X[:, -1, :], horizon, axis=1)", "np.full((len(X), horizon), X[-1, -1, 0])"))

mutant(oracle.naive_forecast, "keeps_feature_axis",
       "The forecasts are (m, horizon): X[:, -1:] keeps the time axis, so repeating it along axis 1 gives "
       "(m, horizon, 1); repeat X[:, -1] (m, 1) instead.",
       ("X[:, -1, :]", "X[:, -1:]"))

mutant(oracle.naive_forecast, "flattened",
       "Without axis, np.repeat flattens its input: repeat along the horizon axis, np.repeat(X[:, -1], horizon, "
       "axis=1).",
       ("horizon, axis=1)", "horizon)"))

mutant(oracle.naive_forecast, "window_mean",
       "The naive baseline is the last observed value repeated, not the mean of the window: X[:, -1].",
       ("X[:, -1, :]", "X.mean(axis=1)"))

mutant(oracle.naive_forecast, "last_observations",
       "The naive forecast repeats ONE value, the last observed, horizon times; X[:, -horizon:] are the last horizon "
       "observations (and fewer when horizon > n_steps).",
       ("np.repeat(X[:, -1, :], horizon, axis=1)", "X[:, -horizon:, 0]"))


@wrong("np.tile puts the whole column of last values after itself, so reshaping it mixes the series: tile along a "
       "new axis, np.tile(X[:, -1], (1, horizon)), or np.repeat(X[:, -1], horizon, axis=1).")
def naive_forecast__tile_then_reshape(X, horizon):
    return np.tile(X[:, -1, 0], horizon).reshape(len(X), horizon)


@correct("np.tile along the horizon axis")
def naive_forecast__tile(X, horizon):
    return np.tile(X[:, -1], (1, horizon))


@correct("broadcasting against np.ones")
def naive_forecast__broadcast(X, horizon):
    last = X[:, -1, 0]
    return last[:, np.newaxis] * np.ones((1, horizon))


# ---------------------------------------------------------------------------- seq2vec_model

mutant(oracle.seq2vec_model, "single_rnn",
       "A deep RNN stacks two SimpleRNN layers: the first returns its whole sequence (return_sequences=True) for the "
       "second to read.",
       ("        layers.SimpleRNN(units, return_sequences=True),\n", ""))

mutant(oracle.seq2vec_model, "first_without_sequences",
       "The first SimpleRNN passes its whole sequence to the second: return_sequences=True (without it the second "
       "layer is given one vector, not a sequence).",
       ("layers.SimpleRNN(units, return_sequences=True)", "layers.SimpleRNN(units)"))

mutant(oracle.seq2vec_model, "both_return_sequences",
       "Only the last hidden state goes to Dense(horizon): leave return_sequences False on the second SimpleRNN, so "
       "the model outputs horizon values per series, not a forecast at every step.",
       ("layers.SimpleRNN(units),", "layers.SimpleRNN(units, return_sequences=True),"))

mutant(oracle.seq2vec_model, "dense_one",
       "The model forecasts all horizon values at once: Dense(horizon), not Dense(1).",
       ("layers.Dense(horizon)", "layers.Dense(1)"))

mutant(oracle.seq2vec_model, "output_activation",
       "Leave the output Dense layer linear (no activation): forecasts are real values, which tanh would squash.",
       ("layers.Dense(horizon)", 'layers.Dense(horizon, activation="tanh")'))

mutant(oracle.seq2vec_model, "lstm",
       "The exercise's network is made of SimpleRNN layers: an LSTM has gates and four times the weights, so its "
       "outputs differ.",
       ("layers.SimpleRNN(units, return_sequences=True)", "layers.LSTM(units, return_sequences=True)"),
       ("layers.SimpleRNN(units),", "layers.LSTM(units),"))

mutant(oracle.seq2vec_model, "units_hard_coded",
       "Use the units argument in both SimpleRNN layers: 20 written in the code ignores it.",
       ("layers.SimpleRNN(units, return_sequences=True)", "layers.SimpleRNN(20, return_sequences=True)"),
       ("layers.SimpleRNN(units),", "layers.SimpleRNN(20),"))

mutant(oracle.seq2vec_model, "no_input", NO_INPUT_HINT, ("        keras.Input(shape=(None, 1)),\n", ""))


@wrong("The input shape is (None, 1): None lets the model read series of any length, and (n_steps, 1) fixes it to "
       "the notebook's n_steps.")
def seq2vec_model__fixed_length(horizon, units=20):
    return keras.Sequential([
        keras.Input(shape=(n_steps, 1)),
        layers.SimpleRNN(units, return_sequences=True),
        layers.SimpleRNN(units),
        layers.Dense(horizon),
    ])


@correct("the functional API")
def seq2vec_model__functional(horizon, units=20):
    inputs = keras.Input(shape=(None, 1))
    hidden = layers.SimpleRNN(units, return_sequences=True)(inputs)
    last = layers.SimpleRNN(units)(hidden)
    return keras.Model(inputs, layers.Dense(horizon)(last))


@correct("input_shape on the first layer and model.add, as in Keras 2 books")
def seq2vec_model__input_shape_argument(horizon, units=20):
    model = keras.Sequential()
    model.add(layers.SimpleRNN(units, return_sequences=True, input_shape=[None, 1]))
    model.add(layers.SimpleRNN(units, activation="tanh", return_sequences=False))
    model.add(layers.Dense(horizon, activation=None))
    return model


# --------------------------------------------------------------------- forecast_iteratively

@wrong("Keep every value: the model reads X and all the values forecast so far, a sequence one step longer each "
       "time; a window of fixed length drops the oldest values.")
def forecast_iteratively__sliding_window(model, X, horizon):
    window = X
    forecasts = []
    for _ in range(horizon):
        step = model.predict(window, verbose=0)
        forecasts.append(step)
        window = np.concatenate([window[:, 1:], step[:, np.newaxis]], axis=1)
    return np.concatenate(forecasts, axis=1)


@wrong("This shifts X in place: it changes the caller's X and drops its oldest values. Build a new, longer sequence "
       "each step: np.concatenate([sequence, step], axis=1).")
def forecast_iteratively__shifts_X_in_place(model, X, horizon):
    forecasts = np.zeros((X.shape[0], horizon))
    for k in range(horizon):
        step = model.predict(X, verbose=0)
        forecasts[:, k] = step[:, 0]
        X[:, :-1] = X[:, 1:]
        X[:, -1] = step
    return forecasts


mutant(oracle.forecast_iteratively, "input_not_grown",
       "Feed the grown sequence back: each call reads X and the values forecast so far (the array you append to), "
       "not X again.",
       ("model.predict(sequence, verbose=0)", "model.predict(X, verbose=0)"))


@wrong("Forecast one step at a time: call the model horizon times, appending each forecast to its input; repeating "
       "the first forecast is a naive forecast of the model's.")
def forecast_iteratively__first_prediction_repeated(model, X, horizon):
    first = model.predict(X, verbose=0)
    return np.repeat(first, horizon, axis=1)


mutant(oracle.forecast_iteratively, "prepended",
       "Append each forecast at the END of the sequence: time runs along axis 1 from left to right, so the new value "
       "goes after the values it follows.",
       ("[sequence, step.astype(sequence.dtype)]", "[step.astype(sequence.dtype), sequence]"))

mutant(oracle.forecast_iteratively, "last_step_only",
       "The model reads the whole sequence so far, not only its last value: predict(sequence).",
       ("model.predict(sequence, verbose=0)", "model.predict(sequence[:, -1:], verbose=0)"))

mutant(oracle.forecast_iteratively, "keeps_feature_axis",
       "Return (m, horizon): drop the feature axis of the forecast steps, sequence[:, n_steps:, 0].",
       ("sequence[:, X.shape[1]:, 0]", "sequence[:, X.shape[1]:]"))

mutant(oracle.forecast_iteratively, "one_step_short",
       "Forecast horizon values: the loop runs horizon times, range(horizon).",
       ("range(horizon)", "range(1, horizon)"))


@wrong("np.array(predictions) is (horizon, m, 1): reshaping it to (m, horizon) mixes the series; join the forecasts "
       "along axis 1 (np.concatenate(predictions, axis=1)) or transpose first.")
def forecast_iteratively__reshape_mixes_series(model, X, horizon):
    predictions = []
    sequence = X
    for _ in range(horizon):
        step = model.predict(sequence, verbose=0)
        predictions.append(step)
        sequence = np.concatenate([sequence, step[:, :, np.newaxis]], axis=1)
    return np.array(predictions).reshape(len(X), horizon)


@correct("calling the model itself, np.asarray on its output")
def forecast_iteratively__model_called(model, X, horizon):
    sequence = X.astype(np.float32)
    for _ in range(horizon):
        step = np.asarray(model(sequence))
        sequence = np.concatenate([sequence, step[:, np.newaxis, :]], axis=1)
    return sequence[:, -horizon:, 0]


@correct("a list of forecasts joined with np.hstack")
def forecast_iteratively__hstack(model, X, horizon):
    sequence, forecasts = X, []
    for _ in range(horizon):
        y = model.predict(sequence, verbose=0)
        forecasts.append(y)
        sequence = np.concatenate([sequence, y.reshape(-1, 1, 1)], axis=1)
    return np.hstack(forecasts)


@correct("one float64 buffer filled step by step")
def forecast_iteratively__buffer(model, X, horizon):
    m, steps, _ = X.shape
    sequence = np.zeros((m, steps + horizon, 1))
    sequence[:, :steps] = X
    for k in range(horizon):
        sequence[:, steps + k] = model.predict(sequence[:, :steps + k], verbose=0)
    return sequence[:, steps:, 0]


# ---------------------------------------------------------------------- make_seq2seq_targets

mutant(oracle.make_seq2seq_targets, "includes_current_step",
       "Y[:, t, k - 1] is series[:, t + k]: the targets of step t start with the NEXT value, t + 1, not the value at "
       "t itself.",
       ("series[:, k:k + n_steps, 0]", "series[:, k - 1:k - 1 + n_steps, 0]"))

mutant(oracle.make_seq2seq_targets, "k_from_zero",
       "k runs from 1 to horizon (range(1, horizon + 1)): Y[:, :, k - 1] holds the values k steps ahead.",
       ("range(1, horizon + 1)", "range(horizon)"))


@wrong("Stack the horizon shifted copies along the LAST axis (axis=-1): Y is (m, n_steps, horizon).")
def make_seq2seq_targets__stacked_on_axis_1(series, n_steps, horizon):
    return np.stack([series[:, k:k + n_steps, 0] for k in range(1, horizon + 1)], axis=1)


@wrong("The targets of the last steps lie beyond X: take them from the series (series[:, t + k, 0]); rolling the "
       "window wraps its first values around to its end.")
def make_seq2seq_targets__rolled_inputs(series, n_steps, horizon):
    X = series[:, :n_steps, 0]
    return np.stack([np.roll(X, -k, axis=1) for k in range(1, horizon + 1)], axis=-1)


@wrong("Each time step t has its own targets, the horizon values after t (series[:, t + 1:t + 1 + horizon, 0]); "
       "only the last step's are the values after the window.")
def make_seq2seq_targets__window_targets_repeated(series, n_steps, horizon):
    future = series[:, n_steps:n_steps + horizon, 0]
    return np.repeat(future[:, np.newaxis, :], n_steps, axis=1)


@wrong("series[:, :, 0] is a view: shifting it in place changes the caller's series. Read shifted slices instead "
       "(series[:, k:k + n_steps, 0]), or shift a copy.")
def make_seq2seq_targets__shifts_series_in_place(series, n_steps, horizon):
    values = series[:, :, 0]
    Y = np.empty((series.shape[0], n_steps, horizon), dtype=series.dtype)
    for k in range(horizon):
        values[:, :-1] = values[:, 1:].copy()  # one step to the left
        Y[:, :, k] = values[:, :n_steps]
    return Y


mutant(oracle.make_seq2seq_targets, "keeps_feature_axis",
       "Y is (m, n_steps, horizon): drop the feature axis of each shifted slice (series[:, k:k + n_steps, 0]).",
       ("np.empty((series.shape[0], n_steps, horizon)", "np.empty((series.shape[0], n_steps, horizon, 1)"),
       ("Y[:, :, k - 1] = series[:, k:k + n_steps, 0]", "Y[:, :, k - 1] = series[:, k:k + n_steps]"))


@correct("one loop over the time steps, a float64 array")
def make_seq2seq_targets__loop_over_steps(series, n_steps, horizon):
    Y = np.zeros((series.shape[0], n_steps, horizon))
    for t in range(n_steps):
        Y[:, t, :] = series[:, t + 1:t + 1 + horizon, 0]
    return Y


@correct("vectorised with sliding_window_view")
def make_seq2seq_targets__sliding_window_view(series, n_steps, horizon):
    windows = np.lib.stride_tricks.sliding_window_view(series[:, 1:, 0], horizon, axis=1)
    return windows[:, :n_steps]


@correct("np.stack of the shifted slices on the last axis")
def make_seq2seq_targets__stacked(series, n_steps, horizon):
    return np.stack([series[:, k:k + n_steps, 0] for k in range(1, horizon + 1)], axis=-1)


# ---------------------------------------------------------------------------- seq2seq_model

mutant(oracle.seq2seq_model, "second_without_sequences",
       "Sequence-to-sequence: both SimpleRNN layers return their whole sequence (return_sequences=True), so a "
       "forecast comes out at every time step.",
       ("        layers.SimpleRNN(units, return_sequences=True),\n        layers.TimeDistributed",
        "        layers.SimpleRNN(units),\n        layers.TimeDistributed"))

mutant(oracle.seq2seq_model, "single_rnn",
       "A deep RNN stacks two SimpleRNN layers, both returning their whole sequence here.",
       ("        layers.SimpleRNN(units, return_sequences=True),\n        layers.TimeDistributed",
        "        layers.TimeDistributed"))

mutant(oracle.seq2seq_model, "dense_one",
       "At every step the model forecasts the next horizon values: Dense(horizon), not Dense(1).",
       ("layers.Dense(horizon)", "layers.Dense(1)"))

mutant(oracle.seq2seq_model, "dense_units",
       "The output layer has horizon units (the values forecast at each step): Dense(horizon), not Dense(units).",
       ("layers.Dense(horizon)", "layers.Dense(units)"))

mutant(oracle.seq2seq_model, "output_activation",
       "Leave the output Dense layer linear (no activation): forecasts are real values, which tanh would squash.",
       ("layers.Dense(horizon)", 'layers.Dense(horizon, activation="tanh")'))

mutant(oracle.seq2seq_model, "gru",
       "The exercise's network is made of SimpleRNN layers: a GRU has gates and three times the weights, so its "
       "outputs differ.",
       ("layers.SimpleRNN(units, return_sequences=True),\n        layers.SimpleRNN",
        "layers.GRU(units, return_sequences=True),\n        layers.GRU"))

mutant(oracle.seq2seq_model, "units_hard_coded",
       "Use the units argument in both SimpleRNN layers: 20 written in the code ignores it.",
       ("layers.SimpleRNN(units, return_sequences=True),\n        layers.SimpleRNN(units,",
        "layers.SimpleRNN(20, return_sequences=True),\n        layers.SimpleRNN(20,"))


@wrong("The input shape is (None, 1): None lets the model read series of any length, and (n_steps, 1) fixes it to "
       "the notebook's n_steps.")
def seq2seq_model__fixed_length(horizon, units=20):
    inputs = keras.Input(shape=(n_steps, 1))
    hidden = layers.SimpleRNN(units, return_sequences=True)(inputs)
    hidden = layers.SimpleRNN(units, return_sequences=True)(hidden)
    return keras.Model(inputs, layers.TimeDistributed(layers.Dense(horizon))(hidden))


@correct("a plain Dense on the sequence (Keras 3 applies it at every step)")
def seq2seq_model__plain_dense(horizon, units=20):
    return keras.Sequential([
        keras.Input(shape=(None, 1)),
        layers.SimpleRNN(units, return_sequences=True),
        layers.SimpleRNN(units, return_sequences=True),
        layers.Dense(horizon),
    ])


@correct("the functional API")
def seq2seq_model__functional(horizon, units=20):
    inputs = keras.Input(shape=(None, 1))
    x = layers.SimpleRNN(units, return_sequences=True)(inputs)
    x = layers.SimpleRNN(units, return_sequences=True)(x)
    outputs = layers.TimeDistributed(layers.Dense(horizon))(x)
    return keras.Model(inputs=inputs, outputs=outputs)


@correct("input_shape on the first layer, as in Keras 2 books")
def seq2seq_model__input_shape_argument(horizon, units=20):
    return keras.models.Sequential([
        keras.layers.SimpleRNN(units, return_sequences=True, input_shape=[None, 1]),
        keras.layers.SimpleRNN(units, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(horizon)),
    ])


# ---------------------------------------------------------------------- last_time_step_mse

mutant(oracle.last_time_step_mse, "every_step",
       "Only the last time step counts: Y_true[:, -1] and Y_pred[:, -1] (the forecasts made after the whole window), "
       "not every step.",
       ("Y_true[:, -1] - Y_pred[:, -1]", "Y_true - Y_pred"))

mutant(oracle.last_time_step_mse, "last_example",
       "Y[-1] is the last example; the last time step of every example is Y[:, -1] (axis 1 is time).",
       ("Y_true[:, -1] - Y_pred[:, -1]", "Y_true[-1] - Y_pred[-1]"))

mutant(oracle.last_time_step_mse, "last_horizon_value",
       "Y[..., -1] is the last of the horizon values at every step; the last time step is Y[:, -1] (axis 1).",
       ("Y_true[:, -1] - Y_pred[:, -1]", "Y_true[..., -1] - Y_pred[..., -1]"))

mutant(oracle.last_time_step_mse, "not_squared",
       "Square the errors before the mean (ops.square): positive and negative errors must not cancel.",
       ("ops.square(Y_true[:, -1] - Y_pred[:, -1])", "Y_true[:, -1] - Y_pred[:, -1]"))

mutant(oracle.last_time_step_mse, "absolute",
       "That is the mean absolute error: the metric squares the errors (ops.square).",
       ("ops.square(", "ops.abs("))

mutant(oracle.last_time_step_mse, "root",
       "That is the root of the mean squared error: the metric is the MSE itself, without ops.sqrt.",
       ("return ops.mean(ops.square(Y_true[:, -1] - Y_pred[:, -1]))",
        "return ops.sqrt(ops.mean(ops.square(Y_true[:, -1] - Y_pred[:, -1])))"))

mutant(oracle.last_time_step_mse, "summed",
       "Average the squared errors (ops.mean): a sum grows with the number of examples and the horizon.",
       ("ops.mean(", "ops.sum("))

mutant(oracle.last_time_step_mse, "not_reduced",
       "Reduce the squared errors with ops.mean: the metric is one number (or one per example, averaged over the "
       "horizon), not an (m, horizon) array.",
       ("ops.mean(ops.square(Y_true[:, -1] - Y_pred[:, -1]))", "ops.square(Y_true[:, -1] - Y_pred[:, -1])"))

mutant(oracle.last_time_step_mse, "numpy", NUMPY_METRIC_HINT,
       ("ops.mean(ops.square(", "np.mean(np.square("))


@correct("keras.losses.mean_squared_error of the last step: one value per example")
def last_time_step_mse__keras_loss(Y_true, Y_pred):
    return keras.losses.mean_squared_error(Y_true[:, -1], Y_pred[:, -1])


@correct("one value per example with ops.mean over the horizon")
def last_time_step_mse__per_example(Y_true, Y_pred):
    error = Y_true[:, -1, :] - Y_pred[:, -1, :]
    return ops.mean(error * error, axis=-1)


@correct("a slice that keeps the time axis")
def last_time_step_mse__kept_axis(Y_true, Y_pred):
    return ops.mean(ops.square(Y_true[:, -1:] - Y_pred[:, -1:]))
