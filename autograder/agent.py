"""The grading agent: the only grading code that runs inside a student's kernel.

It holds no oracle, no hidden test and no expected value. While a graded cell is "run", the
grading worker (outside the kernel) sends it requests over a Unix socket: call the student's
function on these inputs, define these notebook globals, build these Keras layers, describe
this model. It answers with plain data. Every verdict is computed by the worker, so patching
numpy, IPython or this module can change only what the kernel answers, never how it is judged.

Graded functions the student's function depends on (`rnn_cell_forward` inside `rnn_forward`)
are replaced, for the duration of one function's grading, by stubs that call back to the
worker, which runs the oracle's version: the oracle never enters the kernel.

The same file is imported by the worker for the wire format (`send`, `receive`) and for the
Keras helpers, so both sides agree by construction. It must stay self-contained: standard
library and numpy only (Keras is imported lazily by the Keras helpers).

Wire format of one message: 8-byte big-endian length of a JSON header, the header, then the
raw bytes of each array it references. Arrays are numeric only (no object dtype: nothing is
ever unpickled); anything else the kernel returns travels as an opaque handle. Every message
is checked against caps (`Caps`: its size, its header's size and number of values, and for an
oracle callback its arguments) before it is parsed, and a sender checks them before it sends:
an honest agent never sends what the worker would refuse, so a kernel that does broke the
protocol.
"""
import contextlib
import io
import json
import math
import os
import secrets
import signal
import socket
import struct
import sys
import threading
import traceback
import warnings

import numpy as np

MAX_MESSAGE_BYTES = 256 * 2 ** 20
MAX_DEPTH = 64
NUMERIC_KINDS = "biufc"


class Caps:
    """What one message may hold (the worker's `autograder.limits.Limits`, handed to the
    agent when it starts serving): `message_bytes` in all, `header_bytes` of JSON header,
    `nodes` values in the header, and `callback_bytes` for an oracle callback and its answer."""

    def __init__(self, message_bytes=MAX_MESSAGE_BYTES, header_bytes=4 * 2 ** 20, nodes=100_000,
                 callback_bytes=16 * 2 ** 20):
        self.message_bytes, self.header_bytes = int(message_bytes), int(header_bytes)
        self.nodes, self.callback_bytes = int(nodes), int(callback_bytes)

    def as_dict(self):
        return dict(message_bytes=self.message_bytes, header_bytes=self.header_bytes, nodes=self.nodes,
                    callback_bytes=self.callback_bytes)


DEFAULT_CAPS = Caps()


class TooLarge(ValueError):
    """A message that would exceed a cap: it is not sent (the sender says so instead)."""


class Budget:
    """Counts what `encode` puts into one message, and stops it as soon as a cap is passed
    (before an array is copied)."""

    def __init__(self, nbytes, nodes):
        self.bytes_left, self.nodes_left = nbytes, nodes

    def take(self, nbytes=0):
        self.bytes_left -= nbytes
        self.nodes_left -= 1
        if self.bytes_left < 0 or self.nodes_left < 0:
            raise TooLarge("more values or bytes than one message may carry")


class ProtocolError(Exception):
    """A message that does not follow the wire format (a tampering kernel, or a dead one)."""


class Handle:
    """An object that stays in the kernel (a Keras layer or model), named by its id."""

    def __init__(self, id, type_name):
        # the kernel names the type: only a plain dotted name can reach a report
        self.id = id
        self.type_name = "".join(c for c in str(type_name)[:80] if c.isalnum() or c in "._") or "object"

    def __repr__(self):
        return f"<{self.type_name} in the student's kernel>"


class Callback:
    """Worker side: a function exposed to the kernel as a stub that calls back to the worker;
    with `methods`, `function` is an object and the kernel gets a stand-in whose methods of
    those names call back (a model whose `predict` runs in the worker)."""

    def __init__(self, function, methods=()):
        self.function, self.methods = function, tuple(methods)


