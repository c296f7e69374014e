"""`make demo`: generate the release, build sample submissions, grade them with the course's
batch grader (`python -m autograder.batch`: sandboxed, in parallel; stock `nbgrader autograde`
where no sandbox can be made) on the SQLite gradebook, write feedback and (the batch grader)
the class reports, and print a grade table per student and function and where the reports are.

Run from the course directory: python -m autograder.demo
"""
import argparse
import shutil
from pathlib import Path

from .assignments import ASSIGNMENTS, catalogue, demo_students
from .batch import __main__ as batch
from .batch.coordinator import RECORDS
from .course import generate_release, grade_table, nbgrader, solutions, write_submission
from .sandbox.kernel import check_sandbox


def build_submissions(root, assignment):
    reference = solutions(assignment, root)
    entries = {f"{e.function}__{e.slug}": e for e in catalogue(assignment)}
    write_submission(root, "reference", assignment, reference)
    write_submission(root, "untouched", assignment, {})
    for student, mistakes in demo_students(assignment).items():  # "untouched" submits the release as it came
        answers = dict(reference)
        for key in mistakes:
            answers[entries[key].function] = entries[key].source
        write_submission(root, student, assignment, answers)


def format_table(assignment, table, bonus):
    """Points per graded function (rows) and student (columns), with core and bonus totals."""
    students = sorted(table)
    functions = list(table[students[0]])
    core = [f for f in functions if f not in bonus]

    def total(names):
        return [sum(table[s][f] or 0.0 for f in names) for s in students]

    rows = [[f"{f} (bonus)" if f in bonus else f] + [f"{table[s][f] or 0.0:g}" for s in students]
            for f in core + bonus]
    rows.append(["core total"] + [f"{t:g}" for t in total(core)])
    if bonus:
        rows.append(["bonus total"] + [f"{t:g}" for t in total(bonus)])
    header = [assignment] + students
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in [header] + rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="course directory (default: here)")
    root = Path(parser.parse_args(argv).root).resolve()
    for folder in ("submitted", "autograded", "feedback", "grades", "reports", RECORDS):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "gradebook.db").unlink(missing_ok=True)
    for assignment in ASSIGNMENTS:
        print(f"generating release/{assignment} and sample submissions ...", flush=True)
        generate_release(root, assignment)
        build_submissions(root, assignment)
    problem = check_sandbox()
    if problem is None:  # the course's own grader: sandboxed, parallel, verdicts outside the kernel
        batch.main([*ASSIGNMENTS, "--root", str(root), "--seed", "1"])  # one seed: a reproducible table
    else:
        print(f"No grading sandbox here ({problem}): grading with stock `nbgrader autograde` instead.")
        for assignment in ASSIGNMENTS:
            nbgrader(root, "autograde", assignment, "--force")
            nbgrader(root, "generate_feedback", assignment, "--force")
    for assignment in ASSIGNMENTS:
        print("\n" + format_table(assignment, *grade_table(root, assignment)))
    print(f"\nFeedback (hidden test code removed): {root / 'feedback'}")
    if problem is None:  # the reports read the batch's grading records
        print("Class reports (instructor only: where the class struggles, distributions, similar submissions, "
              "LMS grades):")
        for assignment in ASSIGNMENTS:
            print(f"  {root / 'reports' / assignment / 'report.html'}")


if __name__ == "__main__":
    main()
