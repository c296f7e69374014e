"""Do grades hold under load? The demo class graded by `python -m autograder.batch` twice in one
run, on one machine, on one seed: (1) on an otherwise idle machine, at normal priority; (2) as a
niced background job while CPU-bound processes oversubscribe every core. The statuses and the
points per graded function must be the same, student for student.

    .venv/bin/python bench/load.py [--assignment rnn_step_by_step ...] [--hogs-per-core 3] [--nice 5]
                                   [--beside-batches 0] [--seed 1] [--workers N] [--max-seconds 7200]

One scratch course directory (a temporary folder: source/, release/, nbgrader_config.py, and
the demo's submissions of the chosen assignments, autograder.demo.build_submissions: the
reference, the untouched release and autograder.demo.BUGGY_STUDENTS) is graded by

    python -m autograder.batch <assignments> --root <dir> --seed S --force --no-feedback --no-progress

  (1) idle: nothing else started by this script;
  (2) loaded: --hogs-per-core x (cores) busy-loop Python processes at normal priority (plus, with
      --beside-batches M, M more batch commands grading copies of the course, started again
      whenever one finishes), and the batch command under `nice -n --nice`.
Before each run gradebook.db, autograded/, grading_records/ and grades/ are deleted, so the
second run reuses nothing from the first. After each run the script reads, per student, the
status from grading_records/<assignment>/<student>.json and the points per graded function from
the gradebook (autograder.course.grade_table).

Printed: per assignment, a table of every student's status and points per graded function,
idle | loaded | same?; the record's detail of every student with a difference; then one summary
line: cells (student x graded function) and statuses that differ, the wall seconds of both runs
and their ratio, the load (hogs per core, nice, beside batches) and the machine's cores.
Exit status 0 when both runs agree everywhere, 1 otherwise (a batch command that failed
counts as a difference). A benchmark to run by hand, not a timed test: a full run of the three
assignments under 3 hogs per core takes many minutes on 2 cores.

The hogs are always stopped: on return, on an exception, on Ctrl-C or SIGTERM (try/finally and
atexit), and each also stops by itself when this script's process is gone or after
--max-seconds.
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY, grade_table
from autograder.demo import build_submissions

BIN = Path(sys.executable).parent  # the project's environment: python, nbgrader, alembic, dask
OUTPUTS = ("autograded", "grading_records", "grades", "feedback")  # and gradebook.db

# A CPU hog: spins until its parent (this script) is gone or its time is up.
HOG = """
import os, sys, time
parent, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
n = 0
while True:
    n += 1
    if n % 200000 == 0 and (os.getppid() != parent or time.monotonic() > deadline):
        break
"""


# --------------------------------------------------------------------------- processes

class Processes:
    """Child processes, each in a session of its own, all stopped by `stop_all` (idempotent)."""

    def __init__(self):
        self.running = []
        self.lock = threading.Lock()

    def start(self, command, **kwargs):
        process = subprocess.Popen(command, start_new_session=True, stdin=subprocess.DEVNULL, **kwargs)
        with self.lock:
            self.running.append(process)
        return process

    def stop(self, process, grace=30.0, first=signal.SIGINT):
        """`first` (SIGINT: a batch command closes its Dask cluster) to the process's group, then SIGKILL."""
        for sig, wait in ((first, grace), (signal.SIGKILL, 10.0)):
            if process.poll() is not None:
                break
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left in its group (a worker the batch command started)
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        with self.lock:
            if process in self.running:
                self.running.remove(process)

    def stop_all(self, grace=30.0):
        with self.lock:
            processes = list(self.running)
        for process in processes:
            self.stop(process, grace)


PROCESSES = Processes()
atexit.register(PROCESSES.stop_all, 5.0)


def start_hogs(n, max_seconds):
    hogs = [PROCESSES.start([sys.executable, "-c", HOG, str(os.getpid()), str(max_seconds)]) for _ in range(n)]
    time.sleep(1.0)  # let them spin up before the clock starts
    dead = [h for h in hogs if h.poll() is not None]
    if dead:
        raise RuntimeError(f"{len(dead)} of {n} CPU hogs exited at once (exit status {dead[0].returncode})")
    return hogs


