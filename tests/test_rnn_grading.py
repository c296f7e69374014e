"""Hidden tests of rnn_step_by_step on mistakes found in real students' solutions: every problem
of a check is worth its own share (a function failing on some sizes loses those only, and is
told which sizes fail), and a step cache that later steps overwrote is named as such.

The mistakes here are written differently from the catalogue's entries, and the catalogue's
hints are switched off where a test is about what the graders diagnose by themselves."""
import numpy as np
import pytest

import autograder
from autograder import grading
from autograder.kits import numpy_functions
from autograder.kits.numpy_functions import OVERWRITTEN_CACHE_HINT, OVERWRITTEN_VALUE_HINT
from autograder.shares import fails_when_hint, right_only_when_hint
from autograder.assignments.rnn_step_by_step.graders import CELL_DIMS, SEQUENCE_DIMS
from autograder.assignments import reference_namespace
from autograder.probes import problem_sizes

SEEDS = (3, 4)


def report(function, source, seed):
    namespace = reference_namespace("rnn_step_by_step")
    exec(compile(source, f"<{function}>", "exec"), namespace)
    return autograder.report(f"rnn_step_by_step.{function}", namespace, seed=seed)


def check(result, words):
    """The result of the check whose title starts with `words`."""
    return next(r for r in result.results if r.title.startswith(words))


def share_without(dims, failing):
    """The fraction of problems left when those for which failing(sizes) is true fail."""
    sizes = problem_sizes(np.random.default_rng(0), dims)
    return 1 - sum(map(failing, sizes)) / len(sizes)


@pytest.fixture
def no_catalogue(monkeypatch):
    """Graders without the catalogue: hints come from their own diagnosis only."""
    monkeypatch.setattr(numpy_functions, "known_mistake", lambda *args, **kwargs: None)


# ------------------------------------------------------------------------ a share per problem

RNN_BACKWARD_NEEDS_TWO_STEPS = """
def rnn_backward(da, caches):
    step_caches, x = caches
    parameters = step_caches[-2][3]          # any step's parameters, but there may be one step only
    n_a, m, T_x = da.shape
    grads = {"dWax": np.zeros_like(parameters["Wax"]), "dWaa": np.zeros_like(parameters["Waa"]),
             "dba": np.zeros_like(parameters["ba"])}
    dx, carried = np.zeros(x.shape), np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        step = rnn_cell_backward(da[:, :, t] + carried, step_caches[t])
        dx[:, :, t], carried = step["dxt"], step["da_prev"]
        for key in grads:
            grads[key] = grads[key] + step[key]
    return {"dx": dx, "da0": carried, **grads}
"""

RNN_FORWARD_NEEDS_TWO_STEPS = """
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_t = a0
    for t in range(T_x):
        a_t, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_t, parameters)
        a[:, :, t] = a_t
        caches.append(cache)
    assert len(caches) >= 2, "a sequence has at least two steps"
    return a, y_pred, (caches, x)
"""

RNN_CELL_BACKWARD_SQUEEZED = """
def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dz = (1 - a_next ** 2) * da_next
    return {"dxt": np.squeeze(parameters["Wax"].T @ dz), "da_prev": parameters["Waa"].T @ dz,
            "dWax": dz @ xt.T, "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=1, keepdims=True)}
"""


