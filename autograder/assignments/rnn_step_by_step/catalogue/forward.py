"""Catalogue of assignment 1 (forward): wrong implementations students write, and correct variants.

A mistake that is a small change of the reference is its mutant: the oracle's code with a few
exact edits. The others are functions named `<graded function>__<slug>`; the names they call
(softmax, sigmoid, the cell functions) resolve to the reference here, and to the student's
namespace in a notebook.
"""
import numpy as np

from ..oracle import lstm_cell_forward, lstm_forward, rnn_cell_forward, rnn_forward, sigmoid, softmax
from ....kits.numpy_functions import OVERWRITTEN_CACHE_HINT, OVERWRITTEN_VALUE_HINT
from ....catalogue import correct, mutant, wrong


# ------------------------------------------------------------------------ rnn_cell_forward

# the state's pre-activation and activation
mutant(rnn_cell_forward, "no_bias", "a_next needs the bias ba inside the tanh: tanh(Waa a_prev + Wax xt + ba).",
       (' + p["ba"]', ""))
mutant(rnn_cell_forward, "bias_outside_tanh", "The bias belongs inside the tanh: tanh(Waa a_prev + Wax xt + ba).",
       ('@ xt + p["ba"])', '@ xt) + p["ba"]'))
mutant(rnn_cell_forward, "sigmoid_activation", "The activation of the hidden state is tanh, not the sigmoid.",
       ("np.tanh(", "sigmoid("))


@wrong("softmax normalises each column (one example) over the n_y classes: axis 0, not axis 1.")
def rnn_cell_forward__softmax_over_examples(xt, a_prev, parameters):
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    z = parameters["Wya"] @ a_next + parameters["by"]
    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


# the prediction and the cache
mutant(rnn_cell_forward, "prediction_from_a_prev",
       "The prediction reads the new state: yt_pred = softmax(Wya a_next + by), not a_prev.",
       ('p["Wya"] @ a_next', 'p["Wya"] @ a_prev'))
mutant(rnn_cell_forward, "bias_after_softmax",
       "The output bias goes inside the softmax: yt_pred = softmax(Wya a_next + by).",
       ('softmax(p["Wya"] @ a_next + p["by"])', 'softmax(p["Wya"] @ a_next) + p["by"]'))
mutant(rnn_cell_forward, "cache_order",
       "The cache is (a_next, a_prev, xt, parameters), in this order: the backward pass unpacks it.",
       ("yt_pred, (a_next, a_prev,", "yt_pred, (a_prev, a_next,"))


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

# what each step reads
mutant(rnn_forward, "state_not_carried",
       "Carry the state: the a_prev of step t+1 is the a_next of step t, not a0 every time.",
       ("(x[:, :, t], a_t,", "(x[:, :, t], a0,"))
mutant(rnn_forward, "off_by_one_input",
       "Step t reads the input slice x[:, :, t]; check the index you feed to the cell.",
       ("(x[:, :, t],", "(x[:, :, max(t - 1, 0)],"))
mutant(rnn_forward, "zero_initial_state", "The recurrence starts from the given a0, not from zeros.",
       ("a_t = a0", "a_t = np.zeros_like(a0)"))

# what is stored and returned
mutant(rnn_forward, "prediction_of_last_step_only",
       "Store every step's prediction in y_pred[:, :, t]; only one step was kept.",
       ("y_pred[:, :, t]", "y_pred[:, :, -1]"))
mutant(rnn_forward, "caches_without_x", "caches is a pair: (the list of the step caches, x).",
       ("(step_caches, x)", "step_caches"))
mutant(rnn_forward, "stores_previous_state",
       "a[:, :, t] holds the state after step t (a_next), not the state the step started from.",
       ("a[:, :, t] = a_t", "a[:, :, t] = cache[1]"))  # the step's a_prev

