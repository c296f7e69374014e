"""Run a graded function's checks against a student's namespace and report per check.

Hidden test cells call `grade("assignment.function", globals())`: it prints a report and
returns the points earned, which nbgrader reads as the cell's partial credit.
"""
import contextlib
import copy
import io
import os
import signal
import sys
import threading
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .checks import Mismatch
from .probes import derived_rng, grading_seed

STUDENT_CALL_SECONDS = 20


@dataclass
class Partial:
    """A check that passed in part: `fraction` of its points, with the problems found."""
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


@dataclass
class FunctionReport:
    name: str
    seed: int
    results: list

    @property
    def points(self):
        return round(sum(r.points for r in self.results), 2)

    @property
    def max_points(self):
        return round(sum(r.max_points for r in self.results), 2)

    def render(self):
        lines = [f"{self.name}: {self.points:g} / {self.max_points:g} points (grading seed {self.seed})"]
        for r in self.results:
            mark = "ok  " if r.points == r.max_points else "FAIL"
            lines.append(f"  {mark} [{r.points:g}/{r.max_points:g}] {r.title}")
            for problem in r.problems:
                lines.extend("         " + line for line in problem.splitlines())
        return "\n".join(lines)


class StudentTimeout(BaseException):
    """Raised inside a student call that runs too long (BaseException: `except Exception` in
    student code cannot swallow it)."""


class StudentCode:
    """Calls the student's function safely: fresh copies of the inputs, output captured,
    warnings silenced (nbgrader zeroes a cell that writes to stderr), a time limit, and any
    exception turned into a Mismatch that points at the student's own line."""

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
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), \
                warnings.catch_warnings(), np.errstate(all="ignore"), time_limit(STUDENT_CALL_SECONDS):
            warnings.simplefilter("ignore")
            try:
                return self.function(*args)
            except StudentTimeout:
                raise Mismatch(f"{self.name} did not finish within {STUDENT_CALL_SECONDS} s.",
                               "Look for a loop that never ends.") from None
            except Exception as error:
                raise Mismatch(f"{self.name} raised {type(error).__name__}: {error}"
                               f"{student_location(error)}", exception_hint(error)) from None


PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
LIBRARY_DIRS = tuple({os.path.dirname(os.path.dirname(np.__file__)), os.path.dirname(os.__file__)})


def student_location(error):
    """'at line N of <function>: <code>' for the innermost frame in the student's own code."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not os.path.abspath(f.filename).startswith((PACKAGE_DIR,) + LIBRARY_DIRS)]
    if not frames:
        return ""
    frame = frames[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"\n  at line {frame.lineno} of {frame.name}{code}"


def exception_hint(error):
    if isinstance(error, NotImplementedError):
        return "This function is not written yet: replace `raise NotImplementedError()` with your code."
    if isinstance(error, ValueError) and ("shape" in str(error) or "align" in str(error)):
        return "A matrix product got factors of incompatible shapes: write down each factor's shape."
    if "incompatible" in str(error):
        return "A layer got an input of the wrong size: check the shapes (and one-hot sizes) you feed it."
    if isinstance(error, KeyError):
        return "Parameter and gradient names are case-sensitive; use the names in the docstring."
    return None


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


@contextlib.contextmanager
def time_limit(seconds):
    """Raise StudentTimeout after `seconds` (only possible in the main thread; else no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise StudentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def oracle_dependencies(namespace, grader, graded_names):
    """While one function is graded, every other graded function of the assignment in the
    student's namespace is the oracle's, so a mistake costs points in one function only."""
    saved = {}
    for name in graded_names:
        if name != grader.function and name in namespace:
            saved[name] = namespace[name]
            namespace[name] = getattr(grader.oracle, name)
    try:
        yield
    finally:
        namespace.update(saved)


def run(grader, namespace, graded_names, seed=None):
    """Grade `namespace[grader.function]`; returns a FunctionReport (never raises)."""
    seed = grading_seed() if seed is None else seed
    function = namespace.get(grader.function)
    results = []
    with oracle_dependencies(namespace, grader, graded_names):
        for check in grader.checks:
            max_points = round(grader.points * check.weight, 2)
            result = CheckResult(check.title, 0.0, max_points)
            if not callable(function):
                result.problems.append(f"{grader.function} is not defined: run the cell that defines it "
                                       "and keep its name and signature as given.")
            else:
                result.points, result.problems = run_check(check, grader, function, seed, max_points)
            results.append(result)
    return FunctionReport(grader.name, seed, results)


def run_check(check, grader, function, seed, max_points):
    student = StudentCode(function, grader.function)
    try:
        outcome = check.run(student, derived_rng(seed, grader.name, check.title))
    except Mismatch as mismatch:
        return 0.0, [mismatch.render()]
    except Exception as error:  # a grader bug must not look like the student's mistake
        return 0.0, [f"The grader failed on this check ({type(error).__name__}: {error}). "
                     "This is not your mistake: please tell your instructor."]
    if outcome is None:
        return max_points, []
    return round(max_points * outcome.fraction, 2), outcome.problems
