"""The coordinator of a grading batch: finds the submissions, sends one task per submission
to the Dask workers, and is the only process that writes the gradebook and the outputs.

Each result is stored as soon as it arrives (autograded notebook, gradebook rows through
nbgrader's own SaveAutoGrades and AssignLatePenalties, then the grading record, last), so a
batch killed midway loses nothing already graded and the next run grades only the rest.
"""
import csv
import hashlib
import json
import os
import shutil
import sys
import traceback
import warnings
from pathlib import Path

import nbformat

from ..course import ASSIGNMENTS, course_id, load_config, nbgrader
from ..graders import ASSIGNMENT_GRADERS
from ..status import Status
from .submission import Task, blank_result, grade_submission, read_notebook, ungraded_notebook, write_files

RECORDS = "grading_records"  # beside autograded/: nbgrader copies nothing from here into feedback
RETRIES = 2  # further attempts at a submission whose grading ended in the grader's own trouble


MAX_FILE_BYTES = 64 * 2 ** 20


def folder_files(folder):
    """{relative path: bytes} of every regular file under `folder` (None when it does not
    exist). Links are left out (a submitted link must not make this root process read what
    it points to; rglob does not enter linked folders), and so are files over MAX_FILE_BYTES."""
    if not folder.is_dir():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.stat().st_size <= MAX_FILE_BYTES
            and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def fingerprint(files):
    digest = hashlib.sha256()
    for name, data in sorted((files or {}).items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def record_path(root, assignment, student):
    return Path(root) / RECORDS / assignment / f"{student}.json"


def write_record(root, assignment, result, digest):
    """grading_records/<assignment>/<student>.json (everything but the notebook, and the
    submission's fingerprint), written whole or not at all."""
    record = {k: v for k, v in result.items() if k != "notebook"}
    record["fingerprint"] = digest
    path = record_path(root, assignment, result["student"])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=1, default=str))
    os.replace(temporary, path)


def grade_task(task, release):
    """What a Dask worker runs: the release travels once per worker (scattered), not per task."""
    task.release = release
    try:
        return grade_submission(task)
    except BaseException:  # a bug of ours: the submission still gets a row, with the traceback
        return blank_result(task.student, task.assignment, Status.GRADER_ERROR, traceback.format_exc()[-2000:])


def sandbox_preflight():
    """Run on every worker before grading: can this machine start a sandbox?"""
    from ..sandbox.kernel import check_sandbox
    return check_sandbox()


