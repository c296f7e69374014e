"""Registry of every graded function's hidden tests, by "assignment.function"."""
from . import dinosaur_island, rnn_step_by_step

ASSIGNMENT_GRADERS = {module.ASSIGNMENT: module.GRADERS for module in (rnn_step_by_step, dinosaur_island)}
GRADERS = {grader.name: grader for graders in ASSIGNMENT_GRADERS.values() for grader in graders}


def graded_names(assignment):
    """Names of the graded functions of an assignment, in notebook order."""
    return [grader.function for grader in ASSIGNMENT_GRADERS[assignment]]


def reference_namespace(assignment):
    """A notebook namespace in which every graded function (and helper) is the oracle's."""
    import numpy as np
    oracle = ASSIGNMENT_GRADERS[assignment][0].oracle
    return {"np": np, **{name: getattr(oracle, name) for name in dir(oracle) if not name.startswith("_")}}
