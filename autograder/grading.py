"""Run a graded function's checks against a student's namespace and report per check.

Hidden test cells call `grade("assignment.function", globals())`: it prints a report and
returns the points earned, which nbgrader reads as the cell's partial credit.
"""
import contextlib
import copy
import os
from dataclasses import dataclass, field
from typing import Callable


from . import limits
from .checks import Mismatch
from .probes import derived_rng, grading_seed
from .agent import CallTimeout, call_quietly, said, student_location


@dataclass
class Partial:
    """A check that passed in part: `fraction` of its points, with the problems found
    (Mismatch objects, or text)."""
    fraction: float
    problems: list


@dataclass
class Check:
    """One group of assertions worth `weight` of the function's points.

    run(student, rng) raises Mismatch (no points), returns Partial, or returns None (all points).
    """
    title: str
    weight: float
    run: Callable


@dataclass
class Grader:
    """The hidden tests of one graded function: its checks and the oracle of its assignment."""
    assignment: str
    function: str
    points: float
    checks: list
    oracle: object  # module holding the reference implementation of every graded function
    bonus: bool = False

    @property
    def name(self):
        return f"{self.assignment}.{self.function}"


@dataclass
class CheckResult:
    title: str
    points: float
    max_points: float
    problems: list = field(default_factory=list)
    grader_failed: bool = False  # the grader's trouble, not the student's: grade again


# The value of a bonus function's test cell carries its points under this type: nbgrader reads
# 0 from text/plain (the cell is worth 0 points, so the core stays out of 100) and
# autograder.batch.extra_credit stores these points as the grade's extra credit.
EXTRA_CREDIT_TYPE = "application/vnd.autograder.extra-credit+json"


@dataclass
class FunctionReport:
    name: str
    seed: int
    results: list
    bonus: bool = False  # extra credit: its points come on top of the assignment's maximum

    @property
    def points(self):
        return round(sum(r.points for r in self.results), 2)

    @property
    def max_points(self):
        return round(sum(r.max_points for r in self.results), 2)

    @property
    def grader_failures(self):
        """Titles of the checks the grader itself failed to run."""
        return [r.title for r in self.results if r.grader_failed]

    def render(self, details=True):
        """The report. Without `details` (what a student reads in feedback on every path) a
        problem says what is wrong and gives its hint, but no value that came back or was
        expected, and a line repeated by several problems of one check is shown once."""
        unit = "extra-credit points" if self.bonus else "points"
        lines = [f"{self.name}: {self.points:g} / {self.max_points:g} {unit} (grading seed {self.seed})"]
        for r in self.results:
            mark = "ok  " if r.points == r.max_points else "FAIL"
            lines.append(f"  {mark} [{r.points:g}/{r.max_points:g}] {r.title}")
            shown = []
            for problem in r.problems:
                text = problem.render(details) if isinstance(problem, Mismatch) else problem
                shown += [line for line in text.splitlines() if details or line not in shown]
            lines.extend("         " + line for line in shown)
        return "\n".join(lines)

    def cell_value(self):
        """The data of the test cell's value, where nbgrader reads its partial credit."""
        if self.bonus:
            return {"text/plain": "0", EXTRA_CREDIT_TYPE: {"points": self.points}}
        return {"text/plain": f"{self.points:g}"}


class CellValue:
    """What `grade()` returns for IPython to display as the test cell's value."""

    def __init__(self, data):
        self.data = data

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.data

    def __repr__(self):
        return self.data["text/plain"]