class CallbackRegistry(dict):
    """The worker's `handles`: it registers Callbacks only (the worker sends no other object),
    each under a fresh number that no earlier registry used: a stub kept from the grading of
    one function names nothing while another is graded."""

    def add(self, callback):
        number = secrets.randbits(62)
        self[number] = callback
        return number


# ----------------------------------------------------------------------------- wire format

def encode(value, buffers, handles=None, depth=0, budget=None):
    """JSON-able tree of `value`; arrays go to `buffers`. Unencodable objects become handles,
    and Callbacks are registered, in `handles` (id -> object) when it is given; without it an
    unencodable object is a TypeError. With a Budget, TooLarge as soon as it is spent."""
    if depth > MAX_DEPTH:
        raise TypeError("value nested too deeply")
    if budget is not None:
        budget.take(value.nbytes if isinstance(value, (np.ndarray, np.generic)) else
                    len(value) if isinstance(value, str) else 0)
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in NUMERIC_KINDS:
        array = np.array(value, order="C")  # a copy, 0-d for a scalar
        buffers.append(array)
        return {"t": "array" if isinstance(value, np.ndarray) else "scalar", "b": len(buffers) - 1,
                "dtype": array.dtype.str, "shape": list(array.shape)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -2 ** 63 <= value < 2 ** 63 else {"t": "bigint", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)}
    if type(value) in (list, tuple):
        return {"t": type(value).__name__, "v": [encode(v, buffers, handles, depth + 1, budget) for v in value]}
    if type(value) is dict:
        return {"t": "dict", "k": [encode(k, buffers, handles, depth + 1, budget) for k in value],
                "v": [encode(v, buffers, handles, depth + 1, budget) for v in value.values()]}
    if isinstance(value, Handle):
        return {"t": "handle", "id": value.id}
    if isinstance(value, Callback):
        number = handles.add(value) if isinstance(handles, CallbackRegistry) else 0
        return {"t": "callback", "id": number, "methods": list(value.methods)}
    if handles is not None and not isinstance(handles, CallbackRegistry):
        handles[id(value)] = value
        return {"t": "handle", "id": id(value), "type": type(value).__name__}
    raise TypeError(f"cannot send {type(value).__name__}")


