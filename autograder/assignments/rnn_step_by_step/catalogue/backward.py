"""Catalogue of assignment 1 (backward): wrong implementations students write, and correct variants.

A mistake that is a small change of the reference is its mutant: the oracle's code with a few
exact edits. The correct variants are functions named `<graded function>__<slug>`; the names
they call (the cell functions) resolve to the reference here, and to the student's namespace in
a notebook.
"""
import numpy as np

from ..oracle import lstm_backward, lstm_cell_backward, rnn_backward, rnn_cell_backward
from ....shares import fails_when_hint
from ....catalogue import correct, mutant


# The oracle loops over its constant LSTM_GATES, which the notebook doesn't define: an LSTM
# mutant loops over "fico" instead (same gates, same order).
GATES_SPELLED_OUT = {
    "lstm_cell_backward": (("in LSTM_GATES)", 'in "fico")'), ("in LSTM_GATES:", 'in "fico":')),
    "lstm_backward": (("in LSTM_GATES for", 'in "fico" for'),),
}


def lstm_mutant(reference, slug, hint, *edits):
    """`mutant` of an LSTM backward function, its gates spelled out."""
    return mutant(reference, slug, hint, *edits, *GATES_SPELLED_OUT[reference.__name__])


# ---------------------------------------------------------------------- rnn_cell_backward

