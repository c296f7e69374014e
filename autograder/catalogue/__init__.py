"""Catalogues of plausible wrong implementations and of correct variants, per graded function.

Each entry is an ordinary function named `<graded function>__<slug>` in a module of this
package, decorated with `@wrong(hint)` or `@correct(label)`. Tests grade every entry (wrong
ones must lose that function's points and only those, correct ones must earn full marks);
graders use wrong entries as misconception probes (an output equal to a wrong entry's names
the mistake); the demo writes some into sample submissions.
"""
import importlib
import inspect
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

    @property
    def source(self):
        """Source as a student would write it: decorator removed, graded name restored."""
        lines = textwrap.dedent(inspect.getsource(self.implementation)).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("def "))
        code = "\n".join(lines[start:]) + "\n"
        return code.replace(f"def {self.function}__{self.slug}(", f"def {self.function}(", 1)

    @property
    def hint(self):
        return None if self.correct else self.description


def _register(correct, description):
    def decorate(implementation):
        function, slug = implementation.__name__.split("__", 1)
        # module path autograder.catalogue.<assignment>[.<part>]
        assignment = implementation.__module__.split(".")[2]
        _entries.append(Entry(assignment, function, slug, description, correct, implementation))
        return implementation
    return decorate


def wrong(hint):
    """Mark a plausible wrong implementation; `hint` is what a student who wrote it should read."""
    return _register(False, hint)


def correct(label):
    """Mark a correct implementation written differently from the reference."""
    return _register(True, label)


def entries(assignment=None, function=None):
    """Catalogue entries, of one assignment (importing only its module) or of all."""
    from ..graders import ASSIGNMENTS
    for module in ASSIGNMENTS if assignment is None else (assignment,):
        importlib.import_module(f"{__name__}.{module}")
    return [e for e in _entries if assignment in (None, e.assignment) and function in (None, e.function)]


def wrong_entries(assignment, function):
    return [e for e in entries(assignment, function) if not e.correct]


def student_namespace(entry):
    """A notebook namespace holding the reference solution of every graded function of the
    entry's assignment, with the entry's source executed into it (as if the student wrote it)."""
    from ..graders import reference_namespace
    namespace = reference_namespace(entry.assignment)
    exec(compile(entry.source, f"<{entry.function}__{entry.slug}>", "exec"), namespace)
    return namespace


def grade_entry(entry, seeds):
    """Grade an entry: ({seed: report of its own function}, [reports of the other functions])."""
    from ..graders import ASSIGNMENT_GRADERS, graded_names
    from ..grading import run
    names = graded_names(entry.assignment)
    own, others = {}, []
    for grader in ASSIGNMENT_GRADERS[entry.assignment]:
        if grader.function == entry.function:
            own = {seed: run(grader, student_namespace(entry), names, seed) for seed in seeds}
        else:
            others.append(run(grader, student_namespace(entry), names, seeds[0]))
    return own, others
