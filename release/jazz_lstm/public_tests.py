"""Visible checks for the "Improvise a jazz solo with an LSTM" assignment.

Every exercise has one function here, ``check_<function_name>``.  The checks
do not contain a reference solution and no stored answers.  They build small,
fresh layers of their own (a few values, a few hidden units, random weights),
hand them to your function, and test what must be true of any correct model:

* it is a Keras ``Model`` with the documented inputs, in the documented order,
  and one output of ``n_values`` probabilities per time step;
* it contains the one LSTM layer and the one Dense layer it was given, and no
  other weights (the parameter count is theirs);
* its outputs equal what you get by calling those very layers yourself, one
  time step at a time, with the states passed on from step to step (and, for
  the inference model, with the one-hot vector of each step's most likely
  value as the next input);
* ``predict_and_sample`` returns the argmax of the model's predictions, as
  indices and as one-hot vectors, with the documented shapes.

While a check runs, the notebook variables ``n_values`` and ``n_a`` hold the
check's small sizes (your code reads them); afterwards they get their values
back.  Passing the visible checks is a good sign but not a guarantee: the
hidden tests used for grading repeat this on fresh sizes and random weights
and compare with an independent implementation of the network.

Each check raises ``AssertionError`` with what was expected, what came back
and a hint, or prints one line when everything passed. A function that is not
written yet, or that crashes, fails its check with a message that names it.
"""

import contextlib

import numpy as np

# What every assignment's checks share (messages, value checks) is in check_helpers.py,
# next to this file.
from check_helpers import crashed as _crashed
from check_helpers import describe as _describe
from check_helpers import difference as _difference
from check_helpers import error_text as _error_text
from check_helpers import fail as _fail
from check_helpers import passed as _passed
from check_helpers import reports_crashes as _reports_crashes
from quiet_keras import import_keras_quietly

keras = import_keras_quietly()   # also keeps TensorFlow's warnings off stderr

ATOL = 1e-5                      # Keras computes in float32


def _same(a, b):
    return all(x.shape == y.shape and np.allclose(x, y, atol=ATOL) for x, y in zip(a, b))


# ---------------------------------------------------------------------------
# Problem set-up
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def _notebook_sizes(target, n_values, n_a):
    """Give the notebook variables n_values and n_a the check's sizes while it runs."""
    namespace = getattr(target, "__globals__", {})
    saved = {name: namespace[name] for name in ("n_values", "n_a") if name in namespace}
    namespace.update(n_values=n_values, n_a=n_a)
    try:
        yield
    finally:
        namespace.pop("n_values", None)
        namespace.pop("n_a", None)
        namespace.update(saved)


def _fresh_layers(rng, n_values, n_a, scale=0.8):
    """An LSTM_cell, a densor and a reshaper like the notebook's, with random weights.

    The initialisers are zeros and the weights come from `rng`, so the check never touches
    Keras' own random numbers (the notebook's training run is the same with or without it)."""
    from keras.layers import LSTM, Dense, Reshape
    cell = LSTM(n_a, return_state=True, kernel_initializer="zeros",
                recurrent_initializer="zeros", bias_initializer="zeros")
    densor = Dense(n_values, activation="softmax", kernel_initializer="zeros",
                   bias_initializer="zeros")
    cell.build((None, 1, n_values))
    densor.build((None, n_a))
    cell.set_weights([rng.normal(0, scale, w.shape).astype("float32") for w in cell.get_weights()])
    densor.set_weights([rng.normal(0, scale, w.shape).astype("float32")
                        for w in densor.get_weights()])
    return cell, densor, Reshape((1, n_values))


def _one_hot(indices, n_values):
    return np.eye(n_values, dtype="float32")[np.asarray(indices)]


def _numpy(tensor):
    return np.asarray(keras.ops.convert_to_numpy(tensor), dtype=float)