@pytest.mark.parametrize("seed", SEEDS)
def test_a_backward_function_failing_for_one_time_step_loses_only_those_problems(seed):
    result = report("rnn_backward", RNN_BACKWARD_NEEDS_TWO_STEPS, seed)
    gradients = check(result, "each gradient")
    assert gradients.points == round(gradients.max_points * share_without(SEQUENCE_DIMS, lambda s: s["T_x"] == 1), 2)
    assert f"Hint: {fails_when_hint(['T_x'])}" in result.render(details=False)
    assert "It fails when T_x = 1" in result.render(details=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_forward_function_failing_for_one_time_step_loses_only_those_problems(seed):
    result = report("rnn_forward", RNN_FORWARD_NEEDS_TWO_STEPS, seed)
    share = share_without(SEQUENCE_DIMS, lambda s: s["T_x"] == 1)
    for words in ("a, y_pred match", "caches holds"):
        assert check(result, words).points == round(check(result, words).max_points * share, 2), result.render()
    assert "It fails when T_x = 1" in result.render(details=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_squeeze_that_breaks_with_one_example_or_one_feature_is_named_by_the_sizes(seed):
    result = report("rnn_cell_backward", RNN_CELL_BACKWARD_SQUEEZED, seed)
    gradients = check(result, "each gradient")
    # dxt alone is wrong, on the problems with n_x = 1 or m = 1
    fraction = 1 - (1 - share_without(CELL_DIMS, lambda s: s["n_x"] == 1 or s["m"] == 1)) / 5
    assert gradients.points == round(gradients.max_points * fraction, 2)
    assert "It fails when n_x = 1 or m = 1" in result.render(details=False)


LSTM_BACKWARD_CARRYING_NOTHING = """
def lstm_backward(da, caches):
    step_caches, x = caches
    sums, dx = None, np.zeros(x.shape)
    for t in reversed(range(x.shape[2])):
        step = lstm_cell_backward(da[:, :, t], np.zeros_like(da[:, :, t]), step_caches[t])
        dx[:, :, t] = step["dxt"]
        sums = {k: v for k, v in step.items() if k[:2] in ("dW", "db")} if sums is None else \\
            {k: sums[k] + step[k] for k in sums}
        first = step["da_prev"]
    return dict(dx=dx, da0=first, **sums)
"""


def test_a_backward_function_right_only_for_one_time_step_is_told_what_carries_over(no_catalogue):
    result = report("lstm_backward", LSTM_BACKWARD_CARRYING_NOTHING, SEEDS[0])
    feedback = result.render(details=False)
    assert f"Hint: {right_only_when_hint(['T_x'])}" in feedback
    assert "what passes from one time step to the next" in feedback
    assert 0 < check(result, "each gradient").points < check(result, "each gradient").max_points


def test_the_catalogue_names_an_lstm_backward_that_carries_nothing():
    result = report("lstm_backward", LSTM_BACKWARD_CARRYING_NOTHING, SEEDS[0])
    assert "yours restarts both at every step" in result.render(details=False)


# --------------------------------------------------------------- caches that later steps overwrite

OVERWRITTEN = {
    "lstm_forward": [
        # both states kept in one array each, written in place with np.copyto
        """
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_prev, c_prev = [], a0.copy(), np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, parameters)
        np.copyto(a_prev, a_next)
        np.copyto(c_prev, c_next)
        a[:, :, t], c[:, :, t] = a_next, c_next
        caches.append(cache)
    return a, y, c, (caches, x)
""",
        # the cell state starts as a view of the output's first slice, which step 0 then fills
        """
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_t, c_t = [], a0, c[:, :, 0]
    for t in range(T_x):
        a_t, c_new, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a[:, :, t], c[:, :, t] = a_t, c_new
        c_t = c[:, :, t]
        caches.append(cache)
    return a, y, c, (caches, x)
""",
    ],
    "rnn_forward": [
        # the initial state copied into the output's first slice, passed on as a view
        """
def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    a_prev = a[:, :, 0]
    a_prev[...] = a0
    for t in range(T_x):
        a_next, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
        a_prev = a[:, :, t]
    return a, y_pred, (caches, x)
""",
    ],
}


@pytest.mark.parametrize("function, source", [(f, s) for f, sources in OVERWRITTEN.items() for s in sources])
def test_a_step_cache_that_a_later_step_overwrote_is_named(function, source, no_catalogue):
    result = report(function, source, SEEDS[0])
    returned = [r for r in result.results if "match the reference" in r.title]
    assert returned and all(r.points == r.max_points for r in returned), result.render()
    cache = check(result, "caches holds")
    assert cache.points < cache.max_points
    assert f"Hint: {OVERWRITTEN_CACHE_HINT}" in result.render(details=False)


CACHES_REVERSED = """
def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a, y, c = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), np.zeros((n_a, m, T_x))
    caches, a_t, c_t = [], a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_t, c_t, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a[:, :, t], c[:, :, t] = a_t, c_t
        caches.append(cache)
    return a, y, c, (caches[::-1], x)
"""


def test_step_caches_in_the_wrong_order_are_not_called_overwritten(no_catalogue):
    """Every step cache is whole (its inputs give its outputs): no step overwrote another."""
    result = report("lstm_forward", CACHES_REVERSED, SEEDS[0])
    assert check(result, "caches holds").points < check(result, "caches holds").max_points
    assert OVERWRITTEN_CACHE_HINT not in result.render()


ONE_ARRAY_FOR_EVERY_STATE = """
def lstm_forward(x, a0, parameters):
    n_a, m = a0.shape
    a_t, c_t = a0.copy(), np.zeros((n_a, m))
    states, cells, outputs, caches = [], [], [], []
    for t in range(x.shape[2]):
        a_next, c_next, y_t, cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a_t[:], c_t[:] = a_next, c_next
        states.append(a_t)
        cells.append(c_t)
        outputs.append(y_t)
        caches.append(cache)
    return np.stack(states, 2), np.stack(outputs, 2), np.stack(cells, 2), (caches, x)
"""


def test_returned_steps_that_hold_a_later_step_are_named(no_catalogue):
    result = report("lstm_forward", ONE_ARRAY_FOR_EVERY_STATE, SEEDS[0])
    values = check(result, "a, y, c match")
    assert values.points == round(values.max_points * share_without(SEQUENCE_DIMS, lambda s: s["T_x"] > 1), 2)
    assert f"Hint: {OVERWRITTEN_VALUE_HINT}" in result.render(details=False)


# ------------------------------------------------- what a function may borrow from the oracle

FD_OF_THE_FORWARD = '''
def rnn_cell_forward(xt, a_prev, parameters):
    raise NotImplementedError()


def rnn_cell_backward(da_next, cache):
    """No calculus: central differences of rnn_cell_forward."""
    a_next, a_prev, xt, parameters = cache
    def loss(xt, a_prev, parameters):
        return np.sum(da_next * rnn_cell_forward(xt, a_prev, parameters)[0])
    def differences(array, *args):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            keep = array[index]
            array[index] = keep + 1e-5
            up = loss(*args)
            array[index] = keep - 1e-5
            down = loss(*args)
            array[index] = keep
            grad[index] = (up - down) / 2e-5
        return grad
    p = {k: v.copy() for k, v in parameters.items()}
    xt, a_prev = xt.copy(), a_prev.copy()
    return {"dxt": differences(xt, xt, a_prev, p), "da_prev": differences(a_prev, xt, a_prev, p),
            "dWax": differences(p["Wax"], xt, a_prev, p), "dWaa": differences(p["Waa"], xt, a_prev, p),
            "dba": differences(p["ba"], xt, a_prev, p)}
'''


def test_a_backward_pass_cannot_borrow_the_oracles_forward_function():
    """While rnn_cell_backward is graded, rnn_cell_forward is the student's own (the reference
    backward does without it): finite differences of the oracle's forward function would earn
    the backward's points with no forward pass of the student's."""
    assert grading.dependencies(autograder.assignments.grader("rnn_step_by_step.rnn_cell_backward"),
                                autograder.assignments.graded_names("rnn_step_by_step")) == []
    result = report("rnn_cell_backward", FD_OF_THE_FORWARD, SEEDS[0])
    assert result.points == 0, result.render()
    # the same differences of a correct forward function of the student's own are a correct backward pass
    correct = FD_OF_THE_FORWARD.replace("    raise NotImplementedError()", "    return REFERENCE(xt, a_prev, parameters)")
    namespace = reference_namespace("rnn_step_by_step")
    namespace["REFERENCE"] = namespace["rnn_cell_forward"]
    exec(compile(correct, "<fd>", "exec"), namespace)
    assert autograder.report("rnn_step_by_step.rnn_cell_backward", namespace, seed=SEEDS[0]).points == 10