def decode(tree, arrays, resolve=None, depth=0):
    """Inverse of `encode`, strict: anything unexpected raises ProtocolError.
    resolve(node) turns handle and callback nodes into objects (default: Handle)."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if tree is None or isinstance(tree, (bool, str, int)) and not isinstance(tree, float):
        return tree
    if not isinstance(tree, dict) or not isinstance(tree.get("t"), str):
        raise ProtocolError(f"unexpected node {str(tree)[:60]}")
    kind = tree["t"]
    if kind == "float":
        return float(tree["v"])
    if kind == "bigint":
        return int(tree["v"])
    if kind in ("array", "scalar"):
        array = arrays[tree["b"]]
        return array if kind == "array" else array[()]
    if kind in ("list", "tuple"):
        items = [decode(v, arrays, resolve, depth + 1) for v in tree["v"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        keys = [decode(k, arrays, resolve, depth + 1) for k in tree["k"]]
        if len(keys) != len(tree["v"]) or not all(isinstance(k, (str, int, float, bool, tuple)) or k is None
                                                  for k in keys):
            raise ProtocolError("bad dict")
        return dict(zip(keys, (decode(v, arrays, resolve, depth + 1) for v in tree["v"])))
    if kind in ("handle", "callback"):
        if not isinstance(tree.get("id"), int):
            raise ProtocolError("bad handle")
        return resolve(tree) if resolve else Handle(tree["id"], str(tree.get("type", "object"))[:80])
    raise ProtocolError(f"unknown node type {kind[:20]!r}")


def send(sock, message, handles=None, caps=DEFAULT_CAPS, max_bytes=None):
    """Send a dict whose values `encode` accepts, in one write; TooLarge (nothing sent) when it
    would pass `caps` (or `max_bytes` in all: an oracle callback and its answer)."""
    limit = min(caps.message_bytes, max_bytes or caps.message_bytes)
    budget = Budget(limit, caps.nodes)
    buffers = []
    header = {k: encode(v, buffers, handles, budget=budget) for k, v in message.items()}
    header["_buffers"] = [{"dtype": b.dtype.str, "shape": list(b.shape), "nbytes": b.nbytes} for b in buffers]
    text = json.dumps(header).encode()
    if len(text) > caps.header_bytes or nodes_in(text) > caps.nodes or \
            8 + len(text) + sum(b.nbytes for b in buffers) > limit:
        raise TooLarge("a message larger than the grader accepts")
    sock.sendall(b"".join([struct.pack(">Q", len(text)), text, *(b.tobytes() for b in buffers)]))


def nodes_in(text):
    """An upper bound on the values in a JSON text, counted without parsing it (a bracket or
    comma inside a string counts too)."""
    return text.count(b",") + text.count(b"[") + text.count(b"{") + 1


def receive_exactly(sock, size):
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        count = sock.recv_into(view[got:], min(size - got, 2 ** 22))
        if not count:
            raise EOFError("the other side closed the connection")
        got += count
    return data


def receive(sock, resolve=None, caps=DEFAULT_CAPS):
    """Receive one message as a dict, strictly checked, and checked against `caps` before it is
    parsed (header) or read (arrays): ProtocolError past one."""
    (size,) = struct.unpack(">Q", receive_exactly(sock, 8))
    if size > caps.header_bytes:
        raise ProtocolError(f"a header of {size} bytes (at most {caps.header_bytes})")
    text = receive_exactly(sock, size)
    if nodes_in(text) > caps.nodes:
        raise ProtocolError(f"a header of more than {caps.nodes} values")
    try:
        header = json.loads(text)
        specs = header.pop("_buffers")
        assert isinstance(header, dict) and isinstance(specs, list)
    except (ValueError, KeyError, AssertionError, AttributeError, TypeError, RecursionError):
        raise ProtocolError("malformed header") from None
    del text
    limit = caps.callback_bytes if header.get("op") == "callback" or "cb" in header else caps.message_bytes
    layout, total = [], 8 + size
    for spec in specs:
        try:
            dtype, shape, nbytes = np.dtype(spec["dtype"]), tuple(int(n) for n in spec["shape"]), int(spec["nbytes"])
        except (TypeError, KeyError, ValueError):
            raise ProtocolError("malformed array") from None
        if dtype.kind not in NUMERIC_KINDS or dtype.hasobject or min(shape, default=0) < 0 or len(shape) > 32 \
                or math.prod(shape) * dtype.itemsize != nbytes or total + nbytes > limit:
            raise ProtocolError("array of a forbidden type or size")
        layout.append((dtype, shape, total - 8 - size, nbytes))
        total += nbytes
    data = receive_exactly(sock, total - 8 - size)
    arrays = [np.frombuffer(data, dtype=dtype, count=nbytes // dtype.itemsize if dtype.itemsize else 0,
                            offset=start).reshape(shape).copy() for dtype, shape, start, nbytes in layout]
    return {k: decode(v, arrays, resolve) for k, v in header.items()}


# ----------------------------------------------------------------------- Keras helpers
# Run where the student's code runs: in the kernel under grading, in-process otherwise.

def keras_layers(n_values, n_a, lstm_weights, dense_weights):
    """The notebook's shared layers, built, with the given weights:
    (LSTM_cell = LSTM(n_a, return_state=True), densor = Dense(n_values, softmax), reshaper)."""
    from keras.layers import LSTM, Dense, Reshape
    cell, densor = LSTM(n_a, return_state=True), Dense(n_values, activation="softmax")
    cell.build((None, 1, n_values))
    densor.build((None, n_a))
    cell.set_weights([np.asarray(w, dtype="float32") for w in lstm_weights])
    densor.set_weights([np.asarray(w, dtype="float32") for w in dense_weights])
    return cell, densor, Reshape((1, n_values))


def model_facts(model, cell, densor):
    """What the graders check of a model's architecture, as plain data."""
    import keras
    if not isinstance(model, keras.Model):
        return {"is_model": False, "type": type(model).__name__}
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    return {"is_model": True, "type": type(model).__name__,
            "input_shapes": [tuple(int(d) for d in i.shape[1:]) for i in model.inputs],
            "output_shapes": [tuple(-1 if d is None else int(d) for d in o.shape[1:]) for o in model.outputs],
            "lstm_layers": len(lstms), "lstm_is_given": len(lstms) == 1 and lstms[0] is cell,
            "dense_layers": len(denses), "dense_is_given": len(denses) == 1 and denses[0] is densor,
            "parameters": int(model.count_params()),
            "shared_parameters": int(cell.count_params() + densor.count_params())}


