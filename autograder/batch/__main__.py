"""Grade every submission of one or more assignments in parallel, in sandboxes, on Dask.

    python -m autograder.batch rnn_step_by_step dinosaur_island jazz_lstm [--scheduler tcp://host:8786]

Run from the course directory (or give --root). Reads submitted/<student>/<assignment>/,
writes autograded/, the gradebook (nbgrader's: SQLite by default, --db-url or
NBGRADER_DB_URL for PostgreSQL), feedback/ (nbgrader generate_feedback), grades/<assignment>.csv,
the class report reports/<assignment>/ (autograder.classreport), and prints a summary table.
Already graded, unchanged submissions are skipped (--force regrades).
"""
import argparse
import logging
import os
import sys
from pathlib import Path

from ..assignments import ASSIGNMENTS
from ..course import db_url
from ..probes import grading_seed
from ..limits import DEFAULT, Limits
from ..classreport import write_class_report
from .coordinator import Batch


def class_report(root, assignment):
    """The class report's path; the grades are stored and exported already, so a report that
    cannot be made is said, never the end of the batch."""
    try:
        return write_class_report(root, assignment)[0]
    except Exception as error:
        return f"not written ({type(error).__name__}: {error}); retry with python -m autograder.classreport {assignment}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.batch", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="+", choices=sorted(ASSIGNMENTS), metavar="ASSIGNMENT")
    parser.add_argument("--root", default=".", help="course directory (default: here)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="local workers (default: one per core)")
    parser.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: $NBGRADER_DB_URL or gradebook.db)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--force", action="store_true", help="regrade submissions already graded")
    parser.add_argument("--seed", type=int, help="grading seed (default: a fresh one, printed)")
    limit = parser.add_argument_group("limits", "times are CPU seconds of the student's code (a busy machine does "
                                      "not inflate them), each with a wall-clock backstop --wall-factor times as long")
    limit.add_argument("--notebook-seconds", type=float, default=DEFAULT.notebook_seconds, help="per submission")
    limit.add_argument("--cell-seconds", type=float, default=DEFAULT.cell_seconds, help="per cell")
    limit.add_argument("--call-seconds", type=float, default=DEFAULT.call_seconds,
                       help="per call of a graded function by a hidden check")
    limit.add_argument("--wall-factor", type=float, default=DEFAULT.wall_factor, help="wall-clock backstop factor")
    limit.add_argument("--memory-mb", type=int, default=DEFAULT.memory_mb, help="memory per submission")
    parser.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="skip the class report (python -m autograder.classreport)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.db_url:
        os.environ["NBGRADER_DB_URL"] = args.db_url  # nbgrader_config.py and our nbgrader calls read it
    limits = Limits(notebook_seconds=args.notebook_seconds, cell_seconds=args.cell_seconds,
                    call_seconds=args.call_seconds, wall_factor=args.wall_factor, memory_mb=args.memory_mb)
    seed = args.seed if args.seed is not None else grading_seed()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with Batch(root, db_url(root), limits, seed, scheduler=args.scheduler, workers=args.workers,
               progress=not args.no_progress) as batch:
        print(f"grading seed {seed} (replay with --seed {seed}); {batch.describe_cluster()}", flush=True)
        for assignment in args.assignments:
            retried = batch.grade(assignment, students=args.student, force=args.force)
            if not args.no_feedback:  # a student whose feedback cannot be made gets "grader error"
                batch.feedback(assignment, args.student)
            rows = batch.table(assignment)
            csv = batch.export(assignment, rows)
            print(batch.summary(assignment, rows, retried))
            print(f"grades: {csv}", flush=True)
            if not args.no_report:
                print(f"class report: {class_report(root, assignment)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
