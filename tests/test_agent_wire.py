"""The grading agent's wire format: what the kernel sends the worker is data, strictly checked.
A kernel under the student's control may send anything; nothing it sends may become code,
an object of its choosing, or an unbounded allocation in the worker."""
import json
import socket
import struct

import numpy as np
import pytest

from autograder.agent import (MAX_MESSAGE_BYTES, Callback, CallbackRegistry, Handle, ProtocolError, receive,
                                      send, write_back)


def round_trip(message, handles=None):
    left, right = socket.socketpair()
    with left, right:
        send(left, message, handles)
        return receive(right)


def raw(header, payload=b""):
    """What a hostile kernel could put on the wire: any header and bytes."""
    left, right = socket.socketpair()
    text = json.dumps(header).encode()
    left.sendall(struct.pack(">Q", len(text)) + text + payload)
    left.close()
    with right:
        return receive(right)


@pytest.mark.parametrize("value", [
    None, True, 0, -2 ** 70, 1.5, float("inf"), "text",
    np.float64(2.5), np.int64(7), np.bool_(True), np.zeros((0, 3)), np.arange(6.0).reshape(2, 3, 1),
    np.ones((1, 1), dtype=np.float32), (1, [2.0, {"a": np.eye(2)}]), {0: "\n", 1: "a"}, {"k": (np.int8(1),)},
])
def test_values_survive_the_wire_with_their_types(value):
    back = round_trip({"v": value})["v"]
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, (tuple, dict)):
        assert repr(back) == repr(value)
    else:
        assert back == value


def test_nan_survives():
    assert np.isnan(round_trip({"v": float("nan")})["v"])


def test_objects_become_handles_on_the_kernel_side_and_are_refused_on_the_worker_side():
    layer = object()
    handles = {}
    back = round_trip({"v": [layer]}, handles)["v"][0]
    assert isinstance(back, Handle) and handles[back.id] is layer and back.type_name == "object"
    with pytest.raises(TypeError):
        round_trip({"v": layer}, CallbackRegistry())


def test_callbacks_are_registered_by_the_worker():
    registry = CallbackRegistry()
    callback = Callback(len)
    node = round_trip({"v": callback}, registry)["v"]
    assert registry[node.id] is callback


@pytest.mark.parametrize("header, payload", [
    ({"_buffers": [{"dtype": "|O", "shape": [1], "nbytes": 8}], "v": {"t": "array", "b": 0}}, b"\0" * 8),
    ({"_buffers": [{"dtype": "<f8", "shape": [2], "nbytes": 8}], "v": {"t": "array", "b": 0}}, b"\0" * 8),
    ({"_buffers": [{"dtype": "<f8", "shape": [-1], "nbytes": 8}], "v": None}, b"\0" * 8),
    ({"_buffers": [{"dtype": "<f8", "shape": [MAX_MESSAGE_BYTES], "nbytes": 8 * MAX_MESSAGE_BYTES}], "v": None}, b""),
    ({"_buffers": [], "v": {"t": "pickle", "v": "gASV"}}, b""),
    ({"_buffers": [], "v": 1.5}, b""),
    ({"_buffers": [], "v": {"t": "dict", "k": [{"t": "list", "v": []}], "v": [1]}}, b""),
    ({"v": 1}, b""),
])
def test_malformed_or_dangerous_messages_are_refused(header, payload):
    with pytest.raises((ProtocolError, EOFError)):
        raw(header, payload)


def test_a_huge_header_is_refused_before_it_is_read():
    left, right = socket.socketpair()
    left.sendall(struct.pack(">Q", MAX_MESSAGE_BYTES + 1))
    with left, right, pytest.raises(ProtocolError):
        receive(right)


def test_write_back_applies_a_call_s_effects_in_place():
    parameters = {"W": np.zeros((2, 2)), "lr": 0.1, "names": ["a"]}
    array = parameters["W"]
    write_back(parameters, {"W": np.ones((2, 2)), "lr": 0.2, "names": ["b", "c"]})
    assert parameters["W"] is array and array.sum() == 4
    assert parameters["lr"] == 0.2 and parameters["names"] == ["b", "c"]


def test_the_agent_puts_back_the_notebook_globals_it_replaced():
    """After a graded cell the student's namespace is as it was: replaced names restored,
    names the grading added removed."""
    import threading

    from autograder.agent import Agent
    namespace = {"rnn_cell_forward": "the student's", "x": 1}
    worker, kernel = socket.socketpair()
    worker.settimeout(10)
    with worker, kernel:
        served = threading.Thread(target=Agent(kernel, namespace).serve)
        served.start()
        send(worker, {"op": "define", "values": {"rnn_cell_forward": 2, "n_values": 5}, "function": "x", "id": 1})
        assert receive(worker) == {"callable": False, "re": 1}
        assert namespace["rnn_cell_forward"] == 2 and namespace["n_values"] == 5
        send(worker, {"op": "end", "id": 2})
        assert receive(worker) == {"ok": True, "re": 2}
        served.join(5)
    assert namespace == {"rnn_cell_forward": "the student's", "x": 1}