def model_outputs(model, inputs):
    """The model's outputs on `inputs` (float32), one float64 array per output."""
    out = model([np.asarray(x, dtype="float32") for x in inputs])
    return [np.asarray(o, dtype=float) for o in (out if isinstance(out, (list, tuple)) else [out])]


def keras_summary(model):
    """What graders check of any Keras model's architecture, as plain data: its inputs and
    outputs (batch axis left out, None for any length), parameter count, and per layer its
    class, units, activation, return_sequences, weight shapes and (for a wrapper such as
    TimeDistributed) the same facts of the layer it wraps."""
    import keras

    def layer_facts(layer):
        config = layer.get_config()
        facts = {"class": type(layer).__name__, "units": config.get("units"),
                 "activation": config.get("activation") if isinstance(config.get("activation"), str) else None,
                 "return_sequences": config.get("return_sequences"),
                 "weight_shapes": [tuple(int(d) for d in w.shape) for w in layer.weights]}
        inner = getattr(layer, "layer", None)
        facts["wraps"] = layer_facts(inner) if isinstance(inner, keras.layers.Layer) else None
        return facts

    def dims(shape):
        return tuple(None if d is None else int(d) for d in shape[1:])

    if not isinstance(model, keras.Model):
        return {"is_model": False, "type": type(model).__name__}
    return {"is_model": True, "type": type(model).__name__,
            "input_shapes": [dims(i.shape) for i in model.inputs],
            "output_shapes": [dims(o.shape) for o in model.outputs],
            "parameters": int(model.count_params()), "layers": [layer_facts(layer) for layer in model.layers]}


def keras_outputs_with_weights(model, weights, x):
    """The model's output on x, as float64, after model.set_weights(weights) (float32)."""
    model.set_weights([np.asarray(w, dtype="float32") for w in weights])
    return np.asarray(model(np.asarray(x, dtype="float32")), dtype=float)


def keras_metric_on_tensors(function, y_true, y_pred):
    """function(y_true, y_pred) called eagerly on Keras tensors (float32), as float64."""
    from keras import ops
    return np.asarray(function(ops.convert_to_tensor(np.asarray(y_true, dtype="float32")),
                               ops.convert_to_tensor(np.asarray(y_pred, dtype="float32"))), dtype=float)


def keras_compiled_metric(function, y_true, y_pred):
    """The value model.evaluate reports for `function` given as a metric of a compiled model
    (graph mode: the function is traced on symbolic tensors), on one batch of y_pred against
    y_true: the mean of what the function returns."""
    import keras
    inputs = keras.Input(shape=np.shape(y_pred)[1:])
    model = keras.Model(inputs, keras.layers.Identity()(inputs))
    model.compile(loss="mse", metrics=[function], jit_compile=False)
    values = model.evaluate(np.asarray(y_pred, dtype="float32"), np.asarray(y_true, dtype="float32"),
                            batch_size=len(y_pred), verbose=0, return_dict=True)
    return float(next(value for name, value in values.items() if name != "loss"))


HELPERS = {"keras_layers": keras_layers, "model_facts": model_facts, "model_outputs": model_outputs,
           "keras_summary": keras_summary, "keras_outputs_with_weights": keras_outputs_with_weights,
           "keras_metric_on_tensors": keras_metric_on_tensors, "keras_compiled_metric": keras_compiled_metric}
