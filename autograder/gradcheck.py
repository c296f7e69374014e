"""Centred finite differences in float64, and the CS231n relative error."""
import numpy as np

STEP = 1e-5


def relative_error(a, b):
    """max |a - b| / max(1e-8, |a| + |b|) over all entries (0 for empty arrays)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(loss, x, step=STEP):
    """dloss/dx by centred differences. `loss()` reads `x`, which is nudged in place and restored.

    x: float64 array of any shape; returns an array of the same shape.
    """
    if x.dtype != np.float64:
        raise TypeError("finite differences need float64 inputs")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + step
        up = loss()
        x[index] = saved - step
        down = loss()
        x[index] = saved
        grad[index] = (up - down) / (2 * step)
    return grad


def numerical_gradients(loss, arrays):
    """{name: dloss/d arrays[name]} for a dict of float64 arrays that `loss()` reads."""
    return {name: numerical_gradient(loss, x) for name, x in arrays.items()}