class StudentCode:
    """Calls the student's function safely: fresh copies of the inputs, output captured,
    warnings silenced (nbgrader zeroes a cell that writes to stderr), a time limit, and any
    exception turned into a Mismatch that points at the student's own line.

    This one runs the function in this process (a hidden test cell under `nbgrader
    autograde`, the catalogue tests); `autograder.sandbox.remote.RemoteStudentCode` has the
    same methods and runs it in a sandboxed kernel, outside which the checks run."""

    def __init__(self, function, name):
        self.function = function
        self.name = name

    def __call__(self, *args):
        return self.in_place(*copy.deepcopy(args))

    @contextlib.contextmanager
    def notebook_globals(self, **values):
        """Define names the student's code reads from the notebook (e.g. n_values, n_a) for the
        duration of a check, then put back what was there."""
        namespace = getattr(self.function, "__globals__", {})
        saved = {name: namespace[name] for name in values if name in namespace}
        namespace.update(values)
        try:
            yield
        finally:
            for name in values:
                namespace.pop(name, None)
            namespace.update(saved)

    def in_place(self, *args):
        """Call on these very arguments (the check keeps them to inspect what was mutated)."""
        return self.guarded(self.function, self.name, args)

    def helper(self, name, *args, label=None):
        """Run one of the sandbox agent's helpers (agent.HELPERS; those named in
        agent.HELPERS_OF_FUNCTION get the student's function first) where the student's code
        runs; `label` names it in messages when its failure is the student's (running a model
        they built)."""
        from .agent import HELPERS, HELPERS_OF_FUNCTION
        if name in HELPERS_OF_FUNCTION:  # these take the student's function first
            args = (self.function, *args)
        return self.guarded(HELPERS[name], label or name, args)

    def expose(self, obj, methods):
        """`obj` as the student's code will receive it (here: itself)."""
        return obj

    @staticmethod
    def guarded(function, name, args):
        seconds = limits.DEFAULT.call_seconds
        try:
            return call_quietly(function, args, seconds, limits.DEFAULT.wall(seconds))
        except CallTimeout as timeout:
            raise timeout_mismatch(name, timeout.clock) from None
        except (Exception, SystemExit) as error:  # (a notebook's own Ctrl-C, KeyboardInterrupt, still stops it)
            raise raised_mismatch(name, [c.__name__ for c in type(error).__mro__], said(error),
                                  student_location(error, (PACKAGE_DIR,))) from None


def timeout_mismatch(name, clock, call_limits=None):
    """The Mismatch of a student call stopped by its time limit: it computed ("cpu") or
    waited ("wall") too long."""
    call_limits = call_limits or limits.DEFAULT
    seconds = call_limits.call_seconds
    if clock == "wall":  # (`clock` comes from the kernel: it picks a message, it is never shown)
        return Mismatch(f"{name} did not return within {call_limits.wall(seconds):g} s, most of it spent waiting "
                        "(sleeping, reading input, or waiting for a lock).", "Remove anything that waits or asks for input.",
                        timed_out=True)
    return Mismatch(f"{name} did not finish within {seconds:g} s of computing time.", "Look for a loop that never ends.",
                    timed_out=True)


def raised_mismatch(name, mro, message, location):
    """The Mismatch of a student call that raised: which exception, where, and a hint. The
    exception's class name, its message and the line that raised are the student's text (in a
    sandbox, the kernel's say): quoted, so no line of them can pass for one of the grader's."""
    kind, said = str(mro[0]) if mro else "", str(message).strip()
    if kind.isidentifier():
        text = f"{name} raised {kind}" + (":\n" + quote(message) if said else "")
    else:
        text = f"{name} raised an exception whose class is named\n{quote(kind.replace(chr(10), ' '), 80, 1)}" \
            + ("\nand whose message is:\n" + quote(message) if said else "")
    if str(location).strip():
        text += "\n" + quote(str(location).strip(), 400)
    return Mismatch(text, exception_hint(mro, message))


QUOTE_CHARS, QUOTE_LINES = 1000, 12


def printable(text, replacement="?"):
    """`text` with every control character (an escape sequence, a newline) replaced."""
    return "".join(c if c.isprintable() else replacement for c in str(text))


def one_line(text, limit):
    """`text` on one line of at most `limit` characters, control characters and runs of spaces
    made single spaces."""
    return " ".join(printable(text, " ").split())[:limit]


