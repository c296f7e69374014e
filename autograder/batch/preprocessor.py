"""Stock `nbgrader autograde` (and formgrader's Autograde button, which runs it) grading
through the same sandboxed, out-of-kernel path as the batch command.

nbgrader_config.py puts `SandboxedGrading` in place of nbgrader's `Execute` in
`Autograde.autograde_preprocessors`. For each notebook it grades the student's submitted
folder exactly as a batch worker does (`grade_submission`: cells restored from the release,
kernel sandboxed, every verdict computed here) and hands nbgrader the executed notebook, whose
test cells hold the reports and points; nbgrader's own SaveAutoGrades and AssignLatePenalties
then write the same gradebook rows as the batch. The grading record goes where the batch puts
it. Where no sandbox can be made (not root), it says so in the log and in the record, and falls
back to nbgrader's in-kernel execution, which is not tamper-proof.
"""
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Float, Int

from ..limits import DEFAULT, Limits
from ..status import Status

NOT_TAMPER_PROOF = ("graded in the student's own kernel, as stock nbgrader does: NOT tamper-proof "
                    "(the student's code can change its own grade)")


def course_root(config, resources):
    """The course directory: as nbgrader_config.py sets it, else above <student>/<assignment>/."""
    return Path(config.CourseDirectory.get("root") or Path(resources["metadata"]["path"]).parents[2]).resolve()


def ours(resources):
    """Whether nbgrader is working on a graded notebook of this course (not another one)."""
    from ..assignments import ASSIGNMENTS, notebook_file
    info = resources["nbgrader"]
    return info["assignment"] in ASSIGNMENTS and notebook_file(info["assignment"]) == f"{info['notebook']}.ipynb"


class RestoredCells(Preprocessor):
    """nbgrader's sanitizing step (in place of OverwriteCells): every locked and test cell put
    back from the released notebook exactly as the batch does it (`restore_cells`: a changed,
    moved, duplicated or deleted cell, whatever came before it)."""

    enabled = Bool(True, help="nbconvert runs only enabled preprocessors").tag(config=True)

    def preprocess(self, nb, resources):
        from nbgrader.preprocessors import OverwriteCells

        from ..course import release_notebook
        from .submission import read_notebook, restore_cells
        if not ours(resources):
            return OverwriteCells(parent=self.parent, config=self.config).preprocess(nb, resources)
        master = release_notebook(resources["nbgrader"]["assignment"], course_root(self.config, resources))
        notebook, changes = restore_cells(nb, read_notebook(master.read_bytes()))
        for change in changes:
            self.log.warning("%s: %s", resources["nbgrader"]["student"], change)
        return notebook, resources


