"""Catalogue of assignment 1 (backward): wrong implementations students write, and correct variants.

Function names are `<graded function>__<slug>`; the names they call (softmax, sigmoid, the
cell functions) resolve to the reference here, and to the student's namespace in a notebook.
"""
import numpy as np

from ...oracle.rnn_step_by_step import (lstm_cell_backward, lstm_cell_forward,  # noqa: F401
                                       rnn_cell_backward, rnn_cell_forward, sigmoid, softmax)
from .. import correct, wrong


# ============================================================================ rnn_cell_backward

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


@wrong("The tanh derivative uses the output of the tanh, a_next, not a_prev: (1 - a_next**2).")
def rnn_cell_backward__a_prev_in_derivative(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_prev ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(parameters["Waa"].T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("a_next = tanh(z): before going through the weights, multiply da_next by the derivative "
       "of the tanh, (1 - a_next**2).")
def rnn_cell_backward__missing_tanh_derivative(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dxt = np.dot(parameters["Wax"].T, da_next)
    dWax = np.dot(da_next, xt.T)
    da_prev = np.dot(parameters["Waa"].T, da_next)
    dWaa = np.dot(da_next, a_prev.T)
    dba = np.sum(da_next, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("a_next is already tanh(z), so the derivative is 1 - a_next**2: don't apply np.tanh to a_next again.")
def rnn_cell_backward__tanh_applied_twice(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - np.tanh(a_next) ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(parameters["Waa"].T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("The backward functions of this assignment don't average over the batch: "
       "leave out the division by m (the loss is a sum over the examples).")
def rnn_cell_backward__divided_by_m(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    m = xt.shape[1]
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T) / m
    da_prev = np.dot(parameters["Waa"].T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T) / m
    dba = np.sum(dtanh, axis=1, keepdims=True) / m
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("dba sums over the examples, which are the columns: use axis=1 (with keepdims=True), "
       "so that dba has the shape of ba, (n_a, 1).")
def rnn_cell_backward__bias_summed_over_axis_0(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(parameters["Waa"].T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=0, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("dba must keep the column shape of ba, (n_a, 1): sum with keepdims=True.")
def rnn_cell_backward__bias_without_keepdims(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(parameters["Waa"].T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("Waa is square, so a transposed dWaa still has the right shape: the gradient of Waa a_prev "
       "is dz times a_prev transposed, with dz on the left.")
def rnn_cell_backward__transposed_dWaa(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(parameters["Waa"].T, dtanh)
    dWaa = np.dot(a_prev, dtanh.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("Going backward through Waa a_prev multiplies by the transpose of Waa; being square, "
       "Waa without .T has the right shape but gives the wrong da_prev.")
def rnn_cell_backward__da_prev_without_transpose(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(parameters["Wax"].T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(parameters["Waa"], dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# ================================================================================= rnn_backward

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


@wrong("a<t> also feeds step t+1: add the da_prev returned by step t+1 to da[:, :, t] before "
       "calling rnn_cell_backward, so the gradient flows back through time.")
def rnn_backward__ignores_carried_gradient(da, caches):
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
        gradients = rnn_cell_backward(da[:, :, t], caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("Every hidden state a<t> receives its own gradient from the loss: at step t, pass "
       "da[:, :, t] + the gradient carried back from step t+1, not only the carried gradient.")
def rnn_backward__only_last_step_upstream(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = da[:, :, T_x - 1]
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("The weights are shared by every time step: accumulate dWax, dWaa and dba with += over "
       "the steps instead of overwriting them (yours keep only the last step processed).")
def rnn_backward__overwrites_weight_gradients(da, caches):
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
        dWax = gradients["dWax"]
        dWaa = gradients["dWaa"]
        dba = gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("Back-propagation through time starts at the last step: loop over reversed(range(T_x)), "
       "so the gradient you carry into step t comes from step t+1.")
def rnn_backward__forward_in_time(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in range(T_x):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("The loop must also go back through step 0 (the first cell, whose input is a0): "
       "reversed(range(T_x)) ends at t = 0, and that step's da_prev is da0.")
def rnn_backward__skips_step_zero(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in range(T_x - 1, 0, -1):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("dx[:, :, t] is the gradient of x<t>: store each step's dxt at the index t of the step you "
       "just went back through, not at the loop counter.")
def rnn_backward__dx_at_loop_counter(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for i in range(T_x):
        t = T_x - 1 - i
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, i] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


@wrong("Back-propagation through time sums the contributions of the steps: don't divide the "
       "weight gradients by T_x.")
def rnn_backward__averaged_over_time(da, caches):
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
    return {"dx": dx, "da0": da0, "dWax": dWax / T_x, "dWaa": dWaa / T_x, "dba": dba / T_x}