def _step(cell, densor, x, a, c):
    """One time step with the given layers: x (m, 1, n_values) -> (probabilities, a, c)."""
    _, a, c = cell(keras.ops.convert_to_tensor(np.asarray(x, dtype="float32")), initial_state=[a, c])
    return _numpy(densor(a)), a, c


def _run_model(check, model, inputs, what):
    """The model's outputs on `inputs` as a list of numpy arrays."""
    try:
        out = model([np.asarray(x, dtype="float32") for x in inputs])
    except Exception as err:
        _fail(check, f"calling the model you built on {what} raised {type(err).__name__}: "
                     f"{_error_text(err)}",
              hint="a layer got an input of the wrong size: at every step the LSTM_cell reads "
                   "x of shape (m, 1, n_values) and the states a, c of shape (m, n_a); "
                   "one-hot vectors have n_values entries.")
    return [_numpy(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


# ---------------------------------------------------------------------------
# Checks shared by both models
# ---------------------------------------------------------------------------
def _check_structure(check, model, sequence, input_shapes, n_outputs, n_values, sizes):
    if model is None:
        _fail(check, f"the function returned None ({sizes}).", expected="a keras Model",
              got="None", hint="end with `return Model(inputs=[...], outputs=outputs)`.")
    if not isinstance(model, keras.Model):
        _fail(check, f"the function should return a keras Model ({sizes}).",
              expected="keras.Model", got=_describe(model),
              hint="end with `return Model(inputs=[...], outputs=outputs)`.")
    shapes = [tuple(i.shape[1:]) for i in model.inputs]
    if shapes != input_shapes:
        _fail(check, f"the model's inputs have the wrong shapes or order ({sizes}; the batch "
                     "axis is left out).",
              expected=input_shapes, got=shapes,
              hint=f"inputs=[{sequence}, a0, c0] in this order, with {sequence} of shape "
                   f"{input_shapes[0]} and a0, c0 of shape (n_a,); read n_values and n_a from "
                   "the notebook, do not type 40 or 64.")
    if len(model.outputs) != n_outputs:
        _fail(check, f"the model should have one output per time step ({sizes}).",
              expected=f"{n_outputs} outputs", got=f"{len(model.outputs)} outputs",
              hint="append densor(a) to `outputs` inside the loop, once per step, and pass "
                   "the whole list to Model(..., outputs=outputs).")
    for t, out in enumerate(model.outputs):
        if tuple(out.shape[1:]) != (n_values,):
            _fail(check, f"output {t} has the wrong shape ({sizes}; batch axis left out).",
                  expected=(n_values,), got=tuple(out.shape[1:]),
                  hint="each output is densor(a): n_values probabilities per example.")


def _check_shared(check, model, cell, densor):
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(lstms) != 1 or lstms[0] is not cell:
        _fail(check, "the model should contain exactly one LSTM layer: the LSTM_cell it was given.",
              expected="1 LSTM layer, the argument LSTM_cell",
              got=f"{len(lstms)} LSTM layer(s)" + ("" if not lstms or cell in lstms
                                                    else ", none of them LSTM_cell"),
              hint="call LSTM_cell(...) at every step; never create LSTM(...) inside the "
                   "function. One layer object used Tx times has one set of weights.")
    if len(denses) != 1 or denses[0] is not densor:
        _fail(check, "the model should contain exactly one Dense layer: the densor it was given.",
              expected="1 Dense layer, the argument densor",
              got=f"{len(denses)} Dense layer(s)" + ("" if not denses or densor in denses
                                                      else ", none of them densor"),
              hint="call densor(a) at every step; never create Dense(...) inside the function.")
    expected = cell.count_params() + densor.count_params()
    if model.count_params() != expected:
        _fail(check, "the model has weights besides those of LSTM_cell and densor.",
              expected=f"{expected} parameters", got=f"{model.count_params()} parameters",
              hint="the only layers with weights are the shared LSTM_cell and densor.")


def _compare_steps(check, got, expected, variants, sizes, fallback_hint):
    """Per-step outputs against the hand computation; name the first wrong step and, if the
    outputs match a typical mistake computed with the same layers, that mistake."""
    for t, (g, e) in enumerate(zip(got, expected)):
        if g.shape != e.shape:
            _fail(check, f"output {t} has the wrong shape when the model runs ({sizes}).",
                  expected=e.shape, got=g.shape)
        if not np.allclose(g, e, atol=ATOL):
            hint = next((h for h, outs in variants if _same(got, outs)), fallback_hint)
            _fail(check, f"output {t} (time step {t}) is not what the same LSTM_cell and densor "
                         f"give when called by hand, one step at a time ({sizes})"
                         + ("; the steps before it agree." if t else "."),
                  expected="the hand computation", got=_difference(e, g), hint=hint)


# ---------------------------------------------------------------------------
# Exercise 1: djmodel
# ---------------------------------------------------------------------------
def _training_by_hand(cell, densor, X, a0, c0):
    """The training network computed with the layers themselves, plus typical mistakes."""
    m, Tx, _ = X.shape
    right, same_state, from_c, first_only = [], [], [], []
    a, c = a0, c0
    a_f, c_f = a0, c0
    for t in range(Tx):
        x = X[:, t:t + 1, :]
        out, a_new, c_new = _step(cell, densor, x, a, c)
        right.append(out)
        from_c.append(_numpy(densor(c_new)))
        a, c = a_new, c_new
        same_state.append(_step(cell, densor, x, a0, c0)[0])
        out, a_f, c_f = _step(cell, densor, X[:, :1, :], a_f, c_f)
        first_only.append(out)
    variants = [
        ("the hidden and cell states must carry over: call LSTM_cell(x, initial_state=[a, c]) "
         "with the a, c returned at the previous step, not a0, c0 at every step.", same_state),
        ("the prediction comes from the hidden state: `_, a, c = LSTM_cell(...)` returns "
         "(output, hidden state a, cell state c); call densor(a), not densor(c).", from_c),
        ("step t must read its own time step, X[:, t, :]; check the slice inside the loop.",
         first_only),
    ]
    return right, variants


@_reports_crashes
def check_djmodel(target):
    """Visible checks for djmodel(Tx, LSTM_cell, densor, reshaper)."""
    check = "check_djmodel"
    # (n_values, n_a, Tx, m): a typical small case, a single step, a single hidden unit.
    problems = [(7, 5, 6, 3), (5, 3, 1, 2), (6, 1, 4, 1)]
    for seed, (n_values, n_a, Tx, m) in enumerate(problems):
        sizes = f"n_values={n_values}, n_a={n_a}, Tx={Tx}"
        rng = np.random.default_rng(500 + seed)
        cell, densor, reshaper = _fresh_layers(rng, n_values, n_a)
        with _notebook_sizes(target, n_values, n_a):
            model = target(Tx, cell, densor, reshaper)
            _check_structure(check, model, "X", [(Tx, n_values), (n_a,), (n_a,)], Tx, n_values,
                             sizes)
            _check_shared(check, model, cell, densor)
            X = _one_hot(rng.integers(0, n_values, (m, Tx)), n_values)
            a0 = rng.normal(0, 1, (m, n_a)).astype("float32")
            c0 = rng.normal(0, 1, (m, n_a)).astype("float32")
            got = _run_model(check, model, [X, a0, c0], f"a batch of {m}")
            expected, variants = _training_by_hand(cell, densor, X, a0, c0)
            _compare_steps(check, got, expected, variants, sizes + f", m={m}",
                           "at step t: x = reshaper(X[:, t, :]); _, a, c = LSTM_cell(x, "
                           "initial_state=[a, c]); append densor(a). Start from a = a0, c = c0.")
    _passed(check)


# ---------------------------------------------------------------------------
# Exercise 2: music_inference_model
# ---------------------------------------------------------------------------
def _inference_by_hand(cell, densor, x0, a0, c0, Ty):
    """Greedy generation computed with the layers themselves, plus typical mistakes."""
    n_values = x0.shape[2]

    def run(feedback, carry=True):
        x, a, c, outs = x0, a0, c0, []
        for _ in range(Ty):
            out, a_new, c_new = _step(cell, densor, x, a, c)
            outs.append(out)
            if carry:
                a, c = a_new, c_new
            x = feedback(out)[:, None, :]
        return outs

    greedy = lambda out: _one_hot(np.argmax(out, axis=-1), n_values)           # noqa: E731
    right = run(greedy)
    variants = [
        ("each new input is the one-hot vector of the previous output's argmax; x0 is the "
         "input of the first step only.", run(lambda out: x0[:, 0, :])),
        ("feed back a one-hot vector, keras.ops.one_hot(keras.ops.argmax(out, axis=-1), "
         "n_values), not the probabilities themselves.", run(lambda out: out)),
        ("the states must carry over: initial_state=[a, c] with the a, c returned at the "
         "previous step, not a0, c0 at every step.", run(greedy, carry=False)),
        ("take the argmax over the last axis (axis=-1), the n_values probabilities of each "
         "example, not over the batch.",
         run(lambda out: np.repeat(_one_hot(np.argmax(out, axis=0)[:1], n_values), len(out), 0))),
    ]
    return right, variants


@_reports_crashes
def check_music_inference_model(target):
    """Visible checks for music_inference_model(LSTM_cell, densor, Ty)."""
    check = "check_music_inference_model"
    # (n_values, n_a, Ty, m): a typical small case, a single step, a single hidden unit.
    problems = [(6, 5, 7, 3), (4, 3, 1, 2), (5, 1, 5, 1)]
    for seed, (n_values, n_a, Ty, m) in enumerate(problems):
        sizes = f"n_values={n_values}, n_a={n_a}, Ty={Ty}"
        rng = np.random.default_rng(600 + seed)
        cell, densor, _ = _fresh_layers(rng, n_values, n_a, scale=1.2)
        with _notebook_sizes(target, n_values, n_a):
            model = target(cell, densor, Ty)
            _check_structure(check, model, "x0", [(1, n_values), (n_a,), (n_a,)], Ty, n_values,
                             sizes)
            _check_shared(check, model, cell, densor)
            x0 = _one_hot(rng.integers(0, n_values, (m, 1)), n_values)
            a0 = rng.normal(0, 1, (m, n_a)).astype("float32")
            c0 = rng.normal(0, 1, (m, n_a)).astype("float32")
            got = _run_model(check, model, [x0, a0, c0], f"a batch of {m}")
            expected, variants = _inference_by_hand(cell, densor, x0, a0, c0, Ty)
            _compare_steps(check, got, expected, variants, sizes + f", m={m}",
                           "at each step: _, a, c = LSTM_cell(x, initial_state=[a, c]); "
                           "out = densor(a); append out; then x = RepeatVector(1)(one-hot of "
                           "argmax(out, axis=-1)). Start from x = x0, a = a0, c = c0.")
    _passed(check)


# ---------------------------------------------------------------------------
# Exercise 3: predict_and_sample
# ---------------------------------------------------------------------------
def _scripted_model(rng, n_values, n_a, Ty):
    """A stand-in for an inference model: same inputs and outputs, but every step's
    probabilities are a fixed random function of (x0, a0, c0). Not an LSTM: it only has to
    produce predictions whose argmax the check can read off."""
    from keras.layers import Concatenate, Dense, Flatten, Input, Reshape, Softmax
    x0 = Input(shape=(1, n_values))
    a0 = Input(shape=(n_a,))
    c0 = Input(shape=(n_a,))
    h = Concatenate()([Flatten()(x0), a0, c0])
    dense = Dense(Ty * n_values, kernel_initializer="zeros", bias_initializer="zeros")
    z = Softmax()(Reshape((Ty, n_values))(dense(h)))
    dense.set_weights([rng.normal(0, 1.5, w.shape).astype("float32") for w in dense.get_weights()])
    return keras.Model(inputs=[x0, a0, c0], outputs=[z[:, t, :] for t in range(Ty)])


@_reports_crashes
def check_predict_and_sample(target):
    """Visible checks for predict_and_sample(inference_model, x_initializer, a_initializer,
    c_initializer)."""
    check = "check_predict_and_sample"
    # (n_values, n_a, Ty): two small cases. (Not Ty = 1: Keras' predict returns a single
    # array, not a list of one, for a model with one output.)
    problems = [(6, 3, 8), (4, 2, 3)]
    for seed, (n_values, n_a, Ty) in enumerate(problems):
        sizes = f"n_values={n_values}, Ty={Ty}"
        rng = np.random.default_rng(700 + seed)
        model = _scripted_model(rng, n_values, n_a, Ty)
        x_init = _one_hot(rng.integers(0, n_values, (1, 1)), n_values)
        a_init = rng.normal(0, 1, (1, n_a)).astype("float32")
        c_init = rng.normal(0, 1, (1, n_a)).astype("float32")
        pred = np.array(_run_model(check, model, [x_init, a_init, c_init], "one example"))
        indices = np.argmax(pred, axis=-1)                       # (Ty, 1)
        with _notebook_sizes(target, n_values, n_a):
            try:
                out = target(model, x_init, a_init, c_init)
            except Exception as err:
                _crashed(check, "predict_and_sample", err,
                         hint="pred is a list of Ty arrays of shape (1, n_values): take "
                              "np.argmax(np.array(pred), axis=-1), indices of shape (Ty, 1) "
                              "in 0 .. n_values - 1, then to_categorical(indices, "
                              "num_classes=n_values).",
                         where=f"{sizes}; the traceback above shows where")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            _fail(check, f"the function should return two values ({sizes}).",
                  expected="results, indices", got=_describe(out),
                  hint="end with `return results, indices`.")
        results, got = (np.asarray(v) for v in out)
        if results.shape == (Ty, 1) and got.shape == (Ty, n_values):
            _fail(check, f"results and indices come back in the wrong order ({sizes}).",
                  expected=f"results {(Ty, n_values)}, then indices {(Ty, 1)}",
                  got=f"shapes {results.shape}, then {got.shape}",
                  hint="return results first, then indices.")
        if got.shape != (Ty, 1):
            _fail(check, f"indices has the wrong shape ({sizes}).", expected=(Ty, 1),
                  got=got.shape,
                  hint="the prediction is a list of Ty arrays of shape (1, n_values); "
                       "np.argmax(np.array(pred), axis=-1) has shape (Ty, 1).")
        if results.shape != (Ty, n_values):
            _fail(check, f"results has the wrong shape ({sizes}).", expected=(Ty, n_values),
                  got=results.shape,
                  hint="results[t] is the one-hot vector of indices[t]: "
                       "to_categorical(indices, num_classes=n_values).")
        if not np.array_equal(got.astype(int), indices):
            hint = "take the argmax over the last axis of np.array(pred), the n_values probabilities."
            if np.array_equal(got.astype(int), np.argmin(pred, axis=-1)):
                hint = "the most likely value is the argmax, not the argmin."
            _fail(check, f"indices are not the argmax of the model's predictions ({sizes}).",
                  expected=indices.ravel().tolist(), got=got.ravel().tolist(), hint=hint)
        if not np.allclose(results.astype(float), _one_hot(indices[:, 0], n_values)):
            hint = ("results[t] is the one-hot vector of indices[t]: "
                    "to_categorical(indices, num_classes=n_values).")
            if np.allclose(results.astype(float), pred[:, 0, :], atol=ATOL):
                hint = "results are one-hot vectors of the chosen values, not the probabilities."
            _fail(check, f"results are not the one-hot vectors of indices ({sizes}).",
                  expected="a single 1 per row, in column indices[t]",
                  got=_difference(_one_hot(indices[:, 0], n_values), results), hint=hint)
    _passed(check)
