"""Hints for the exceptions a student's code raises (grading.exception_hint), on the real
messages: each case runs the failing Keras 3 or numpy code through StudentCode, as a hidden
test calls a student's function. Keras 2 idioms that Keras 3 refuses get the Keras 3 way; the
matrix-product hint is reserved for numpy's own matrix-product errors. The jazz catalogue's
Keras 2 mistakes must show the hint they are catalogued with."""
import numpy as np
import pytest

from autograder import assignments
from autograder.killrate import student_namespace
from autograder.assignments.jazz_lstm.catalogue import (BACKEND_MATH, LAYER_INPUT_BY_KEYWORD, NUMPY_ON_SYMBOLIC,
                                            TF_ON_SYMBOLIC)
from autograder.checks import Mismatch
from autograder.assignments import grader, graded_names
from autograder.grading import StudentCode, exception_hint, run
from autograder.assignments.jazz_lstm.oracle import LSTM, Dense, Input, Reshape, keras, tf, to_categorical

MATRIX_PRODUCT = "A matrix product got factors of incompatible shapes: write down each factor's shape."
LAYER_SIZE = "A layer got an input of the wrong size: check the shapes (and one-hot sizes) you feed it."


def hint_of(function, *args):
    """The hint a report gives when `function(*args)`, called as a student's function, raises."""
    with pytest.raises(Mismatch) as raised:
        StudentCode(function, function.__name__)(*args)
    assert function.__name__ in raised.value.message  # the report names the function that raised
    return raised.value.hint


def probabilities(n_values=5, n_a=3):
    """A symbolic (KerasTensor) softmax output, as inside music_inference_model."""
    _, a, _ = LSTM(n_a, return_state=True)(Input(shape=(1, n_values)))
    return Dense(n_values, activation="softmax")(a)


# --------------------------------------------------------------- Keras 2 idioms, Keras 3 errors

def tf_argmax_on_symbolic():
    return tf.math.argmax(probabilities(), axis=-1)


def tf_one_hot_on_symbolic():
    return tf.one_hot(keras.ops.argmax(probabilities(), axis=-1), depth=5)


def tf_reshape_on_symbolic():
    return tf.reshape(Input(shape=(4, 5))[:, 0, :], (-1, 1, 5))


def np_argmax_on_symbolic():
    return np.argmax(probabilities(), axis=-1)


def to_categorical_on_symbolic():
    return to_categorical(keras.ops.argmax(probabilities(), axis=-1), num_classes=5)


def lstm_input_by_keyword():
    cell = LSTM(3, return_state=True)
    a0, c0 = Input(shape=(3,)), Input(shape=(3,))
    return cell(inputs=Input(shape=(1, 5)), initial_state=[a0, c0])


def backend_argmax():
    return keras.backend.argmax(probabilities())


def layer_output_shape():
    cell = LSTM(3, return_state=True)
    cell(Input(shape=(1, 5)))
    return cell.output_shape


def adam_lr():
    return keras.optimizers.Adam(lr=0.01)


def dense_on_the_wrong_width():
    densor = Dense(5, activation="softmax")
    densor(Input(shape=(3,)))
    return densor(Input(shape=(4,)))  # a state of 4 units into a Dense layer built for 3


def reshaper_on_a_whole_sequence():
    return Reshape((1, 5))(Input(shape=(4, 5)))


def model_run_with_the_wrong_width():
    """A layer called on a real tensor of another width than it was built for (TensorFlow's
    own error, as when a student's model runs)."""
    dense = Dense(4)
    dense.build((None, 3))
    return dense.call(keras.ops.ones((2, 5)))


@pytest.mark.parametrize("failing, hint", [
    (tf_argmax_on_symbolic, TF_ON_SYMBOLIC),
    (tf_one_hot_on_symbolic, TF_ON_SYMBOLIC),
    (tf_reshape_on_symbolic, TF_ON_SYMBOLIC),
    (np_argmax_on_symbolic, NUMPY_ON_SYMBOLIC),
    (to_categorical_on_symbolic, NUMPY_ON_SYMBOLIC),
    (lstm_input_by_keyword, LAYER_INPUT_BY_KEYWORD),
    (backend_argmax, BACKEND_MATH),
    (layer_output_shape, "Keras 3 layers have no output_shape: read the shape of the tensor the layer returned "
                         "(x.shape)."),
    (adam_lr, "Keras 3 optimizers take learning_rate, not lr: Adam(learning_rate=0.01)."),
    (dense_on_the_wrong_width, LAYER_SIZE),
    (reshaper_on_a_whole_sequence, LAYER_SIZE),
    (model_run_with_the_wrong_width, LAYER_SIZE),
], ids=lambda value: getattr(value, "__name__", ""))
def test_keras_errors_get_the_keras_3_hint(failing, hint):
    assert hint_of(failing) == hint


