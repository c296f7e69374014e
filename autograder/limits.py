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
    processes: int = 1024   # processes and threads of one sandbox (its own uid and pids cgroup)
    tmpfs_mb: int = 512     # each of its private /tmp, /var/tmp, /dev/shm and its scratch folder (counted as its memory)
    scratch_files: int = 100_000  # files and folders its scratch folder may hold
    # caps checked before anything is parsed, read or computed (past one: Status.REFUSED for a
    # submission, a protocol break for a kernel, a failed check for a callback's arguments)
    submission_mb: int = 100           # total size of a submitted folder
    submission_files: int = 1000       # files and folders in a submitted folder
    notebook_cells: int = 1000         # cells of the submitted notebook (the release has under 100)
    cell_chars: int = 100_000          # characters of one cell's source (a solution has a few thousand)
    message_mb: int = 256              # one message on the grading socket, arrays included
    header_mb: int = 4                 # its JSON header (the arrays travel as raw bytes beside it)
    message_nodes: int = 100_000       # values (lists, dicts, numbers, strings) in one header
    callback_mb: int = 16              # the arguments, and the result, of one oracle callback
    callback_seconds: float = 60       # worker CPU seconds spent answering the callbacks of one call

    def wall(self, seconds):
        """The wall-clock backstop of a limit of `seconds` CPU seconds."""
        return seconds * self.wall_factor

    def tmpfs(self):
        """MiB of each private tmpfs: at most a quarter of `memory_mb`, so that the three fit
        in it (their files are the sandbox's memory, whether a cgroup or polling counts them)."""
        return max(1, min(self.tmpfs_mb, self.memory_mb // 4))


DEFAULT = Limits()
