"""The coordinator of a grading batch: finds the submissions, sends one task per submission
to the Dask workers, and is the only process that writes the gradebook and the outputs.

Each result is stored as soon as it arrives (autograded notebook, gradebook rows through
nbgrader's own SaveAutoGrades and AssignLatePenalties, then the grading record, last), so a
batch killed midway loses nothing already graded and the next run grades only the rest.

No submission can stop the batch or reach another's grade: a submitted folder is read without
following any link and within caps (`folders`; a link or a cap passed is Status.REFUSED, with a
row), one submission's files at a time (a few in flight, never the class's), and whatever goes
wrong while a result is stored, its feedback made or its row exported is that submission's
Status.GRADER_ERROR (a row, and a later run grades it again), never the end of the batch.
"""
import csv
import hashlib
import json
import os
import shutil
import sys
import time
import traceback
import warnings
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..assignments import graders, notebook_file
from ..course import course_id, load_config, nbgrader
from ..limits import DEFAULT, Limits
from ..grading import printable
from ..status import Status
from . import folders
from .submission import (Task, blank_result, grade_submission, lay_out, read_notebook, storable, ungraded_notebook)

RECORDS = "grading_records"  # beside autograded/: nbgrader copies nothing from here into feedback
RETRIES = 2  # further attempts at a submission whose grading ended in the grader's own trouble
IN_FLIGHT_PER_WORKER = 2  # submissions read and sent ahead of the workers (their files are in memory)


@dataclass
class Submission:
    """One student's folder to grade: its listing (read lazily, when it is sent), its
    fingerprint, or why it is refused (then it is never read)."""
    student: str
    listing: folders.Listing = None
    digest: str = ""
    refusal: str = ""


def refusal_digest(reason):
    """The fingerprint of a refused folder (never read): it changes with the reason."""
    return "refused:" + hashlib.sha256(reason.encode("utf-8", "replace")).hexdigest()


def submitted_folder(root, student, assignment, limits=DEFAULT):
    """Submission(student) of submitted/<student>/<assignment>, scanned and fingerprinted
    without following a link (refused: a link, a special file, a cap passed), or None when
    there is no such folder."""
    try:
        listing = folders.scan(Path(root) / "submitted", (student, assignment), limits)
        return Submission(student, listing, folders.fingerprint(listing))
    except FileNotFoundError:
        return None
    except folders.Refused as refused:
        return Submission(student, refusal=str(refused), digest=refusal_digest(str(refused)))
    except OSError as error:  # unreadable: said in its row, never the end of the batch
        reason = f"{student}/{assignment} cannot be read ({type(error).__name__}: {error.strerror or error})"
        return Submission(student, refusal=reason, digest=refusal_digest(reason))


def release_files(root, assignment):
    """{relative path: bytes} of release/<assignment>/ (the instructor's, read the same careful way)."""
    limits = Limits(submission_mb=10 ** 6, submission_files=10 ** 6)
    return folders.read(folders.scan(Path(root) / "release", (assignment,), limits))


def student_names(root):
    """The folders of submitted/ that can be student ids (a name that is not text, a file, is
    skipped, and said)."""
    names = []
    try:
        entries = sorted(os.scandir(Path(root) / "submitted"), key=lambda e: e.name)
    except FileNotFoundError:
        return names
    for entry in entries:
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            print(f"skipped submitted/{entry.name!r}: not a valid student id", flush=True)
            continue
        if not valid_student_id(entry.name):
            print(f"skipped submitted/{ascii(entry.name)}: not a valid student id (a control, glob or spreadsheet "
                  "formula character)", flush=True)
            continue
        if entry.is_dir(follow_symlinks=False) or entry.is_symlink():
            names.append(entry.name)
    return names


