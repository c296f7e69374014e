"""Time of the class report (python -m autograder.classreport) on N synthetic submissions, against
baselines measured in the same run.

    .venv/bin/python bench/report.py [--assignment rnn_step_by_step] [--students 500] [--seed 0]

Each synthetic student (autograder.classreport.synthetic) submits the reference solution with, per
graded function, at random: the reference (60 %), a correct catalogue variant (20 %) or a wrong
catalogue entry (20 %, its report carrying the entry's hint); some are late, a few timed out.
Printed: seconds to generate the class (untimed in the ratios), to load what the batch left
(records, grades CSV, notebooks), for the similarity pass through the winnowing index and by
comparing every pair directly (same fingerprints, same pairs), and for the whole report
(build + write); then the ratios whole report / load and direct / index.
"""
import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.assignments import catalogue, graders  # noqa: E402
from autograder.classreport import build, records, similarity, write  # noqa: E402
from autograder.classreport.synthetic import copy_release, write_grades_csv, write_student  # noqa: E402


def make_class(root, assignment, students, rng):
    copy_release(root, assignment)
    entries = catalogue(assignment)
    penalties = {}
    for n in range(students):
        code, hints = {}, {}
        for grader in graders(assignment):
            roll, options = rng.random(), [e for e in entries if e.function == grader.function]
            pool = [e for e in options if e.correct] if roll < 0.2 else [e for e in options if not e.correct] \
                if roll < 0.4 else []
            if pool:
                entry = rng.choice(pool)
                code[grader.function] = entry.source
                if not entry.correct:
                    hints[grader.function] = entry.hint
        student = f"student_{n:03d}"
        late = rng.random() < 0.1
        status = "timed out" if rng.random() < 0.02 else "graded"
        write_student(root, assignment, student, code, hints, status=status,
                      seconds_late=rng.uniform(60, 5 * 86400) if late else 0.0,
                      seconds=round(rng.uniform(2, 12), 2), peak_memory_mb=round(rng.uniform(80, 400), 1))
        if late:
            penalties[student] = float(rng.choice((5, 10, 20)))
    write_grades_csv(root, assignment, penalties)


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="rnn_step_by_step")
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made, _ = timed(lambda: make_class(root, args.assignment, args.students, random.Random(args.seed)))
        load, data = timed(lambda: records.load(root, args.assignment, read_roster=False))
        functions = [f.name for f in data.functions]
        prints_time, (prints, _) = timed(lambda: similarity.class_fingerprints(data.solutions, data.template,
                                                                               functions))
        index, pairs = timed(lambda: similarity.similar_pairs(prints))
        direct, direct_pairs = timed(lambda: similarity.all_pairs_directly(prints))
        assert pairs == direct_pairs, "the index and the direct comparison disagree"
        whole, report = timed(lambda: write(build(root, args.assignment), root / "report"))
        print(f"{args.assignment}, {args.students} synthetic submissions (generated in {made:.1f} s)")
        print(f"  load records, grades CSV, notebooks     {load:7.2f} s")
        print(f"  fingerprints (tokenise, winnow)         {prints_time:7.2f} s")
        print(f"  similar pairs, winnowing index          {index:7.2f} s  ({len(pairs)} pairs)")
        print(f"  similar pairs, every pair directly      {direct:7.2f} s")
        print(f"  whole report (build + write)            {whole:7.2f} s  ({report.stat().st_size / 1e6:.1f} MB HTML)")
        print(f"  ratios: whole report / load = {whole / load:.1f}x; direct / index = {direct / index:.1f}x")


if __name__ == "__main__":
    main()
