"""Hidden tests of assignment 1: RNN, LSTM and GRU cells, forward and backward, and deep and
bidirectional RNNs built on rnn_forward, in numpy.

Inputs are float64 and drawn fresh per grading run; weights are small enough that tanh and
sigmoid stay out of saturation, so a wrong term always shows in the values.
"""
import numpy as np

from ...kits.numpy_functions import Problem, Spec, StepCaches, backward_grader, forward_grader
from . import catalogue, oracle  # noqa: F401  (importing the catalogue registers the entries that name mistakes)

ASSIGNMENT = "rnn_step_by_step"
CELL_DIMS = ("n_x", "n_a", "n_y", "m")
SEQUENCE_DIMS = CELL_DIMS + ("T_x",)

GATE_KEYS = {"rnn": ("Wax", "Waa", "ba"), "lstm": ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo"),
             "simple_gru": ("Wu", "bu", "Wc", "bc"), "gru": ("Wr", "br", "Wu", "bu", "Wc", "bc")}


def parameters(rng, kind, s):
    """Random parameters of a `kind` cell for sizes s: hidden weights (n_a, ...), output layer."""
    n_x, n_a, n_y = s["n_x"], s["n_a"], s["n_y"]
    shapes = {"Wax": (n_a, n_x), "Waa": (n_a, n_a), "ba": (n_a, 1)} if kind == "rnn" else {
        key: (n_a, n_a + n_x) if key[0] == "W" else (n_a, 1) for key in GATE_KEYS[kind]}
    out = ("Wya", "by") if kind == "rnn" else ("Wy", "by")
    shapes.update({out[0]: (n_y, n_a), out[1]: (n_y, 1)})
    return {key: rng.normal(0, 0.6, shape) for key, shape in shapes.items()}


def sequence(rng, s):
    return rng.normal(0, 1, (s["n_x"], s["m"], s["T_x"]))


def state(rng, s):
    return rng.normal(0, 0.8, (s["n_a"], s["m"]))


def step_input(rng, s):
    return rng.normal(0, 1, (s["n_x"], s["m"]))


def zeroed(args, *keys, parameters_at=-1):
    """args with the named parameters set to zero (term isolation)."""
    params = args[parameters_at]
    for key in keys:
        params[key] = np.zeros_like(params[key])
    return args


# ----------------------------------------------------------------------------- forward specs

def rnn_cell_args(rng, s):
    return step_input(rng, s), state(rng, s), parameters(rng, "rnn", s)


def lstm_cell_args(rng, s):
    return step_input(rng, s), state(rng, s), state(rng, s), parameters(rng, "lstm", s)


def simple_gru_cell_args(rng, s):
    return step_input(rng, s), state(rng, s), parameters(rng, "simple_gru", s)


def gru_cell_args(rng, s):
    return step_input(rng, s), state(rng, s), parameters(rng, "gru", s)


def rnn_args(rng, s):
    return sequence(rng, s), state(rng, s), parameters(rng, "rnn", s)


def lstm_args(rng, s):
    return sequence(rng, s), state(rng, s), parameters(rng, "lstm", s)


RNN_TERMS = [
    ("Wax xt", "a_next = tanh(Waa a_prev + Wax xt + ba): check the Wax xt term.",
     lambda args: zeroed(args, "Waa", "ba")),
    ("Waa a_prev", "check the Waa a_prev term (a_prev, not a_next or xt).",
     lambda args: zeroed(args, "Wax", "ba")),
    ("ba", "does a_next include the bias ba?", lambda args: zeroed(args, "Wax", "Waa")),
    ("the output layer's bias by", "yt_pred = softmax(Wya a_next + by), softmax over axis 0.",
     lambda args: zeroed(args, "Wya")),
]
GATE_HINT = "every gate is σ(W [a_prev; xt] + b), with a_prev stacked above xt (np.concatenate axis 0)."
LSTM_INTERMEDIATES = [(4, "ft, the forget gate", GATE_HINT), (5, "it, the update gate", GATE_HINT),
                      (6, "cct, the candidate", "cct = tanh(Wc [a_prev; xt] + bc)."),
                      (7, "ot, the output gate", GATE_HINT),
                      (1, "c_next", "c_next = ft * c_prev + it * cct (element-wise).")]
GRU_INTERMEDIATES = [(3, "rt, the reset gate", GATE_HINT), (4, "ut, the update gate", GATE_HINT),
                     (5, "cct, the candidate", "cct = tanh(Wc [rt * a_prev; xt] + bc).")]

