"""Grade one submission: what a batch worker does, self-contained (the task carries every
file it needs, so a worker on another machine needs only this package installed).

1. Lay out a private scratch folder: the released files (master copies: a student's edited
   helper module is replaced, as `nbgrader autograde` does) and the student's notebook.
2. Read the notebook (malformed or missing: a status, no execution) and restore every
   locked and test cell from the released notebook, noting each change the student made.
3. Run it top to bottom in a sandboxed kernel (`autograder.sandbox.kernel`). At each test
   cell the function's checks run here, in the worker, against the kernel's namespace as it
   is at that point (`autograder.sandbox.remote`); the cell's output becomes the report and
   the points, the form `nbgrader` reads partial credit from.
4. Return plain data: status, points per graded function, reports, what the student's code
   attempted, and the executed notebook.
"""
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..course import nbgrader_meta
from ..graders import ASSIGNMENT_GRADERS, graded_names
from ..limits import Limits
from ..probes import grading_seed
from ..sandbox.kernel import PYTHON, KernelLost, SandboxedKernel, within
from ..status import Status

PACKAGE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Task:
    """One submission to grade. `files` and `release` map relative paths to bytes: the
    student's submitted folder (None when there is none) and the released assignment."""
    student: str
    assignment: str
    notebook: str
    files: dict
    release: dict
    limits: Limits = field(default_factory=Limits)
    seed: int = None
    protected: tuple = ()  # folders the kernel must not see (the course directory)


def restore_cells(notebook, master):
    """Put back every locked or test cell of `master` (the released notebook) the student
    changed, deleted or moved out of its kind, and give every graded cell the master's
    metadata. Returns (notebook to run, list of what was changed)."""
    changes = []
    masters = {nbgrader_meta(c)["grade_id"]: c for c in master.cells if nbgrader_meta(c).get("grade_id")}
    seen, cells = set(), []
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        original = masters.get(grade_id)
        if grade_id and (original is None or grade_id in seen):
            changes.append(f"cell {grade_id!r} is not a cell of the assignment (kept as an ordinary cell)"
                           if original is None else f"cell {grade_id!r} appears twice (the copy was removed)")
            if original is None:
                cell.metadata.pop("nbgrader", None)
                cells.append(cell)
            continue
        if original is not None:
            seen.add(grade_id)
            meta = nbgrader_meta(original)
            if meta.get("locked") or meta.get("grade") and not meta.get("solution"):
                if cell.cell_type != original.cell_type or cell.source != original.source:
                    changes.append(f"locked cell {grade_id!r} was modified (restored)")
                cell = nbformat.from_dict(original)
            elif nbgrader_meta(cell) != meta or cell.cell_type != original.cell_type:
                changes.append(f"the metadata of cell {grade_id!r} was modified (restored)")
                cell.cell_type, cell.metadata["nbgrader"] = original.cell_type, dict(meta)
        cells.append(cell)
    for index, cell in enumerate(master.cells):  # deleted cells go back after their predecessor
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id and grade_id not in seen:
            changes.append(f"cell {grade_id!r} was deleted (restored)")
            previous = {nbgrader_meta(c).get("grade_id") for c in master.cells[:index]}
            position = max((i + 1 for i, c in enumerate(cells) if nbgrader_meta(c).get("grade_id") in previous),
                           default=0)
            cells.insert(position, nbformat.from_dict(cell))
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.cells = cells
    return notebook, changes


def read_notebook(data):
    """The notebook in `data` (bytes), or a ValueError saying why it cannot be read."""
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:
        raise ValueError(f"{type(error).__name__}: {str(error)[:300]}") from None
    return notebook


def scratch_root():
    """Parent of every sandbox folder: others may pass through it but not list it, so one
    kernel cannot find another's folder (the names are random)."""
    root = Path(tempfile.gettempdir()) / "grading-sandboxes"
    root.mkdir(exist_ok=True)
    os.chmod(root, 0o711)
    return root


def write_files(folder, files):
    for relative, data in files.items():
        path = (folder / relative).resolve()
        if folder.resolve() not in path.parents:
            continue  # a path that leaves the folder ("../x") is ignored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def blank_result(student, assignment, status=Status.GRADED, detail=""):
    """The result of a submission before (or instead of) grading: every function at zero."""
    graders = ASSIGNMENT_GRADERS[assignment]
    return {"student": student, "assignment": assignment, "status": status, "detail": detail,
            "points": {g.function: 0.0 for g in graders}, "max_points": {g.function: g.points for g in graders},
            "reports": {}, "integrity": [], "activity": [], "notebook": None, "seconds": 0.0, "peak_memory_mb": 0.0,
            "seed": None, "output_truncated": False}


def ungraded_notebook(master, graders, reason):
    """The released notebook with every test cell at zero, saying why (nothing was run)."""
    notebook = restore_cells(master, master)[0]
    for cell in notebook.cells:
        if graded_function(cell, graders):
            cell.outputs = graded_outputs(f"Not graded: {reason}.")
    return notebook