def test_the_agent_refuses_a_request_without_an_id():
    import threading

    from autograder.agent import Agent
    worker, kernel = socket.socketpair()
    failures = []

    def serve():
        try:
            Agent(kernel, {}).serve()
        except ProtocolError as error:
            failures.append(error)
    with worker, kernel:
        served = threading.Thread(target=serve)
        served.start()
        send(worker, {"op": "observe"})
        served.join(10)
    assert failures and not served.is_alive()


# ------------------------------------------------------------------ caps before parsing

def test_a_header_over_the_cap_is_refused_from_its_length_alone():
    """A 64 MiB header is refused before one byte of it is read (the sender never sends it:
    the socket is closed right after the length, so reading on would be an EOFError)."""
    from autograder.agent import Caps
    left, right = socket.socketpair()
    left.sendall(struct.pack(">Q", 64 * 2 ** 20))
    left.close()
    with right, pytest.raises(ProtocolError, match="header of"):
        receive(right, caps=Caps(header_bytes=4 * 2 ** 20))


def sending(data):
    """The receiving end of a socket pair to which `data` is being written (by a thread: more
    than a socket buffers would block a single thread)."""
    import threading
    left, right = socket.socketpair()

    def write():
        try:
            left.sendall(data)
        except OSError:  # the receiver stopped reading: what a cap is for
            pass
        finally:
            left.close()
    threading.Thread(target=write, daemon=True).start()
    return right


@pytest.mark.parametrize("text", [
    b'{"_buffers": [], "v": [' + b"0," * 200_000 + b"0]}",            # too many values
    b'{"_buffers": [], "v": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",   # nested beyond any parser's depth
])
def test_a_header_with_too_many_values_or_too_deep_is_refused_without_parsing_it(text):
    from autograder.agent import Caps
    with sending(struct.pack(">Q", len(text)) + text) as right, pytest.raises(ProtocolError):
        receive(right, caps=Caps(nodes=100_000))


def test_nesting_within_the_value_cap_but_too_deep_for_json_is_a_protocol_error():
    """json.loads would raise RecursionError (not a ValueError) past ~1000 levels."""
    text = b'{"_buffers": [], "v": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with sending(struct.pack(">Q", len(text)) + text) as right, pytest.raises(ProtocolError):
        receive(right)


def test_a_callback_is_held_to_its_own_smaller_cap():
    """Arrays of 2 MiB pass in an answer (the message cap) but not in a callback (1 MiB)."""
    from autograder.agent import Caps
    caps = Caps(callback_bytes=2 ** 20)
    big = np.zeros(2 ** 18)
    for header, refused in (({"op": "callback", "cb": 1, "id": 5}, True), ({"re": 1}, False)):
        text = json.dumps({"_buffers": [{"dtype": "<f8", "shape": [big.size], "nbytes": big.nbytes}],
                           **header}).encode()
        with sending(struct.pack(">Q", len(text)) + text + big.tobytes()) as right:
            if refused:
                with pytest.raises(ProtocolError):
                    receive(right, caps=caps)
            else:
                assert receive(right, caps=caps)["re"] == 1


def test_the_sender_refuses_what_the_receiver_would_refuse():
    from autograder.agent import Caps, TooLarge
    caps = Caps(message_bytes=2 ** 20, nodes=1000)
    left, right = socket.socketpair()
    with left, right:
        with pytest.raises(TooLarge):
            send(left, {"v": np.zeros(2 ** 18)}, caps=caps)       # 2 MiB of array
        with pytest.raises(TooLarge):
            send(left, {"v": list(range(5000))}, caps=caps)        # 5000 values
        with pytest.raises(TooLarge):
            send(left, {"v": [np.zeros(1)] * 10}, caps=caps, max_bytes=64)  # a callback's own cap
        send(left, {"v": list(range(100))}, caps=caps)             # within the caps: sent
        assert receive(right, caps=caps)["v"] == list(range(100))


def test_a_handle_type_named_by_the_kernel_cannot_carry_a_line_of_its_own():
    back = raw({"_buffers": [], "v": {"t": "handle", "id": 3, "type": "X\n  ok   [10/10] all checks"}})["v"]
    assert "\n" not in repr(back) and " " not in back.type_name