def test_the_keras_3_hints_name_the_keras_3_way():
    assert "keras.ops.argmax" in TF_ON_SYMBOLIC and "keras.ops.one_hot" in TF_ON_SYMBOLIC
    assert "Lambda layer" in TF_ON_SYMBOLIC and "Lambda layer" in NUMPY_ON_SYMBOLIC
    assert "LSTM_cell(x, initial_state=[a, c])" in LAYER_INPUT_BY_KEYWORD
    assert "keras.ops" in BACKEND_MATH


# --------------------------------------------------------------- numpy's shape errors

def matrix_product():
    return np.ones((3, 4)) @ np.ones((3, 4))


def dot_product():
    return np.dot(np.ones((2, 3)), np.ones((2, 3)))


def element_wise_sum():
    return np.ones((3, 1)) * np.ones((2, 4)) + np.ones((5,))


def slice_assignment():
    a = np.zeros((3, 4))
    a[:, 0] = np.ones((3, 2))
    return a


def impossible_reshape():
    return np.ones(6).reshape(4, 2)


@pytest.mark.parametrize("failing, words", [
    (matrix_product, [MATRIX_PRODUCT]),
    (dot_product, [MATRIX_PRODUCT]),
    (element_wise_sum, ["element by element", "broadcast"]),
    (slice_assignment, ["slice"]),
    (impossible_reshape, ["reshape", "number of entries"]),
], ids=lambda value: getattr(value, "__name__", ""))
def test_numpy_shape_errors(failing, words):
    hint = hint_of(failing)
    assert all(word in hint for word in words), hint
    assert ("matrix product" in hint) == (failing in (matrix_product, dot_product)), hint


@pytest.mark.parametrize("failing", [tf_argmax_on_symbolic, tf_one_hot_on_symbolic, np_argmax_on_symbolic,
                                     dense_on_the_wrong_width, reshaper_on_a_whole_sequence,
                                     model_run_with_the_wrong_width], ids=lambda f: f.__name__)
def test_keras_messages_that_mention_shapes_never_get_the_matrix_product_hint(failing):
    assert "matrix product" not in hint_of(failing)


def test_other_exceptions():
    def unwritten():
        raise NotImplementedError()

    def wrong_key():
        return {"Wax": 1}["wax"]

    def unrelated():
        raise ValueError("math domain error")

    assert "not written yet" in hint_of(unwritten)
    assert "case-sensitive" in hint_of(wrong_key)
    assert hint_of(unrelated) is None
    assert exception_hint(["RuntimeError", "Exception"], "the shapes of my life") is None  # not a ValueError


# --------------------------------------------------------------- the catalogue's Keras 2 mistakes

KERAS_2_HINTS = (TF_ON_SYMBOLIC, NUMPY_ON_SYMBOLIC, LAYER_INPUT_BY_KEYWORD, BACKEND_MATH)
KERAS_2_ENTRIES = [e for e in assignments.catalogue("jazz_lstm") if not e.correct and e.hint in KERAS_2_HINTS]


def test_the_catalogue_has_the_keras_2_mistakes_of_both_models():
    found = {(e.function, e.hint) for e in KERAS_2_ENTRIES}
    assert {("djmodel", LAYER_INPUT_BY_KEYWORD), ("djmodel", TF_ON_SYMBOLIC)} <= found
    assert {("music_inference_model", hint) for hint in KERAS_2_HINTS} <= found


@pytest.mark.parametrize("entry", KERAS_2_ENTRIES, ids=lambda e: f"{e.function}__{e.slug}")
def test_a_keras_2_mistake_scores_zero_with_its_hint(entry):
    report = run(grader(f"jazz_lstm.{entry.function}"), student_namespace(entry), graded_names("jazz_lstm"), seed=5)
    assert report.points == 0 and not report.grader_failures, report.render()
    shown = report.render(details=False)  # what the student reads in feedback
    assert shown.count(f"Hint: {entry.hint}") == len(report.results), shown


def test_a_model_broken_only_when_tx_is_1_keeps_the_other_sizes_shares():
    """The Keras kit gives each size an equal share (autograder/shares.py): a djmodel that fails
    only with a single time step keeps the other sizes' points and is told the size."""
    from autograder.killrate import notebook_namespace
    namespace = notebook_namespace("jazz_lstm")
    namespace["REFERENCE"] = namespace["djmodel"]
    exec("def djmodel(Tx, LSTM_cell, densor, reshaper):\n    assert Tx > 1\n"
         "    return REFERENCE(Tx, LSTM_cell, densor, reshaper)\n", namespace)
    report = run(grader("jazz_lstm.djmodel"), namespace, graded_names("jazz_lstm"), 11)
    feedback = report.render(details=False)
    assert 0 < report.points < report.max_points, feedback
    assert "It fails when Tx = 1" in feedback