def grade_submission(task):
    """Grade one Task; never raises for anything the submission does. Returns a dict:
    status, detail, points {function: points}, max_points, reports {function: full text},
    integrity [what the student changed or tried: sets the status], activity [processes
    started and the like: recorded only], notebook (JSON text or None), seconds, peak_memory_mb, seed."""
    started = time.monotonic()
    graders = ASSIGNMENT_GRADERS[task.assignment]
    seed = grading_seed() if task.seed is None else task.seed
    result = blank_result(task.student, task.assignment)
    result["seed"] = seed
    master = read_notebook(task.release[task.notebook])
    data = (task.files or {}).get(task.notebook)
    if data is None:
        others = sorted(name for name in (task.files or {}) if name.endswith(".ipynb"))
        result.update(status=Status.MISSING, detail=f"no {task.notebook} in the submission"
                      + (f" (found {', '.join(others)})" if others else ""))
    else:
        try:
            notebook = read_notebook(data)
        except ValueError as error:
            result.update(status=Status.MALFORMED, detail=f"{task.notebook} cannot be read: {error}")
        else:
            notebook, changes = restore_cells(notebook, master)
            result["integrity"].extend(changes)
            run_notebook(task, notebook, graders, seed, result)
    if result["status"] in (Status.MISSING, Status.MALFORMED):
        notebook = ungraded_notebook(master, graders, result["detail"])
    elif result["integrity"] and result["status"] in (Status.GRADED, Status.GRADER_ERROR):
        # positive evidence is a verdict, even where the grader also had trouble
        result["status"] = Status.TAMPERING
        result["detail"] = "; ".join(result["integrity"])[:500]
    result["notebook"] = nbformat.writes(notebook)
    result["seconds"] = round(time.monotonic() - started, 2)
    return storable(result)


def storable(value):
    """`value` (strings in dicts and lists) with every lone surrogate, which the student's code
    can print but no UTF-8 file can hold, replaced by U+FFFD."""
    if type(value) is str:  # (a Status stays a Status)
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(storable(v) for v in value)
    return value


def graded_function(cell, graders):
    """The graded function whose test cell this is, or None."""
    meta = nbgrader_meta(cell)
    if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
        return None
    return next((g.function for g in graders if meta.get("grade_id") == f"test_{g.function}"), None)


def graded_outputs(text, value=None):
    """A test cell's outputs: the report, and its value (`FunctionReport.cell_value`: the points,
    nbgrader's partial credit; none when not graded)."""
    return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
            nbformat.v4.new_output("execute_result", data=value or {"text/plain": "0"}, execution_count=None)]


def hidden_folders(protected):
    """What the kernel must not see: the `protected` folders (the course directory), this
    package, and the folder holding it (the repository, for an editable install), except where
    that folder is part of the kernel's own Python environment (site-packages, for a wheel)."""
    package, holder = str(PACKAGE_DIR), str(PACKAGE_DIR.parent)
    folders = {package} if any(within(holder, p) for p in PYTHON) else {package, holder}
    return sorted({os.path.realpath(p) for p in protected} | folders)


def run_notebook(task, notebook, graders, seed, result):
    """Execute `notebook` in a sandbox, grading each test cell from the worker; fills `result`."""
    from ..sandbox.remote import GradingSession
    workdir = scratch_root() / secrets.token_hex(16)
    workdir.mkdir(mode=0o700)
    try:
        write_files(workdir, {k: v for k, v in task.files.items() if k not in task.release})
        write_files(workdir, {k: v for k, v in task.release.items() if k != task.notebook})
        nbformat.write(notebook, workdir / task.notebook)
        hide = hidden_folders(task.protected)
        names = graded_names(task.assignment)
        pending = [c for c in notebook.cells if c.cell_type == "code"]
        kernel = SandboxedKernel(workdir, task.limits, hide=hide, keep=PYTHON)
        session = None
        try:
            kernel.start()  # a kernel that cannot start, or load the agent, is the grader's trouble
            kernel.boot_agent()
            session = GradingSession(kernel)
            while pending:
                cell = pending[0]
                function = graded_function(cell, graders)
                if function:
                    grader = next(g for g in graders if g.function == function)
                    report = session.grade(grader, names, seed)
                    session.faults.extend(f"{function}: the grader failed on the check '{title}'"
                                          for title in report.grader_failures)
                    result["points"][function] = report.points
                    result["reports"][function] = report.render()
                    cell.outputs = graded_outputs(report.render(details=False), report.cell_value())
                else:
                    cell.outputs = kernel.execute(cell.source)
                pending.pop(0)
        except KernelLost as lost:
            result.update(status=lost.status, detail=lost.detail)
            for cell in pending:
                function = graded_function(cell, graders)
                if function:
                    cell.outputs = graded_outputs(f"Not graded: {lost.detail}.")
                    result["reports"][function] = f"not graded: {lost.detail}"
        finally:
            if session is not None:
                result["integrity"].extend(session.tampering)
                result["activity"] = session.activity
                if session.faults and result["status"] == Status.GRADED:
                    result.update(status=Status.GRADER_ERROR, detail="; ".join(session.faults)[:500])
                session.close()
            kernel.shutdown()
        result["peak_memory_mb"] = round(kernel.peak_memory_mb, 1)
        result["output_truncated"] = kernel.truncated
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