def quote(text, limit=QUOTE_CHARS, lines=QUOTE_LINES):
    """Text the student controls (an exception message, a repr, printed output) as it may
    appear in a report: ANSI escapes and control characters removed (every character that
    str.splitlines breaks at, but the newline, among them), at most `limit` characters and
    `lines` lines, and each line prefixed with "  | ", so that none can read as the grader's."""
    import re
    text = re.sub(r"\x1b(\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(\x07|\x1b\\)?|.?)", "", str(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = re.sub("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]", "", text)
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # a lone surrogate
    shown = text[:limit].split("\n")
    if len(text) > limit or len(shown) > lines:
        shown = shown[:lines] + ["[... cut by the grader]"]
    return "\n".join("  | " + line for line in shown)


def inline_quote(text, limit=80):
    """Student-controlled text inside one line of the grader's (a class name): cleaned as by
    `quote`, on one line, at most `limit` characters."""
    cleaned = quote(str(text).replace("\n", " ").replace("\r", " "), limit, lines=1)
    return cleaned[len("  | "):].replace("\n  | [... cut by the grader]", "[...]")


PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


NOT_WRITTEN_HINT = "This function is not written yet: replace `raise NotImplementedError()` with your code."


def exception_hint(mro, message):
    """Hint for an exception, from its class names (most derived first) and its message.

    A hint names a cause only when the message is that cause's own: Keras 3 messages mention
    shapes too, so the shape hints match numpy's wording, and the Keras 3 hints (a student who
    learned Keras 2 writes tf functions on symbolic tensors, or `LSTM_cell(inputs=x, ...)`)
    come first."""
    message = str(message)

    def says(*phrases):
        return any(phrase in message for phrase in phrases)

    if "NotImplementedError" in mro:
        return NOT_WRITTEN_HINT
    # Keras 3: while a model is built its tensors are symbolic KerasTensors.
    if says("KerasTensor cannot be used as input to a TensorFlow function"):
        return ("Inside a Keras 3 model the tensors are symbolic (KerasTensor), and TensorFlow functions such as "
                "tf.math.argmax, tf.one_hot or tf.reshape refuse them: use keras.ops.argmax, keras.ops.one_hot, "
                "keras.ops.reshape (or wrap the TensorFlow call in a Lambda layer).")
    if "KerasTensor" in message and says("NumPy", "numpy", "__array__"):
        return ("NumPy cannot compute with the symbolic tensors (KerasTensor) of a Keras 3 model being built: use "
                "keras.ops.argmax and keras.ops.one_hot there (or a Lambda layer); np.argmax and to_categorical "
                "work on real arrays only, such as the predictions that model.predict returns.")
    if "TypeError" in mro and says("missing a required argument: 'sequences'"):
        return ("Keras 3 calls an LSTM layer's input `sequences`, so `inputs=x` is refused: pass the input "
                "positionally, LSTM_cell(x, initial_state=[a, c]).")
    if "AttributeError" in mro and says("module 'keras.backend' has no attribute"):
        return ("Keras 3's keras.backend has no math functions any more: use keras.ops "
                "(keras.ops.argmax, keras.ops.one_hot, ...).")
    if "AttributeError" in mro and says("has no attribute 'output_shape'"):
        return "Keras 3 layers have no output_shape: read the shape of the tensor the layer returned (x.shape)."
    if says("Argument(s) not recognized: {'lr'"):
        return "Keras 3 optimizers take learning_rate, not lr: Adam(learning_rate=0.01)."
    if says("is incompatible with the layer", "total size of the tensor must be unchanged",  # building a model
            "size-incompatible", "Incompatible shapes"):  # TensorFlow, running one
        return "A layer got an input of the wrong size: check the shapes (and one-hot sizes) you feed it."
    # numpy's own shape errors
    if "ValueError" in mro:
        if says("not aligned", "mismatch in its core dimension"):
            return "A matrix product got factors of incompatible shapes: write down each factor's shape."
        if says("could not be broadcast together"):
            return ("Arrays combined element by element have shapes that do not broadcast: print the shape of each "
                    "(a column vector is (n, 1), a flat one (n,)).")
        if says("could not broadcast input array from shape"):
            return "A value was stored into a slice of another shape: compare the slice's shape with the value's."
        if says("cannot reshape array"):
            return "A reshape must keep the number of entries: check the shape you ask for."
        if says("shape"):
            return "Arrays of incompatible shapes met on the line shown: print the shape of each."
    if "KeyError" in mro:
        return "Parameter and gradient names are case-sensitive; use the names in the docstring."
    return None


def dependencies(grader, graded_names):
    """The graded functions `grader.function` may call as the oracle's: those before it in the
    notebook that its reference itself calls (directly, or through the oracle's functions).
    A later one is never the oracle's while it is graded (rnn_forward with T_x = 1 would compute
    rnn_cell_forward), nor one the reference does without: a backward pass written as finite
    differences of the oracle's forward function would score without any forward pass of the
    student's."""
    if grader.function not in graded_names:
        return []
    earlier = graded_names[:graded_names.index(grader.function)]
    reference = getattr(grader.oracle, grader.function, None)
    used = names_used(reference, grader.oracle) if callable(reference) else set(earlier)
    return [name for name in earlier if name in used]


def names_used(function, module):
    """Global names the code of `function` refers to, with those of the functions of `module`
    it calls (graded ones included: deep_rnn_forward may use rnn_cell_forward, which the oracle's
    rnn_forward uses), and of the comprehensions and functions defined inside them."""
    found, seen, pending = set(), set(), [getattr(function, "__code__", None)]
    while pending:
        code = pending.pop()
        if code is None or code in seen:
            continue
        seen.add(code)
        found.update(code.co_names)
        pending.extend(c for c in code.co_consts if isinstance(c, type(code)))
        for name in code.co_names:
            helper = getattr(module, name, None)
            if getattr(helper, "__module__", None) == module.__name__:
                pending.append(getattr(helper, "__code__", None))
    return found


@contextlib.contextmanager
def oracle_dependencies(namespace, grader, graded_names):
    """While one function is graded, the graded functions it may call are the oracle's in the
    student's namespace, so a mistake costs points in one function only."""
    saved = {}
    for name in dependencies(grader, graded_names):
        if name in namespace:
            saved[name] = namespace[name]
            namespace[name] = getattr(grader.oracle, name)
    try:
        yield
    finally:
        namespace.update(saved)


def run(grader, namespace, graded_names, seed=None):
    """Grade `namespace[grader.function]` in this process; returns a FunctionReport (never raises)."""
    seed = grading_seed() if seed is None else seed
    with oracle_dependencies(namespace, grader, graded_names):
        function = namespace.get(grader.function)
        student = StudentCode(function, grader.function) if callable(function) else None
        return run_checks(grader, student, seed)


def run_checks(grader, student, seed):
    """Run every check of `grader` on `student` (a StudentCode, or None when the function
    is not defined); returns a FunctionReport."""
    results = []
    for check in grader.checks:
        max_points = round(grader.points * check.weight, 2)
        result = CheckResult(check.title, 0.0, max_points)
        if student is None:
            result.problems.append(f"{grader.function} is not defined: run the cell that defines it "
                                   "and keep its name and signature as given.")
        else:
            result.points, result.problems, result.grader_failed = run_check(check, grader, student, seed, max_points)
        results.append(result)
    return FunctionReport(grader.name, seed, results, grader.bonus)


def run_check(check, grader, student, seed, max_points):
    """(points, problems, whether the grader itself failed) of one check."""
    try:
        outcome = check.run(student, derived_rng(seed, grader.name, check.title))
    except Mismatch as mismatch:
        return 0.0, [mismatch], False
    except Exception as error:  # a grader bug must not look like the student's mistake
        return 0.0, [f"The grader failed on this check ({type(error).__name__}: {error}). "
                     "This is not your mistake: please tell your instructor."], True
    if outcome is None:
        return max_points, [], False
    return round(max_points * outcome.fraction, 2), outcome.problems, False
