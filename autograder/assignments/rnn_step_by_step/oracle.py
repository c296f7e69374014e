"""Reference oracle for assignment 1 (rnn_step_by_step).

Hidden tests compare students' functions with these at grading time. Signatures, return
orders and cache layouts are the course's graded API: existing solutions rely on them.

Shapes: xt (n_x, m); x (n_x, m, T_x); a_prev / a_next / c_* (n_a, m); a, c (n_a, m, T_x);
yt_pred (n_y, m); y (n_y, m, T_x); weights acting on concat = [a_prev; xt] are (n_a, n_a + n_x);
biases (n, 1). Backward functions neither divide by m nor back-propagate the output layer.
"""
import numpy as np


def softmax(x):
    """Column-wise softmax. x: (n, m) -> (n, m), each column sums to 1."""
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def sigmoid(x):
    """Element-wise logistic function, any shape."""
    return 1.0 / (1.0 + np.exp(-x))


# ----------------------------------------------------------------------------- RNN forward

def rnn_cell_forward(xt, a_prev, parameters):
    """One RNN step. xt (n_x, m), a_prev (n_a, m); Wax (n_a, n_x), Waa (n_a, n_a),
    Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m), cache (a_next, a_prev, xt, parameters)."""
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    yt_pred = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    """Whole sequence. x (n_x, m, T_x), a0 (n_a, m).
    Returns a (n_a, m, T_x), y_pred (n_y, m, T_x), caches (list of T_x step caches, x)."""
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    step_caches = []
    a_t = a0
    for t in range(T_x):
        a_t, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_t, parameters)
        a[:, :, t] = a_t
        step_caches.append(cache)
    return a, y_pred, (step_caches, x)


# ---------------------------------------------------------------------------- LSTM forward

def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step. xt (n_x, m), a_prev and c_prev (n_a, m); Wf, Wi, Wc, Wo (n_a, n_a + n_x),
    bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next, c_next (n_a, m), yt_pred (n_y, m),
    cache (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)."""
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


def lstm_forward(x, a0, parameters):
    """Whole sequence; the cell state starts at zero. x (n_x, m, T_x), a0 (n_a, m).
    Returns a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x), caches (list of step caches, x)."""
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    step_caches = []
    a_t, c_t = a0, np.zeros_like(a0)
    for t in range(T_x):
        a_t, c_t, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a[:, :, t], c[:, :, t] = a_t, c_t
        step_caches.append(cache)
    return a, y, c, (step_caches, x)


# ---------------------------------------------------------------------------- RNN backward

def rnn_cell_backward(da_next, cache):
    """Gradients of one RNN step. da_next (n_a, m): dLoss/da_next.
    Returns dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)."""
    a_next, a_prev, xt, p = cache
    dz = (1 - a_next ** 2) * da_next
    return {"dxt": p["Wax"].T @ dz, "da_prev": p["Waa"].T @ dz,
            "dWax": dz @ xt.T, "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=1, keepdims=True)}


def rnn_backward(da, caches):
    """Back-propagation through time. da (n_a, m, T_x): dLoss/da<t> from the outputs.
    Returns dx (n_x, m, T_x), da0 (n_a, m), dWax, dWaa, dba summed over time."""
    step_caches, x = caches
    p = step_caches[0][3]
    dx = np.zeros(x.shape)
    grads = {k: np.zeros_like(p[k[1:]]) for k in ("dWax", "dWaa", "dba")}
    da_prev = np.zeros(da.shape[:2])
    for t in reversed(range(x.shape[2])):
        step = rnn_cell_backward(da[:, :, t] + da_prev, step_caches[t])
        dx[:, :, t], da_prev = step["dxt"], step["da_prev"]
        for k in grads:
            grads[k] += step[k]
    return {"dx": dx, "da0": da_prev, **grads}


# --------------------------------------------------------------------------- LSTM backward

LSTM_GATES = ("f", "i", "c", "o")


def lstm_cell_backward(da_next, dc_next, cache):
    """Gradients of one LSTM step. da_next, dc_next (n_a, m).
    Returns dxt (n_x, m), da_prev, dc_prev (n_a, m), dW* (n_a, n_a + n_x), db* (n_a, 1)."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dz = {"f": dc * c_prev * ft * (1 - ft), "i": dc * cct * it * (1 - it),
          "c": dc * it * (1 - cct ** 2), "o": da_next * tanh_c * ot * (1 - ot)}
    concat = np.concatenate([a_prev, xt], axis=0)
    dconcat = sum(p["W" + g].T @ dz[g] for g in LSTM_GATES)
    grads = {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft}
    for g in LSTM_GATES:
        grads["dW" + g] = dz[g] @ concat.T
        grads["db" + g] = dz[g].sum(axis=1, keepdims=True)
    return grads