def batch_command(root, assignments, args, nice=0):
    command = [sys.executable, "-m", "autograder.batch", *assignments, "--root", str(root), "--seed", str(args.seed),
               "--force", "--no-feedback", "--no-progress"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    return (["nice", "-n", str(nice)] if nice else []) + command


def batch_environment():
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_DB_URL", None)  # the course's own gradebook.db
    env.pop("AUTOGRADER_SEED", None)  # --seed decides
    return env


class BesideBatches:
    """M batch commands on copies of the course, each started again when it ends, until `stop`."""

    def __init__(self, copies, assignments, args):
        self.copies, self.assignments, self.args = copies, assignments, args
        self.done = threading.Event()
        self.runs = 0
        self.threads = [threading.Thread(target=self.keep_running, args=(copy,), daemon=True) for copy in copies]

    def keep_running(self, root):
        while not self.done.is_set():
            wipe(root)
            process = PROCESSES.start(batch_command(root, self.assignments, self.args), cwd=root,
                                      env=batch_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while process.poll() is None and not self.done.is_set():
                time.sleep(0.5)
            if process.poll() is None:
                PROCESSES.stop(process)
            else:
                self.runs += 1
                PROCESSES.stop(process)  # forget it; reap anything left in its group

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(1.0 if self.threads else 0.0)
        return self

    def __exit__(self, *exc):
        self.done.set()
        for thread in self.threads:
            thread.join(120)


# ------------------------------------------------------------------------------ course

def make_course(root, assignments):
    """A course directory holding the demo class of every assignment in `assignments`."""
    for folder in ("source", "release"):
        shutil.copytree(REPOSITORY / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPOSITORY / "nbgrader_config.py", root)
    for assignment in assignments:
        build_submissions(root, assignment)
    return root


def wipe(root):
    """Everything a batch command wrote: the next one grades from scratch."""
    (root / "gradebook.db").unlink(missing_ok=True)
    for folder in OUTPUTS:
        shutil.rmtree(root / folder, ignore_errors=True)


def grade(root, assignments, args, nice=0):
    """Run the batch command once; returns (seconds, exit status, output)."""
    start = time.perf_counter()
    process = PROCESSES.start(batch_command(root, assignments, args, nice), cwd=root, env=batch_environment(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=args.max_seconds)
    except subprocess.TimeoutExpired:
        PROCESSES.stop(process)
        output, _ = process.communicate()
        output += f"\n[bench/load.py: stopped after --max-seconds {args.max_seconds}]"
    finally:
        PROCESSES.stop(process)
    return time.perf_counter() - start, process.returncode, output


def results(root, assignment):
    """{student: {"status": status, function: points, ...}} and {student: record detail}."""
    try:
        points, _ = grade_table(root, assignment)
    except Exception as error:  # no gradebook at all: a batch command that failed early
        print(f"  (cannot read the gradebook of {assignment}: {error})")
        points = {}
    folder = root / "grading_records" / assignment
    students = set(points) | {p.stem for p in folder.glob("*.json")}
    table, details = {}, {}
    for student in students:
        path = folder / f"{student}.json"
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            record = {"status": "(no record)"}
        table[student] = {"status": record.get("status"), **points.get(student, {})}
        details[student] = str(record.get("detail") or "")
    return table, details


# ------------------------------------------------------------------------------ report

def show(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def compare(assignment, idle, loaded, idle_details, loaded_details):
    """Print the side-by-side table; returns (differing point cells, differing statuses, cells)."""
    rows, cells, point_diffs, status_diffs, differing = [], 0, 0, 0, []
    for student in sorted(set(idle) | set(loaded)):
        a, b = idle.get(student, {}), loaded.get(student, {})
        keys = ["status"] + [k for k in dict.fromkeys([*a, *b]) if k != "status"]
        rows.append([student, "", "", ""])
        for key in keys:
            same = key in a and key in b and a[key] == b[key]
            if key == "status":
                status_diffs += not same
            else:
                cells += 1
                point_diffs += not same
            if not same and student not in differing:
                differing.append(student)
            rows.append([f"  {key}", show(a.get(key)), show(b.get(key)), "yes" if same else "DIFFERS"])
    header = [assignment, "idle", "loaded", "same?"]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(4)]
    print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(header, widths))))
    for row in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    for student in differing:
        print(f"  {student}: idle detail: {idle_details.get(student, '') or '-'}"[:400])
        print(f"  {student}: loaded detail: {loaded_details.get(student, '') or '-'}"[:400])
    return point_diffs, status_diffs, cells


