"""The student helpers of the Dinosaur Island assignment (source/dinosaur_island/dino_utils.py)
and its data file (dinos.txt): every helper is checked against its definition, the RNN's
backward pass against centred finite differences of its forward pass."""
import inspect
import re
import string
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.gradcheck import numerical_gradient, numerical_gradients, relative_error

DINO_DIR = Path(__file__).resolve().parent.parent / "source" / "dinosaur_island"
sys.path.insert(0, str(DINO_DIR))
import dino_utils  # noqa: E402

VOCAB = "\n" + string.ascii_lowercase          # '\n' is index 0, 'a'..'z' are 1..26
VOCAB_SIZE = len(VOCAB)
CHAR_TO_IX = {ch: i for i, ch in enumerate(VOCAB)}
IX_TO_CHAR = {i: ch for i, ch in enumerate(VOCAB)}
PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
NAMES = ("a", "zuul", "tyrannosaurus")          # lengths 1 and several
HIDDEN_SIZES = (1, 5)


def encode(name):
    """X = [None] + indices and Y = X[1:] + [0], as the assignment builds them."""
    indices = [CHAR_TO_IX[ch] for ch in name]
    X = [None] + indices
    return X, X[1:] + [CHAR_TO_IX["\n"]]


def one_hot(index, size=VOCAB_SIZE):
    x = np.zeros((size, 1))
    if index is not None:
        x[index] = 1
    return x


def random_parameters(rng, n_a, n_x=VOCAB_SIZE, n_y=VOCAB_SIZE, scale=0.5):
    """float64 parameters large enough that tanh and softmax are far from linear and uniform."""
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "b": (n_a, 1), "by": (n_y, 1)}
    return {name: rng.standard_normal(shape) * scale for name, shape in shapes.items()}


def rng_states_equal(s, t):
    return s[0] == t[0] and np.array_equal(s[1], t[1]) and tuple(s[2:]) == tuple(t[2:])


# ---------------------------------------------------------------- the helpers solutions call by name