# Helpers that take the student's graded function as their first argument.
HELPERS_OF_FUNCTION = ("keras_metric_on_tensors", "keras_compiled_metric")


# -------------------------------------------------------------------- the kernel's side

class CallTimeout(BaseException):
    """Raised in a student call that runs too long (BaseException: `except Exception` in
    student code cannot swallow it). `clock` is "cpu" (it computed too long) or "wall" (it
    waited too long)."""

    def __init__(self, clock="cpu"):
        super().__init__(clock)
        self.clock = clock


def write_back(original, updated):
    """Apply in place to `original` what a call did to its copy `updated` (arrays, dicts, lists)."""
    if isinstance(original, np.ndarray) and isinstance(updated, np.ndarray) and original.shape == updated.shape:
        original[...] = updated
    elif isinstance(original, dict) and isinstance(updated, dict):
        for key, value in updated.items():
            if key in original and isinstance(original[key], (np.ndarray, dict, list)):
                write_back(original[key], value)
            else:
                original[key] = value
    elif isinstance(original, list) and isinstance(updated, (list, tuple)):
        original[:] = list(updated)


def student_location(error, skip=()):
    """'at line N of f: code' for the innermost frame that is not a library's (site-packages,
    compiled Cython such as numpy/random/_generator.pyx), the standard library's, this file's
    or under one of the `skip` prefixes."""
    skip = (os.path.dirname(os.path.dirname(np.__file__)), os.path.dirname(os.__file__), __file__) + tuple(skip)
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith(skip) and not f.filename.endswith((".pyx", ".pxd"))]
    if not frames:
        return ""
    frame = frames[-1]
    return f"\n  at line {frame.lineno} of {frame.name}" + (f": {frame.line.strip()}" if frame.line else "")


