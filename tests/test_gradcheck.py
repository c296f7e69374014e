"""The finite-difference checker itself is tested: it must find right gradients right and
wrong gradients wrong."""
import numpy as np
import pytest

from autograder.gradcheck import numerical_gradient, numerical_gradients, relative_error


@pytest.mark.parametrize("shape", [(1,), (1, 1), (3, 2), (2, 3, 4)])
def test_gradient_of_a_cubic(shape):
    x = np.random.default_rng(0).normal(size=shape)
    numeric = numerical_gradient(lambda: np.sum(x ** 3), x)
    assert relative_error(numeric, 3 * x ** 2) < 1e-8


def test_gradient_of_a_matrix_product_and_inputs_restored():
    rng = np.random.default_rng(1)
    W, v, g = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    before = W.copy(), v.copy()
    grads = numerical_gradients(lambda: np.sum(g * np.tanh(W @ v)), {"W": W, "v": v})
    dz = g * (1 - np.tanh(W @ v) ** 2)
    assert relative_error(grads["W"], dz @ v.T) < 1e-7
    assert relative_error(grads["v"], W.T @ dz) < 1e-7
    assert np.array_equal(W, before[0]) and np.array_equal(v, before[1])


def test_a_wrong_gradient_is_far():
    rng = np.random.default_rng(2)
    W, v = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    numeric = numerical_gradient(lambda: np.sum(np.tanh(W @ v)), W)
    missing_derivative = np.ones((4, 2)) @ v.T
    assert relative_error(numeric, missing_derivative) > 1e-2
    assert relative_error(numeric, numeric / 2) == pytest.approx(1 / 3)


def test_relative_error_is_cs231n_style():
    assert relative_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([]), np.array([])) == 0.0


def test_float32_inputs_are_refused():
    x = np.ones(3, dtype=np.float32)
    with pytest.raises(TypeError):
        numerical_gradient(lambda: float(np.sum(x)), x)
