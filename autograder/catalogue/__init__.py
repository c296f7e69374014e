"""Catalogues of plausible wrong implementations and of correct variants, per graded function.

Each entry is an ordinary function named `<graded function>__<slug>` in a module of this
package, decorated with `@wrong(hint)` or `@correct(label)`. Tests grade every entry (wrong
ones must lose that function's points and only those, correct ones must earn full marks);
graders use wrong entries as misconception probes (an output equal to a wrong entry's names
the mistake); the demo writes some into sample submissions.
"""
import contextlib
import copy
import importlib
import inspect
import io
import os
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
    entry's assignment, with the entry's source executed into it (as if the student wrote it).
    An assignment's catalogue that defines `notebook_namespace()` gives the notebook's own names
    (its setup cells run), so an entry meets a name the setup forgot as a NameError."""
    from ..graders import reference_namespace
    module = importlib.import_module(f"{__name__}.{entry.assignment}")
    make = getattr(module, "notebook_namespace", None)
    namespace = make() if make else reference_namespace(entry.assignment)
    exec(compile(entry.source, f"<{entry.function}__{entry.slug}>", "exec"), namespace)
    return namespace


_setups = {}  # assignment -> the namespace of its executed setup cells (made once per process)


def setup_namespace(assignment):
    """A fresh copy of the names the notebook's locked code cells before the first exercise
    (setup, data) define, executed once as its kernel does: in the notebook's folder, its helper
    modules importable. Reads source/, so only in the repository (tests, kill rates)."""
    if assignment not in _setups:
        _setups[assignment] = _run_setup_cells(assignment)
    return {name: copy.copy(value) if isinstance(value, (list, dict, set)) else value
            for name, value in _setups[assignment].items()}  # a run cannot change the next one's lists


def _run_setup_cells(assignment):
    """Execute the setup cells of `assignment`. Its helper modules are imported afresh and taken
    out of sys.modules again (another assignment has its own public_tests); output is dropped."""
    import nbformat

    from ..course import nbgrader_meta, source_notebook
    path = source_notebook(assignment)
    cells = []
    for cell in nbformat.read(path, as_version=4).cells:
        if nbgrader_meta(cell).get("solution"):
            break
        if cell.cell_type == "code" and nbgrader_meta(cell).get("locked"):
            cells.append((nbgrader_meta(cell)["grade_id"], cell.source))
    local = {module.stem for module in path.parent.glob("*.py")}
    saved_modules = {name: sys.modules.pop(name) for name in local if name in sys.modules}
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    namespace = {"__name__": "__main__"}
    try:
        sys.path.insert(0, str(path.parent))
        os.chdir(path.parent)
        with contextlib.redirect_stdout(io.StringIO()):
            for grade_id, source in cells:
                exec(compile(source, f"<{assignment} cell {grade_id}>", "exec"), namespace)
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for name in local:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)
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