class Agent:
    """Serves one graded cell: requests from the worker until it says "end"."""

    def __init__(self, sock, namespace, caps=DEFAULT_CAPS):
        self.sock, self.namespace, self.caps = sock, namespace, caps
        self.handles = {}
        self.saved = {}
        self.callbacks_made = 0
        self.serving = True  # the stubs work only while this graded cell is served

    def stub(self, node):
        """A kernel-side stand-in for a worker Callback: calls go back to the worker. The
        student's time limit stands still while the worker computes the answer. It works only
        while the function it was made for is graded (the worker would refuse it later)."""
        def call(method, *args, **kwargs):
            if not self.serving:
                raise RuntimeError("a stand-in of the grader's reference function, kept after the grading of the "
                                   "function it was given to: it works only while that function is graded")
            self.callbacks_made += 1
            number = self.callbacks_made
            with time_limit_paused():
                try:  # a tensor goes as the array it holds: the worker reads arrays, not handles
                    send(self.sock, {"op": "callback", "cb": number, "id": node["id"], "method": method,
                                     "args": as_arrays(args), "kwargs": as_arrays(kwargs)},
                         self.handles, self.caps, self.caps.callback_bytes)
                except TooLarge:
                    raise ValueError("arguments too large for the grader's reference function "
                                     f"(at most {self.caps.callback_bytes // 2 ** 20} MiB)") from None
                reply = receive(self.sock, self.resolve, self.caps)
                while reply.get("cb") != number:  # a late answer to a callback abandoned earlier
                    reply = receive(self.sock, self.resolve, self.caps)
            if "error" in reply:
                raise RuntimeError(reply["error"])
            for original, updated in zip(args, reply["args"]):
                write_back(original, updated)
            return ReturnedArray.of(reply["result"])
        if not node.get("methods"):
            return lambda *args, **kwargs: call(None, *args, **kwargs)

        def method(name):
            return staticmethod(lambda *args, **kwargs: call(name, *args, **kwargs))
        return type("GradingModel", (), {name: method(name) for name in node["methods"]})()

    def resolve(self, node):
        if node["t"] == "callback":
            return self.stub(node)
        if node["id"] not in self.handles:
            raise ProtocolError("unknown handle")
        return self.handles[node["id"]]

    def serve(self):
        """Answer requests until "end". Each reply carries the id of its request ("re"), so the
        worker can tell a late reply from the one it waits for; a late answer to a callback
        (it carries "cb", never "op") is dropped here."""
        try:
            self.serve_requests()
        finally:
            self.serving = False

    def serve_requests(self):
        while True:
            request = receive(self.sock, self.resolve, self.caps)
            if "cb" in request and "op" not in request:
                continue
            op, number = request.get("op"), request.get("id")
            if not isinstance(number, int) or not isinstance(op, str) or not hasattr(self, f"op_{op}") and op != "end":
                raise ProtocolError(f"a request without a known op and an id ({str(op)[:20]!r})")
            if op == "end":
                self.restore(list(self.saved))
                send(self.sock, {"re": number, "ok": True}, caps=self.caps)
                return
            try:
                reply = getattr(self, f"op_{op}")(request)
            except ProtocolError:
                raise
            except Exception as error:  # a request that cannot be carried out (never a student error)
                reply = {"failed": f"{type(error).__name__}: {error}"}
            reply["re"] = number
            try:
                send(self.sock, reply, self.handles, self.caps)
            except TooLarge:  # the student's result: the worker says it was too large to check
                send(self.sock, {"re": number, "too_large": True} if op == "call" else
                     {"re": number, "failed": "a reply larger than the grader accepts"}, caps=self.caps)
            except (TypeError, ValueError, RecursionError) as error:  # nested too deep, an int too long
                if op != "call":
                    raise
                send(self.sock, {"re": number, "raised": "ValueError", "mro": ["ValueError", "Exception"],
                                 "location": None, "message": "it returned a value the grader cannot read "
                                 f"({said(error)[:200]}): return arrays, numbers, strings, lists and dicts"},
                     caps=self.caps)

    def op_define(self, request):
        """Set notebook globals (the oracle's stand-ins, n_values, ...); remember what was there
        so that "end" puts it back. Returns whether `function` is defined and callable."""
        for name, value in request["values"].items():
            if name not in self.saved:
                self.saved[name] = self.namespace.get(name, _MISSING)
            self.namespace[name] = value
        return {"callable": callable(self.namespace.get(request.get("function", ""), None))}

    def op_undefine(self, request):
        self.restore(request["names"])
        return {}

    def restore(self, names):
        """Put back what `define` replaced (or remove what it added)."""
        for name in names:
            value = self.saved.pop(name, _MISSING)
            if value is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = value

    def op_observe(self, request):
        from IPython import get_ipython
        return observations(get_ipython())

    def op_call(self, request):
        """Call the student's function (or a helper) on the arguments; return its result, or
        the exception it raised, and (in_place) the arguments as the call left them."""
        args = request["args"]
        if request["target"] == "student":
            target = self.namespace.get(request["function"])
        else:
            target = HELPERS[request["function"]]
            if request["function"] in HELPERS_OF_FUNCTION:  # handed the graded function, never another name
                args = (self.namespace.get(request.get("student")), *args)
        try:  # tensors become arrays within the time limit: their .numpy() is the student's code
            result = call_quietly(lambda *given: as_arrays(target(*given)), args, request["cpu_seconds"],
                                  request["wall_seconds"])
        except CallTimeout as timeout:
            return {"timeout": timeout.clock}
        except BaseException as error:  # SystemExit, KeyboardInterrupt too: the student's function raised them
            return {"raised": type(error).__name__, "message": said(error)[:2000],
                    "location": student_location(error), "mro": [c.__name__ for c in type(error).__mro__]}
        return {"result": result, "args": args if request.get("in_place") else None}


def said(error):
    """str(error), or a note when the student's exception cannot even say what it is."""
    try:
        return str(error)
    except BaseException:
        return f"(a {type(error).__name__} whose message raised an error itself)"


