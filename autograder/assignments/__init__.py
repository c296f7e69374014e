"""The course's assignments: the one list that every other place reads (nbgrader commands, the
batch command, the demo, the kill-rate report, the tests).

Each assignment is one folder of this package, named as its folder in source/ and release/:

    <assignment>/__init__.py   what the tools need to know of it (its demo students)
    <assignment>/oracle.py     the reference implementation of every graded function
    <assignment>/catalogue.py  plausible wrong implementations and correct variants (or a package)
    <assignment>/graders.py    GRADERS: the hidden tests of each graded function, in notebook order

Its notebook is source/<assignment>/<assignment>.ipynb. A folder's parts are imported on
first use, so grading a numpy assignment never pays for importing TensorFlow.
"""
import importlib

ASSIGNMENTS = ("rnn_step_by_step", "dinosaur_island", "jazz_lstm", "time_series_forecasting")


def part(assignment, name=None):
    """The module `name` (oracle, graders, catalogue) of an assignment's folder, or the folder's
    own module; KeyError for a name that is not an assignment of the course."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(assignment)
    return importlib.import_module(".".join(filter(None, (__name__, assignment, name))))


def notebook_file(assignment):
    """File name of the assignment's graded notebook."""
    part(assignment)
    return f"{assignment}.ipynb"


def graders(assignment):
    """The assignment's Graders, in notebook order."""
    return part(assignment, "graders").GRADERS


def grader(name):
    """The Grader of "assignment.function"."""
    assignment, function = name.split(".", 1)
    return next(g for g in graders(assignment) if g.function == function)


def graded_names(assignment):
    """Names of the graded functions of an assignment, in notebook order."""
    return [g.function for g in graders(assignment)]


def oracle(assignment):
    return part(assignment, "oracle")


def reference_namespace(assignment):
    """A notebook namespace in which every graded function (and helper) is the oracle's."""
    import numpy as np
    reference = oracle(assignment)
    return {"np": np, **{name: getattr(reference, name) for name in dir(reference) if not name.startswith("_")}}


def catalogue(assignment=None, function=None):
    """Catalogue entries (autograder.catalogue.Entry) of one assignment, or of every one."""
    from .. import catalogue as entries
    for name in ASSIGNMENTS if assignment is None else (assignment,):
        part(name, "catalogue")  # importing it registers its entries
    return entries.registered(assignment, function)


def demo_students(assignment):
    """{sample student: [the catalogue entries ("function__slug") they submit]}."""
    return part(assignment).DEMO_STUDENTS
