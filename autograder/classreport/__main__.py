"""python -m autograder.classreport ASSIGNMENT [--root DIR] [--similarity-threshold X] [--out DIR]

Writes the class report of ASSIGNMENT (see autograder.classreport) and prints where it is."""
import argparse
from pathlib import Path

from ..assignments import ASSIGNMENTS
from . import write_class_report
from .similarity import DEFAULT_THRESHOLD


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.classreport", description=__doc__.splitlines()[2])
    parser.add_argument("assignment", choices=ASSIGNMENTS)
    parser.add_argument("--root", default=".", help="course directory (default: here)")
    parser.add_argument("--similarity-threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"combined similarity at which a pair is shown (default {DEFAULT_THRESHOLD})")
    parser.add_argument("--out", help="output folder (default: <root>/reports/<assignment>)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    page, report = write_class_report(root, args.assignment, args.out, args.similarity_threshold)
    print(f"{args.assignment}: {len(report.data.submissions)} submissions, {len(report.misconceptions)} catalogued "
          f"misconceptions, {len(report.pairs)} similar pairs, {len(report.missing)} missing students")
    print(page)


if __name__ == "__main__":
    main()
