"""Catalogue of assignment 1 (gru): wrong implementations students write, and correct variants.

A mistake that is a small change of the reference is its mutant: the oracle's code with a few
exact edits. The correct variants are functions named `<graded function>__<slug>`; the names
they call (softmax, sigmoid) resolve to the reference here, and to the student's namespace in a
notebook.
"""
import numpy as np

from ..oracle import (gru_cell_backward, gru_cell_forward, sigmoid, simple_gru_cell_backward,
                      simple_gru_cell_forward, softmax)
from ....catalogue import correct, mutant


# ---------------------------------------------------------------- simple_gru_cell_forward

@correct("Separate a_prev and xt blocks of each weight matrix instead of a concatenation.")
def simple_gru_cell_forward__weight_blocks(xt, a_prev, parameters):
    n_a = a_prev.shape[0]
    Wu, Wc = parameters["Wu"], parameters["Wc"]
    ut = sigmoid(Wu[:, :n_a] @ a_prev + Wu[:, n_a:] @ xt + parameters["bu"])
    cct = np.tanh(Wc[:, :n_a] @ a_prev + Wc[:, n_a:] @ xt + parameters["bc"])
    a_next = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, ut, cct, parameters)


@correct("np.vstack for the concatenation, and a_next written as a_prev + ut * (cct - a_prev).")
def simple_gru_cell_forward__vstack_and_lerp(xt, a_prev, parameters):
    concat = np.vstack([a_prev, xt])
    ut = sigmoid(np.matmul(parameters["Wu"], concat) + parameters["bu"])
    cct = np.tanh(np.matmul(parameters["Wc"], concat) + parameters["bc"])
    a_next = a_prev + ut * (cct - a_prev)
    yt_pred = softmax(np.matmul(parameters["Wy"], a_next) + parameters["by"])
    cache = (a_next, a_prev, xt, ut, cct, parameters)
    return a_next, yt_pred, cache


# the input of the gates, and the new state
mutant(simple_gru_cell_forward, "concat_xt_first",
       "concat stacks a_prev above xt, np.concatenate((a_prev, xt), axis=0): the first n_a columns "
       "of each weight matrix act on a_prev.",
       ("[a_prev, xt]", "[xt, a_prev]"))
mutant(simple_gru_cell_forward, "swapped_interpolation",
       "Check which term ut weights: in this course a_next = ut * cct + (1 - ut) * a_prev, so ut = "
       "1 means 'take the candidate' (some libraries use the opposite convention).",
       ("ut * cct + (1 - ut) * a_prev", "(1 - ut) * cct + ut * a_prev"))
mutant(simple_gru_cell_forward, "tanh_on_a_next",
       "Unlike the basic RNN, the GRU applies no tanh to a_next: the new state is the mix ut * cct "
       "+ (1 - ut) * a_prev itself.",
       ("a_next = ut * cct + (1 - ut) * a_prev", "a_next = np.tanh(ut * cct + (1 - ut) * a_prev)"))

# the activations
mutant(simple_gru_cell_forward, "sigmoid_candidate",
       "The candidate cct is a tanh, with values in (-1, 1); only the gate ut is a sigmoid.",
       ("cct = np.tanh(", "cct = sigmoid("))
mutant(simple_gru_cell_forward, "tanh_update_gate",
       "The update gate ut is a sigmoid, so that it stays between 0 and 1 and mixes cct and a_prev.",
       ("ut = sigmoid(", "ut = np.tanh("))

# the prediction and the cache
mutant(simple_gru_cell_forward, "prediction_from_candidate",
       "The prediction reads the new hidden state: yt_pred = softmax(Wy a_next + by), not the "
       "candidate.",
       ('p["Wy"] @ a_next', 'p["Wy"] @ cct'))
