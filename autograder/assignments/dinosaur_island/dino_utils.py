"""Helpers for the Dinosaur Island assignment: a character-level RNN language model.

Vocabulary: '\\n' is index 0 and 'a'..'z' are 1..26 (vocab_size = 27).
A name is a list of indices X = [None] + indices; None stands for the zero input at t = 0.
Column vectors everywhere: one-hot inputs x[t] (vocab_size, 1), hidden states a[t] (n_a, 1),
probabilities y_hat[t] (vocab_size, 1).

Parameters (dict): Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1).
Gradients (dict): dWax, dWaa, dWya, db, dby of the same shapes.
"""
import numpy as np


def softmax(x):
    """Column-wise softmax, numerically stable. x (n, m) -> (n, m), each column sums to 1."""
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def smooth(loss, cur_loss):
    """Exponential moving average of the loss: 0.999 * loss + 0.001 * cur_loss."""
    return loss * 0.999 + cur_loss * 0.001


def get_initial_loss(vocab_size, seq_length):
    """Loss of a model that guesses uniformly, for a sequence of seq_length characters."""
    return -np.log(1.0 / vocab_size) * seq_length


def initialize_parameters(n_a, n_x, n_y):
    """Small random weights and zero biases, reproducibly (np.random.seed(1)).

    Returns a dict: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1), by (n_y, 1).
    """
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def rnn_step_forward(parameters, a_prev, x):
    """One step. a_prev (n_a, 1), x (n_x, 1) -> a_next (n_a, 1), p_t (n_y, 1) probabilities."""
    p = parameters
    a_next = np.tanh(p["Wax"] @ x + p["Waa"] @ a_prev + p["b"])
    p_t = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, p_t


def rnn_step_backward(dy, gradients, parameters, x, a, a_prev):
    """Add one step's contribution to `gradients` (in place) and return it.

    dy (n_y, 1): dLoss/d(Wya a + by) at this step; x (n_x, 1); a, a_prev (n_a, 1).
    gradients["da_next"] (n_a, 1) carries dLoss/da from the later steps.
    """
    gradients["dWya"] += dy @ a.T
    gradients["dby"] += dy
    da = parameters["Wya"].T @ dy + gradients["da_next"]
    dz = (1 - a * a) * da
    gradients["db"] += dz
    gradients["dWax"] += dz @ x.T
    gradients["dWaa"] += dz @ a_prev.T
    gradients["da_next"] = parameters["Waa"].T @ dz
    return gradients


def rnn_forward(X, Y, a0, parameters, vocab_size=27):
    """Forward pass over one name, with the cross-entropy loss.

    X: list of input indices (X[0] is None, the zero input); Y: list of target indices,
    len(Y) == len(X); a0 (n_a, 1). Returns loss (float) and cache = (y_hat, a, x), dicts keyed
    by time step: y_hat[t] (vocab_size, 1), a[t] (n_a, 1) with a[-1] = a0, x[t] (vocab_size, 1).
    """
    x, a, y_hat = {}, {-1: np.copy(a0)}, {}
    loss = 0.0
    for t in range(len(X)):
        x[t] = np.zeros((vocab_size, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t], y_hat[t] = rnn_step_forward(parameters, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    return loss, (y_hat, a, x)


def rnn_backward(X, Y, parameters, cache):
    """Back-propagation through time over one name.

    Returns gradients (dict dWax, dWaa, dWya, db, dby, da_next) and a (the dict of hidden
    states from the cache, a[t] (n_a, 1)).
    """
    y_hat, a, x = cache
    gradients = {"dWax": np.zeros_like(parameters["Wax"]), "dWaa": np.zeros_like(parameters["Waa"]),
                 "dWya": np.zeros_like(parameters["Wya"]), "db": np.zeros_like(parameters["b"]),
                 "dby": np.zeros_like(parameters["by"]), "da_next": np.zeros_like(a[0])}
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        gradients = rnn_step_backward(dy, gradients, parameters, x[t], a[t], a[t - 1])
    return gradients, a


def update_parameters(parameters, gradients, lr):
    """Gradient descent step, in place: W -= lr * dW for every parameter. Returns parameters."""
    for name in ("Wax", "Waa", "Wya", "b", "by"):
        parameters[name] += -lr * gradients["d" + name]
    return parameters


def get_sample(sample_ix, ix_to_char):
    """The characters of a list of indices, as a string (the trailing '\\n' included)."""
    return "".join(ix_to_char[ix] for ix in sample_ix)


def print_sample(sample_ix, ix_to_char):
    """Print a sampled name, capitalised, without its trailing newline."""
    name = get_sample(sample_ix, ix_to_char).strip()
    print(name[:1].upper() + name[1:])
