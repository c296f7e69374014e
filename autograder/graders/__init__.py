"""Registry of every graded function's hidden tests, by "assignment.function"."""
from . import rnn_step_by_step

ASSIGNMENT_GRADERS = {module.ASSIGNMENT: module.GRADERS for module in (rnn_step_by_step,)}
GRADERS = {grader.name: grader for graders in ASSIGNMENT_GRADERS.values() for grader in graders}


def graded_names(assignment):
    """Names of the graded functions of an assignment, in notebook order."""
    return [grader.function for grader in ASSIGNMENT_GRADERS[assignment]]
