"""Kill rate of the graders: python -m autograder.killrate [--seeds 11 2024 777] [--assignment A]

Per graded function: wrong entries that lose points (on every seed, and only in their own
function), correct variants that earn full marks, and wrong entries whose report shows their
own hint (the misconception was named, not just detected).

Every entry is graded as a student's notebook would be: in the names the notebook's locked
setup cells define (executed from source/, so only in the repository), with the reference
solution of every other graded function.
"""
import argparse
import contextlib
import copy
import io
import os
import sys
from collections import defaultdict

import nbformat

from .assignments import ASSIGNMENTS, catalogue, graded_names, graders, oracle
from .course import nbgrader_meta, source_notebook
from .grading import run


def notebook_namespace(assignment):
    """The names a student's code sees in the notebook: its setup cells' (`setup_namespace`),
    plus the reference solution of every graded function."""
    namespace = setup_namespace(assignment)
    reference = oracle(assignment)
    namespace.update({name: getattr(reference, name) for name in graded_names(assignment)})
    return namespace


def student_namespace(entry):
    """`notebook_namespace` of the entry's assignment with the entry's source executed into it
    (as if the student wrote it), so an entry meets a name the setup forgot as a NameError."""
    namespace = notebook_namespace(entry.assignment)
    exec(compile(entry.source, f"<{entry.function}__{entry.slug}>", "exec"), namespace)
    return namespace


_setups = {}  # assignment -> the namespace of its executed setup cells (made once per process)


def setup_namespace(assignment):
    """A fresh copy of the names the notebook's locked code cells before the first exercise
    (setup, data) define, executed once as its kernel does: in the notebook's folder, its helper
    modules importable."""
    if assignment not in _setups:
        _setups[assignment] = _run_setup_cells(assignment)
    return {name: copy.copy(value) if isinstance(value, (list, dict, set)) else value
            for name, value in _setups[assignment].items()}  # a run cannot change the next one's lists


def _run_setup_cells(assignment):
    """Execute the setup cells of `assignment`. Its helper modules are imported afresh and taken
    out of sys.modules again (another assignment has its own public_tests); output is dropped."""
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
    names = graded_names(entry.assignment)
    own, others = {}, []
    for grader in graders(entry.assignment):
        if grader.function == entry.function:
            own = {seed: run(grader, student_namespace(entry), names, seed) for seed in seeds}
        else:
            others.append(run(grader, student_namespace(entry), names, seeds[0]))
    return own, others


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 2024, 777])
    parser.add_argument("--assignment", help="only this assignment's catalogue")
    arguments = parser.parse_args()
    seeds = arguments.seeds
    rows = defaultdict(lambda: [0, 0, 0, 0, 0])  # killed, wrong, full, correct, named
    for entry in catalogue(arguments.assignment):
        own, others = grade_entry(entry, seeds)
        isolated = all(r.points == r.max_points for r in others)
        row = rows[f"{entry.assignment}.{entry.function}"]
        if entry.correct:
            row[3] += 1
            row[2] += isolated and all(r.points == r.max_points for r in own.values())
        else:
            row[1] += 1
            row[0] += isolated and all(r.points < r.max_points for r in own.values())
            row[4] += entry.hint in own[seeds[0]].render()
    print(f"{'graded function':<42} {'wrong killed':>12} {'correct full':>12} {'own hint':>9}")
    totals = [0] * 5
    order = [f"{a}.{f}" for a in ASSIGNMENTS for f in graded_names(a)]
    for name, row in sorted(rows.items(), key=lambda item: order.index(item[0])):
        totals = [t + r for t, r in zip(totals, row)]
        print(f"{name:<42} {row[0]:>6}/{row[1]:<5} {row[2]:>6}/{row[3]:<5} {row[4]:>4}/{row[1]:<4}")
    print(f"{'all':<42} {totals[0]:>6}/{totals[1]:<5} {totals[2]:>6}/{totals[3]:<5} {totals[4]:>4}/{totals[1]:<4}")
    print(f"kill rate {totals[0] / totals[1]:.1%}; correct variants at full marks {totals[2] / totals[3]:.1%}")


if __name__ == "__main__":
    main()
