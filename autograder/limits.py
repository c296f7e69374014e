"""What a submission may use: the one place that sets the grading limits.

Time limits count the student's own computation: CPU seconds (every thread and every process
of the student's code), which a busy machine does not inflate, since time spent waiting for
a CPU, or waiting for the grader's oracle callbacks, is no CPU time of the student's. Code that
waits instead of computing (a sleep, a blocked read) is stopped by a wall-clock backstop,
`wall_factor` times each limit, from which the time spent in oracle callbacks is left out.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Times in CPU seconds (each with its wall-clock backstop), sizes in MiB and characters."""
    notebook_seconds: float = 600   # the whole notebook
    cell_seconds: float = 300       # one cell
    call_seconds: float = 20        # one call of a graded function by a hidden check
    wall_factor: float = 5          # backstop: wall seconds = wall_factor * CPU seconds
    memory_mb: int = 4096
    cell_output_chars: int = 100_000
    notebook_output_chars: int = 5_000_000
    file_size_mb: int = 512

    def wall(self, seconds):
        """The wall-clock backstop of a limit of `seconds` CPU seconds."""
        return seconds * self.wall_factor


DEFAULT = Limits()