class ReturnedArray(np.ndarray):
    """An array the grader returned to the student's code (a stand-in model's prediction) that
    also answers `.numpy()`, as the tensor a Keras model returns would: `model(x).numpy()` is
    correct for a real model and must work on the grader's stand-in too."""

    @classmethod
    def of(cls, value):
        return value.view(cls) if type(value) is np.ndarray else value

    def numpy(self):
        return self.view(np.ndarray)


def as_arrays(value):
    """`value` with every tensor of an array library (TensorFlow's, anything whose type has a
    `.numpy()`) as a numpy array, inside tuples, lists and dicts: in-process checks read such a
    tensor as the array it holds, and the wire carries arrays only."""
    if type(value) in (list, tuple):
        return type(value)(as_arrays(v) for v in value)
    if type(value) is dict:
        return {k: as_arrays(v) for k, v in value.items()}
    if not isinstance(value, (np.ndarray, np.generic)) and callable(getattr(type(value), "numpy", None)):
        array = np.asarray(value.numpy())
        if array.dtype.kind in NUMERIC_KINDS:
            return array
    return value


@contextlib.contextmanager
def silenced_native_stderr():
    """Point file descriptor 2 at /dev/null: native libraries (TensorFlow) log there directly,
    past sys.stderr, and nbgrader zeroes a cell with any stderr output."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


_MISSING = object()


def call_quietly(function, args, cpu_seconds, wall_seconds):
    """function(*args) with what it prints and warns swallowed (nbgrader zeroes a cell that
    writes to stderr), numpy's floating-point errors ignored, and CallTimeout after
    `cpu_seconds` of this process's CPU time or `wall_seconds` of wall time."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), warnings.catch_warnings(), \
            np.errstate(all="ignore"), time_limit(cpu_seconds, wall_seconds):
        warnings.simplefilter("ignore")
        return function(*args)


# CPU time of the whole process (every thread: TensorFlow computes in its own) and a wall-clock
# backstop for code that waits instead of computing. A machine busy with other work slows the
# wall clock, not the CPU time a computation needs.
TIMERS = ((signal.ITIMER_PROF, signal.SIGPROF), (signal.ITIMER_REAL, signal.SIGALRM))


@contextlib.contextmanager
def time_limit(cpu_seconds, wall_seconds):
    """Raise CallTimeout after `cpu_seconds` of CPU time or `wall_seconds` of wall time
    (main thread only; outside it, no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise CallTimeout("cpu" if signum == signal.SIGPROF else "wall")
    previous = [signal.signal(number, expire) for _, number in TIMERS]
    for (timer, _), seconds in zip(TIMERS, (cpu_seconds, wall_seconds)):
        signal.setitimer(timer, max(seconds, 1e-3))
    try:
        yield
    finally:
        for (timer, number), handler in zip(TIMERS, previous):
            signal.setitimer(timer, 0)
            signal.signal(number, handler)


@contextlib.contextmanager
def time_limit_paused():
    """Stop the clocks of `time_limit` (while the worker answers a callback), then go on."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    left = [signal.setitimer(timer, 0)[0] for timer, _ in TIMERS]
    try:
        yield
    finally:
        for (timer, _), seconds in zip(TIMERS, left):
            if seconds > 0:
                signal.setitimer(timer, seconds)


