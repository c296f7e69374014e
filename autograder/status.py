"""The status of a graded submission: one word for every way grading can end.

Every status but GRADER_ERROR is a final verdict about the submission. GRADER_ERROR is the
grader's own trouble (a kernel that could not start, an agent that never connected while
the kernel did nothing suspicious, a lost worker, a check that failed): it is retried at
once a bounded number of times, and a later run regrades it, so a student never keeps a
zero for it.

REFUSED is a final verdict on a submission that is not graded at all, because it cannot be
read safely or within the caps: a submitted folder that is, or holds, a symbolic or hard link
(the coordinator runs as root and never follows one), or a folder or notebook over a cap of
`autograder.limits.Limits`. It is not "tampering detected": nothing of the submission ran,
and a hard link or an oversized folder can come from an instructor's own copying tools; the
detail says exactly what was found.
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
    REFUSED = "refused"  # not run at all: a link in the folder, or a folder or notebook over a cap

    def __str__(self):
        return self.value

    @property
    def final(self):
        """A verdict about the submission (not the grader's trouble): not regraded unless it changes."""
        return self is not Status.GRADER_ERROR