@correct("Course style: np.dot and np.sum, the tanh derivative in its own variable.")
def rnn_cell_backward__np_dot(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@correct("Loops over the examples, summing outer products into the weight gradients.")
def rnn_cell_backward__loop_over_examples(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    n_a, m = a_next.shape
    dxt = np.zeros(xt.shape)
    da_prev = np.zeros(a_prev.shape)
    dWax = np.zeros(Wax.shape)
    dWaa = np.zeros(Waa.shape)
    dba = np.zeros((n_a, 1))
    for i in range(m):
        dz = da_next[:, i] * (1 - a_next[:, i] ** 2)
        dxt[:, i] = Wax.T @ dz
        da_prev[:, i] = Waa.T @ dz
        dWax += np.outer(dz, xt[:, i])
        dWaa += np.outer(dz, a_prev[:, i])
        dba[:, 0] += dz
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@correct("np.einsum for every product.")
def rnn_cell_backward__einsum(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dz = da_next * (1 - np.square(a_next))
    return {"dxt": np.einsum("ji,jk->ik", parameters["Wax"], dz),
            "da_prev": np.einsum("ji,jk->ik", parameters["Waa"], dz),
            "dWax": np.einsum("ik,jk->ij", dz, xt),
            "dWaa": np.einsum("ik,jk->ij", dz, a_prev),
            "dba": np.einsum("ik->i", dz).reshape(-1, 1)}


# the tanh derivative
mutant(rnn_cell_backward, "a_prev_in_derivative",
       "The tanh derivative uses the output of the tanh, a_next, not a_prev: (1 - a_next**2).",
       ("(1 - a_next ** 2)", "(1 - a_prev ** 2)"))
mutant(rnn_cell_backward, "missing_tanh_derivative",
       "a_next = tanh(z): before going through the weights, multiply da_next by the derivative of "
       "the tanh, (1 - a_next**2).",
       ("dz = (1 - a_next ** 2) * da_next", "dz = da_next"))
mutant(rnn_cell_backward, "tanh_applied_twice",
       "a_next is already tanh(z), so the derivative is 1 - a_next**2: don't apply np.tanh to "
       "a_next again.",
       ("(1 - a_next ** 2)", "(1 - np.tanh(a_next) ** 2)"))

# the parameters' gradients
mutant(rnn_cell_backward, "divided_by_m",
       "The backward functions of this assignment don't average over the batch: leave out the "
       "division by m (the loss is a sum over the examples).",
       ("    dz =", "    m = xt.shape[1]\n    dz ="),
       ("dz @ xt.T,", "dz @ xt.T / m,"), ("dz @ a_prev.T,", "dz @ a_prev.T / m,"),
       ("keepdims=True)}", "keepdims=True) / m}"))
mutant(rnn_cell_backward, "bias_summed_over_axis_0",
       "dba sums over the examples, which are the columns: use axis=1 (with keepdims=True), so that "
       "dba has the shape of ba, (n_a, 1).",
       ("axis=1", "axis=0"))
mutant(rnn_cell_backward, "bias_without_keepdims",
       "dba must keep the column shape of ba, (n_a, 1): sum with keepdims=True.",
       ("dz.sum(axis=1, keepdims=True)", "dz.sum(axis=1)"))
mutant(rnn_cell_backward, "transposed_dWaa",
       "Waa is square, so a transposed dWaa still has the right shape: the gradient of Waa a_prev "
       "is dz times a_prev transposed, with dz on the left.",
       ('"dWaa": dz @ a_prev.T', '"dWaa": a_prev @ dz.T'))

# the inputs' gradients
mutant(rnn_cell_backward, "da_prev_without_transpose",
       "Going backward through Waa a_prev multiplies by the transpose of Waa; being square, Waa "
       "without .T has the right shape but gives the wrong da_prev.",
       ('p["Waa"].T @ dz', 'p["Waa"] @ dz'))


# --------------------------------------------------------------------------- rnn_backward

@correct("Course style: every gradient initialised from the shapes, reversed(range(T_x)).")
def rnn_backward__course_style(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@correct("Keeps every step's gradients in a list, then stacks dx and sums the weight gradients.")
def rnn_backward__collect_then_sum(da, caches):
    step_caches, x = caches
    T_x = x.shape[2]
    steps = [None] * T_x
    carry = np.zeros_like(da[:, :, 0])
    for t in range(T_x - 1, -1, -1):
        steps[t] = rnn_cell_backward(da[:, :, t] + carry, step_caches[t])
        carry = steps[t]["da_prev"]
    grads = {key: sum(step[key] for step in steps) for key in ("dWax", "dWaa", "dba")}
    return {"dx": np.stack([step["dxt"] for step in steps], axis=2), "da0": carry, **grads}


@correct("A while loop counting t down, gradients accumulated in a dict.")
def rnn_backward__while_loop(da, caches):
    step_caches, x = caches
    parameters = step_caches[0][3]
    grads = {"dWax": np.zeros(parameters["Wax"].shape), "dWaa": np.zeros(parameters["Waa"].shape),
             "dba": np.zeros(parameters["ba"].shape)}
    dx = np.zeros(x.shape)
    da_prev = np.zeros(da[:, :, 0].shape)
    t = x.shape[2] - 1
    while t >= 0:
        step = rnn_cell_backward(da[:, :, t] + da_prev, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for key in grads:
            grads[key] = grads[key] + step[key]
        t -= 1
    grads["dx"] = dx
    grads["da0"] = da_prev
    return grads


# the gradient each step receives
mutant(rnn_backward, "ignores_carried_gradient",
       "a<t> also feeds step t+1: add the da_prev returned by step t+1 to da[:, :, t] before "
       "calling rnn_cell_backward, so the gradient flows back through time.",
       ("(da[:, :, t] + da_prev,", "(da[:, :, t],"))
mutant(rnn_backward, "only_last_step_upstream",
       "Every hidden state a<t> receives its own gradient from the loss: at step t, pass da[:, :, "
       "t] + the gradient carried back from step t+1, not only the carried gradient.",
       ("da_prev = np.zeros(da.shape[:2])", "da_prev = da[:, :, -1]"), ("(da[:, :, t] + da_prev,", "(da_prev,"))

# summing the steps' weight gradients
mutant(rnn_backward, "overwrites_weight_gradients",
       "The weights are shared by every time step: accumulate dWax, dWaa and dba with += over the "
       "steps instead of overwriting them (yours keep only the last step processed).",
       ("grads[k] += step[k]", "grads[k] = step[k]"))

# the loop over the steps
mutant(rnn_backward, "forward_in_time",
       "Back-propagation through time starts at the last step: loop over reversed(range(T_x)), so "
       "the gradient you carry into step t comes from step t+1.",
       ("reversed(range(x.shape[2]))", "range(x.shape[2])"))
mutant(rnn_backward, "skips_step_zero",
       "The loop must also go back through step 0 (the first cell, whose input is a0): "
       "reversed(range(T_x)) ends at t = 0, and that step's da_prev is da0.",
       ("reversed(range(x.shape[2]))", "range(x.shape[2] - 1, 0, -1)"))
mutant(rnn_backward, "dx_at_loop_counter",
       "dx[:, :, t] is the gradient of x<t>: store each step's dxt at the index t of the step you "
       "just went back through, not at the loop counter.",
       ("for t in reversed(range(x.shape[2])):", "for i in range(x.shape[2]):\n        t = x.shape[2] - 1 - i"),
       ("dx[:, :, t], da_prev", "dx[:, :, i], da_prev"))

# the result
mutant(rnn_backward, "averaged_over_time",
       "Back-propagation through time sums the contributions of the steps: don't divide the weight "
       "gradients by T_x.",
       ("    return", "    grads = {k: g / x.shape[2] for k, g in grads.items()}\n    return"))
mutant(rnn_backward, "assumes_two_steps", fails_when_hint(["T_x"]),
       ("p = step_caches[0]", "p = step_caches[1]"))


# --------------------------------------------------------------------- lstm_cell_backward

@correct("Course style: one variable per gate, separate a_prev and xt blocks of each weight matrix.")
def lstm_cell_backward__weight_blocks(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a, m = a_next.shape
    dtanh_c = ot * (1 - np.tanh(c_next) ** 2) * da_next
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dcct = (dc_next * it + dtanh_c * it) * (1 - cct ** 2)
    dit = (dc_next * cct + dtanh_c * cct) * it * (1 - it)
    dft = (dc_next * c_prev + dtanh_c * c_prev) * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit)
               + np.dot(Wc[:, :n_a].T, dcct) + np.dot(Wo[:, :n_a].T, dot))
    dc_prev = dc_next * ft + dtanh_c * ft
    dxt = (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit)
           + np.dot(Wc[:, n_a:].T, dcct) + np.dot(Wo[:, n_a:].T, dot))
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf, "dWi": dWi,
            "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


@correct("The four gates stacked with np.vstack: one product for dconcat, one for all weight "
         "gradients.")
def lstm_cell_backward__stacked_gates(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dZ = np.vstack([dc * c_prev * ft * (1 - ft), dc * cct * it * (1 - it),
                    dc * it * (1 - cct ** 2), da_next * tanh_c * ot * (1 - ot)])
    W = np.vstack([parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]])
    concat = np.vstack([a_prev, xt])
    dconcat = W.T @ dZ
    dW = dZ @ concat.T
    db = dZ.sum(axis=1, keepdims=True)
    grads = {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft}
    for k, gate in enumerate("fico"):
        grads["dW" + gate] = dW[k * n_a:(k + 1) * n_a]
        grads["db" + gate] = db[k * n_a:(k + 1) * n_a]
    return grads


@correct("np.einsum, with a loop over the gates.")
def lstm_cell_backward__einsum(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_prev.shape[0]
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dz = {"f": dc * c_prev * ft * (1 - ft), "i": dc * cct * it * (1 - it),
          "c": dc * it * (1 - cct ** 2), "o": da_next * np.tanh(c_next) * ot * (1 - ot)}
    concat = np.concatenate([a_prev, xt])
    dconcat = np.zeros(concat.shape)
    grads = {"dc_prev": dc * ft}
    for gate in dz:
        dconcat += np.einsum("ji,jk->ik", parameters["W" + gate], dz[gate])
        grads["dW" + gate] = np.einsum("ik,jk->ij", dz[gate], concat)
        grads["db" + gate] = np.einsum("ik->i", dz[gate])[:, np.newaxis]
    grads["da_prev"] = dconcat[:n_a]
    grads["dxt"] = dconcat[n_a:]
    return grads


# what goes back to c_prev
lstm_mutant(lstm_cell_backward, "dc_prev_missing_ft",
            "c_next = ft * c_prev + it * cct: the gradient that reaches c_prev is the total dc "
            "multiplied by ft.",
            ('"dc_prev": dc * ft', '"dc_prev": dc'))

# the output path, a_next = ot * tanh(c_next)
lstm_mutant(lstm_cell_backward, "dot_missing_sigmoid_derivative",
            "ot is a sigmoid: multiply da_next * tanh(c_next) by its derivative ot * (1 - ot) to get the "
            "gradient of the output gate's pre-activation.",
            ("da_next * tanh_c * ot * (1 - ot)", "da_next * tanh_c"))
lstm_mutant(lstm_cell_backward, "c_prev_in_output_path",
            "a_next = ot * tanh(c_next): the gradients through the output use the new cell state c_next, "
            "not c_prev.",
            ("tanh_c = np.tanh(c_next)", "tanh_c = np.tanh(c_prev)"))

# the split of dconcat
lstm_mutant(lstm_cell_backward, "swapped_concat_halves",
            "concat stacks a_prev above xt: the first n_a rows of its gradient belong to a_prev, the "
            "last n_x to xt.",
            ('"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a]',
             '"dxt": dconcat[:xt.shape[0]], "da_prev": dconcat[xt.shape[0]:]'))

# the total dc, and the gates' pre-activations
lstm_mutant(lstm_cell_backward, "dc_missing_output_path",
            "c_next also reaches the loss through a_next = ot * tanh(c_next): add da_next * ot * (1 - "
            "tanh(c_next)**2) to dc_next before computing the gate gradients.",
            ("dc = dc_next + da_next * ot * (1 - tanh_c ** 2)", "dc = dc_next"))
lstm_mutant(lstm_cell_backward, "dft_uses_c_next",
            "In c_next = ft * c_prev + it * cct the forget gate multiplies c_prev: the gradient of ft is "
            "dc * c_prev, not dc * c_next.",
            ('"f": dc * c_prev', '"f": dc * c_next'))
lstm_mutant(lstm_cell_backward, "dcct_missing_tanh_derivative",
            "The candidate cct is a tanh: the gradient of its pre-activation is dc * it times (1 - "
            "cct**2).",
            ('"c": dc * it * (1 - cct ** 2)', '"c": dc * it'))
lstm_mutant(lstm_cell_backward, "tanh_derivative_for_sigmoid_gates",
            "ft, it and ot are sigmoids: their derivative is g * (1 - g); 1 - g**2 is the derivative of "
            "tanh, only right for the candidate.",
            ("ft * (1 - ft)", "(1 - ft ** 2)"), ("it * (1 - it)", "(1 - it ** 2)"), ("ot * (1 - ot)", "(1 - ot ** 2)"))


# -------------------------------------------------------------------------- lstm_backward

@correct("Course style: every gradient initialised from the shapes, reversed(range(T_x)).")
def lstm_backward__course_style(da, caches):
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    dWf = np.zeros((n_a, n_a + n_x))
    dWi = np.zeros((n_a, n_a + n_x))
    dWc = np.zeros((n_a, n_a + n_x))
    dWo = np.zeros((n_a, n_a + n_x))
    dbf = np.zeros((n_a, 1))
    dbi = np.zeros((n_a, 1))
    dbc = np.zeros((n_a, 1))
    dbo = np.zeros((n_a, 1))
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


@correct("Gradients kept in a dict and accumulated in a loop over its keys; range counting down.")
def lstm_backward__dict_of_gradients(da, caches):
    step_caches, x = caches
    parameters = step_caches[0][-1]
    grads = {}
    for gate in ("f", "i", "c", "o"):
        grads["dW" + gate] = np.zeros_like(parameters["W" + gate])
        grads["db" + gate] = np.zeros_like(parameters["b" + gate])
    dx = np.zeros_like(x)
    da_prev = np.zeros_like(da[:, :, 0])
    dc_prev = np.zeros_like(da[:, :, 0])
    for t in range(x.shape[2] - 1, -1, -1):
        step = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for key in grads:
            grads[key] += step[key]
    return {"dx": dx, "da0": da_prev, **grads}


@correct("Keeps every step's gradients in a list, then stacks dx and sums the weight gradients.")
def lstm_backward__collect_then_sum(da, caches):
    step_caches, x = caches
    T_x = x.shape[2]
    steps = []
    da_carry = np.zeros(da.shape[:2])
    dc_carry = np.zeros(da.shape[:2])
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_carry, dc_carry, step_caches[t])
        da_carry, dc_carry = step["da_prev"], step["dc_prev"]
        steps.insert(0, step)
    result = {"dx": np.stack([step["dxt"] for step in steps], axis=-1), "da0": da_carry}
    for key in ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"):
        result[key] = np.sum([step[key] for step in steps], axis=0)
    return result

# the gradients each step receives
lstm_mutant(lstm_backward, "dc_next_zero_every_step",
            "The cell state carries gradient back through time too: pass the dc_prev returned by step "
            "t+1 as dc_next of step t (zeros only before the last step).",
            (", dc_prev, step_caches[t]", ", np.zeros(da.shape[:2]), step_caches[t]"))
lstm_mutant(lstm_backward, "ignores_carried_da",
            "a<t> also feeds step t+1: add the da_prev returned by step t+1 to da[:, :, t] before "
            "calling lstm_cell_backward.",
            ("(da[:, :, t] + da_prev,", "(da[:, :, t],"))
lstm_mutant(lstm_backward, "only_last_step_upstream",
            "Every hidden state a<t> receives its own gradient from the loss: at step t, pass da[:, :, "
            "t] + the gradient carried back from step t+1, not only the carried gradient.",
            ("da_prev = np.zeros(da.shape[:2])", "da_prev = da[:, :, -1]"), ("(da[:, :, t] + da_prev,", "(da_prev,"))

# summing the steps' weight gradients
lstm_mutant(lstm_backward, "overwrites_weight_gradients",
            "The gates' weights are shared by every time step: accumulate the dW and db gradients with "
            "+= instead of overwriting them (yours keep only the last step processed).",
            ("grads[k] += step[k]", "grads[k] = step[k]"))

# the loop over the steps, and the cell's arguments
lstm_mutant(lstm_backward, "forward_in_time",
            "Back-propagation through time starts at the last step: loop over reversed(range(T_x)), so "
            "the gradients you carry into step t come from step t+1.",
            ("reversed(range(x.shape[2]))", "range(x.shape[2])"))
lstm_mutant(lstm_backward, "upstream_added_to_dc",
            "da[:, :, t] is the gradient of the hidden state a<t>: add it to da_next (the first "
            "argument), not to dc_next.",
            ("(da[:, :, t] + da_prev, dc_prev,", "(da_prev, dc_prev + da[:, :, t],"))
lstm_mutant(lstm_backward, "da_and_dc_swapped_in_call",
            "lstm_cell_backward takes (da_next, dc_next, cache) in this order: the hidden-state gradient "
            "comes first, then the cell-state one.",
            ("(da[:, :, t] + da_prev, dc_prev,", "(dc_prev, da[:, :, t] + da_prev,"))
lstm_mutant(lstm_backward, "skips_step_zero",
            "The loop must also go back through step 0 (the first cell, whose input is a0): "
            "reversed(range(T_x)) ends at t = 0, and that step's da_prev is da0.",
            ("reversed(range(x.shape[2]))", "range(x.shape[2] - 1, 0, -1)"))
lstm_mutant(lstm_backward, "nothing_carried",
            "Both gradients travel back through time: call lstm_cell_backward(da[:, :, t] + da_prevt, "
            "dc_prevt, ...), where da_prevt and dc_prevt are the da_prev and dc_prev of step t+1 (zeros only "
            "for the last step); yours restarts both at every step.",
            ("(da[:, :, t] + da_prev, dc_prev,", "(da[:, :, t], np.zeros(da.shape[:2]),"))
lstm_mutant(lstm_backward, "assumes_two_steps", fails_when_hint(["T_x"]),
            ("p = step_caches[0]", "p = step_caches[1]"))