class SandboxedGrading(Preprocessor):
    """Execute and grade one submitted notebook in the grading sandbox (see the module)."""

    enabled = Bool(True, help="nbconvert runs only enabled preprocessors").tag(config=True)
    notebook_seconds = Float(DEFAULT.notebook_seconds, help="CPU seconds per notebook").tag(config=True)
    cell_seconds = Float(DEFAULT.cell_seconds, help="CPU seconds per cell").tag(config=True)
    call_seconds = Float(DEFAULT.call_seconds, help="CPU seconds per call of a graded function").tag(config=True)
    wall_factor = Float(DEFAULT.wall_factor, help="wall-clock backstop, times each limit").tag(config=True)
    memory_mb = Int(DEFAULT.memory_mb, help="memory per submission (MiB)").tag(config=True)

    _sandbox_problem = None  # per process: None until checked, then "" or why there is no sandbox

    def preprocess(self, nb, resources):
        if not ours(resources):
            return self.in_kernel(nb, resources, None)  # not a notebook of ours: nbgrader's way
        assignment, student = resources["nbgrader"]["assignment"], resources["nbgrader"]["student"]
        root = course_root(self.config, resources)
        problem = self.sandbox_problem()
        if problem:
            return self.in_kernel(nb, resources, (root, assignment, student, problem))
        return self.sandboxed(root, assignment, student), resources

    @classmethod
    def sandbox_problem(cls):
        if cls._sandbox_problem is None:
            from ..sandbox.kernel import check_sandbox
            cls._sandbox_problem = check_sandbox() or ""
        return cls._sandbox_problem

    def limits(self):
        return Limits(notebook_seconds=self.notebook_seconds, cell_seconds=self.cell_seconds,
                      call_seconds=self.call_seconds, wall_factor=self.wall_factor, memory_mb=self.memory_mb)

    def sandboxed(self, root, assignment, student):
        """The executed notebook of the student's submission, graded as a batch worker grades it
        (retried after the grader's own trouble, as the batch retries it)."""
        import nbformat

        from . import coordinator, folders
        from .submission import Task, blank_result, grade_submission, read_notebook, ungraded_notebook
        from ..assignments import graders
        limits = self.limits()
        release = coordinator.release_files(root, assignment)
        # the student's folder as the batch reads it: no link followed, within the caps (else refused)
        submission = coordinator.submitted_folder(root, student, assignment, limits)
        files, digest = None, ""
        if submission is not None and not submission.refusal:
            try:
                files = folders.read(submission.listing)
                digest = folders.files_fingerprint(files)
            except (folders.Refused, OSError) as error:
                submission.refusal = f"{student}/{assignment}: {error}"
        if submission is not None and submission.refusal:
            result, attempt = blank_result(student, assignment, Status.REFUSED, submission.refusal), 1
            digest = coordinator.refusal_digest(submission.refusal)
        else:
            task = Task(student, assignment, self.notebook_name(assignment), files, release, limits,
                        protected=(str(root),))
            for attempt in range(1, coordinator.RETRIES + 2):
                result = grade_submission(task)
                if result["status"] != Status.GRADER_ERROR:
                    break
        result["attempts"] = attempt
        result["graded_by"] = "nbgrader autograde (sandboxed)"
        coordinator.write_record(root, assignment, result, digest)
        log = self.log.warning if result["status"] != Status.GRADED else self.log.info
        log("%s/%s: %s (grading seed %s)%s", student, assignment, result["status"], result["seed"],
            f": {result['detail']}" if result["detail"] else "")
        if result["status"] == Status.GRADER_ERROR:  # no zero for the grader's trouble: nbgrader stores nothing
            raise RuntimeError(f"grader error, not the student's: {result['detail']}")
        notebook = nbformat.reads(result["notebook"], as_version=4) if result["notebook"] else None
        return notebook or ungraded_notebook(read_notebook(release[self.notebook_name(assignment)]),
                                             graders(assignment), result["status"])

    @staticmethod
    def notebook_name(assignment):
        from ..assignments import notebook_file
        return notebook_file(assignment)

    def in_kernel(self, nb, resources, course):
        """nbgrader's own Execute (hidden tests in the student's kernel), said plainly; the
        executed notebook of one of ours keeps only outputs safe to render (`shown`)."""
        from nbgrader.preprocessors import Execute
        if course is None:
            return Execute(parent=self.parent, config=self.config).preprocess(nb, resources)
        from . import coordinator
        from .shown import safe_notebook
        from .submission import read_notebook
        root, assignment, student, problem = course
        self.log.warning("%s/%s: %s (no grading sandbox here: %s)", student, assignment, NOT_TAMPER_PROOF, problem)
        record = coordinator.blank_result(student, assignment, Status.GRADED, f"{NOT_TAMPER_PROOF}; {problem}")
        record.update(points=None, graded_by="nbgrader autograde (in the student's kernel)", tamper_proof=False)
        submission = coordinator.submitted_folder(root, student, assignment, self.limits())
        coordinator.write_record(root, assignment, record, submission.digest if submission else "")
        nb, resources = Execute(parent=self.parent, config=self.config).preprocess(nb, resources)
        master = read_notebook(coordinator.release_files(root, assignment)[self.notebook_name(assignment)])
        return safe_notebook(nb, master), resources
