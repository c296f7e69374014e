"""Catalogue of assignment 1 (deep and bidirectional RNNs): wrong implementations students
write, and correct variants.

A mistake that is a small change of the reference is its mutant: the oracle's code with a few
exact edits. The other entries are functions named `<graded function>__<slug>`; the names they
call (rnn_forward, rnn_cell_forward, softmax) resolve to the reference here, and to the
student's namespace in a notebook.
"""
import numpy as np

from ..oracle import brnn_forward, deep_rnn_forward, rnn_cell_forward, rnn_forward, softmax
from ....catalogue import correct, mutant, wrong


# ----------------------------------------------------------------------- deep_rnn_forward

@correct("Step-major double loop (every layer at step t, then step t+1) with rnn_cell_forward and one "
         "state per layer.")
def deep_rnn_forward__step_major(x, a0, parameters):
    n_x, m, T_x = x.shape
    L = len(parameters)
    a = [np.zeros((p["Waa"].shape[0], m, T_x)) for p in parameters]
    y_pred = np.zeros((parameters[-1]["Wya"].shape[0], m, T_x))
    step_caches = [[] for _ in range(L)]
    a_prev = list(a0)
    for t in range(T_x):
        layer_input = x[:, :, t]
        for l in range(L):
            a_prev[l], yt_pred, cache = rnn_cell_forward(layer_input, a_prev[l], parameters[l])
            a[l][:, :, t] = a_prev[l]
            step_caches[l].append(cache)
            layer_input = a_prev[l]
        y_pred[:, :, t] = yt_pred
    caches = [(step_caches[l], x if l == 0 else a[l - 1]) for l in range(L)]
    return a, y_pred, caches


@correct("Recursive: the first layer, then the stack of the layers above on its states.")
def deep_rnn_forward__recursive(x, a0, parameters):
    a_first, y_first, cache_first = rnn_forward(x, a0[0], parameters[0])
    if len(parameters) == 1:
        return [a_first], y_first, [cache_first]
    a_above, y_pred, caches_above = deep_rnn_forward(a_first, a0[1:], parameters[1:])
    return [a_first] + a_above, y_pred, [cache_first] + caches_above


# what each layer starts from
mutant(deep_rnn_forward, "same_a0",
       "Every layer starts from its own initial state a0[l], not from a0[0].",
       ("a0[l]", "a0[0]"))
mutant(deep_rnn_forward, "starts_from_layer_below",
       "Every layer starts from its own initial state a0[l]: the layer below hands its states over as "
       "the INPUT sequence, not as the initial state.",
       ("a0[l]", "a0[l] if l == 0 else a[-1][:, :, -1]"))


@wrong("Each layer carries its own hidden state from step to step: keep one state per layer, starting "
       "at a0[l], not one state shared by every layer.")
def deep_rnn_forward__one_state_for_all_layers(x, a0, parameters):
    n_x, m, T_x = x.shape
    L = len(parameters)
    a = [np.zeros((p["Waa"].shape[0], m, T_x)) for p in parameters]
    y_pred = np.zeros((parameters[-1]["Wya"].shape[0], m, T_x))
    step_caches = [[] for _ in range(L)]
    a_prev = a0[0]
    for t in range(T_x):
        layer_input = x[:, :, t]
        for l in range(L):
            a_prev, yt_pred, cache = rnn_cell_forward(layer_input, a_prev, parameters[l])
            a[l][:, :, t] = a_prev
            step_caches[l].append(cache)
            layer_input = a_prev
        y_pred[:, :, t] = yt_pred
    caches = [(step_caches[l], x if l == 0 else a[l - 1]) for l in range(L)]
    return a, y_pred, caches


# what each layer reads
@wrong("At step t layer l+1 reads the state layer l has just computed, a[l][:, :, t], not its state of "
       "the step before.")
def deep_rnn_forward__input_one_step_late(x, a0, parameters):
    n_x, m, T_x = x.shape
    L = len(parameters)
    a = [np.zeros((p["Waa"].shape[0], m, T_x)) for p in parameters]
    y_pred = np.zeros((parameters[-1]["Wya"].shape[0], m, T_x))
    step_caches = [[] for _ in range(L)]
    a_prev = list(a0)
    for t in range(T_x):
        layer_input = x[:, :, t]
        for l in range(L):
            a_next, yt_pred, cache = rnn_cell_forward(layer_input, a_prev[l], parameters[l])
            layer_input = a_prev[l]
            a_prev[l] = a_next
            a[l][:, :, t] = a_next
            step_caches[l].append(cache)
        y_pred[:, :, t] = yt_pred
    caches = [(step_caches[l], x if l == 0 else a[l - 1]) for l in range(L)]
    return a, y_pred, caches


# what it returns
mutant(deep_rnn_forward, "prediction_from_first_layer",
       "A deep RNN predicts from its top layer: y_pred is what rnn_forward returns for the last layer.",
       ("y_pred = y_l  # the top layer's predictions; those of the layers below are not used",
        "y_pred = rnn_forward(x, a0[0], parameters[0])[1]"))
