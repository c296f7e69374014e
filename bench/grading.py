"""Time to autograde one submission per assignment with nbgrader, against the baseline of
executing the same notebook bare with nbclient, measured in the same run.

    .venv/bin/python bench/grading.py [--repeat 3]

Prints, per assignment: bare execution time, nbgrader autograde time (one submission), and
their ratio (nbgrader's overhead: gradebook, cell overwriting, checksums, hidden tests).
"""
import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.assignments import ASSIGNMENTS, notebook_file
from autograder.course import REPOSITORY, generate_release, nbgrader
from autograder.demo import build_submissions


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPOSITORY / "source", root / "source")
        shutil.copy(REPOSITORY / "nbgrader_config.py", root)
        print(f"{'assignment':<24} {'bare nbclient (s)':>18} {'nbgrader autograde (s)':>23} {'ratio':>6}")
        for assignment in ASSIGNMENTS:
            notebook = notebook_file(assignment)
            generate_release(root, assignment)
            build_submissions(root, assignment)
            submission = root / "submitted" / "reference" / assignment

            def bare():  # the same shortened training as under grading (nbgrader sets this variable)
                os.environ["NBGRADER_EXECUTION"] = "autograde"
                nb = nbformat.read(submission / notebook, as_version=4)
                NotebookClient(nb, timeout=600, kernel_name="python3",
                               resources={"metadata": {"path": str(submission)}}).execute()
                del os.environ["NBGRADER_EXECUTION"]

            def graded():
                nbgrader(root, "autograde", assignment, "--student", "reference", "--force")

            bare_s = statistics.median(timed(bare) for _ in range(repeat))
            graded_s = statistics.median(timed(graded) for _ in range(repeat))
            print(f"{assignment:<24} {bare_s:>18.2f} {graded_s:>23.2f} {graded_s / bare_s:>6.2f}")


if __name__ == "__main__":
    main()
