"""Small numerical helpers for the "RNNs step by step" assignment.

Both functions work element-wise on NumPy arrays and never print warnings,
so you can call them freely from your own code.
"""

import numpy as np


def softmax(x):
    """Column-wise softmax.

    Every column of ``x`` holds the scores of one example; the function turns
    each column into a probability distribution over the rows (axis 0).
    The column maximum is subtracted first, which leaves the result unchanged
    but keeps ``np.exp`` from overflowing.

    Inputs:
    - x: scores, numpy array of shape (n, m): n classes, m examples.
      A 1-D array of shape (n,) is treated as a single column.

    Returns:
    - probabilities of the same shape (n, m); every column is positive and
      sums to 1.
    """
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=0, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=0, keepdims=True)


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), applied element-wise.

    Inputs:
    - x: numpy array of any shape, e.g. (n_a, m), or a Python scalar.

    Returns:
    - array of the same shape as x with every value in [0, 1].
      Very negative inputs give 0.0 instead of an overflow warning.
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))
