"""Catalogue of assignment 3: wrong Keras models students build, and correct variants.

Entries read n_values and n_a as notebook globals (the graders define them for each problem)
and the Keras names the notebook imports.
"""
import numpy as np

from ...oracle.jazz_lstm import (LSTM, Dense, Input, Lambda, Model, RepeatVector, Reshape,  # noqa: F401
                                 keras, to_categorical)  # the oracle loads Keras quietly
from .. import correct, wrong

n_values, n_a = 90, 64  # the notebook's values; graders redefine both for every problem


# --------------------------------------------------------------------------------- djmodel

@wrong("Reuse the given LSTM_cell at every step; LSTM(n_a, ...) inside the loop makes Tx separate layers.")
def djmodel__new_lstm_per_step(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, outputs = a0, c0, []
    for t in range(Tx):
        x = reshaper(X[:, t, :])
        _, a, c = LSTM(n_a, return_state=True)(x, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[X, a0, c0], outputs=outputs)


@wrong("Pass the states along: initial_state=[a, c] with the a, c returned by the previous step.")
def djmodel__state_not_carried(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    outputs = []
    for t in range(Tx):
        x = reshaper(X[:, t, :])
        a, _, c = LSTM_cell(x, initial_state=[a0, c0])
        outputs.append(densor(a))
    return Model(inputs=[X, a0, c0], outputs=outputs)


@wrong("The Dense layer reads the hidden state a; the LSTM returns (output, a, c), so c is the cell state.")
def djmodel__dense_on_cell_state(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, outputs = a0, c0, []
    for t in range(Tx):
        x = reshaper(X[:, t, :])
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(c))
    return Model(inputs=[X, a0, c0], outputs=outputs)


@wrong("Step t reads X[:, t, :]; taking the same slice at every step ignores the sequence.")
def djmodel__first_step_every_time(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, outputs = a0, c0, []
    for t in range(Tx):
        x = reshaper(X[:, 0, :])
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[X, a0, c0], outputs=outputs)


@wrong("Collect one output per time step: append densor(a) inside the loop.")
def djmodel__last_output_only(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c = a0, c0
    for t in range(Tx):
        x = reshaper(X[:, t, :])
        _, a, c = LSTM_cell(x, initial_state=[a, c])
    return Model(inputs=[X, a0, c0], outputs=[densor(a)])


@wrong("The inputs are [X, a0, c0], in this order.")
def djmodel__inputs_reordered(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, outputs = a0, c0, []
    for t in range(Tx):
        x = reshaper(X[:, t, :])
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[a0, c0, X], outputs=outputs)


@correct("a Lambda layer to take the slice")
def djmodel__lambda_slice(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = Lambda(lambda z, step=t: z[:, step, :])(X)
        x = reshaper(x)
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[X, a0, c0], outputs=outputs)


@correct("keras.ops.take and keras.ops.expand_dims in place of the reshaper")
def djmodel__ops_slice(Tx, LSTM_cell, densor, reshaper):
    X = Input(shape=(Tx, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = keras.ops.expand_dims(keras.ops.take(X, t, axis=1), axis=1)
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[X, a0, c0], outputs=outputs)


# ------------------------------------------------------------------- music_inference_model

@wrong("Feed back the one-hot of this step's argmax as the next x, not x0 again.")
def music_inference_model__x0_every_step(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, outputs = a0, c0, []
    for t in range(Ty):
        _, a, c = LSTM_cell(x0, initial_state=[a, c])
        outputs.append(densor(a))
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@wrong("Feed back a one-hot vector (keras.ops.one_hot of the argmax), not the probabilities.")
def music_inference_model__probabilities_fed_back(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, x, outputs = a0, c0, x0, []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = RepeatVector(1)(out)
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@wrong("Take the argmax over the last axis (the n_values classes), not over the batch.")
def music_inference_model__argmax_wrong_axis(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, x, outputs = a0, c0, x0, []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        choice = keras.ops.argmax(out, axis=0)
        x = RepeatVector(1)(keras.ops.one_hot(keras.ops.zeros_like(out[:, 0], dtype="int32") + choice[0], n_values))
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@wrong("Carry a and c from step to step: initial_state=[a, c] with the states just returned.")
def music_inference_model__state_not_carried(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    x, outputs = x0, []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a0, c0])
        out = densor(a)
        outputs.append(out)
        x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@wrong("Reuse the given densor; a new Dense layer per step has its own untrained weights.")
def music_inference_model__new_dense_per_step(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, x, outputs = a0, c0, x0, []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = Dense(n_values, activation="softmax")(a)
        outputs.append(out)
        x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values))
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@wrong("The one-hot vector has n_values classes, one per token of the vocabulary.")
def music_inference_model__wrong_class_count(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0, c0 = Input(shape=(n_a,), name="a0"), Input(shape=(n_a,), name="c0")
    a, c, x, outputs = a0, c0, x0, []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = RepeatVector(1)(keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values + 1))
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@correct("Lambda layers for the argmax and the one-hot feedback")
def music_inference_model__lambda_feedback(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = Lambda(lambda p: keras.ops.one_hot(keras.ops.argmax(p, axis=-1), n_values))(out)
        x = RepeatVector(1)(x)
    return Model(inputs=[x0, a0, c0], outputs=outputs)


@correct("keras.ops.expand_dims in place of RepeatVector")
def music_inference_model__expand_dims(LSTM_cell, densor, Ty=100):
    x0 = Input(shape=(1, n_values))
    a0 = Input(shape=(n_a,), name="a0")
    c0 = Input(shape=(n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for t in range(Ty):
        _, a, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
        x = keras.ops.expand_dims(keras.ops.one_hot(keras.ops.argmax(outputs[-1], axis=1), n_values), 1)
    return Model(inputs=[x0, a0, c0], outputs=outputs)


# ---------------------------------------------------------------------- predict_and_sample

@wrong("Take the argmax over the last axis: the n_values probabilities of each step.")
def predict_and_sample__argmax_over_steps(inference_model, x_initializer, a_initializer, c_initializer):
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    indices = np.argmax(np.array(pred), axis=0)
    results = to_categorical(indices, num_classes=x_initializer.shape[-1])
    return results, indices


@wrong("Return results first, then indices.")
def predict_and_sample__swapped(inference_model, x_initializer, a_initializer, c_initializer):
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    indices = np.argmax(np.array(pred), axis=-1)
    results = to_categorical(indices, num_classes=x_initializer.shape[-1])
    return indices, results


@wrong("results are one-hot vectors of the chosen values, not the predicted probabilities.")
def predict_and_sample__probabilities_as_results(inference_model, x_initializer, a_initializer, c_initializer):
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    indices = np.argmax(np.array(pred), axis=-1)
    return np.array(pred)[:, 0, :], indices


@wrong("Take the argmax, not the argmin: the most probable value is chosen.")
def predict_and_sample__argmin(inference_model, x_initializer, a_initializer, c_initializer):
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    indices = np.argmin(np.array(pred), axis=-1)
    results = to_categorical(indices, num_classes=x_initializer.shape[-1])
    return results, indices


@wrong("Keep indices of shape (Ty, 1): argmax over the last axis of the (Ty, 1, n_values) predictions.")
def predict_and_sample__flat_indices(inference_model, x_initializer, a_initializer, c_initializer):
    pred = inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0)
    indices = np.argmax(np.array(pred)[:, 0, :], axis=-1)
    results = to_categorical(indices, num_classes=x_initializer.shape[-1])
    return results, indices


@correct("np.eye rows for the one-hot results")
def predict_and_sample__eye(inference_model, x_initializer, a_initializer, c_initializer):
    pred = np.stack(inference_model.predict([x_initializer, a_initializer, c_initializer], verbose=0))
    indices = pred.argmax(axis=2)
    results = np.eye(pred.shape[-1])[indices[:, 0]]
    return results, indices


@correct("calling the model directly and keras.ops for the argmax")
def predict_and_sample__direct_call(inference_model, x_initializer, a_initializer, c_initializer):
    pred = inference_model([x_initializer, a_initializer, c_initializer])
    indices = np.array([keras.ops.convert_to_numpy(keras.ops.argmax(p, axis=-1)) for p in pred])
    results = to_categorical(indices, num_classes=n_values)
    return results, indices
