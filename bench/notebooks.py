"""A student's run of each notebook (reference solutions filled into the release, full
training), timed, with the kernel's peak memory, against the course's budgets (2 minutes on
2 cores, 2 GiB), measured in one run.

    .venv/bin/python bench/notebooks.py

Each notebook runs in its own child process so the peak memory (ru_maxrss of the kernel, a
grandchild) belongs to that notebook alone.
"""
import json
import subprocess
import sys
import tempfile

from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY

BUDGET_SECONDS = 120
BUDGET_MIB = 2048

RUN_ONE = r"""
import json, resource, shutil, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from autograder.course import REPOSITORY, nbgrader_meta, release_notebook, solutions
assignment, scratch = sys.argv[1], Path(sys.argv[2])
shutil.copytree(release_notebook(assignment).parent, scratch / assignment)
path = scratch / assignment / release_notebook(assignment).name
nb = nbformat.read(path, as_version=4)
answers = solutions(assignment)
for cell in nb.cells:
    if nbgrader_meta(cell).get("solution"):
        cell.source = answers[nbgrader_meta(cell)["grade_id"]]
start = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def main():
    print(f"{'assignment':<24} {'run (s)':>8} {'of budget':>10} {'peak kernel memory (MiB)':>25} {'of budget':>10}")
    for assignment in ASSIGNMENTS:
        with tempfile.TemporaryDirectory() as scratch:
            done = subprocess.run([sys.executable, "-c", RUN_ONE, assignment, scratch], cwd=REPOSITORY,
                                  capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{assignment:<24} {figures['seconds']:>8.1f} {figures['seconds'] / BUDGET_SECONDS:>10.2f} "
              f"{figures['peak_mib']:>25.0f} {figures['peak_mib'] / BUDGET_MIB:>10.2f}")


if __name__ == "__main__":
    main()
