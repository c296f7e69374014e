"""Grade every submission of one or more assignments in parallel, in sandboxes, on Dask.

    python -m autograder.batch rnn_step_by_step dinosaur_island jazz_lstm [--scheduler tcp://host:8786]

Run from the course directory (or give --root). Reads submitted/<student>/<assignment>/,
writes autograded/, the gradebook (nbgrader's: SQLite by default, --db-url or
NBGRADER_DB_URL for PostgreSQL), feedback/ (nbgrader generate_feedback), grades/<assignment>.csv,
and prints a summary table. Already graded, unchanged submissions are skipped (--force regrades).
"""
import argparse
import logging
import os
import sys
from pathlib import Path

from ..course import ASSIGNMENTS, db_url, nbgrader
from ..probes import grading_seed
from ..sandbox.kernel import Limits
from .coordinator import Batch


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
    parser.add_argument("--wall-seconds", type=float, default=600, help="time limit per submission")
    parser.add_argument("--cell-seconds", type=float, default=300, help="time limit per cell")
    parser.add_argument("--memory-mb", type=int, default=4096, help="memory limit per submission")
    parser.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.db_url:
        os.environ["NBGRADER_DB_URL"] = args.db_url  # nbgrader_config.py and our nbgrader calls read it
    limits = Limits(wall_seconds=args.wall_seconds, cell_seconds=args.cell_seconds, memory_mb=args.memory_mb)
    seed = args.seed if args.seed is not None else grading_seed()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with Batch(root, db_url(root), limits, seed, scheduler=args.scheduler, workers=args.workers,
               progress=not args.no_progress) as batch:
        print(f"grading seed {seed} (replay with --seed {seed}); {batch.describe_cluster()}", flush=True)
        for assignment in args.assignments:
            batch.grade(assignment, students=args.student, force=args.force)
            if not args.no_feedback:
                nbgrader(root, "generate_feedback", assignment, "--force")
            rows = batch.table(assignment)
            csv = batch.export(assignment, rows)
            print(batch.summary(assignment, rows))
            print(f"grades: {csv}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
