"""The deep and bidirectional RNNs of rnn_step_by_step (extra credit): the oracle agrees with
rnn_forward layer by layer and direction by direction, and the graders diagnose mistakes the
catalogue does not hold by the term they isolate and by the number of layers."""
import numpy as np
import pytest

import autograder
from autograder.assignments import graders, reference_namespace
from autograder.assignments.rnn_step_by_step import oracle
from autograder.checks import matches
from autograder.kits import numpy_functions


def rnn_parameters(rng, n_in, n_a, n_y):
    return {"Wax": rng.normal(0, 0.6, (n_a, n_in)), "Waa": rng.normal(0, 0.6, (n_a, n_a)),
            "ba": rng.normal(0, 0.6, (n_a, 1)), "Wya": rng.normal(0, 0.6, (n_y, n_a)),
            "by": rng.normal(0, 0.6, (n_y, 1))}


def brnn_problem(rng, n_x=3, n_a=4, n_y=2, m=3, T_x=5):
    params = {"fwd": rnn_parameters(rng, n_x, n_a, n_y), "bwd": rnn_parameters(rng, n_x, n_a, n_y),
              "Wy": rng.normal(0, 0.6, (n_y, 2 * n_a)), "by": rng.normal(0, 0.6, (n_y, 1))}
    return rng.normal(0, 1, (n_x, m, T_x)), rng.normal(0, 1, (n_a, m)), rng.normal(0, 1, (n_a, m)), params


@pytest.mark.parametrize("sizes", [(3, 4, 2, 3, 5), (1, 1, 1, 1, 1)])
def test_a_deep_rnn_of_one_layer_is_rnn_forward(sizes):
    n_x, n_a, n_y, m, T_x = sizes
    rng = np.random.default_rng(0)
    x, a0, params = rng.normal(0, 1, (n_x, m, T_x)), rng.normal(0, 1, (n_a, m)), rnn_parameters(rng, n_x, n_a, n_y)
    a, y_pred, caches = oracle.deep_rnn_forward(x, [a0], [params])
    assert matches((a[0], y_pred, caches[0]), oracle.rnn_forward(x, a0, params)) and len(a) == len(caches) == 1


def test_each_layer_of_a_deep_rnn_reads_the_states_of_the_layer_below():
    rng = np.random.default_rng(1)
    widths, n_x, n_y, m, T_x = (5, 2, 3), 4, 2, 3, 6
    x = rng.normal(0, 1, (n_x, m, T_x))
    a0 = [rng.normal(0, 1, (n_a, m)) for n_a in widths]
    params = [rnn_parameters(rng, n_in, n_a, n_y) for n_in, n_a in zip((n_x,) + widths[:-1], widths)]
    a, y_pred, caches = oracle.deep_rnn_forward(x, a0, params)
    below = x
    for l in range(len(widths)):
        a_l, y_l, cache_l = oracle.rnn_forward(below, a0[l], params[l])
        assert matches(a[l], a_l) and matches(caches[l], cache_l)
        below = a_l
    assert matches(y_pred, y_l)  # the top layer's predictions


def test_the_backward_direction_runs_from_the_last_step():
    x, a0_fwd, a0_bwd, params = brnn_problem(np.random.default_rng(2))
    a_fwd, a_bwd, y_pred, (caches_fwd, caches_bwd) = oracle.brnn_forward(x, a0_fwd, a0_bwd, params)
    state = a0_bwd
    for t in reversed(range(x.shape[2])):  # a_bwd[:, :, t] has read x[:, :, T_x-1] down to x[:, :, t]
        state = oracle.rnn_cell_forward(x[:, :, t], state, params["bwd"])[0]
        assert matches(a_bwd[:, :, t], state)
    assert matches((a_fwd, caches_fwd), oracle.rnn_forward(x, a0_fwd, params["fwd"])[::2])
    assert matches(caches_bwd[1], x[:, :, ::-1]) and matches(caches_bwd[0][0][2], x[:, :, -1])
    for t in range(x.shape[2]):
        stacked = np.concatenate([a_fwd[:, :, t], a_bwd[:, :, t]])
        assert matches(y_pred[:, :, t], oracle.softmax(params["Wy"] @ stacked + params["by"]))