mutant(simple_gru_cell_forward, "rnn_style_cache",
       "The backward pass also needs the gate and the candidate: cache = (a_next, a_prev, xt, ut, "
       "cct, parameters), in this order.",
       ("yt_pred, (a_next, a_prev, xt, ut, cct,", "yt_pred, (a_next, a_prev, xt,"))


# --------------------------------------------------------------- simple_gru_cell_backward

@correct("Separate a_prev and xt blocks of each weight matrix; weight gradients assembled with "
         "np.hstack.")
def simple_gru_cell_backward__weight_blocks(da_next, cache):
    a_next, a_prev, xt, ut, cct, parameters = cache
    n_a = a_prev.shape[0]
    Wu, Wc = parameters["Wu"], parameters["Wc"]
    dut = da_next * (cct - a_prev)
    dzu = dut * ut * (1 - ut)
    dcct = da_next * ut
    dzc = dcct * (1 - cct ** 2)
    dxt = Wu[:, n_a:].T @ dzu + Wc[:, n_a:].T @ dzc
    da_prev = Wu[:, :n_a].T @ dzu + Wc[:, :n_a].T @ dzc + da_next * (1 - ut)
    dWu = np.hstack([dzu @ a_prev.T, dzu @ xt.T])
    dWc = np.hstack([dzc @ a_prev.T, dzc @ xt.T])
    return {"dxt": dxt, "da_prev": da_prev, "dWu": dWu, "dbu": dzu.sum(axis=1, keepdims=True),
            "dWc": dWc, "dbc": dzc.sum(axis=1, keepdims=True)}


@correct("Loops over the examples, summing outer products into the weight gradients.")
def simple_gru_cell_backward__loop_over_examples(da_next, cache):
    a_next, a_prev, xt, ut, cct, parameters = cache
    n_a, m = a_prev.shape
    grads = {"dxt": np.zeros(xt.shape), "da_prev": np.zeros(a_prev.shape),
             "dWu": np.zeros(parameters["Wu"].shape), "dbu": np.zeros(parameters["bu"].shape),
             "dWc": np.zeros(parameters["Wc"].shape), "dbc": np.zeros(parameters["bc"].shape)}
    for i in range(m):
        concat = np.concatenate([a_prev[:, i], xt[:, i]])
        dzu = da_next[:, i] * (cct[:, i] - a_prev[:, i]) * ut[:, i] * (1 - ut[:, i])
        dzc = da_next[:, i] * ut[:, i] * (1 - cct[:, i] ** 2)
        dconcat = parameters["Wu"].T @ dzu + parameters["Wc"].T @ dzc
        grads["dxt"][:, i] = dconcat[n_a:]
        grads["da_prev"][:, i] = dconcat[:n_a] + da_next[:, i] * (1 - ut[:, i])
        grads["dWu"] += np.outer(dzu, concat)
        grads["dWc"] += np.outer(dzc, concat)
        grads["dbu"][:, 0] += dzu
        grads["dbc"][:, 0] += dzc
    return grads


# the paths from a_prev and from ut to a_next = ut * cct + (1 - ut) * a_prev
mutant(simple_gru_cell_backward, "wrong_sign_of_update",
       "a_next = ut * cct + (1 - ut) * a_prev, so the derivative of a_next with respect to ut is "
       "cct - a_prev: check the sign of that factor.",
       ("(cct - a_prev)", "(a_prev - cct)"))
mutant(simple_gru_cell_backward, "missing_direct_path",
       "a_prev also reaches a_next directly, through the term (1 - ut) * a_prev: add da_next * (1 - "
       "ut) to da_prev.",
       (" + da_next * (1 - ut)", ""))
mutant(simple_gru_cell_backward, "direct_path_weighted_by_ut",
       "The direct path from a_prev to a_next is (1 - ut) * a_prev: the gradient it carries back is "
       "da_next * (1 - ut), not da_next * ut.",
       ("da_next * (1 - ut)", "da_next * ut"))