def lstm_backward(da, caches):
    """Back-propagation through time for the LSTM. da (n_a, m, T_x).
    Returns dx (n_x, m, T_x), da0 (n_a, m), dWf.. (n_a, n_a + n_x), dbf.. (n_a, 1)."""
    step_caches, x = caches
    p = step_caches[0][9]
    dx = np.zeros(x.shape)
    grads = {d + g: np.zeros_like(p[d[1:] + g]) for g in LSTM_GATES for d in ("dW", "db")}
    da_prev = np.zeros(da.shape[:2])
    dc_prev = np.zeros(da.shape[:2])
    for t in reversed(range(x.shape[2])):
        step = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, step_caches[t])
        dx[:, :, t], da_prev, dc_prev = step["dxt"], step["da_prev"], step["dc_prev"]
        for k in grads:
            grads[k] += step[k]
    return {"dx": dx, "da0": da_prev, **grads}


# ------------------------------------------------------------------------ GRU (extension)

def simple_gru_cell_forward(xt, a_prev, parameters):
    """GRU without reset gate. Wu, Wc (n_a, n_a + n_x), bu, bc (n_a, 1), Wy (n_y, n_a), by.
    Returns a_next (n_a, m), yt_pred (n_y, m), cache (a_next, a_prev, xt, ut, cct, parameters)."""
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ut = sigmoid(p["Wu"] @ concat + p["bu"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    a_next = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, ut, cct, parameters)


def simple_gru_cell_backward(da_next, cache):
    """Returns dxt (n_x, m), da_prev (n_a, m), dWu, dWc (n_a, n_a + n_x), dbu, dbc (n_a, 1)."""
    a_next, a_prev, xt, ut, cct, p = cache
    n_a = a_prev.shape[0]
    concat = np.concatenate([a_prev, xt], axis=0)
    dzu = da_next * (cct - a_prev) * ut * (1 - ut)
    dzc = da_next * ut * (1 - cct ** 2)
    dconcat = p["Wu"].T @ dzu + p["Wc"].T @ dzc
    return {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a] + da_next * (1 - ut),
            "dWu": dzu @ concat.T, "dbu": dzu.sum(axis=1, keepdims=True),
            "dWc": dzc @ concat.T, "dbc": dzc.sum(axis=1, keepdims=True)}


def gru_cell_forward(xt, a_prev, parameters):
    """Full GRU. Wr, Wu, Wc (n_a, n_a + n_x), br, bu, bc (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    The candidate sees [rt * a_prev; xt]. Returns a_next (n_a, m), yt_pred (n_y, m),
    cache (a_next, a_prev, xt, rt, ut, cct, parameters)."""
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    rt = sigmoid(p["Wr"] @ concat + p["br"])
    ut = sigmoid(p["Wu"] @ concat + p["bu"])
    cct = np.tanh(p["Wc"] @ np.concatenate([rt * a_prev, xt], axis=0) + p["bc"])
    a_next = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, rt, ut, cct, parameters)


