"""Catalogue of assignment 1 (forward): wrong implementations students write, and correct variants.

Function names are `<graded function>__<slug>`; the names they call (softmax, sigmoid, the
cell functions) resolve to the reference here, and to the student's namespace in a notebook.
"""
import numpy as np

from ..oracle import (lstm_cell_backward, lstm_cell_forward,  # noqa: F401
                                       rnn_cell_backward, rnn_cell_forward, sigmoid, softmax)
from ....kits.numpy_functions import OVERWRITTEN_CACHE_HINT, OVERWRITTEN_VALUE_HINT
from ....catalogue import correct, wrong


# ------------------------------------------------------------------------ rnn_cell_forward

@wrong("a_next needs the bias ba inside the tanh: tanh(Waa a_prev + Wax xt + ba).")
def rnn_cell_forward__no_bias(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("The bias belongs inside the tanh: tanh(Waa a_prev + Wax xt + ba).")
def rnn_cell_forward__bias_outside_tanh(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt) + parameters["ba"]
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("The activation of the hidden state is tanh, not the sigmoid.")
def rnn_cell_forward__sigmoid_activation(xt, a_prev, parameters):
    a_next = sigmoid(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("softmax normalises each column (one example) over the n_y classes: axis 0, not axis 1.")
def rnn_cell_forward__softmax_over_examples(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    z = parameters["Wya"] @ a_next + parameters["by"]
    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("The prediction reads the new state: yt_pred = softmax(Wya a_next + by), not a_prev.")
def rnn_cell_forward__prediction_from_a_prev(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_prev + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("The output bias goes inside the softmax: yt_pred = softmax(Wya a_next + by).")
def rnn_cell_forward__bias_after_softmax(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next) + parameters["by"]
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


@wrong("The cache is (a_next, a_prev, xt, parameters), in this order: the backward pass unpacks it.")
def rnn_cell_forward__cache_order(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_prev, a_next, xt, parameters)


@correct("np.dot and a stacked weight matrix [Waa Wax] acting on [a_prev; xt]")
def rnn_cell_forward__stacked(xt, a_prev, parameters):
    W = np.hstack([parameters["Waa"], parameters["Wax"]])
    a_next = np.tanh(np.dot(W, np.vstack([a_prev, xt])) + parameters["ba"])
    yt_pred = softmax(np.dot(parameters["Wya"], a_next) + parameters["by"])
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


@correct("a loop over the examples in the batch, with its own softmax")
def rnn_cell_forward__per_example(xt, a_prev, parameters):
    n_a, m = a_prev.shape
    n_y = parameters["Wya"].shape[0]
    a_next = np.zeros((n_a, m))
    yt_pred = np.zeros((n_y, m))
    for i in range(m):
        a_next[:, i] = np.tanh(parameters["Waa"].dot(a_prev[:, i]) + parameters["Wax"].dot(xt[:, i])
                               + parameters["ba"][:, 0])
        z = parameters["Wya"].dot(a_next[:, i]) + parameters["by"][:, 0]
        e = np.exp(z - z.max())
        yt_pred[:, i] = e / e.sum()
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


# ----------------------------------------------------------------------------- rnn_forward

@wrong("Carry the state: the a_prev of step t+1 is the a_next of step t, not a0 every time.")
def rnn_forward__state_not_carried(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a0, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, (caches, x)


@wrong("Step t reads the input slice x[:, :, t]; check the index you feed to the cell.")
def rnn_forward__off_by_one_input(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, max(t - 1, 0)], a_next, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, (caches, x)


@wrong("The recurrence starts from the given a0, not from zeros.")
def rnn_forward__zero_initial_state(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next = np.zeros_like(a0)
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, (caches, x)


@wrong("Store every step's prediction in y_pred[:, :, t]; only one step was kept.")
def rnn_forward__prediction_of_last_step_only(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    y_pred[:, :, T_x - 1] = yt
    return a, y_pred, (caches, x)


@wrong("caches is a pair: (the list of the step caches, x).")
def rnn_forward__caches_without_x(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_next = a0
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
    return a, y_pred, caches


@wrong("a[:, :, t] holds the state after step t (a_next), not the state the step started from.")
def rnn_forward__stores_previous_state(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_prev = a0
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t], y_pred[:, :, t] = a_prev, yt
        caches.append(cache)
        a_prev = a_next
    return a, y_pred, (caches, x)


@wrong(OVERWRITTEN_CACHE_HINT)
def rnn_forward__state_updated_in_place(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_prev = a0.copy()
    for t in range(T_x):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t], y_pred[:, :, t] = a_next, yt
        caches.append(cache)
        a_prev[:] = a_next
    return a, y_pred, (caches, x)


@wrong(OVERWRITTEN_VALUE_HINT)
def rnn_forward__one_array_for_every_step(x, a0, parameters):
    a_t = a0.copy()
    states, predictions, caches = [], [], []
    for t in range(x.shape[2]):
        a_next, yt, cache = rnn_cell_forward(x[:, :, t], a_t, parameters)
        a_t[...] = a_next
        states.append(a_t)
        predictions.append(yt)
        caches.append(cache)
    return np.stack(states, axis=2), np.stack(predictions, axis=2), (caches, x)


@correct("the cell written inline instead of calling rnn_cell_forward")
def rnn_forward__inline(x, a0, parameters):
    Wax, Waa, Wya, ba, by = (parameters[k] for k in ("Wax", "Waa", "Wya", "ba", "by"))
    T_x = x.shape[2]
    a_list, y_list, caches = [], [], []
    a_prev = a0
    for t in range(T_x):
        a_next = np.tanh(np.dot(Wax, x[:, :, t]) + np.dot(Waa, a_prev) + ba)
        y_list.append(softmax(np.dot(Wya, a_next) + by))
        caches.append((a_next, a_prev, x[:, :, t], parameters))
        a_list.append(a_next)
        a_prev = a_next
    return np.stack(a_list, axis=2), np.stack(y_list, axis=2), (caches, x)


@correct("a while loop and a list of caches built after the arrays")
def rnn_forward__while_loop(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    steps = []
    t, a_next = 0, a0
    while t < T_x:
        a_next, y_pred[..., t], cache = rnn_cell_forward(x[..., t], a_next, parameters)
        a[..., t] = a_next
        steps.append(cache)
        t += 1
    return a, y_pred, (steps, x)


# ----------------------------------------------------------------------- lstm_cell_forward

@wrong("Stack a_prev above xt: concat = [a_prev; xt]; the weights expect that order.")
def lstm_cell_forward__concat_order(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([xt, a_prev], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@wrong("The candidate cct uses tanh; the three gates use the sigmoid.")
def lstm_cell_forward__candidate_sigmoid(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = sigmoid(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@wrong("The forget gate scales the old cell state: c_next = ft * c_prev + it * cct.")
def lstm_cell_forward__forget_gate_on_candidate(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = it * c_prev + ft * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@wrong("The output squashes the cell state first: a_next = ot * tanh(c_next).")
def lstm_cell_forward__no_tanh_on_cell(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * c_next
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@wrong("Every gate has its own bias; check that bo is added in the output gate.")
def lstm_cell_forward__output_gate_bias_missing(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat)
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@wrong("Each gate has its own weights: the update gate it uses Wi and bi.")
def lstm_cell_forward__update_gate_reuses_forget_weights(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wf"] @ concat + p["bf"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@wrong("The cache order is (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).")
def lstm_cell_forward__cache_gate_order(xt, a_prev, c_prev, parameters):
    p = parameters
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)


@correct("separate products with the a_prev and xt blocks of each weight, via np.dot")
def lstm_cell_forward__split_weights(xt, a_prev, c_prev, parameters):
    n_a = a_prev.shape[0]

    def pre(gate):
        W = parameters["W" + gate]
        return np.dot(W[:, :n_a], a_prev) + np.dot(W[:, n_a:], xt) + parameters["b" + gate]

    ft, it, ot = sigmoid(pre("f")), sigmoid(pre("i")), sigmoid(pre("o"))
    cct = np.tanh(pre("c"))
    c_next = np.multiply(ft, c_prev) + np.multiply(it, cct)
    a_next = np.multiply(ot, np.tanh(c_next))
    yt_pred = softmax(np.dot(parameters["Wy"], a_next) + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


@correct("all four gates from one stacked matrix product, concat built with np.vstack")
def lstm_cell_forward__stacked_gates(xt, a_prev, c_prev, parameters):
    n_a = a_prev.shape[0]
    W = np.vstack([parameters[k] for k in ("Wf", "Wi", "Wc", "Wo")])
    b = np.vstack([parameters[k] for k in ("bf", "bi", "bc", "bo")])
    z = W @ np.vstack((a_prev, xt)) + b
    ft, it, ot = (1 / (1 + np.exp(-z[k * n_a:(k + 1) * n_a])) for k in (0, 1, 3))
    cct = np.tanh(z[2 * n_a:3 * n_a])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


# ---------------------------------------------------------------------------- lstm_forward

@wrong("The cell state starts at zero; a0 is the initial hidden state only.")
def lstm_forward__cell_state_starts_at_a0(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next, c_next = [], a0, a0
    for t in range(x.shape[2]):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.append(cache)
    return a, y, c, (caches, x)


@wrong("Carry the cell state too: the c_prev of step t+1 is the c_next of step t.")
def lstm_forward__cell_state_not_carried(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next, c0 = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c0, parameters)
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.append(cache)
    return a, y, c, (caches, x)


@wrong("lstm_forward returns a, y, c, caches, in this order.")
def lstm_forward__returns_c_before_y(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next, c_next = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.append(cache)
    return a, c, y, (caches, x)


@wrong("c[:, :, t] is the cell state after step t; store c_next, not the hidden state.")
def lstm_forward__stores_hidden_state_as_cell(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next, c_next = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t] = a_next, a_next
        caches.append(cache)
    return a, y, c, (caches, x)


@wrong("Keep the hidden state a_next between steps; a0 is only the state before step 0.")
def lstm_forward__hidden_state_reset(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, c_next = [], np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a0, c_next, parameters)
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.append(cache)
    return a, y, c, (caches, x)


@wrong("Append the cache of every step to the list, in time order.")
def lstm_forward__caches_reversed(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next, c_next = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.insert(0, cache)
    return a, y, c, (caches, x)


@wrong(OVERWRITTEN_CACHE_HINT)
def lstm_forward__cell_state_updated_in_place(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next, c_next = [], a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_new, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        c_next[:] = c_new
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.append(cache)
    return a, y, c, (caches, x)


@wrong(OVERWRITTEN_CACHE_HINT)
def lstm_forward__previous_cell_state_as_a_slice(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_next = [], a0
    for t in range(T_x):
        # c[:, :, -1] is still zero at t = 0, but the cache keeps the slice, which the last step fills
        a_next, c[:, :, t], y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c[:, :, t - 1],
                                                                  parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, y, c, (caches, x)


@correct("lists of steps stacked at the end with np.stack")
def lstm_forward__stacked_lists(x, a0, parameters):
    states, cells, outputs, caches = [], [], [], []
    a_t, c_t = a0, np.zeros(a0.shape)
    for t in range(x.shape[-1]):
        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        states.append(a_t)
        cells.append(c_t)
        outputs.append(y_t)
        caches.append(cache)
    return np.stack(states, -1), np.stack(outputs, -1), np.stack(cells, -1), (caches, x)


@correct("preallocated arrays filled through ellipsis indexing")
def lstm_forward__ellipsis(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    n_y = parameters["by"].shape[0]
    a = np.empty((n_a, m, T_x))
    c = np.empty((n_a, m, T_x))
    y = np.empty((n_y, m, T_x))
    caches = []
    a_next, c_next = a0.copy(), np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, y[..., t], cache = lstm_cell_forward(x[..., t], a_next, c_next, parameters)
        a[..., t] = a_next
        c[..., t] = c_next
        caches.append(cache)
    return a, y, c, (caches, x)
