"""Helpers shared by the visible checks of every assignment in this course.

``public_tests.py``, the file next to your notebook, holds one ``check_<function>`` per
exercise. The pieces those checks have in common live here, in ``check_helpers.py``: the
same file ships with every assignment. You never need to call anything in it, but reading
it tells you exactly what a failing check means. It uses only Python and NumPy.

What a check says
-----------------
A check that passes prints one line::

    check_<function>: all visible tests passed.

A check that fails raises an ``AssertionError`` (see ``fail``) whose message reads::

    check_<function> failed: <what is wrong, and on which input>
      expected: <what any correct function gives>
      got:      <what yours gave>
      hint:     <the usual cause and where to look>

Arrays are described by their shape (``describe``); two arrays that should agree are
compared entry by entry, and the message points at the entry where they differ most
(``difference``).

Checks that build on other functions
------------------------------------
Some functions use others you wrote earlier (a sequence function calls its cell; a
training loop calls the function that does one step). Their check first runs the checks
of those earlier functions. When one of those fails, the message says which function to
fix first and repeats what its own check found (``run_prerequisite``, which stops with a
``PrerequisiteError``; it is an ``AssertionError`` too).

Gradients
---------
A backward function can be checked without knowing the right answer: nudge one input
entry up and down by a small step, run the forward function, and the slope of the result
is the derivative (centred finite differences, ``numerical_gradient``). Compare it with
your analytic gradient with ``norm_relative_error`` (the whole array at once, what the
visible checks use) or ``relative_error`` (the worst single entry, CS231n style). For a
correct gradient both are tiny, well below 1e-6; for a wrong one they are usually above 1e-2.
Use float64 arrays: in float32 the nudges are lost to rounding.
"""
import functools

import numpy as np

# Default tolerances of check_close: "these two numbers should agree".
RTOL = 1e-7
ATOL = 1e-10
# Default step of numerical_gradient.
FD_STEP = 1e-5


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------
def fail(check, problem, expected=None, got=None, hint=None):
    """Stop the check `check` (its name, e.g. "check_rnn_forward") with an AssertionError.

    problem: what is wrong, one sentence. expected, got, hint: optional lines of the message.
    """
    lines = [f"{check} failed: {problem}"]
    if expected is not None:
        lines.append(f"  expected: {expected}")
    if got is not None:
        lines.append(f"  got:      {got}")
    if hint is not None:
        lines.append(f"  hint:     {hint}")
    raise AssertionError("\n".join(lines))


def passed(check):
    """Print the line of a check that found nothing wrong."""
    print(f"{check}: all visible tests passed.")


def describe(value):
    """A short description of `value` for a message: an array's shape, a sequence's length,
    a dict's keys, otherwise the type's name."""
    if isinstance(value, np.ndarray):
        return f"numpy array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"dict with keys {list(value)}"
    return type(value).__name__


def difference(expected, got):
    """Where two arrays of the same shape differ most: the entry, and both values there."""
    expected = np.asarray(expected, dtype=float)
    got = np.asarray(got, dtype=float)
    diff = np.abs(expected - got)
    if diff.size == 0:
        return "empty arrays"
    if not np.all(np.isfinite(got)):
        return "your array contains nan or inf"
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return (f"largest difference {diff[idx]:.3g} at index {tuple(int(i) for i in idx)} "
            f"(expected {expected[idx]:.6g}, got {got[idx]:.6g})")


# ---------------------------------------------------------------------------
# Checks of a value
# ---------------------------------------------------------------------------
def check_shape(check, value, shape, what, hint):
    """`value` (called `what` in the message) must be a numpy array of `shape` holding only
    finite numbers (no nan, no inf)."""
    if not isinstance(value, np.ndarray):
        fail(check, f"{what} should be a numpy array.",
             expected=f"numpy array of shape {shape}", got=describe(value), hint=hint)
    if value.shape != tuple(shape):
        fail(check, f"{what} has the wrong shape.", expected=tuple(shape), got=value.shape,
             hint=hint)
    if not np.all(np.isfinite(value)):
        fail(check, f"{what} contains nan or inf.", expected="finite numbers",
             got="nan/inf values", hint=hint)