mutant(deep_rnn_forward, "top_states_only",
       "a is a list of every layer's hidden states, a[l] of shape (n_a_l, m, T_x), not only the top "
       "layer's.",
       ("return a, y_pred, caches", "return a[-1], y_pred, caches"))
mutant(deep_rnn_forward, "top_cache_only",
       "caches keeps the rnn_forward cache of every layer (a list of L), so that the backward pass can "
       "go through every layer.",
       ("return a, y_pred, caches", "return a, y_pred, caches[-1]"))


# --------------------------------------------------------------------------- brnn_forward

@correct("Both directions written out with rnn_cell_forward; the output layer as two blocks of Wy.")
def brnn_forward__own_loops(x, a0_fwd, a0_bwd, parameters):
    n_x, m, T_x = x.shape
    n_a = a0_fwd.shape[0]
    a_fwd, a_bwd = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x))
    steps_fwd, steps_bwd = [], []
    a_next = a0_fwd
    for t in range(T_x):
        a_next, _, cache = rnn_cell_forward(x[:, :, t], a_next, parameters["fwd"])
        a_fwd[:, :, t] = a_next
        steps_fwd.append(cache)
    a_next = a0_bwd
    for t in reversed(range(T_x)):
        a_next, _, cache = rnn_cell_forward(x[:, :, t], a_next, parameters["bwd"])
        a_bwd[:, :, t] = a_next
        steps_bwd.append(cache)
    Wy, by = parameters["Wy"], parameters["by"]
    y_pred = np.zeros((Wy.shape[0], m, T_x))
    for t in range(T_x):
        y_pred[:, :, t] = softmax(Wy[:, :n_a] @ a_fwd[:, :, t] + Wy[:, n_a:] @ a_bwd[:, :, t] + by)
    return a_fwd, a_bwd, y_pred, ((steps_fwd, x), (steps_bwd, x[:, :, ::-1]))


@correct("np.flip for the reversals, and every prediction at once with np.einsum over the stacked states.")
def brnn_forward__vectorised_output(x, a0_fwd, a0_bwd, parameters):
    a_fwd, _, caches_fwd = rnn_forward(x, a0_fwd, parameters["fwd"])
    a_rev, _, caches_bwd = rnn_forward(np.flip(x, axis=2), a0_bwd, parameters["bwd"])
    a_bwd = np.flip(a_rev, axis=2)
    states = np.concatenate([a_fwd, a_bwd], axis=0)
    scores = np.einsum("ij,jmt->imt", parameters["Wy"], states) + parameters["by"][:, :, np.newaxis]
    return a_fwd, a_bwd, softmax(scores), (caches_fwd, caches_bwd)


# the backward direction
mutant(brnn_forward, "backward_runs_forwards",
       "The backward direction reads the sequence from its end: run rnn_forward over x[:, :, ::-1], then "
       "flip its states back into time order.",
       ("rnn_forward(x[:, :, ::-1], a0_bwd", "rnn_forward(x, a0_bwd"),
       ("a_bwd = a_bwd_reversed[:, :, ::-1]", "a_bwd = a_bwd_reversed"))
mutant(brnn_forward, "backward_states_not_flipped",
       "The backward run over x[:, :, ::-1] returns its states from the last time step to the first: flip "
       "them back (a_bwd[:, :, t] is the backward state at time t).",
       ("a_bwd = a_bwd_reversed[:, :, ::-1]", "a_bwd = a_bwd_reversed"))
mutant(brnn_forward, "same_a0",
       "Each direction starts from its own initial state: the backward one from a0_bwd.",
       ("x[:, :, ::-1], a0_bwd", "x[:, :, ::-1], a0_fwd"))
mutant(brnn_forward, "same_parameters",
       "Each direction has its own weights: the backward one uses parameters['bwd'].",
       ('a0_bwd, parameters["bwd"]', 'a0_bwd, parameters["fwd"]'))

# the prediction
mutant(brnn_forward, "concat_order",
       "The forward state is stacked above the backward one: [a_fwd_t; a_bwd_t], so the first n_a "
       "columns of Wy act on a_fwd.",
       ("[a_fwd[:, :, t], a_bwd[:, :, t]]", "[a_bwd[:, :, t], a_fwd[:, :, t]]"))
mutant(brnn_forward, "forward_state_only",
       "Each prediction reads both directions: y_pred[:, :, t] = softmax(Wy [a_fwd_t; a_bwd_t] + by), with "
       "Wy of shape (n_y, 2 n_a).",
       ('parameters["Wy"] @ concat', 'parameters["Wy"][:, :a_fwd.shape[0]] @ a_fwd[:, :, t]'))
mutant(brnn_forward, "direction_output_layer",
       "The BRNN predicts from both states with its own output layer, parameters['Wy'] and "
       "parameters['by']; the output layers of the two directions (their Wya, by) are not used.",
       ("a_fwd, _, caches_fwd", "a_fwd, y_fwd, caches_fwd"),
       ("return a_fwd, a_bwd, y_pred,", "return a_fwd, a_bwd, y_fwd,"))
