"""Grading library of the RNN course: reference oracle, hidden-test checks, grading tools.

Hidden test cells call `grade("assignment.function", globals())`; nothing else in a notebook
imports this package, and it is never copied into release/.
"""
from .agent import silenced_native_stderr
from .grading import CellValue, run


def report(name, namespace, seed=None):
    """FunctionReport of the graded function `name` ("assignment.function") in `namespace`."""
    from .assignments import graded_names, grader
    found = grader(name)
    return run(found, namespace, graded_names(found.assignment), seed)


def grade(name, namespace):
    """Print the report of `name` as feedback shows it (hints, no expected values) and return
    the cell's value: its points, which nbgrader reads as partial credit (a bonus function's
    are extra credit, see `FunctionReport.cell_value`).

    Native libraries (TensorFlow) log to file descriptor 2 directly, and nbgrader zeroes a
    cell with any stderr output: while grading, descriptor 2 points to /dev/null."""
    with silenced_native_stderr():
        result = report(name, namespace)
    print(result.render(details=False))
    return CellValue(result.cell_value())

