"""Catalogue entries: plausible wrong implementations and correct variants of graded functions.

An assignment's catalogue (autograder/assignments/<assignment>/catalogue.py) holds its entries:

- an ordinary function named `<graded function>__<slug>`, decorated with `@wrong(hint)` or
  `@correct(label)`;
- or a mutant of the reference, `mutant(oracle.function, slug, hint, (old, new), ...)`: the
  reference's own code with a few exact edits, for a mistake that is a small change of it.

Tests grade every entry (wrong ones must lose that function's points and only those, correct
ones must earn full marks); graders use wrong entries as misconception probes (an output equal
to a wrong entry's names the mistake); the demo writes some into sample submissions.
"""
import inspect
import sys
import textwrap
from dataclasses import dataclass
from typing import Callable

_entries = []


@dataclass
class Entry:
    assignment: str
    function: str      # the graded function it stands in for
    slug: str          # short identifier, unique per function
    description: str   # the mistake (hint shown to students) or what makes the variant different
    correct: bool
    implementation: Callable
    code: str = None   # a mutant's source (others are read from their module)

    @property
    def source(self):
        """Source as a student would write it: decorator removed, graded name restored."""
        if self.code is not None:
            return self.code
        lines = textwrap.dedent(inspect.getsource(self.implementation)).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        code = "\n".join(lines[start:]) + "\n"
        return code.replace(f"def {self.function}__{self.slug}(", f"def {self.function}(", 1)

    @property
    def hint(self):
        return None if self.correct else self.description


def assignment_of(module):
    """The assignment of a catalogue module: autograder.assignments.<assignment>.catalogue[.<part>]."""
    return module.split(".")[2]


def _register(correct, description):
    def decorate(implementation):
        function, slug = implementation.__name__.split("__", 1)
        _entries.append(Entry(assignment_of(implementation.__module__), function, slug, description, correct,
                              implementation))
        return implementation
    return decorate


def wrong(hint):
    """Mark a plausible wrong implementation; `hint` is what a student who wrote it should read."""
    return _register(False, hint)


def correct(label):
    """Mark a correct implementation written differently from the reference."""
    return _register(True, label)


def mutant(reference, slug, hint, *edits, correct=False):
    """Register the entry whose code is `reference`'s (a function of the oracle) with `edits`
    applied, each (old, new) replacing text that occurs exactly once in it (in order). Its names
    resolve in the oracle's module, as the reference's do; returns the entry's function."""
    function = reference.__name__
    code = textwrap.dedent(inspect.getsource(reference))
    for old, new in edits:
        if code.count(old) != 1:
            raise ValueError(f"{function}__{slug}: {old!r} occurs {code.count(old)} times in the reference")
        code = code.replace(old, new)
    namespace = dict(reference.__globals__)
    exec(compile(code, f"<{function}__{slug}>", "exec"), namespace)
    caller = sys._getframe(1).f_globals["__name__"]
    _entries.append(Entry(assignment_of(caller), function, slug, hint, correct, namespace[function], code))
    return namespace[function]


def registered(assignment=None, function=None):
    """The entries registered so far (an assignment's catalogue registers its own when imported:
    see `autograder.assignments.catalogue`), of one assignment and function, or all."""
    return [e for e in _entries if assignment in (None, e.assignment) and function in (None, e.function)]


def wrong_entries(assignment, function):
    """The wrong entries of one graded function (its graders import their catalogue first)."""
    return [e for e in registered(assignment, function) if not e.correct]
