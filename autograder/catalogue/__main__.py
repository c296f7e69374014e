"""Kill rate of the graders: python -m autograder.catalogue [--seeds 11 2024 777] [--assignment A]

Per graded function: wrong entries that lose points (on every seed, and only in their own
function), correct variants that earn full marks, and wrong entries whose report shows their
own hint (the misconception was named, not just detected).
"""
import argparse
from collections import defaultdict

from ..graders import ASSIGNMENT_GRADERS, graded_names
from . import entries, grade_entry


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 2024, 777])
    parser.add_argument("--assignment", help="only this assignment's catalogue")
    arguments = parser.parse_args()
    seeds = arguments.seeds
    rows = defaultdict(lambda: [0, 0, 0, 0, 0])  # killed, wrong, full, correct, named
    for entry in entries(arguments.assignment):
        own, others = grade_entry(entry, seeds)
        isolated = all(r.points == r.max_points for r in others)
        row = rows[f"{entry.assignment}.{entry.function}"]
        if entry.correct:
            row[3] += 1
            row[2] += isolated and all(r.points == r.max_points for r in own.values())
        else:
            row[1] += 1
            row[0] += isolated and all(r.points < r.max_points for r in own.values())
            row[4] += entry.hint in own[seeds[0]].render()
    print(f"{'graded function':<42} {'wrong killed':>12} {'correct full':>12} {'own hint':>9}")
    totals = [0] * 5
    order = [f"{a}.{f}" for a in ASSIGNMENT_GRADERS for f in graded_names(a)]
    for name, row in sorted(rows.items(), key=lambda item: order.index(item[0])):
        totals = [t + r for t, r in zip(totals, row)]
        print(f"{name:<42} {row[0]:>6}/{row[1]:<5} {row[2]:>6}/{row[3]:<5} {row[4]:>4}/{row[1]:<4}")
    print(f"{'all':<42} {totals[0]:>6}/{totals[1]:<5} {totals[2]:>6}/{totals[3]:<5} {totals[4]:>4}/{totals[1]:<4}")
    print(f"kill rate {totals[0] / totals[1]:.1%}; correct variants at full marks {totals[2] / totals[3]:.1%}")


if __name__ == "__main__":
    main()