def gru_cell_backward(da_next, cache):
    """Returns dxt (n_x, m), da_prev (n_a, m), dWr, dWu, dWc (n_a, n_a + n_x), dbr, dbu, dbc."""
    a_next, a_prev, xt, rt, ut, cct, p = cache
    n_a = a_prev.shape[0]
    concat = np.concatenate([a_prev, xt], axis=0)
    gated = np.concatenate([rt * a_prev, xt], axis=0)
    dzu = da_next * (cct - a_prev) * ut * (1 - ut)
    dzc = da_next * ut * (1 - cct ** 2)
    dgated = p["Wc"].T @ dzc
    dzr = dgated[:n_a] * a_prev * rt * (1 - rt)
    dconcat = p["Wu"].T @ dzu + p["Wr"].T @ dzr
    return {"dxt": dconcat[n_a:] + dgated[n_a:],
            "da_prev": dconcat[:n_a] + dgated[:n_a] * rt + da_next * (1 - ut),
            "dWr": dzr @ concat.T, "dbr": dzr.sum(axis=1, keepdims=True),
            "dWu": dzu @ concat.T, "dbu": dzu.sum(axis=1, keepdims=True),
            "dWc": dzc @ gated.T, "dbc": dzc.sum(axis=1, keepdims=True)}


# ---------------------------------------------- deep and bidirectional RNNs (extension)

def deep_rnn_forward(x, a0, parameters):
    """A stack of L RNN layers: layer l's hidden states are layer l+1's input sequence.
    x (n_x, m, T_x); a0: list of L initial states (n_a_l, m); parameters: list of L
    rnn_forward dicts (Wax (n_a_l, n_a_{l-1}) with n_a_0 = n_x, Waa, ba, Wya (n_y, n_a_l), by);
    only the top layer's output layer is used.
    Returns a (list of L arrays (n_a_l, m, T_x)), y_pred (n_y, m, T_x) from the top layer,
    caches (list of L rnn_forward caches)."""
    a, caches = [], []
    layer_input = x
    for l in range(len(parameters)):
        a_l, y_l, cache_l = rnn_forward(layer_input, a0[l], parameters[l])
        a.append(a_l)
        caches.append(cache_l)
        layer_input = a_l
    y_pred = y_l  # the top layer's predictions; those of the layers below are not used
    return a, y_pred, caches


def brnn_forward(x, a0_fwd, a0_bwd, parameters):
    """A bidirectional RNN. x (n_x, m, T_x); a0_fwd, a0_bwd (n_a, m); parameters: "fwd" and
    "bwd", rnn_forward dicts of the two directions (their own output layers are not used),
    Wy (n_y, 2 n_a) and by (n_y, 1). The backward direction is rnn_forward over x[:, :, ::-1].
    Returns a_fwd, a_bwd (n_a, m, T_x), both in time order; y_pred (n_y, m, T_x) with
    y_pred[:, :, t] = softmax(Wy [a_fwd_t; a_bwd_t] + by); caches (caches_fwd, caches_bwd),
    the two rnn_forward caches (caches_bwd of the run over the reversed sequence)."""
    a_fwd, _, caches_fwd = rnn_forward(x, a0_fwd, parameters["fwd"])
    a_bwd_reversed, _, caches_bwd = rnn_forward(x[:, :, ::-1], a0_bwd, parameters["bwd"])
    a_bwd = a_bwd_reversed[:, :, ::-1]
    n_y, T_x = parameters["Wy"].shape[0], x.shape[2]
    y_pred = np.zeros((n_y, x.shape[1], T_x))
    for t in range(T_x):
        concat = np.concatenate([a_fwd[:, :, t], a_bwd[:, :, t]], axis=0)
        y_pred[:, :, t] = softmax(parameters["Wy"] @ concat + parameters["by"])
    return a_fwd, a_bwd, y_pred, (caches_fwd, caches_bwd)