# the activations' derivatives
mutant(simple_gru_cell_backward, "dzu_missing_sigmoid_derivative",
       "ut is a sigmoid: multiply da_next * (cct - a_prev) by ut * (1 - ut) to get the gradient of "
       "the update gate's pre-activation.",
       ("dzu = da_next * (cct - a_prev) * ut * (1 - ut)", "dzu = da_next * (cct - a_prev)"))
mutant(simple_gru_cell_backward, "dzc_missing_tanh_derivative",
       "cct is a tanh: multiply da_next * ut by (1 - cct**2) to get the gradient of the candidate's "
       "pre-activation.",
       ("dzc = da_next * ut * (1 - cct ** 2)", "dzc = da_next * ut"))

# the order of [a_prev; xt]: dconcat split the other way round (concat_xt_first builds concat so too)
SPLIT_SWAPPED = ('"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a]',
                 '"dxt": dconcat[:xt.shape[0]], "da_prev": dconcat[xt.shape[0]:]')
mutant(simple_gru_cell_backward, "swapped_concat_halves",
       "concat stacks a_prev above xt: the first n_a rows of the gradient of concat belong to "
       "a_prev, the last n_x rows to xt.",
       SPLIT_SWAPPED)
mutant(simple_gru_cell_backward, "concat_xt_first",
       "concat is [a_prev; xt], a_prev on top: the columns of dWu and dWc, and the rows of the "
       "gradient of concat, follow that order.",
       ("[a_prev, xt]", "[xt, a_prev]"), SPLIT_SWAPPED)


# ----------------------------------------------------------------------- gru_cell_forward

@correct("Separate a_prev and xt blocks of each weight matrix instead of concatenations.")
def gru_cell_forward__weight_blocks(xt, a_prev, parameters):
    n_a = a_prev.shape[0]
    Wr, Wu, Wc = parameters["Wr"], parameters["Wu"], parameters["Wc"]
    rt = sigmoid(Wr[:, :n_a] @ a_prev + Wr[:, n_a:] @ xt + parameters["br"])
    ut = sigmoid(Wu[:, :n_a] @ a_prev + Wu[:, n_a:] @ xt + parameters["bu"])
    cct = np.tanh(Wc[:, :n_a] @ (rt * a_prev) + Wc[:, n_a:] @ xt + parameters["bc"])
    a_next = ut * cct + (1 - ut) * a_prev
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, rt, ut, cct, parameters)


@correct("np.vstack for the concatenations and a for-loop over the two sigmoid gates.")
def gru_cell_forward__gate_loop(xt, a_prev, parameters):
    concat = np.vstack((a_prev, xt))
    gates = {}
    for g in ("r", "u"):
        gates[g] = sigmoid(np.dot(parameters["W" + g], concat) + parameters["b" + g])
    rt, ut = gates["r"], gates["u"]
    cct = np.tanh(np.dot(parameters["Wc"], np.vstack((rt * a_prev, xt))) + parameters["bc"])
    a_next = a_prev + ut * (cct - a_prev)
    yt_pred = softmax(np.dot(parameters["Wy"], a_next) + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, rt, ut, cct, parameters)


# the reset gate in the candidate
mutant(gru_cell_forward, "candidate_without_reset",
       "The reset gate is what makes the full GRU different from the simple one: the candidate sees "
       "[rt * a_prev; xt], not [a_prev; xt].",
       ("np.concatenate([rt * a_prev, xt], axis=0)", "concat"))
mutant(gru_cell_forward, "reset_after_product",
       "In this course rt multiplies a_prev before the product with Wc, so the candidate reads [rt "
       "* a_prev; xt]; scaling Wc's product with a_prev by rt afterwards is the reset_after variant "
       "of some libraries.",
       ("    p = parameters", "    p = parameters\n    n_a = a_prev.shape[0]"),
       ('p["Wc"] @ np.concatenate([rt * a_prev, xt], axis=0)',
        'p["Wc"][:, n_a:] @ xt + rt * (p["Wc"][:, :n_a] @ a_prev)'))