class Progress:
    """A progress bar on a terminal; elsewhere (a log, CI) one line per finished submission."""

    def __init__(self, assignment, total, enabled):
        from tqdm import tqdm
        self.assignment, self.total, self.done = assignment, total, 0
        self.enabled, self.terminal = enabled, sys.stderr.isatty()
        self.bar = tqdm(total=total, desc=assignment, unit="submission", file=sys.stderr) \
            if enabled and self.terminal else None

    def update(self, student, status):
        self.done += 1
        if self.bar is not None:
            self.bar.update()
            self.bar.set_postfix_str(f"{student}: {status}")
        elif self.enabled:
            print(f"{self.assignment} [{self.done}/{self.total}] {student}: {status}", file=sys.stderr, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


class Batch:
    def __init__(self, root, db_url, limits, seed, scheduler=None, workers=None, progress=True):
        self.root, self.db_url, self.limits, self.seed = Path(root), db_url, limits, seed
        self.scheduler, self.workers, self.progress = scheduler, workers, progress
        self.config = load_config(root)
        self.course_id = course_id(root)
        self.cluster = self.client = None

    def __enter__(self):
        from distributed import Client, LocalCluster
        if self.scheduler:
            self.client = Client(self.scheduler, timeout=60)
        else:
            # one single-threaded process per core; memory is limited per submission, not per worker
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        memory_limit=0, dashboard_address="127.0.0.1:0", silence_logs=40)
            self.client = Client(self.cluster)
        problems = {w: p for w, p in self.client.run(sandbox_preflight).items() if p}
        if problems:
            self.__exit__()
            raise SystemExit("cannot start a grading sandbox on " + "; ".join(f"{w}: {p}" for w, p in problems.items()))
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def describe_cluster(self):
        workers = self.client.scheduler_info()["workers"]
        return f"{len(workers)} Dask worker(s) at {self.client.scheduler.address}"

    # ---------------------------------------------------------------------- grading

    def ensure_assignment(self, assignment):
        """The gradebook knows the assignment's cells once it was generated (nbgrader's own step)."""
        from nbgrader.api import Gradebook, MissingEntry
        with Gradebook(self.db_url, self.course_id) as gradebook:
            try:
                gradebook.find_assignment(assignment)
                return
            except MissingEntry:
                pass
        nbgrader(self.root, "generate_assignment", assignment, "--force")

    def pending(self, assignment, students, force):
        """[(student, files, fingerprint)] to grade: every submission but those unchanged since
        a final verdict (a grader error is graded again)."""
        found = []
        for folder in sorted((self.root / "submitted").glob(f"*/{assignment}")):
            student = folder.parent.name
            if students and student not in students:
                continue
            files = folder_files(folder)
            digest = fingerprint(files)
            record = record_path(self.root, assignment, student)
            if not force and record.exists():
                try:
                    previous = json.loads(record.read_text())
                    if previous.get("fingerprint") == digest and Status(previous.get("status")).final:
                        continue
                except ValueError:
                    pass  # a record cut short, or an unknown status: grade again
            found.append((student, files, digest))
        return found

    def grade(self, assignment, students=None, force=False):
        """Grade the assignment's pending submissions (results are stored as they come). A
        submission whose grading ended in the grader's own trouble is sent again, at most
        RETRIES times. Returns how many submissions were retried."""
        from distributed import as_completed
        self.ensure_assignment(assignment)
        release = folder_files(self.root / "release" / assignment)
        todo = self.pending(assignment, students, force)
        retried = set()
        if not todo:
            return 0
        # the release travels once per worker; scattered again for a retry, since the worker that
        # was lost may have taken the only copies with it
        shared = self.client.scatter(release, broadcast=True)
        futures = as_completed()
        attempts = {}

        def submit(student, files, digest):
            nonlocal shared
            attempts[student] = attempts.get(student, 0) + 1
            task = Task(student, assignment, ASSIGNMENTS[assignment], files, None, self.limits, self.seed,
                        protected=(str(self.root),))
            if attempts[student] > 1:
                shared = self.client.scatter(release, broadcast=True)
            future = self.client.submit(grade_task, task, shared, pure=False,
                                        key=f"grade-{assignment}-{student}-{attempts[student]}")
            future.submission = (student, files, digest)
            futures.add(future)
        for submission in todo:
            submit(*submission)
        progress = Progress(assignment, len(todo), self.progress)
        for future in futures:
            student, files, digest = future.submission
            try:
                result = future.result()
            except Exception as error:  # the worker process was lost on this submission
                result = blank_result(student, assignment, Status.GRADER_ERROR,
                                      f"the grading worker was lost ({type(error).__name__}: {str(error)[:200]})")
            future.release()
            if result["status"] == Status.GRADER_ERROR and attempts[student] <= RETRIES:
                retried.add(student)
                submit(student, files, digest)
                continue
            result["attempts"] = attempts[student]
            self.store_safely(assignment, result, files, digest, release)
            progress.update(student, result["status"])
        progress.close()
        return len(retried)

    # ---------------------------------------------------------------------- storing

    def store_safely(self, assignment, result, files, digest, release):
        """`store`, and whatever goes wrong there is that submission's grader error (a row and a
        record saying why), never the end of the batch."""
        try:
            self.store(assignment, result, files, digest, release)
        except Exception:
            failure = blank_result(result["student"], assignment, Status.GRADER_ERROR,
                                   "storing the result failed: " + traceback.format_exc()[-1500:])
            failure["attempts"] = result.get("attempts", 1)
            try:
                self.store(assignment, failure, files, digest, release)
            except Exception:  # not even a zero row could be written: the record says so
                write_record(self.root, assignment, {**failure, "detail": failure["detail"] + "\nand storing a blank "
                                               "result failed: " + traceback.format_exc()[-1500:]}, digest)

    def store(self, assignment, result, files, digest, release):
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

        from .extra_credit import SaveExtraCredit
        from nbgrader.utils import parse_utc
        student, name = result["student"], ASSIGNMENTS[assignment]
        notebook = self.notebook_of(result, release[name])
        folder = self.root / "autograded" / student / assignment
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        write_files(folder, {k: v for k, v in (files or {}).items() if not k.endswith(".ipynb")})
        write_files(folder, {k: v for k, v in release.items() if k != name})
        nbformat.write(notebook, folder / name)
        timestamp = None
        if files and "timestamp.txt" in files:
            try:
                timestamp = parse_utc(files["timestamp.txt"].decode().strip())
            except Exception:
                result["integrity"].append("timestamp.txt cannot be read (the submission counts as on time)")
        with Gradebook(self.db_url, self.course_id) as gradebook, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes inside nbgrader's own calls
            gradebook.update_or_create_student(student)
            submission = gradebook.update_or_create_submission(assignment, student, **(
                {"timestamp": timestamp} if timestamp else {}))
            result["seconds_late"] = float(submission.total_seconds_late or 0.0)
        resources = {"nbgrader": {"db_url": self.db_url, "assignment": assignment, "student": student,
                                  "notebook": Path(name).stem}}
        SaveAutoGrades(config=self.config).preprocess(notebook, resources)
        SaveExtraCredit(config=self.config).preprocess(notebook, resources)
        AssignLatePenalties(config=self.config).preprocess(notebook, resources)
        write_record(self.root, assignment, result, digest)

    def notebook_of(self, result, release_notebook):
        """The executed notebook, or (grader error, lost worker) the released one with every test at zero."""
        if result.get("notebook"):
            return nbformat.reads(result["notebook"], as_version=4)
        return ungraded_notebook(read_notebook(release_notebook), ASSIGNMENT_GRADERS[result["assignment"]],
                                 result["status"])

    # ----------------------------------------------------------------------- output

    def table(self, assignment):
        """[{student, status, <function>: points, total, max, seconds_late, late_penalty, detail}]
        from the gradebook (an instructor's manual grades included) and the records."""
        from nbgrader.api import Gradebook
        graders = ASSIGNMENT_GRADERS[assignment]
        rows = []
        with Gradebook(self.db_url, self.course_id) as gradebook:
            for submission in sorted(gradebook.assignment_submissions(assignment), key=lambda s: s.student_id):
                path = record_path(self.root, assignment, submission.student_id)
                record = json.loads(path.read_text()) if path.exists() else {}
                scores = {g.name: g.score for n in submission.notebooks for g in n.grades}
                row = {"student": submission.student_id, "status": record.get("status", "not graded by this command")}
                for g in graders:
                    row[g.function] = scores.get(f"test_{g.function}") or 0.0
                penalty = submission.late_submission_penalty or 0.0
                row["total"] = round(sum(row[g.function] for g in graders) - penalty, 2)
                row["max"] = sum(g.points for g in graders if not g.bonus)  # a bonus is extra credit
                row["seconds_late"] = round(submission.total_seconds_late or 0.0)
                row["late_penalty"] = penalty
                row["detail"] = record.get("detail", "")
                rows.append(row)
        return rows

    def export(self, assignment, rows):
        """grades/<assignment>.csv from the rows of `table`."""
        path = self.root / "grades" / f"{assignment}.csv"
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["student", "status"])
            writer.writeheader()
            writer.writerows(rows)
        return path

    def summary(self, assignment, rows, retried=0):
        """Counts per status (and how many submissions were retried after the grader's own
        trouble), then a line per student, from the rows of `table`."""
        counts = {status: sum(r["status"] == status for r in rows) for status in Status}
        header = ["student", "status", "total", "max", "detail"]
        lines = [[r["student"], r["status"], f"{r['total']:g}", f"{r['max']:g}", r["detail"][:70]] for r in rows]
        widths = [max(len(x[i]) for x in lines + [header]) for i in range(len(header))]
        text = [f"{assignment}: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                + (f"; {retried} retried after the grader's own trouble" if retried else "")]
        text += ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in [header] + lines]
        return "\n".join(text)
