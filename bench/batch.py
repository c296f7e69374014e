"""Time to grade N submissions of one assignment with `python -m autograder.batch` (sandboxed
kernels, one Dask worker per core) against stock `nbgrader autograde` (one process, one
submission after another) and against the baseline of executing the same N notebooks bare
with nbclient, measured in one run on one machine.

    .venv/bin/python bench/batch.py [--assignment rnn_step_by_step] [--students 24] [--workers 2] [--repeat 1]

The N submissions cycle through the reference solution and the demo's buggy students
(autograder.demo.BUGGY_STUDENTS), each under its own student id. Every timing covers the
whole command:
  (a) stock nbgrader autograde ASSIGNMENT --force (nbgrader's own pipeline, hidden tests in
      the student's kernel), on a fresh gradebook;
  (b) python -m autograder.batch ASSIGNMENT --force --no-feedback --no-progress --seed 1, on a
      fresh gradebook;
  (c) each submitted notebook executed bare by nbclient, as `nbgrader autograde` executes it
      (its test cells hold the hidden tests again, NBGRADER_EXECUTION=autograde shortens
      training), one after another, summed: the grading work itself, without nbgrader's or the
      batch command's machinery;
  (d) nbgrader autograde ASSIGNMENT --force as this course configures it (sandboxed, the
      checks outside the kernel, one submission after another).
A fresh gradebook: gradebook.db, autograded/ and grading_records/ deleted, then (untimed)
`nbgrader generate_assignment`, the step nbgrader needs before it autogrades anything.
(a) runs with AUTOGRADER_SEED=1, the seed (b) gets, so both must give the same grades: the
script compares their gradebooks and prints every difference.

Printed: N; seconds for (a), (b), (c) (median of --repeat runs) and per submission;
speed-up = a / b; and the batch command's overhead over bare execution,

    overhead = (b * workers - c) / c,

where b * workers is the worker-seconds the batch command holds (its wall time times the
Dask workers, one per core, busy or not) and c the seconds bare execution needs for the same
notebooks on one core: what the batch spends beyond executing the notebooks (cluster start,
sandboxes, grading, gradebook writes, idle workers at the end), as a fraction of that work.
Targets on 2 cores: speed-up at least 1.7, overhead under 20 %.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder import assignments
from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY, generate_release, grade_table, nbgrader, nbgrader_meta, source_notebook
from autograder.demo import build_submissions


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def write_students(root, assignment, n):
    """submitted/sNN_<answer set>/<assignment>/ for NN < n, cycling through reference and buggy sets."""
    build_submissions(root, assignment)
    answer_sets = ["reference", *assignments.demo_students(assignment)]
    for i in range(n):
        name = answer_sets[i % len(answer_sets)]
        shutil.copytree(root / "submitted" / name, root / "submitted" / f"s{i:02d}_{name}")
    for name in answer_sets + ["untouched"]:
        shutil.rmtree(root / "submitted" / name)
    return sorted((root / "submitted").glob(f"*/{assignment}"))


# Appended to the course's nbgrader_config.py for (a): nbgrader's own default pipeline.
STOCK_PIPELINE = """
from nbgrader.converters import Autograde as _Stock
c.Autograde.sanitize_preprocessors = _Stock.class_traits()["sanitize_preprocessors"].default()
c.Autograde.autograde_preprocessors = _Stock.class_traits()["autograde_preprocessors"].default()
"""


def fresh_gradebook(root, assignment):
    (root / "gradebook.db").unlink(missing_ok=True)
    for folder in ("autograded", "grading_records", "grades", "feedback"):
        shutil.rmtree(root / folder, ignore_errors=True)
    generate_release(root, assignment)  # the assignment's cells in the gradebook, as nbgrader requires


def differences(expected, got, label="batch"):
    """Lines saying where two {student: {function: points}} tables disagree."""
    lines = []
    for student in sorted(set(expected) | set(got)):
        for function in sorted(set(expected.get(student, {})) | set(got.get(student, {}))):
            a, b = expected.get(student, {}).get(function), got.get(student, {}).get(function)
            if a is None or b is None or abs(a - b) > 1e-6:
                lines.append(f"  {student} {function}: stock nbgrader {a}, {label} {b}")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignment", default="rnn_step_by_step", choices=sorted(ASSIGNMENTS))
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    load = os.getloadavg()[0]  # other work on the machine skews every figure: printed with them
    assignment, n, workers = args.assignment, args.students, args.workers
    os.environ["AUTOGRADER_SEED"] = "1"  # for (a): the seed the batch command gets with --seed 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPOSITORY / "source", root / "source")
        shutil.copytree(REPOSITORY / "release", root / "release")
        shutil.copy(REPOSITORY / "nbgrader_config.py", root)
        generate_release(root, assignment)
        submissions = write_students(root, assignment, n)

        config = (root / "nbgrader_config.py").read_text()

        def stock():  # nbgrader's own pipeline, hidden tests in the student's kernel: the baseline
            (root / "nbgrader_config.py").write_text(config + STOCK_PIPELINE)
            try:
                nbgrader(root, "autograde", assignment, "--force")
            finally:
                (root / "nbgrader_config.py").write_text(config)

        def course_autograde():  # nbgrader autograde as the course configures it (sandboxed)
            nbgrader(root, "autograde", assignment, "--force")

        def batch():
            command = [sys.executable, "-m", "autograder.batch", assignment, "--root", str(root), "--force",
                       "--no-feedback", "--no-progress", "--seed", "1", "--workers", str(workers)]
            done = subprocess.run(command, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}")

        hidden_tests = {nbgrader_meta(c)["grade_id"]: c.source for c in
                        nbformat.read(source_notebook(assignment, root), as_version=4).cells if nbgrader_meta(c).get("grade")}

        def bare():  # the same shortened training as under grading (nbgrader sets this variable)
            os.environ["NBGRADER_EXECUTION"] = "autograde"
            for folder in submissions:
                nb = nbformat.read(folder / assignments.notebook_file(assignment), as_version=4)
                for cell in nb.cells:  # the hidden tests back in place, as nbgrader's OverwriteCells does
                    if nbgrader_meta(cell).get("grade"):
                        cell.source = hidden_tests[nbgrader_meta(cell)["grade_id"]]
                NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                               resources={"metadata": {"path": str(folder)}}).execute()
            del os.environ["NBGRADER_EXECUTION"]

        times = {"a": [], "b": [], "c": [], "d": []}
        problems = []
        for _ in range(args.repeat):
            fresh_gradebook(root, assignment)
            times["a"].append(timed(stock))
            expected = grade_table(root, assignment)[0]
            fresh_gradebook(root, assignment)
            times["b"].append(timed(batch))
            problems += differences(expected, grade_table(root, assignment)[0])
            times["c"].append(timed(bare))
            fresh_gradebook(root, assignment)
            times["d"].append(timed(course_autograde))
            problems += differences(expected, grade_table(root, assignment)[0], "sandboxed nbgrader")
    a, b, c, d = (statistics.median(times[k]) for k in "abcd")
    print(f"{assignment}: N = {n} submissions, {workers} Dask workers, median of {args.repeat} run(s); "
          f"1-min load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'':<34} {'total (s)':>10} {'per submission (s)':>19}")
    for label, seconds in [("(a) nbgrader autograde, stock", a), ("(b) python -m autograder.batch", b),
                           ("(c) bare nbclient execution", c), ("(d) nbgrader autograde, sandboxed", d)]:
        print(f"{label:<34} {seconds:>10.2f} {seconds / n:>19.2f}")
    print(f"speed-up a / b: {a / b:.2f}x (target >= 1.7x on 2 cores)")
    print(f"batch overhead (b * workers - c) / c: {100 * (b * workers - c) / c:.1f} % (target < 20 %)")
    print(f"sandboxed nbgrader autograde against stock d / a: {d / a:.2f}x")
    print("grades: batch == nbgrader on every submission" if not problems
          else "grades differ between nbgrader and batch:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