# the input of the gates, and the new state
mutant(gru_cell_forward, "concat_xt_first",
       "concat stacks a_prev above xt, np.concatenate((a_prev, xt), axis=0): the first n_a columns "
       "of each weight matrix act on a_prev.",
       ("[a_prev, xt]", "[xt, a_prev]"), ("[rt * a_prev, xt]", "[xt, rt * a_prev]"))
mutant(gru_cell_forward, "swapped_interpolation",
       "Check which term ut weights: in this course a_next = ut * cct + (1 - ut) * a_prev, so ut = "
       "1 means 'take the candidate' (some libraries use the opposite convention).",
       ("ut * cct + (1 - ut) * a_prev", "(1 - ut) * cct + ut * a_prev"))
mutant(gru_cell_forward, "tanh_on_a_next",
       "Unlike the basic RNN, the GRU applies no tanh to a_next: the new state is the mix ut * cct "
       "+ (1 - ut) * a_prev itself.",
       ("a_next = ut * cct + (1 - ut) * a_prev", "a_next = np.tanh(ut * cct + (1 - ut) * a_prev)"))

# a gate's parameters, and the cache
mutant(gru_cell_forward, "reset_gate_with_update_weights",
       "The reset gate has its own parameters: check that rt uses Wr and br (a copy-pasted line is "
       "easy to miss).",
       ('sigmoid(p["Wr"] @ concat + p["br"])', 'sigmoid(p["Wu"] @ concat + p["bu"])'))
mutant(gru_cell_forward, "gates_swapped_in_cache",
       "The backward pass reads the cache by position: cache = (a_next, a_prev, xt, rt, ut, cct, "
       "parameters), rt before ut.",
       ("yt_pred, (a_next, a_prev, xt, rt, ut,", "yt_pred, (a_next, a_prev, xt, ut, rt,"))


# ---------------------------------------------------------------------- gru_cell_backward

@correct("Separate a_prev and xt blocks of each weight matrix; weight gradients assembled with "
         "np.hstack.")
def gru_cell_backward__weight_blocks(da_next, cache):
    a_next, a_prev, xt, rt, ut, cct, parameters = cache
    n_a = a_prev.shape[0]
    Wr, Wu, Wc = parameters["Wr"], parameters["Wu"], parameters["Wc"]
    dzu = da_next * (cct - a_prev) * ut * (1 - ut)
    dzc = da_next * ut * (1 - cct ** 2)
    d_reset_a = Wc[:, :n_a].T @ dzc
    dzr = d_reset_a * a_prev * rt * (1 - rt)
    dxt = Wr[:, n_a:].T @ dzr + Wu[:, n_a:].T @ dzu + Wc[:, n_a:].T @ dzc
    da_prev = Wr[:, :n_a].T @ dzr + Wu[:, :n_a].T @ dzu + rt * d_reset_a + (1 - ut) * da_next
    return {"dxt": dxt, "da_prev": da_prev,
            "dWr": np.hstack([dzr @ a_prev.T, dzr @ xt.T]), "dbr": dzr.sum(axis=1, keepdims=True),
            "dWu": np.hstack([dzu @ a_prev.T, dzu @ xt.T]), "dbu": dzu.sum(axis=1, keepdims=True),
            "dWc": np.hstack([dzc @ (rt * a_prev).T, dzc @ xt.T]),
            "dbc": dzc.sum(axis=1, keepdims=True)}