# step caches: rnn (a_next, a_prev, xt, parameters) from rnn_cell_forward(xt, a_prev, parameters);
# lstm (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) from
# lstm_cell_forward(xt, a_prev, c_prev, parameters)
RNN_STEPS = StepCaches(oracle.rnn_cell_forward, inputs=(2, 1, 3), states={1: 0})
LSTM_STEPS = StepCaches(oracle.lstm_cell_forward, inputs=(8, 2, 3, 9), states={2: 0, 3: 1})

FORWARD_SPECS = [
    Spec("rnn_cell_forward", 10, CELL_DIMS, ("a_next", "yt_pred", "cache"), rnn_cell_args,
         cache_labels=("a_next", "a_prev", "xt", "parameters"), terms=RNN_TERMS),
    Spec("rnn_forward", 10, SEQUENCE_DIMS, ("a", "y_pred", "caches"), rnn_args,
         cache_labels=("list of step caches", "x"), steps=RNN_STEPS),
    Spec("lstm_cell_forward", 15, CELL_DIMS, ("a_next", "c_next", "yt_pred", "cache"), lstm_cell_args,
         cache_labels=("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters"),
         intermediates=LSTM_INTERMEDIATES),
    Spec("lstm_forward", 10, SEQUENCE_DIMS, ("a", "y", "c", "caches"), lstm_args,
         cache_labels=("list of step caches", "x"), steps=LSTM_STEPS),
    Spec("simple_gru_cell_forward", 5, CELL_DIMS, ("a_next", "yt_pred", "cache"), simple_gru_cell_args,
         cache_labels=("a_next", "a_prev", "xt", "ut", "cct", "parameters"),
         intermediates=[(3, "ut, the update gate", GATE_HINT),
                        (4, "cct, the candidate", "cct = tanh(Wc [a_prev; xt] + bc).")], bonus=True),
    Spec("gru_cell_forward", 5, CELL_DIMS, ("a_next", "yt_pred", "cache"), gru_cell_args,
         cache_labels=("a_next", "a_prev", "xt", "rt", "ut", "cct", "parameters"),
         intermediates=GRU_INTERMEDIATES, bonus=True),
]



# ------------------------------------------------- deep and bidirectional RNNs (extension)

def deep_rnn_args(rng, s):
    """x, a0 and parameters of a stack of L layers of n_a units each (layer 1 reads n_x inputs).
    Equal widths: a mix-up of layers (a0[0] for every layer) shows in the values, not as a crash."""
    layers = [parameters(rng, "rnn", dict(s, n_x=n_in)) for n_in in [s["n_x"]] + [s["n_a"]] * (s["L"] - 1)]
    return sequence(rng, s), [state(rng, s) for _ in range(s["L"])], layers


def brnn_args(rng, s):
    """x, a0_fwd, a0_bwd and the two directions' parameters with the output layer Wy, by."""
    x, a0_fwd, a0_bwd = sequence(rng, s), state(rng, s), state(rng, s)
    params = {"fwd": parameters(rng, "rnn", s), "bwd": parameters(rng, "rnn", s),
              "Wy": rng.normal(0, 0.6, (s["n_y"], 2 * s["n_a"])), "by": rng.normal(0, 0.6, (s["n_y"], 1))}
    return x, a0_fwd, a0_bwd, params


def every_layer(key, first=0):
    """Zero `key` in the parameters of layers first.. of a deep RNN (term isolation)."""
    def zero(args):
        for layer in args[2][first:]:
            zeroed((layer,), key)
        return args
    return zero


def direction_only(kept):
    """Switch off the other direction of a BRNN: with its Wax, Waa and ba zero, its states are 0."""
    def zero(args):
        zeroed((args[3]["bwd" if kept == "fwd" else "fwd"],), "Wax", "Waa", "ba")
        return args
    return zero


DEEP_TERMS = [
    ("each layer's input from the layer below", "at step t layer l+1 reads layer l's state of the same step, "
     "a[l][:, :, t] (layer 1 reads x[:, :, t]), and y_pred comes from the top layer.", every_layer("Waa")),
    ("each layer's own recurrence", "every layer l starts from its own a0[l] and uses its own parameters[l].",
     every_layer("Wax", first=1)),
]
BRNN_TERMS = [
    ("the forward direction", "a_fwd = rnn_forward(x, a0_fwd, parameters['fwd']) and y_pred[:, :, t] = "
     "softmax(Wy [a_fwd_t; a_bwd_t] + by), the forward state in the first n_a rows.", direction_only("fwd")),
    ("the backward direction", "the backward direction is rnn_forward over the reversed sequence x[:, :, ::-1] "
     "from a0_bwd with parameters['bwd']; flip its states back (a_bwd[:, :, t] is the state at time t); "
     "they are the last n_a rows of [a_fwd_t; a_bwd_t].", direction_only("bwd")),
]