# the cell's a_prev is the array a_t, which the next step overwrites
mutant(rnn_forward, "state_updated_in_place", OVERWRITTEN_CACHE_HINT,
       ("a_t = a0", "a_t = a0.copy()"), ("a_t, y_pred[:, :, t], cache", "a_t[:], y_pred[:, :, t], cache"))


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

# the gates and the candidate
mutant(lstm_cell_forward, "concat_order",
       "Stack a_prev above xt: concat = [a_prev; xt]; the weights expect that order.",
       ("[a_prev, xt]", "[xt, a_prev]"))
mutant(lstm_cell_forward, "candidate_sigmoid", "The candidate cct uses tanh; the three gates use the sigmoid.",
       ("cct = np.tanh(", "cct = sigmoid("))

# the cell and hidden states
mutant(lstm_cell_forward, "forget_gate_on_candidate",
       "The forget gate scales the old cell state: c_next = ft * c_prev + it * cct.",
       ("ft * c_prev + it * cct", "it * c_prev + ft * cct"))
mutant(lstm_cell_forward, "no_tanh_on_cell", "The output squashes the cell state first: a_next = ot * tanh(c_next).",
       ("ot * np.tanh(c_next)", "ot * c_next"))

# a gate's parameters
mutant(lstm_cell_forward, "output_gate_bias_missing",
       "Every gate has its own bias; check that bo is added in the output gate.",
       (' + p["bo"]', ""))
mutant(lstm_cell_forward, "update_gate_reuses_forget_weights",
       "Each gate has its own weights: the update gate it uses Wi and bi.",
       ('sigmoid(p["Wi"] @ concat + p["bi"])', 'sigmoid(p["Wf"] @ concat + p["bf"])'))

# the cache
mutant(lstm_cell_forward, "cache_gate_order",
       "The cache order is (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters).",
       ("yt_pred, (a_next, c_next, a_prev, c_prev, ft, it,", "yt_pred, (a_next, c_next, a_prev, c_prev, it, ft,"))


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

# the states each step starts from
mutant(lstm_forward, "cell_state_starts_at_a0", "The cell state starts at zero; a0 is the initial hidden state only.",
       ("a_t, c_t = a0, np.zeros_like(a0)", "a_t, c_t = a0, a0"))
mutant(lstm_forward, "cell_state_not_carried",
       "Carry the cell state too: the c_prev of step t+1 is the c_next of step t.",
       ("a_t, c_t, parameters)", "a_t, np.zeros_like(a0), parameters)"))

# what is returned and stored, and the hidden state the steps start from
mutant(lstm_forward, "returns_c_before_y", "lstm_forward returns a, y, c, caches, in this order.",
       ("return a, y, c,", "return a, c, y,"))
mutant(lstm_forward, "stores_hidden_state_as_cell",
       "c[:, :, t] is the cell state after step t; store c_next, not the hidden state.",
       ("c[:, :, t] = a_t, c_t", "c[:, :, t] = a_t, a_t"))
mutant(lstm_forward, "hidden_state_reset",
       "Keep the hidden state a_next between steps; a0 is only the state before step 0.",
       ("(x[:, :, t], a_t,", "(x[:, :, t], a0,"))
mutant(lstm_forward, "caches_reversed", "Append the cache of every step to the list, in time order.",
       ("step_caches.append(cache)", "step_caches.insert(0, cache)"))

# a step's c_prev is an array that a later step overwrites: c_t itself, or the slice c[:, :, t - 1]
# (c[:, :, -1] is still zero at t = 0, but the cache keeps the slice, which the last step fills)
mutant(lstm_forward, "cell_state_updated_in_place", OVERWRITTEN_CACHE_HINT,
       ("a_t, c_t, y[:, :, t], cache", "a_t, c_t[:], y[:, :, t], cache"))
mutant(lstm_forward, "previous_cell_state_as_a_slice", OVERWRITTEN_CACHE_HINT,
       ("a_t, c_t, parameters)", "a_t, c[:, :, t - 1], parameters)"))


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