@correct("np.einsum throughout, with a loop over the two gates that read [a_prev; xt].")
def gru_cell_backward__einsum(da_next, cache):
    a_next, a_prev, xt, rt, ut, cct, parameters = cache
    n_a = a_prev.shape[0]
    concat = np.vstack([a_prev, xt])
    dzc = da_next * ut * (1 - np.square(cct))
    dgated = np.einsum("ji,jk->ik", parameters["Wc"], dzc)
    dz = {"u": da_next * (cct - a_prev) * ut * (1 - ut), "r": dgated[:n_a] * a_prev * rt * (1 - rt)}
    dconcat = np.copy(dgated)
    dconcat[:n_a] *= rt
    grads = {"dWc": np.einsum("ik,jk->ij", dzc, np.vstack([rt * a_prev, xt])),
             "dbc": np.einsum("ik->i", dzc)[:, None]}
    for g in dz:
        dconcat += np.einsum("ji,jk->ik", parameters["W" + g], dz[g])
        grads["dW" + g] = np.einsum("ik,jk->ij", dz[g], concat)
        grads["db" + g] = np.einsum("ik->i", dz[g])[:, None]
    grads["dxt"] = dconcat[n_a:]
    grads["da_prev"] = dconcat[:n_a] + da_next * (1 - ut)
    return grads


# the paths from a_prev and from ut to a_next = ut * cct + (1 - ut) * a_prev
mutant(gru_cell_backward, "wrong_sign_of_update",
       "a_next = ut * cct + (1 - ut) * a_prev, so the derivative of a_next with respect to ut is "
       "cct - a_prev: check the sign of that factor.",
       ("(cct - a_prev)", "(a_prev - cct)"))
mutant(gru_cell_backward, "missing_direct_path",
       "a_prev also reaches a_next directly, through the term (1 - ut) * a_prev: add da_next * (1 - "
       "ut) to da_prev.",
       (" + da_next * (1 - ut)", ""))

# the candidate, which reads [rt * a_prev; xt]
mutant(gru_cell_backward, "dWc_on_ungated_input",
       "The candidate was computed from [rt * a_prev; xt]: dWc is dzc times that gated input "
       "transposed, not times [a_prev; xt].",
       ("dzc @ gated.T", "dzc @ concat.T"))
mutant(gru_cell_backward, "candidate_path_missing_rt",
       "On its way from the candidate back to a_prev, the gradient goes through the product rt * "
       "a_prev: multiply the a_prev rows of Wcᵀ dzc by rt.",
       ("dgated[:n_a] * rt +", "dgated[:n_a] +"))
mutant(gru_cell_backward, "dzr_missing_a_prev",
       "rt enters the candidate as rt * a_prev: the gradient reaching rt is the a_prev rows of Wcᵀ "
       "dzc times a_prev, and then times the sigmoid derivative rt * (1 - rt).",
       ("dgated[:n_a] * a_prev * rt", "dgated[:n_a] * rt"))
mutant(gru_cell_backward, "dxt_missing_candidate_path",
       "xt also enters the candidate: add the xt rows of Wcᵀ dzc to the xt rows coming from the "
       "gates.",
       ('"dxt": dconcat[n_a:] + dgated[n_a:]', '"dxt": dconcat[n_a:]'))

# the order of [a_prev; xt], and the update gate's derivative
mutant(gru_cell_backward, "swapped_concat_halves",
       "concat stacks a_prev above xt: the first n_a rows of the gradient of concat belong to "
       "a_prev, the last n_x rows to xt.",
       ('"dxt": dconcat[n_a:] + dgated[n_a:]', '"dxt": dconcat[:xt.shape[0]] + dgated[:xt.shape[0]]'),
       ('"da_prev": dconcat[:n_a] + dgated[:n_a] * rt', '"da_prev": dconcat[xt.shape[0]:] + dgated[xt.shape[0]:] * rt'))
mutant(gru_cell_backward, "dzu_missing_sigmoid_derivative",
       "ut is a sigmoid: multiply da_next * (cct - a_prev) by ut * (1 - ut) to get the gradient of "
       "the update gate's pre-activation.",
       ("dzu = da_next * (cct - a_prev) * ut * (1 - ut)", "dzu = da_next * (cct - a_prev)"))
