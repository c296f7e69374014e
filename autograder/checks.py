"""Comparison helpers whose failure messages teach.

Every failure raises `Mismatch` with what was expected, what came back, where, and (when we
can tell) a hint. Messages name arrays by the student's names (`a_next`, `caches[0][2][4]`).
"""
import numpy as np

# float64 reference vs. a correct float64 student: differences are rounding-level (~1e-15).
RTOL = 1e-6
ATOL = 1e-9


class Mismatch(Exception):
    """A check failed. `message` says what and where (never an expected value: students read
    it in their feedback); `evidence` holds the values that came back and were expected (for
    the instructor's record only); `hint` says what to look at; `timed_out` marks a student
    call stopped by its time limit (later problems are not worth running)."""

    def __init__(self, message, hint=None, evidence=None, timed_out=False):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.evidence = evidence
        self.timed_out = timed_out

    def render(self, details=True):
        """The message and hint; with `details`, the evidence too."""
        text = self.message + (f" {self.evidence}" if details and self.evidence else "")
        return text + (f"\nHint: {self.hint}" if self.hint else "")


def describe(value):
    """Short description of a value for messages: type and, for arrays, shape and dtype."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"{type(value).__name__} {value!r:.60}"


def expect_sequence(name, value, length, names=None):
    """`value` must be a tuple/list of `length` items (named `names` in messages)."""
    if not isinstance(value, (tuple, list)) or len(value) != length:
        what = f"({', '.join(names)})" if names else f"{length} values"
        raise Mismatch(f"{name} should be {what}; got {describe(value)}.",
                       "Check what you return (or store), and in which order.")


def expect_keys(name, value, keys):
    """`value` must be a dict with exactly `keys`."""
    if not isinstance(value, dict):
        raise Mismatch(f"{name} should be a dict with keys {list(keys)}; got {describe(value)}.")
    missing = [k for k in keys if k not in value]
    extra = [k for k in value if k not in keys]
    if missing or extra:
        raise Mismatch(f"{name} should have keys {list(keys)}; missing {missing}, unexpected {extra}.",
                       "Key names are case-sensitive and must match the docstring exactly.")


def shape_hint(actual, expected):
    if len(actual) + 1 == len(expected) and expected[-1] == 1 and actual == expected[:-1]:
        return "A bias gradient keeps its column: sum with keepdims=True."
    if len(actual) == len(expected) == 2 and expected[1] == 1 and actual[0] == 1 and expected[0] != 1:
        return "A bias gradient sums over the examples (the columns): axis=1, keepdims=True."
    if len(actual) == len(expected) == 2 and actual == expected[::-1]:
        return "The shape is transposed: check the order of the factors in your matrix product."
    return "Write down the shape of every factor; the docstring gives the shape of each input."


def expect_array(name, value, shape):
    """`value` must be a float numpy array of `shape`."""
    if not isinstance(value, np.ndarray):
        raise Mismatch(f"{name} should be a numpy array of shape {shape}; got {describe(value)}.")
    if value.shape != tuple(shape):
        raise Mismatch(f"{name} has shape {value.shape}; expected {tuple(shape)}.",
                       shape_hint(value.shape, tuple(shape)))
    if not np.issubdtype(value.dtype, np.floating):
        raise Mismatch(f"{name} has dtype {value.dtype}; expected floating point numbers.",
                       "Arrays created with np.zeros are float; integer arrays truncate values.")


def largest_difference(actual, expected):
    """(index, |difference|) of the largest element-wise difference of two same-shape arrays."""
    diff = np.abs(actual - expected)
    index = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return tuple(int(i) for i in index), float(diff[index])


def expect_close(name, actual, expected, rtol=RTOL, atol=ATOL):
    """Same shape, finite, and element-wise close to `expected` (reported at the worst entry)."""
    expect_array(name, actual, expected.shape)
    if not np.all(np.isfinite(actual)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(actual))[0])
        raise Mismatch(f"{name} holds {actual[index]} at index {index}.",
                       "Look for an overflow (exp of a large number) or a division by zero.")
    wrong = np.abs(actual - expected) > atol + rtol * np.abs(expected)
    if wrong.any():
        index, size = largest_difference(actual, expected)
        raise Mismatch(f"{name} differs from the expected value at {int(wrong.sum())} of {wrong.size} "
                       f"entries.", evidence=f"The largest difference is {size:.3g} at index {index} "
                       f"(got {actual[index]:.6g}, expected {expected[index]:.6g}).")


def compare(name, actual, expected, labels=None):
    """Recursively compare a returned structure with the oracle's: arrays and numbers closely,
    tuples, lists and dicts item by item, anything else (str, None) by equality.

    labels: optional names for the items of a top-level tuple, used in messages.
    """
    if isinstance(expected, np.ndarray):
        expect_close(name, actual, expected)
    elif isinstance(expected, (int, float, np.number)) and not isinstance(expected, bool):
        if not isinstance(actual, (int, float, np.number)) or isinstance(actual, bool):
            raise Mismatch(f"{name} should be a number; got {describe(actual)}.")
        expect_close(name, np.array(actual, dtype=float), np.array(expected, dtype=float))
    elif isinstance(expected, dict):
        expect_keys(name, actual, list(expected))
        for key in expected:
            compare(f"{name}['{key}']", actual[key], expected[key])
    elif isinstance(expected, (tuple, list)):
        expect_sequence(name, actual, len(expected), labels)
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(f"{name}[{i}]" + (f" ({labels[i]})" if labels else ""), a, e)
    elif actual != expected:
        raise Mismatch(f"{name} is {actual!r:.80}, not the expected value.", evidence=f"Expected {expected!r:.80}.")


def expect_same_shapes(name, actual, expected, labels=None):
    """Like `compare`, but only the structure and the array shapes."""
    if isinstance(expected, np.ndarray):
        expect_array(name, actual, expected.shape)
    elif isinstance(expected, dict):
        expect_keys(name, actual, list(expected))
        for key in expected:
            expect_same_shapes(f"{name}['{key}']", actual[key], expected[key])
    elif isinstance(expected, (tuple, list)):
        expect_sequence(name, actual, len(expected), labels)
        for i, (a, e) in enumerate(zip(actual, expected)):
            expect_same_shapes(f"{name}[{i}]" + (f" ({labels[i]})" if labels else ""), a, e)


def matches(actual, expected):
    """True when `compare` would pass: used by diagnosis to test a suspected mistake."""
    try:
        compare("value", actual, expected)
    except Mismatch:
        return False
    return True