def test_reversing_time_swaps_the_two_directions():
    x, a0_fwd, a0_bwd, params = brnn_problem(np.random.default_rng(3))
    n_a = a0_fwd.shape[0]
    swapped = {"fwd": params["bwd"], "bwd": params["fwd"], "by": params["by"],
               "Wy": np.hstack([params["Wy"][:, n_a:], params["Wy"][:, :n_a]])}
    a_fwd, a_bwd, y_pred, _ = oracle.brnn_forward(x, a0_fwd, a0_bwd, params)
    mirror = oracle.brnn_forward(x[:, :, ::-1], a0_bwd, a0_fwd, swapped)
    assert matches(mirror[:3], (a_bwd[:, :, ::-1], a_fwd[:, :, ::-1], y_pred[:, :, ::-1]))


def test_the_extension_is_ten_extra_credit_points():
    bonus = {g.function: g.points for g in graders("rnn_step_by_step") if g.bonus}
    assert bonus["deep_rnn_forward"] == bonus["brnn_forward"] == 5 and sum(bonus.values()) == 30


# ------------------------------------------------------------ diagnosis without the catalogue

def report(function, source, seed=5):
    namespace = reference_namespace("rnn_step_by_step")
    exec(compile(source, f"<{function}>", "exec"), namespace)
    return autograder.report(f"rnn_step_by_step.{function}", namespace, seed=seed).render(details=False)


@pytest.fixture
def no_catalogue(monkeypatch):
    monkeypatch.setattr(numpy_functions, "known_mistake", lambda *args, **kwargs: None)


DEEP_STATES_SQUASHED_AGAIN = """
def deep_rnn_forward(x, a0, parameters):
    a, caches, below = [], [], x
    for start, p in zip(a0, parameters):
        states, y_pred, cache = rnn_forward(below, start, p)
        a.append(states)
        caches.append(cache)
        below = np.tanh(states)  # the states are a tanh already
    return a, y_pred, caches
"""

DEEP_FIRST_LAYER_ONLY = """
def deep_rnn_forward(x, a0, parameters):
    a, y_pred, cache = rnn_forward(x, a0[0], parameters[0])
    top = parameters[-1]
    y_pred = softmax(np.einsum("ij,jmt->imt", top["Wya"], a) + top["by"][:, :, None])
    return [a] * len(parameters), y_pred, [cache] * len(parameters)
"""

BRNN_BACKWARD_UNREVERSED_INPUT = """
def brnn_forward(x, a0_fwd, a0_bwd, parameters):
    a_fwd, _, caches_fwd = rnn_forward(x, a0_fwd, parameters["fwd"])
    a_back, _, caches_bwd = rnn_forward(x.copy(), a0_bwd, parameters["bwd"])
    a_bwd = np.flip(a_back, 2)
    y = np.stack([softmax(parameters["Wy"] @ np.vstack([a_fwd[:, :, t], a_bwd[:, :, t]]) + parameters["by"])
                  for t in range(x.shape[2])], axis=2)
    return a_fwd, a_bwd, y, (caches_fwd, caches_bwd)
"""


def test_a_wrong_input_between_layers_is_found_by_isolating_it(no_catalogue):
    text = report("deep_rnn_forward", DEEP_STATES_SQUASHED_AGAIN)
    assert "With every term but each layer's input from the layer below set to zero" in text, text


def test_a_deep_rnn_right_only_with_one_layer_is_told_to_look_between_layers(no_catalogue):
    text = report("deep_rnn_forward", DEEP_FIRST_LAYER_ONLY)
    assert "It is right only when L = 1" in text and "what passes from one layer to the next" in text, text


def test_a_backward_direction_that_reads_x_forwards_is_found_by_isolating_it(no_catalogue):
    text = report("brnn_forward", BRNN_BACKWARD_UNREVERSED_INPUT)
    assert "With every term but the backward direction set to zero" in text, text
