"""Registry of every graded function's hidden tests, by assignment.

Each assignment's graders live in `autograder.graders.<assignment>` and are imported on first
use, so grading a numpy assignment never pays for importing TensorFlow.
"""
import importlib
from collections.abc import Mapping

ASSIGNMENTS = ("rnn_step_by_step", "dinosaur_island", "jazz_lstm")


class _Graders(Mapping):
    """assignment -> its list of Graders, in notebook order (imported on demand)."""

    def __getitem__(self, assignment):
        if assignment not in ASSIGNMENTS:
            raise KeyError(assignment)
        return importlib.import_module(f"{__name__}.{assignment}").GRADERS

    def __iter__(self):
        return iter(ASSIGNMENTS)

    def __len__(self):
        return len(ASSIGNMENTS)


ASSIGNMENT_GRADERS = _Graders()


def grader(name):
    """The Grader of "assignment.function"."""
    assignment, function = name.split(".", 1)
    return next(g for g in ASSIGNMENT_GRADERS[assignment] if g.function == function)


def graded_names(assignment):
    """Names of the graded functions of an assignment, in notebook order."""
    return [g.function for g in ASSIGNMENT_GRADERS[assignment]]


def reference_namespace(assignment):
    """A notebook namespace in which every graded function (and helper) is the oracle's."""
    import numpy as np
    oracle = ASSIGNMENT_GRADERS[assignment][0].oracle
    return {"np": np, **{name: getattr(oracle, name) for name in dir(oracle) if not name.startswith("_")}}