def valid_student_id(name):
    """A folder name that can be a student id everywhere it goes: printed on a terminal (no
    control character: an escape sequence or a newline forges lines), given to nbgrader's
    --student (no glob character: "[r]eference" would name another student), and written to a
    CSV a spreadsheet opens (no leading formula character)."""
    return bool(name) and name.isprintable() and not any(c in "*?[]" for c in name) and name[0] not in "=+-@"


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
            print(f"{self.assignment} [{self.done}/{self.total}] {student}: {printable(status)}", file=sys.stderr,
                  flush=True)

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
        """[Submission] to grade: every submitted folder but those unchanged since a final
        verdict (a grader error is graded again). Folders are scanned and fingerprinted here,
        one at a time; their files are read only when they are sent to a worker."""
        found, names = [], student_names(self.root)
        for student in sorted(set(students or ()) - set(names)):  # a typo must not pass for "nothing to do"
            print(f"{assignment}: no submission from {student} (no folder submitted/{student}/)", flush=True)
        for student in names:
            if students and student not in students:
                continue
            submission = submitted_folder(self.root, student, assignment, self.limits)
            if submission is None:
                if students:
                    print(f"{assignment}: no submission from {student} (no folder submitted/{student}/{assignment}/)",
                          flush=True)
                continue
            record = record_path(self.root, assignment, student)
            if not force and record.exists():
                try:
                    previous = json.loads(record.read_text())
                    if previous.get("fingerprint") == submission.digest and Status(previous.get("status")).final:
                        continue
                except ValueError:
                    pass  # a record cut short, or an unknown status: grade again
            found.append(submission)
        return found

    def grade(self, assignment, students=None, force=False):
        """Grade the assignment's pending submissions (results are stored as they come). A
        submission whose grading ended in the grader's own trouble is sent again, at most
        RETRIES times. A refused one is stored at once, never sent. Only a few submissions'
        files are in memory at a time (read when sent, dropped once stored). Returns how many
        submissions were retried."""
        from distributed import as_completed
        self.ensure_assignment(assignment)
        release = release_files(self.root, assignment)
        todo = self.pending(assignment, students, force)
        retried = set()
        if not todo:
            return 0
        progress = Progress(assignment, len(todo), self.progress)
        for submission in (s for s in todo if s.refusal):
            self.store_refused(assignment, submission, release, progress)
        waiting = deque(s for s in todo if not s.refusal)
        if not waiting:
            progress.close()
            return 0
        # the release travels once per worker; scattered again for a retry, since the worker that
        # was lost may have taken the only copies with it
        shared = self.scatter(release)
        futures = as_completed()
        attempts = {}
        window = IN_FLIGHT_PER_WORKER * max(1, len(self.client.scheduler_info().get("workers", {})))

        def submit(submission, files, digest):
            nonlocal shared
            student = submission.student
            attempts[student] = attempts.get(student, 0) + 1
            task = Task(student, assignment, notebook_file(assignment), files, None, self.limits, self.seed,
                        protected=(str(self.root),))
            try:
                if attempts[student] > 1:
                    shared = self.scatter(release)
                future = self.client.submit(grade_task, task, shared, pure=False,
                                            key=f"grade-{assignment}-{student}-{attempts[student]}")
            except Exception as error:  # the cluster in trouble: this submission's row says so, a rerun grades it
                result = blank_result(student, assignment, Status.GRADER_ERROR,
                                      f"the grading cluster could not take it ({type(error).__name__}: {error})"[:500])
                result["attempts"] = attempts[student]
                self.store_safely(assignment, result, files, digest, release)
                progress.update(student, result["status"])
                return
            future.submission = (submission, files, digest)
            futures.add(future)

        def send_more():
            while waiting and futures.count() < window:
                submission = waiting.popleft()
                try:  # read now, one folder at a time: the very files that were listed, or refused
                    files = folders.read(submission.listing)
                except (folders.Refused, OSError) as error:
                    reason = f"{submission.student}/{assignment}: {error}"
                    self.store_refused(assignment, Submission(submission.student, refusal=reason,
                                                              digest=refusal_digest(reason)), release, progress)
                    continue
                submit(submission, files, folders.files_fingerprint(files))
        send_more()
        while futures.count():  # (not `for ... in futures`: a submission the cluster refused adds none)
            future = next(futures)
            submission, files, digest = future.submission
            student = submission.student
            try:
                result = future.result()
            except Exception as error:  # the worker process was lost on this submission
                result = blank_result(student, assignment, Status.GRADER_ERROR,
                                      f"the grading worker was lost ({type(error).__name__}: {str(error)[:200]})")
            future.release()
            if result["status"] == Status.GRADER_ERROR and attempts[student] <= RETRIES:
                retried.add(student)
                submit(submission, files, digest)
                send_more()
                continue
            result["attempts"] = attempts[student]
            self.store_safely(assignment, result, files, digest, release)
            del files, future.submission
            progress.update(student, result["status"])
            send_more()
        progress.close()
        return len(retried)

    def scatter(self, release, tries=5):
        """The release on every worker; tried again while a worker that was just lost is being
        replaced (sending to it fails)."""
        for attempt in range(tries):
            try:
                return self.client.scatter(release, broadcast=True)
            except Exception:
                if attempt == tries - 1:
                    raise
                time.sleep(1 + attempt)

    def store_refused(self, assignment, submission, release, progress):
        """A refused submission's row and record (nothing of it is read or run)."""
        result = blank_result(submission.student, assignment, Status.REFUSED, submission.refusal)
        result["attempts"] = 1
        self.store_safely(assignment, result, None, submission.digest, release)
        progress.update(submission.student, Status.REFUSED)

    # ---------------------------------------------------------------------- storing

    def store_safely(self, assignment, result, files, digest, release):
        """`store`, and whatever goes wrong there is that submission's grader error (a row and a
        record saying why), never the end of the batch."""
        try:
            self.store(assignment, storable(result), files, digest, release)
        except Exception:
            failure = blank_result(result["student"], assignment, Status.GRADER_ERROR,
                                   "storing the result failed: " + traceback.format_exc()[-1500:])
            failure["attempts"] = result.get("attempts", 1)
            failure = storable(failure)
            try:
                self.store(assignment, failure, None, digest, release)
            except Exception:  # not even a zero row could be written: the record says so
                try:
                    write_record(self.root, assignment, {**failure, "detail": failure["detail"] + "\nand storing a "
                                                   "blank result failed: " + traceback.format_exc()[-1500:]}, digest)
                except Exception as error:
                    print(f"{result['student']}: no record could be written ({type(error).__name__})", flush=True)

    def store(self, assignment, result, files, digest, release):
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
        from nbgrader.utils import parse_utc

        from .extra_credit import SaveExtraCredit
        student, name = result["student"], notebook_file(assignment)
        notebook = self.notebook_of(result, release[name])
        folder = self.root / "autograded" / student / assignment
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # the released files (master copies win), then the student's others that take no released file's place
        lay_out(folder, release, {k: v for k, v in (files or {}).items() if not k.endswith(".ipynb")}, skip=(name,))
        nbformat.write(notebook, folder / name)
        timestamp = None
        if files and "timestamp.txt" in files:
            try:
                timestamp = parse_utc(files["timestamp.txt"][:200].decode().strip())
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

    def mark_trouble(self, assignment, student, what):
        """A step after storing failed for this submission (its feedback): its record says so
        with the status Status.GRADER_ERROR, so its row shows it and a later run grades it again."""
        path = record_path(self.root, assignment, student)
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            record = {**blank_result(student, assignment, Status.GRADER_ERROR), "fingerprint": ""}
        record.update(status=Status.GRADER_ERROR, detail=f"{what}; {record.get('detail', '')}".strip("; ")[:2000])
        write_record(self.root, assignment, storable(record), record.get("fingerprint", ""))

    def feedback(self, assignment, students=None):
        """nbgrader generate_feedback for the assignment. If it fails, or leaves a submission
        without feedback, one student at a time; a student whose feedback cannot be made gets
        Status.GRADER_ERROR (everyone else keeps theirs). Returns the students in trouble."""
        options = [option for student in students or () for option in ("--student", student)]
        started = time.time() - 2  # (file times may be coarser than this clock)
        name = Path(notebook_file(assignment)).stem

        def made(student):  # feedback written by this run (an older file is not this grade's)
            html = self.root / "feedback" / student / assignment / f"{name}.html"
            return html.exists() and html.stat().st_mtime >= started
        try:
            nbgrader(self.root, "generate_feedback", assignment, "--force", *options)
        except Exception:
            pass
        trouble = []
        for student in sorted(p.parent.name for p in (self.root / "autograded").glob(f"*/{assignment}")):
            if students and student not in students or made(student):
                continue
            try:
                nbgrader(self.root, "generate_feedback", assignment, "--force", "--student", student)
                if not made(student):
                    raise RuntimeError("nbgrader wrote no feedback")
            except Exception as error:
                lines = str(error).splitlines() or [type(error).__name__]
                message = storable(f"no feedback could be made: {lines[0][:300]}")
                print(f"{student}: {message}", flush=True)
                self.mark_trouble(assignment, student, message)
                trouble.append(student)
        return trouble

    def notebook_of(self, result, release_notebook):
        """The executed notebook, or (grader error, lost worker) the released one with every test at zero."""
        if result.get("notebook"):
            return nbformat.reads(result["notebook"], as_version=4)
        return ungraded_notebook(read_notebook(release_notebook), graders(result["assignment"]),
                                 result["status"])

    # ----------------------------------------------------------------------- output

    def table(self, assignment):
        """[{student, status, <function>: points, total, max, seconds_late, late_penalty, detail}]
        from the gradebook (an instructor's manual grades included) and the records."""
        from nbgrader.api import Gradebook
        functions = graders(assignment)
        rows = []
        with Gradebook(self.db_url, self.course_id) as gradebook:
            for submission in sorted(gradebook.assignment_submissions(assignment), key=lambda s: s.student_id):
                try:
                    rows.append(storable(self.row(assignment, submission, functions)))
                except Exception as error:  # that submission's trouble: its row says so, the others are kept
                    rows.append(storable({"student": submission.student_id, "status": str(Status.GRADER_ERROR),
                                          **{g.function: 0.0 for g in functions}, "total": 0.0,
                                          "max": sum(g.points for g in functions if not g.bonus), "seconds_late": 0,
                                          "late_penalty": 0.0, "detail": f"its row could not be made "
                                                                         f"({type(error).__name__}: {error})"[:500]}))
        return rows

    def row(self, assignment, submission, functions):
        path = record_path(self.root, assignment, submission.student_id)
        record = json.loads(path.read_text()) if path.exists() else {}
        scores = {g.name: g.score for n in submission.notebooks for g in n.grades}
        row = {"student": submission.student_id, "status": str(record.get("status", "not graded by this command"))}
        for g in functions:
            row[g.function] = scores.get(f"test_{g.function}") or 0.0
        penalty = submission.late_submission_penalty or 0.0
        row["total"] = round(sum(row[g.function] for g in functions) - penalty, 2)
        row["max"] = sum(g.points for g in functions if not g.bonus)  # a bonus is extra credit
        row["seconds_late"] = round(submission.total_seconds_late or 0.0)
        row["late_penalty"] = penalty
        row["detail"] = printable(record.get("detail", ""))
        return row

    def export(self, assignment, rows):
        """grades/<assignment>.csv from the rows of `table`."""
        path = self.root / "grades" / f"{assignment}.csv"
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8", errors="replace") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["student", "status"])
            writer.writeheader()
            writer.writerows(rows)
        return path

    def summary(self, assignment, rows, retried=0):
        """Counts per status (and how many submissions were retried after the grader's own
        trouble), then a line per student, from the rows of `table`."""
        counts = {status: sum(r["status"] == status for r in rows) for status in Status}
        header = ["student", "status", "total", "max", "detail"]
        lines = [[r["student"], r["status"], f"{r['total']:g}", f"{r['max']:g}", " ".join(r["detail"].split())[:70]]
                 for r in rows]
        widths = [max(len(x[i]) for x in lines + [header]) for i in range(len(header))]
        text = [f"{assignment}: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                + (f"; {retried} retried after the grader's own trouble" if retried else "")]
        text += ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in [header] + lines]
        return "\n".join(text)
