"""Grading library of the RNN course: reference oracle, hidden-test checks, grading tools.

Hidden test cells call `grade("assignment.function", globals())`; nothing else in a notebook
imports this package, and it is never copied into release/.
"""
from .grading import run


def report(name, namespace, seed=None):
    """FunctionReport of the graded function `name` ("assignment.function") in `namespace`."""
    from .graders import GRADERS, graded_names
    grader = GRADERS[name]
    return run(grader, namespace, graded_names(grader.assignment), seed)


def grade(name, namespace):
    """Print the report of `name` and return its points (nbgrader's partial credit)."""
    result = report(name, namespace)
    print(result.render())
    return result.points
