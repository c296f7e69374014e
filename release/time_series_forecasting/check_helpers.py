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

A function that is not written yet (it still raises ``NotImplementedError``) fails its check
with ``check_<function> failed: <function> is not written yet``. A function that crashes
fails its check with the exception it raised, named after the function; the traceback above
the message ends at the line that raised it (``crashed``, ``run_checks``).

Checks that build on other functions
------------------------------------
Some functions use others you wrote earlier (a sequence function calls its cell; a
training loop calls the function that does one step). Their check first runs the checks
of those earlier functions (``visible_check``). When one of those fails, or crashes, the
message says which function to fix first and repeats what its own check found
(``run_prerequisite``, which stops with a ``PrerequisiteError``; it is an ``AssertionError``
too).

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
import re

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
    error = AssertionError("\n".join(lines))
    error.check = check  # a check's own failure, not an assert of your code (see run_checks)
    raise error


def passed(check):
    """Print the line of a check that found nothing wrong."""
    print(f"{check}: all visible tests passed.")


def error_text(error, limit=300):
    """An exception's message on one line, without terminal colour codes, shortened to `limit`
    characters."""
    text = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", str(error)).split())
    return text if len(text) <= limit else text[:limit] + " ..."


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
# Crashes
# ---------------------------------------------------------------------------
NOT_WRITTEN_HINT = ("replace the lines `# YOUR CODE HERE` and `raise NotImplementedError()` in its "
                    "cell with your code, run that cell, then this one again.")
CRASH_HINT = "the traceback above this message ends at the line of your function that raised it."


def not_written(error):
    """Whether `error` is what a function not written yet raises: the release's
    `raise NotImplementedError()`, with no message (a library's NotImplementedError has one)."""
    return isinstance(error, NotImplementedError) and not str(error)


def crashed(check, function, error, hint=None, where=None):
    """Stop `check`: your `function` raised `error` (call this in the `except` block, so that the
    traceback of `error` is shown above the message). If it is not written yet (`not_written`),
    the message says so; any other exception is repeated, with `where` (the input, say) and
    `hint`."""
    if not_written(error):
        fail(check, f"{function} is not written yet: it raises NotImplementedError.", hint=NOT_WRITTEN_HINT)
    fail(check, f"{function} raised {type(error).__name__}: {error_text(error)}"
         + (f" ({where})" if where else ""), hint=hint or CRASH_HINT)


def _culprit(error, functions, innermost):
    """The name of the function of `functions` ({name: your function}) whose code the traceback
    of `error` passes through (the outermost one, or with `innermost` the innermost); None if
    it passes through none of them."""
    names = {getattr(fn, "__code__", None): name for name, fn in functions.items()}
    found = []
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code in names:
            found.append(names[frame.tb_frame.f_code])
        frame = frame.tb_next
    return (found[-1] if innermost else found[0]) if found else None


def run_checks(check, function, checks, functions):
    """Run `checks()`, the checks of your `function`, so that whatever goes wrong ends as a
    failure of `check` that names the function at fault. An exception raised inside one of your
    functions (`functions`, {name: function}, which the checks call) is that function's crash
    (`crashed`; a function not written yet is named as the one that raised it). Any other
    exception means the check could not use what `function` returned."""
    try:
        checks()
    except AssertionError as error:
        if getattr(error, "check", None) is not None:
            raise  # a check's own failure
        _crash(check, function, error, functions)  # an assert of your code failed
    except Exception as error:
        _crash(check, function, error, functions)


def _crash(check, function, error, functions):
    """Stop `check` on `error`, which escaped the checks of `function` (see run_checks)."""
    culprit = _culprit(error, functions, innermost=not_written(error))
    if culprit is not None or not_written(error):
        crashed(check, culprit or function, error)
    fail(check, f"the check could not use what {function} returned: {type(error).__name__}: "
                f"{error_text(error)}",
         hint="compare the types, shapes and order of the values your function returns with its "
              "docstring.")


# ---------------------------------------------------------------------------
# Checks that build on other functions
# ---------------------------------------------------------------------------
class PrerequisiteError(AssertionError):
    """A check stopped before testing its function: `function`, which it builds on, does not
    pass its own visible checks yet and must be fixed first."""

    def __init__(self, message, check, function):
        super().__init__(message)
        self.check = check
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


def run_prerequisite(check, function, prerequisite, checks, functions):
    """`function` builds on `prerequisite`: run `checks()`, the checks of your `prerequisite`,
    quietly (`run_checks`, with your `functions`); if they fail, or `prerequisite` crashes, stop
    `check` with a PrerequisiteError that says to fix `prerequisite` first and repeats what its
    checks found. A crash's traceback is shown above the message."""
    try:
        run_checks(f"check_{prerequisite}", prerequisite, checks, functions)
    except AssertionError as error:
        found = "\n".join("    " + line for line in str(error).splitlines())
        raise PrerequisiteError(
            f"{check} stopped: fix {prerequisite} first.\n"
            f"  {function} builds on {prerequisite}, which does not pass its own visible checks yet,\n"
            f"  so {function} itself was not tested. What check_{prerequisite} found:\n{found}",
            check, prerequisite) from error.__context__  # the crash, if there was one


def visible_check(function, target, own_checks, prerequisites, given=None, needs=None):
    """The visible check of your `function`, `target`: first the checks of every function it
    builds on (`prerequisites[function]`, in order), then its own; prints one line when all
    passed. The functions it builds on are those your notebook defines next to `target`, or
    those in `given` ({name: function}); one that is not found is skipped, as is one whose
    checks need another function that is not found (`needs`, {name: that function's name}: a
    backward function's checks need its forward function).

    own_checks: {name: checks(your function, {name: your functions})}, the checks of one
    function, which raise AssertionError when they find something wrong.
    """
    check = "check_" + function
    names = prerequisites.get(function, ())
    functions = {function: target}
    for name in names:
        found = find_function(target, name, given)
        if found is not None:
            functions[name] = found
    for name in names:
        if name in functions and (needs or {}).get(name, name) in functions:
            run_prerequisite(check, function, name, lambda: own_checks[name](functions[name], functions),
                             functions)
    run_checks(check, function, lambda: own_checks[function](target, functions), functions)
    passed(check)


def reports_crashes(check_function):
    """Decorator of check_<function>(target, ...), the check of a function that builds on no other:
    a crash of `target` ends as the check's failure, as in `run_checks`."""
    function = check_function.__name__[len("check_"):]

    @functools.wraps(check_function)
    def wrapper(target, *args, **kwargs):
        run_checks(check_function.__name__, function, lambda: check_function(target, *args, **kwargs),
                   {function: target})
    return wrapper


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