# the graded API's signatures: existing solutions call these positionally and by keyword
# (update_parameters(..., lr=...), rnn_forward(X=..., a0=...)), so names and order are fixed.
SIGNATURES = {
    "softmax": ["x"],
    "smooth": ["loss", "cur_loss"],
    "get_initial_loss": ["vocab_size", "seq_length"],
    "initialize_parameters": ["n_a", "n_x", "n_y"],
    "rnn_forward": ["X", "Y", "a0", "parameters", "vocab_size=27"],
    "rnn_backward": ["X", "Y", "parameters", "cache"],
    "update_parameters": ["parameters", "gradients", "lr"],
    "get_sample": ["sample_ix", "ix_to_char"],
    "print_sample": ["sample_ix", "ix_to_char"],
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_helper_has_the_course_signature(name):
    parameters = inspect.signature(getattr(dino_utils, name)).parameters.values()
    assert [str(p) for p in parameters] == SIGNATURES[name]


# ---------------------------------------------------------------- softmax

SOFTMAX_SHAPES = ((1, 1), (27, 1), (5, 3), (27, 4))


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
def test_softmax_matches_exp_over_sum(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    p = dino_utils.softmax(x)
    assert p.shape == shape
    np.testing.assert_allclose(p, np.exp(x) / np.exp(x).sum(axis=0, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
def test_softmax_columns_sum_to_one(shape):
    x = np.random.default_rng(1).standard_normal(shape) * 3
    p = dino_utils.softmax(x)
    assert np.all(p > 0)
    np.testing.assert_allclose(p.sum(axis=0), np.ones(shape[1]), rtol=1e-12)


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
def test_softmax_invariant_to_a_constant_per_column(shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    # shifts this large overflow or underflow exp() unless each column is stabilised by its own max
    shift = rng.uniform(-800, 800, size=(1, shape[1]))
    shift[0, 0] = 800.0
    if shape[1] > 1:
        shift[0, 1] = -800.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        shifted = dino_utils.softmax(x + shift)
    np.testing.assert_allclose(shifted, dino_utils.softmax(x), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES)
def test_softmax_does_not_overflow_on_large_inputs(shape):
    x = np.random.default_rng(3).standard_normal(shape)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        shifted = dino_utils.softmax(x + 1000)
        spread = dino_utils.softmax(x * 1000)
    np.testing.assert_allclose(shifted, dino_utils.softmax(x), rtol=1e-10, atol=1e-15)
    assert np.all(np.isfinite(spread))
    np.testing.assert_allclose(spread.sum(axis=0), np.ones(shape[1]), rtol=1e-12)
    # almost all the mass on each column's largest entry
    np.testing.assert_allclose(spread[np.argmax(x, axis=0), np.arange(shape[1])], np.ones(shape[1]), atol=1e-12)


def test_softmax_of_one_large_logit():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = dino_utils.softmax(np.array([[1000.0], [0.0]]))
    np.testing.assert_allclose(p, [[1.0], [0.0]], atol=1e-300)


# ---------------------------------------------------------------- smooth, get_initial_loss

@pytest.mark.parametrize("loss, cur_loss", [(10.0, 10.0), (30.0, 20.0), (0.0, 5.0), (2.5, 100.0)])
def test_smooth_is_the_exponential_moving_average(loss, cur_loss):
    assert dino_utils.smooth(loss, cur_loss) == pytest.approx(0.999 * loss + 0.001 * cur_loss, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("vocab_size", (1, 2, 27))
@pytest.mark.parametrize("seq_length", (1, 7, 40))
def test_initial_loss_is_that_of_a_uniform_guesser(vocab_size, seq_length):
    expected = seq_length * np.log(vocab_size)
    per_step = -np.log(np.full(seq_length, 1.0 / vocab_size)).sum()   # cross-entropy, uniform probabilities
    assert dino_utils.get_initial_loss(vocab_size, seq_length) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert expected == pytest.approx(per_step, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------- initialize_parameters

DIMENSIONS = ((1, 27, 27), (5, 27, 27), (50, 27, 27), (3, 4, 2))


@pytest.mark.parametrize("n_a, n_x, n_y", DIMENSIONS)
def test_initialize_parameters_shapes_and_zero_biases(n_a, n_x, n_y):
    p = dino_utils.initialize_parameters(n_a, n_x, n_y)
    assert set(p) == set(PARAMETER_NAMES)
    expected = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "b": (n_a, 1), "by": (n_y, 1)}
    for name, shape in expected.items():
        assert p[name].shape == shape, name
        assert p[name].dtype == np.float64, name
    assert not p["b"].any() and not p["by"].any()


@pytest.mark.parametrize("n_a, n_x, n_y", DIMENSIONS)
def test_initialize_parameters_is_reproducible(n_a, n_x, n_y):
    first = dino_utils.initialize_parameters(n_a, n_x, n_y)
    np.random.seed(123)
    np.random.randn(17)                      # whatever happened to the global RNG in between
    second = dino_utils.initialize_parameters(n_a, n_x, n_y)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)
        assert first[name] is not second[name]


def test_initialize_parameters_has_small_weights():
    p = dino_utils.initialize_parameters(100, 27, 27)
    for name in ("Wax", "Waa", "Wya"):
        assert abs(p[name].mean()) < 0.002, name
        assert 0.008 < p[name].std() < 0.012, name


@pytest.mark.parametrize("n_a, n_x, n_y", DIMENSIONS)
def test_initialize_parameters_seeds_the_global_rng_with_1(n_a, n_x, n_y):
    """The course protocol: the call seeds numpy's global RNG with 1 and draws Wax, Waa, Wya in
    that order, so whatever the notebook draws next is reproducible."""
    np.random.seed(2024)
    p = dino_utils.initialize_parameters(n_a, n_x, n_y)
    state_after_call = np.random.get_state()
    next_draws = np.random.rand(6)

    np.random.seed(1)
    expected = {"Wax": np.random.randn(n_a, n_x) * 0.01,
                "Waa": np.random.randn(n_a, n_a) * 0.01,
                "Wya": np.random.randn(n_y, n_a) * 0.01}
    assert rng_states_equal(state_after_call, np.random.get_state())
    np.testing.assert_array_equal(next_draws, np.random.rand(6))
    for name, value in expected.items():
        np.testing.assert_array_equal(p[name], value, err_msg=name)


# ---------------------------------------------------------------- rnn_step_forward, rnn_step_backward

@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
@pytest.mark.parametrize("index", (None, 0, 1, 26))
def test_rnn_step_forward_is_tanh_then_softmax(n_a, index):
    rng = np.random.default_rng(10 + n_a)
    p = random_parameters(rng, n_a)
    a_prev = rng.standard_normal((n_a, 1)) * 0.5
    x = one_hot(index)
    a_next, p_t = dino_utils.rnn_step_forward(p, a_prev, x)
    z = p["Wax"] @ x + p["Waa"] @ a_prev + p["b"]
    expected_a = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    o = p["Wya"] @ expected_a + p["by"]
    assert a_next.shape == (n_a, 1) and p_t.shape == (VOCAB_SIZE, 1)
    np.testing.assert_allclose(a_next, expected_a, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p_t, np.exp(o) / np.exp(o).sum(), rtol=1e-12)


@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
@pytest.mark.parametrize("seed", (0, 1, 3))
def test_rnn_step_backward_matches_finite_differences(n_a, seed):
    """One step with loss -log p[y] + g . a_next, g the gradient arriving from the later steps:
    rnn_step_backward adds the step's parameter gradients to what is already there and sets
    da_next to dloss/da_prev."""
    rng = np.random.default_rng(100 + seed)
    params = random_parameters(rng, n_a)
    a_prev = rng.standard_normal((n_a, 1)) * 0.5
    x = one_hot(int(rng.integers(1, VOCAB_SIZE)))
    y = int(rng.integers(0, VOCAB_SIZE))
    g = rng.standard_normal((n_a, 1))

    def loss():
        a_next, p_t = dino_utils.rnn_step_forward(params, a_prev, x)
        return -np.log(p_t[y, 0]) + float(np.sum(g * a_next))

    a_next, p_t = dino_utils.rnn_step_forward(params, a_prev, x)
    dy = p_t.copy()
    dy[y] -= 1
    earlier = {"d" + name: rng.standard_normal(params[name].shape) for name in PARAMETER_NAMES}
    gradients = {key: value.copy() for key, value in earlier.items()}
    gradients["da_next"] = g.copy()
    gradients = dino_utils.rnn_step_backward(dy, gradients, params, x, a_next, a_prev)

    numeric = numerical_gradients(loss, params)
    for name in PARAMETER_NAMES:
        err = relative_error(gradients["d" + name] - earlier["d" + name], numeric[name])
        assert err < 1e-6, f"d{name}: relative error {err:.2e}"
    err = relative_error(gradients["da_next"], numerical_gradient(loss, a_prev))
    assert err < 1e-6, f"da_next (dloss/da_prev): relative error {err:.2e}"


# ---------------------------------------------------------------- rnn_forward, rnn_backward

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
def test_rnn_forward_loss_is_the_sum_of_step_cross_entropies(name, n_a):
    rng = np.random.default_rng(len(name) * 10 + n_a)
    params = random_parameters(rng, n_a)
    a0 = rng.standard_normal((n_a, 1)) * 0.5
    X, Y = encode(name)
    loss, _ = dino_utils.rnn_forward(X, Y, a0, params)

    expected, a_prev = 0.0, a0.copy()
    for t in range(len(X)):
        a_prev, p_t = dino_utils.rnn_step_forward(params, a_prev, one_hot(X[t]))
        expected += -np.log(p_t[Y[t], 0])
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
def test_rnn_forward_cache_layout(name, n_a):
    rng = np.random.default_rng(7)
    params = random_parameters(rng, n_a)
    a0 = rng.standard_normal((n_a, 1)) * 0.5
    a0_before = a0.copy()
    X, Y = encode(name)
    T = len(X)
    _, cache = dino_utils.rnn_forward(X, Y, a0, params)
    y_hat, a, x = cache

    np.testing.assert_array_equal(a0, a0_before)            # a0 is not modified
    assert set(y_hat) == set(range(T)) and set(x) == set(range(T))
    assert set(a) == set(range(-1, T))
    np.testing.assert_array_equal(a[-1], a0)                 # a[-1] is the initial state
    assert not x[0].any() and x[0].shape == (VOCAB_SIZE, 1)  # the None input is all zeros
    for t in range(T):
        assert x[t].shape == (VOCAB_SIZE, 1) and a[t].shape == (n_a, 1) and y_hat[t].shape == (VOCAB_SIZE, 1)
        if t > 0:
            np.testing.assert_array_equal(x[t], one_hot(X[t]))
        a_t, p_t = dino_utils.rnn_step_forward(params, a[t - 1], x[t])
        np.testing.assert_allclose(a[t], a_t, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(y_hat[t], p_t, rtol=1e-12, atol=1e-15)
        assert y_hat[t].sum() == pytest.approx(1.0, rel=1e-12)

    _, a_back = dino_utils.rnn_backward(X, Y, params, cache)
    assert set(a_back) == set(a)
    for t in a:
        np.testing.assert_array_equal(a_back[t], a[t])


# Fixed seeds. Centred differences (step 1e-5) of a float64 loss of ~50 carry ~1e-10 of roundoff,
# so an entry whose gradient is ~1e-5 (by cancellation) shows a relative error ~1e-5 however right
# the backward pass is: about one random parameter set in ten trips the per-entry 1e-6 bound.
# On these seeds every check below stays under 3e-7. (Complex-step derivatives, which have no such
# floor, agree with rnn_backward to ~1e-10 on hundreds of random sets.)
GRADCHECK_SEEDS = (11, 36, 37)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
@pytest.mark.parametrize("seed", GRADCHECK_SEEDS)
@pytest.mark.parametrize("a0_scale", (0.0, 0.5), ids=("a0_zero", "a0_random"))
def test_rnn_backward_matches_finite_differences(name, n_a, seed, a0_scale):
    rng = np.random.default_rng([seed, len(name), n_a])
    params = random_parameters(rng, n_a)
    a0 = rng.standard_normal((n_a, 1)) * a0_scale
    X, Y = encode(name)

    _, cache = dino_utils.rnn_forward(X, Y, a0, params)
    gradients, _ = dino_utils.rnn_backward(X, Y, params, cache)

    def forward_loss():
        return dino_utils.rnn_forward(X, Y, a0, params)[0]

    numeric = numerical_gradients(forward_loss, params)
    for pname in PARAMETER_NAMES:
        assert gradients["d" + pname].shape == params[pname].shape, pname
        err = relative_error(gradients["d" + pname], numeric[pname])
        assert err < 1e-6, f"d{pname}: relative error {err:.2e}"
    # after the first step, da_next holds dloss/da0
    err = relative_error(gradients["da_next"], numerical_gradient(forward_loss, a0))
    assert err < 1e-6, f"da_next (dloss/da0): relative error {err:.2e}"


@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
def test_rnn_backward_starts_from_zero_gradients(n_a):
    """Two backward passes over the same cache give the same gradients (nothing accumulates across calls)."""
    rng = np.random.default_rng(5)
    params = random_parameters(rng, n_a)
    X, Y = encode("zuul")
    _, cache = dino_utils.rnn_forward(X, Y, np.zeros((n_a, 1)), params)
    first, _ = dino_utils.rnn_backward(X, Y, params, cache)
    first = {key: value.copy() for key, value in first.items()}
    second, _ = dino_utils.rnn_backward(X, Y, params, cache)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)


# ---------------------------------------------------------------- update_parameters

@pytest.mark.parametrize("n_a", HIDDEN_SIZES)
@pytest.mark.parametrize("lr", (0.01, 0.5))
def test_update_parameters_in_place(n_a, lr):
    rng = np.random.default_rng(int(lr * 100) + n_a)
    params = random_parameters(rng, n_a)
    before = {name: value.copy() for name, value in params.items()}
    arrays = {name: value for name, value in params.items()}
    gradients = {"d" + name: rng.standard_normal(value.shape) for name, value in params.items()}
    gradients["da_next"] = rng.standard_normal((n_a, 1))   # as returned by rnn_backward; not a parameter
    grads_before = {key: value.copy() for key, value in gradients.items()}

    result = dino_utils.update_parameters(params, gradients, lr)

    assert result is params and set(params) == set(PARAMETER_NAMES)
    for name in PARAMETER_NAMES:
        assert params[name] is arrays[name], f"{name} was replaced, not updated in place"
        np.testing.assert_allclose(params[name], before[name] - lr * gradients["d" + name], rtol=1e-12, atol=1e-15)
    for key in gradients:
        np.testing.assert_array_equal(gradients[key], grads_before[key], err_msg=key)


# ---------------------------------------------------------------- get_sample, print_sample

@pytest.mark.parametrize("name", NAMES + ("abcdefghijklmnopqrstuvwxyz",))
def test_get_sample_round_trips_the_vocabulary(name):
    sample_ix = [CHAR_TO_IX[ch] for ch in name] + [0]
    assert dino_utils.get_sample(sample_ix, IX_TO_CHAR) == name + "\n"


def test_get_sample_maps_every_index():
    assert dino_utils.get_sample(list(range(VOCAB_SIZE)), IX_TO_CHAR) == "\n" + string.ascii_lowercase
    assert dino_utils.get_sample([0], IX_TO_CHAR) == "\n"
    assert dino_utils.get_sample([1], IX_TO_CHAR) == "a"
    assert dino_utils.get_sample([26, 2, 25], IX_TO_CHAR) == "zby"


@pytest.mark.parametrize("name, printed", [("a", "A"), ("zuul", "Zuul"), ("tyrannosaurus", "Tyrannosaurus")])
def test_print_sample_capitalises_and_strips_the_newline(capsys, name, printed):
    dino_utils.print_sample([CHAR_TO_IX[ch] for ch in name] + [0], IX_TO_CHAR)
    assert capsys.readouterr().out == printed + "\n"


def test_print_sample_without_trailing_newline(capsys):
    dino_utils.print_sample([CHAR_TO_IX[ch] for ch in "tyrannosaurusrex"], IX_TO_CHAR)
    assert capsys.readouterr().out == "Tyrannosaurusrex\n"


# ---------------------------------------------------------------- dinos.txt

def test_dinos_txt_follows_the_data_rules():
    raw = (DINO_DIR / "dinos.txt").read_bytes()
    text = raw.decode("ascii")
    assert text.endswith("\n") and not text.endswith("\n\n"), "one name per line, a single final newline"
    names = text[:-1].split("\n")
    assert len(names) >= 1000
    bad = [n for n in names if not re.fullmatch(r"[a-z]+", n)]
    assert not bad, f"names outside lower-case a-z: {bad[:10]}"
    assert len(set(names)) == len(names), "duplicate names"
    assert names == sorted(names), "names are not sorted"
    # the assignment's vocabulary: '\n' is index 0, 'a'..'z' are 1..26
    assert sorted(set(text)) == list(VOCAB)