EXTENSION_SPECS = [
    Spec("deep_rnn_forward", 5, SEQUENCE_DIMS + ("L",), ("a", "y_pred", "caches"), deep_rnn_args,
         cache_hint="caches is a list of L items, caches[l] the cache rnn_forward returned for layer l "
                    "(its input: x for layer 0, a[l - 1] above).", terms=DEEP_TERMS, bonus=True),
    Spec("brnn_forward", 5, SEQUENCE_DIMS, ("a_fwd", "a_bwd", "y_pred", "caches"), brnn_args,
         cache_labels=("caches_fwd", "caches_bwd"),
         cache_hint="caches = (caches_fwd, caches_bwd), the caches rnn_forward returned for the two "
                    "directions: caches_bwd those of its run over x[:, :, ::-1], as that run made them.",
         terms=BRNN_TERMS, bonus=True),
]


# ---------------------------------------------------------------------------- backward specs

def cell_problem(forward, make_args, upstream_from_cache=False):
    """Backward problem of a cell: upstream gradient(s), cache from the oracle's forward, and
    loss = sum(da_next * a_next) (+ sum(dc_next * c_next) for the LSTM)."""
    def make(rng, s):
        args = make_args(rng, s)
        *inputs, params = args
        has_cell_state = len(inputs) == 3
        da_next, dc_next = state(rng, s), state(rng, s)
        out = forward(*args)
        cache = out[-1]

        def loss():
            a_next, c_next = forward(*inputs, params)[:2]
            return np.sum(da_next * a_next) + (np.sum(dc_next * c_next) if has_cell_state else 0.0)

        names = ("dxt", "da_prev", "dc_prev")[:len(inputs)]
        wrt = dict(zip(names, inputs))
        wrt.update({"d" + key: params[key] for key in params if key not in ("Wya", "Wy", "by")})
        upstream = (da_next, dc_next) if has_cell_state else (da_next,)
        return Problem(upstream + (cache,), wrt, loss)
    return make


def sequence_problem(forward, make_args):
    """Backward problem of a sequence: da over every step, caches from the oracle's forward,
    loss = sum(da * a)."""
    def make(rng, s):
        x, a0, params = make_args(rng, s)
        da = rng.normal(0, 1, (s["n_a"], s["m"], s["T_x"]))
        caches = forward(x, a0, params)[-1]
        wrt = {"dx": x, "da0": a0}
        wrt.update({"d" + key: params[key] for key in params if key not in ("Wya", "Wy", "by")})
        return Problem((da, caches), wrt, lambda: np.sum(da * forward(x, a0, params)[0]))
    return make


BACKWARD_SPECS = [
    Spec("rnn_cell_backward", 10, CELL_DIMS, ("dxt", "da_prev", "dWax", "dWaa", "dba"),
         make_problem=cell_problem(oracle.rnn_cell_forward, rnn_cell_args)),
    Spec("rnn_backward", 15, SEQUENCE_DIMS, ("dx", "da0", "dWax", "dWaa", "dba"),
         make_problem=sequence_problem(oracle.rnn_forward, rnn_args)),
    Spec("lstm_cell_backward", 15, CELL_DIMS,
         ("dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"),
         make_problem=cell_problem(oracle.lstm_cell_forward, lstm_cell_args)),
    Spec("lstm_backward", 15, SEQUENCE_DIMS,
         ("dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"),
         make_problem=sequence_problem(oracle.lstm_forward, lstm_args)),
    Spec("simple_gru_cell_backward", 5, CELL_DIMS, ("dxt", "da_prev", "dWu", "dbu", "dWc", "dbc"),
         make_problem=cell_problem(oracle.simple_gru_cell_forward, simple_gru_cell_args), bonus=True),
    Spec("gru_cell_backward", 5, CELL_DIMS,
         ("dxt", "da_prev", "dWr", "dbr", "dWu", "dbu", "dWc", "dbc"),
         make_problem=cell_problem(oracle.gru_cell_forward, gru_cell_args), bonus=True),
]

NOTEBOOK_ORDER = ["rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward",
                  "rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward",
                  "simple_gru_cell_forward", "simple_gru_cell_backward", "gru_cell_forward", "gru_cell_backward",
                  "deep_rnn_forward", "brnn_forward"]
_graders = {spec.function: forward_grader(ASSIGNMENT, oracle, spec) for spec in FORWARD_SPECS + EXTENSION_SPECS}
_graders.update({spec.function: backward_grader(ASSIGNMENT, oracle, spec) for spec in BACKWARD_SPECS})
GRADERS = [_graders[name] for name in NOTEBOOK_ORDER]
