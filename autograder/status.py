"""The status of a graded submission: one word for every way grading can end.

Every status but GRADER_ERROR is a final verdict about the submission. GRADER_ERROR is the
grader's own trouble (a kernel that could not start, an agent that never connected while
the kernel did nothing suspicious, a lost worker, a check that failed): it is retried at
once a bounded number of times, and a later run regrades it, so a student never keeps a
zero for it.
"""
from enum import Enum


class Status(str, Enum):
    GRADED = "graded"
    TIMED_OUT = "timed out"
    OUT_OF_MEMORY = "out of memory"
    KERNEL_DIED = "kernel died"
    MALFORMED = "malformed notebook"
    MISSING = "missing notebook"
    TAMPERING = "tampering detected"
    GRADER_ERROR = "grader error"

    def __str__(self):
        return self.value

    @property
    def final(self):
        """A verdict about the submission (not the grader's trouble): not regraded unless it changes."""
        return self is not Status.GRADER_ERROR