def check_close(check, got, expected, what, hint, rtol=RTOL, atol=ATOL):
    """`got` must have the shape of `expected` and agree with it entry by entry, up to
    rounding: |got - expected| <= atol + rtol * |expected| (numpy.allclose).

    what: the message's first line, saying what should hold (e.g. "a_next should equal ...").
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        fail(check, f"{what}: shapes differ.", expected=expected.shape, got=got.shape, hint=hint)
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        fail(check, f"{what}.", expected="values that agree", got=difference(expected, got),
             hint=hint)


def check_unchanged(check, before, after, name, hint):
    """The input `name` must be as the function received it: `before` is a copy taken before
    the call, `after` the input itself afterwards (an array, or a dict of arrays whose keys
    must not change either)."""
    if isinstance(before, dict):
        same = set(before) == set(after) and all(np.array_equal(before[k], after[k])
                                                 for k in before)
    else:
        same = np.array_equal(before, after)
    if not same:
        fail(check, f"your function modified its input {name}.",
             expected=f"{name} left unchanged", got=f"{name} was changed in place", hint=hint)


def keeps_random_state(check_function):
    """Decorator: NumPy's global random state is put back after the check, whatever happens,
    so a check that calls np.random.seed does not change the numbers your notebook draws."""
    @functools.wraps(check_function)
    def wrapper(*args, **kwargs):
        state = np.random.get_state()
        try:
            return check_function(*args, **kwargs)
        finally:
            np.random.set_state(state)
    return wrapper


def normal(rng, *shape, scale=1.0):
    """An array of `shape` of normal numbers with standard deviation `scale`, drawn from the
    check's own generator `rng` (numpy.random.default_rng), never from np.random."""
    return scale * rng.standard_normal(shape)


def random_arrays(rng, shapes, scale=1.0):
    """{name: normal(rng, *shape, scale=scale)} for every (name, shape) of the dict `shapes`,
    drawn in its order: e.g. a dict of random parameters."""
    return {name: normal(rng, *shape, scale=scale) for name, shape in shapes.items()}


# ---------------------------------------------------------------------------
# Checks that build on other functions
# ---------------------------------------------------------------------------
class PrerequisiteError(AssertionError):
    """A check stopped before testing its function: `function`, which it builds on, does not
    pass its own visible checks yet and must be fixed first."""

    def __init__(self, message, function):
        super().__init__(message)
        self.function = function


def find_function(target, name, given=None):
    """Your function `name`: the one passed to the check (in the dict `given`), else the one
    your notebook defines next to `target` (or next to a function in `given`); None if there
    is none."""
    given = given or {}
    if callable(given.get(name)):
        return given[name]
    for fn in (target, *given.values()):
        found = getattr(fn, "__globals__", {}).get(name)
        if callable(found):
            return found
    return None


def prerequisite_failure(prerequisite, run_checks, crashes=True):
    """Run `run_checks()`, the checks of the function `prerequisite`, quietly. Returns None when
    they pass, else what they found, indented by four spaces: their AssertionError's message
    or, with `crashes`, the exception your `prerequisite` raised (without `crashes` that
    exception goes on as it is)."""
    try:
        run_checks()
    except AssertionError as err:
        found = str(err)
    except Exception as err:  # a crash of the student's code
        if not crashes:
            raise
        found = f"check_{prerequisite} failed: {prerequisite} raised {type(err).__name__}: {err}"
    else:
        return None
    return "\n".join("    " + line for line in found.splitlines())


def run_prerequisite(check, function, prerequisite, run_checks):
    """`function` builds on `prerequisite`: run `run_checks()`, the checks of `prerequisite`,
    quietly; if they fail, or `prerequisite` crashes, stop `check` with a PrerequisiteError
    that says to fix `prerequisite` first and repeats what its checks found."""
    found = prerequisite_failure(prerequisite, run_checks)
    if found is not None:
        raise PrerequisiteError(
            f"{check} stopped: fix {prerequisite} first.\n"
            f"  {function} builds on {prerequisite}, which does not pass its own visible checks yet,\n"
            f"  so {function} itself was not tested. What check_{prerequisite} found:\n{found}",
            prerequisite) from None


# ---------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------
def numerical_gradient(loss, array, step=FD_STEP):
    """d loss / d array by centred finite differences, one entry at a time:
    (loss() with the entry + step  -  loss() with the entry - step) / (2 step).

    loss: a function of no arguments returning a number; it must read `array`.
    array: a float64 numpy array of any shape. It is changed in place while this runs and
    holds exactly its original values again afterwards.
    Returns a float64 array of the shape of `array`.
    """
    if array.dtype != np.float64:
        raise TypeError("finite differences need float64 inputs "
                        f"(got {array.dtype}: its rounding would swamp the step {step:g})")
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + step
        up = loss()
        array[index] = saved - step
        down = loss()
        array[index] = saved
        grad[index] = (up - down) / (2 * step)
    return grad


def relative_error(a, b):
    """The worst entry's relative error, CS231n style:
    max over entries of |a - b| / max(1e-8, |a| + |b|) (0 for empty arrays)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def norm_relative_error(a, b):
    """The whole array's relative error: ||a - b|| / (||a|| + ||b||), Euclidean norms (0 when
    both are zero). Entries near zero, where finite differences are mostly rounding, weigh
    little here."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / max(scale, 1e-12))