def serve(path, namespace, caps=None):
    """Entry point of a graded cell in the kernel: connect to the worker and serve it, within
    the worker's caps (a dict of `Caps`' fields)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    try:
        Agent(sock, namespace, Caps(**caps) if caps else DEFAULT_CAPS).serve()
    finally:
        sock.close()


# ------------------------------------------------------------ integrity observations
# The kernel's own account of what the student's code did. The student's code can change or
# silence it, so the worker records it as "kernel says", never as evidence: its evidence is
# what it observes itself (autograder.batch.evidence, the protocol, the cells).

PRISTINE = {}
WATCHED = ("numpy.allclose", "numpy.isclose", "numpy.array_equal", "numpy.testing.assert_allclose",
           "numpy.testing.assert_array_equal", "builtins.print", "builtins.isinstance", "builtins.open")
HIDDEN = []    # folders masked in the sandbox (the course, the grading package)
KEPT = []      # paths beneath them mounted back (the Python environment)
READS = []     # attempts to open something under them: tampering
ACTIVITY = []  # processes started, signals sent, connections: recorded, not judged


def lookup(dotted):
    module, _, name = dotted.rpartition(".")
    __import__(module)
    return getattr(sys.modules[module], name)


def audit(event, args):
    """Audit hook (cannot be removed once added): note what reaches outside the notebook."""
    if event in ("subprocess.Popen", "os.system", "os.fork", "os.forkpty", "os.posix_spawn", "os.exec",
                 "os.kill", "os.killpg") and len(ACTIVITY) < 50:
        ACTIVITY.append(f"{event} {str(args)[:160]}")
    elif event == "socket.connect" and not str(args[1]).endswith("agent.sock") and len(ACTIVITY) < 50:
        ACTIVITY.append(f"{event} {str(args[1])[:160]}")
    elif event == "open" and isinstance(args[0], (str, bytes)) and len(READS) < 50:
        path = hidden_path(args[0], HIDDEN, KEPT)
        if path is not None:
            READS.append(path[:160])


def hidden_path(path, hidden, kept):
    """`path` (str or bytes, relative to the working folder or absolute), made absolute and
    normalised by its name alone (no link followed), when the longest of the folders `hidden`
    that holds it is longer than the longest of `kept` that does (a path mounted back beneath
    a hidden folder is no read of it); else None. The folders are absolute and normalised."""
    path = os.path.abspath(os.fsdecode(path))
    if path.startswith("//"):  # normpath keeps exactly two leading slashes (POSIX); Linux reads one
        path = path[1:]

    def depth(folders):  # the longest of `folders` that holds the path
        return max((len(f) for f in folders if path == f or path.startswith(f + os.sep)), default=-1)
    return path if depth(hidden) > depth(kept) else None


def install(shell=None, hidden=(), kept=()):
    """Run once when the kernel starts, before any student code: remember the watched
    functions and IPython's input transformers, and add the audit hook."""
    HIDDEN.extend(hidden)
    KEPT.extend(kept)
    for name in WATCHED:
        PRISTINE[name] = lookup(name)
    if shell is not None:
        PRISTINE["transformers"] = (list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                                    list(shell.ast_transformers))
        for session in {id(s): s for s in (getattr(getattr(shell, "kernel", None), "session", None),
                                           getattr(sys.stdout, "session", None), getattr(sys.stderr, "session", None))
                        if s is not None and hasattr(s, "pack")}.values():
            session.pack = packing_lone_surrogates(session.pack)
    sys.addaudithook(audit)


def packing_lone_surrogates(pack):
    """The kernel's message packer, able to send text holding a lone surrogate (which a cell
    can print but UTF-8 cannot hold: unpatched, the kernel's output thread fails and the cell
    never ends), each replaced by U+FFFD."""
    def scrub(value):
        if isinstance(value, str):
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if isinstance(value, dict):
            return {scrub(k): scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [scrub(v) for v in value]
        return value

    def packer(obj):
        try:
            return pack(obj)
        except ValueError:  # UnicodeEncodeError
            return pack(scrub(obj))
    return packer


def observations(shell=None):
    """What the student's code changed or attempted since `install`:
    {"tampering": [sentences], "activity": [sentences]}."""
    found = [f"replaced {name}" for name in WATCHED if name in PRISTINE and lookup(name) is not PRISTINE[name]]
    if shell is not None and "transformers" in PRISTINE:
        now = (shell.input_transformers_cleanup, shell.input_transformers_post, shell.ast_transformers)
        if any(len(a) != len(b) or any(x is not y for x, y in zip(a, b)) for a, b in zip(now, PRISTINE["transformers"])):
            found.append("installed an IPython input or AST transformer")
    found += [f"tried to open {path}" for path in READS]
    return {"tampering": found, "activity": list(ACTIVITY)}