def main():
    parser = argparse.ArgumentParser(description="Grade the demo class idle and under CPU load, compare statuses and points.")
    parser.add_argument("--assignment", action="append", choices=sorted(ASSIGNMENTS),
                        help="grade this assignment's demo class (repeatable; default: all)")
    parser.add_argument("--hogs-per-core", type=int, default=3, help="CPU-bound processes per core (default 3)")
    parser.add_argument("--nice", type=int, default=5, help="niceness of the loaded batch command (default 5)")
    parser.add_argument("--beside-batches", type=int, default=0,
                        help="extra batch commands on copies of the course during the loaded run (default 0)")
    parser.add_argument("--seed", type=int, default=1, help="grading seed of both runs (default 1)")
    parser.add_argument("--workers", type=int, help="Dask workers of the batch command (default: its own, one per core)")
    parser.add_argument("--max-seconds", type=float, default=7200,
                        help="longest a batch command or a hog may run (default 7200)")
    args = parser.parse_args()
    assignments = [a for a in ASSIGNMENTS if a in (args.assignment or ASSIGNMENTS)]
    cores = os.cpu_count()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks and atexit

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        os.chmod(tmp, 0o755)
        root = make_course(Path(tmp) / "course", assignments)
        load_before = os.getloadavg()[0]
        runs = {}
        failed = []
        try:
            for label in ("idle", "loaded"):
                wipe(root)
                hogs = []
                beside = []
                if label == "loaded":
                    hogs = start_hogs(args.hogs_per_core * cores, args.max_seconds)
                    for i in range(args.beside_batches):
                        copy = Path(tmp) / f"beside{i}"
                        shutil.copytree(root, copy)
                        beside.append(copy)
                print(f"grading {', '.join(assignments)} {label}" + (
                    f": {len(hogs)} CPU hogs, {len(beside)} beside batch(es), nice -n {args.nice}"
                    if label == "loaded" else "") + " ...", flush=True)
                try:
                    with BesideBatches(beside, assignments, args) as others:
                        seconds, status, output = grade(root, assignments, args, args.nice if label == "loaded" else 0)
                    if label == "loaded" and beside:
                        print(f"  beside batches completed while it ran: {others.runs}")
                finally:
                    for hog in hogs:
                        PROCESSES.stop(hog, grace=2.0, first=signal.SIGTERM)
                print(f"  {seconds:.1f} s, exit status {status}", flush=True)
                if status != 0:
                    failed.append(label)
                    print(f"  the batch command failed; its output ends with:\n{output[-3000:]}")
                runs[label] = (seconds, {a: results(root, a) for a in assignments})
        finally:
            PROCESSES.stop_all()

    print()
    total_points = total_status = total_cells = 0
    for assignment in assignments:
        (idle, idle_details), (loaded, loaded_details) = runs["idle"][1][assignment], runs["loaded"][1][assignment]
        p, s, c = compare(assignment, idle, loaded, idle_details, loaded_details)
        total_points, total_status, total_cells = total_points + p, total_status + s, total_cells + c
        print()
    idle_s, loaded_s = runs["idle"][0], runs["loaded"][0]
    students = sum(len(set(runs["idle"][1][a][0]) | set(runs["loaded"][1][a][0])) for a in assignments)
    print(f"{'SAME' if not (total_points or total_status or failed) else 'DIFFERENT'}: "
          f"{total_points} of {total_cells} (student, function) cells and {total_status} of {students} statuses differ"
          + (f"; batch command failed: {', '.join(failed)}" if failed else "")
          + f"; wall {idle_s:.1f} s idle, {loaded_s:.1f} s loaded ({loaded_s / idle_s:.2f}x); "
          f"load: {args.hogs_per_core} hog(s) per core ({args.hogs_per_core * cores} in all), nice -n {args.nice}, "
          f"{args.beside_batches} beside batch(es); {cores} cores; seed {args.seed}; "
          f"1-min load average {load_before:.2f} before")
    if load_before > 0.5 * cores:
        print(f"note: the 1-min load average was {load_before:.2f} on {cores} cores before the idle run: "
              "other work was running, the idle run was not idle")
    return 1 if total_points or total_status or failed else 0


if __name__ == "__main__":
    sys.exit(main())
