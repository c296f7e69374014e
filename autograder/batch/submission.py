"""Grade one submission: what a batch worker does, self-contained (the task carries every
file it needs, so a worker on another machine needs only this package installed).

1. Lay out a private scratch folder (a size-limited tmpfs): the released files (master copies: a student's edited
   helper module is replaced, as `nbgrader autograde` does) and the student's notebook.
2. Read the notebook (malformed, missing or over the cell cap: a status, no execution) and
   put every graded cell back in the release's order, locked and test cells as released,
   noting each change the student made.
3. Run it top to bottom in a sandboxed kernel (`autograder.sandbox.kernel`). At each test
   cell the function's checks run here, in the worker, against the kernel's namespace as it
   is at that point (`autograder.sandbox.remote`); the cell's output becomes the report and
   the points, the form `nbgrader` reads partial credit from.
4. Return plain data: status, points per graded function, reports, what the worker saw the
   student's code attempt (never what the kernel says of itself, which is only a note), and
   the executed notebook with only outputs safe to render (`shown`).
"""
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import assignments
from ..course import nbgrader_meta
from ..grading import one_line
from ..limits import Limits
from ..probes import grading_seed
from ..sandbox.kernel import PYTHON, KernelLost, SandboxedKernel, scratch_folder, within
from ..status import Status
from .evidence import CodeWatch, Files, processes
from .shown import safe_notebook

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
    """The student's notebook with every graded cell of `master` (the released notebook: every
    cell with a grade_id, solution, locked and test cells alike) in the release's order, and
    what the student changed. Returns (notebook to run, list of what was changed).

    - A locked or test cell changed or deleted is the master's again; a solution cell keeps
      the student's code with the master's type and metadata; a duplicate is removed.
    - A graded cell moved out of the release's order goes back to its place ("moved"): the
      cells left in order are the longest run of them the student kept in order.
    - The student's other cells (their own, and the release's ungraded ones) stay where they
      were relative to their neighbours: each follows the graded cell it followed, or, when
      that one was moved away, the nearest graded cell before it that was not.
    - nbgrader metadata on any other cell (a grade_id the release does not have, or none at
      all) is removed: only the release's graded cells are graded."""
    changes = []
    order, masters = {}, {}
    for cell in master.cells:
        grade_id = grade_id_of(cell)
        if grade_id and grade_id not in masters:
            order[grade_id], masters[grade_id] = len(order), cell
    leading, graded, followers, anchor = [], {}, {}, None  # anchor: the graded cell before, in the student's order
    sequence = []  # (grade_id or None, cell) in the student's order
    for position, cell in enumerate(notebook.cells):
        grade_id = grade_id_of(cell)
        if grade_id in masters and grade_id not in graded:
            graded[grade_id] = restored(cell, masters[grade_id], changes)
            sequence.append((grade_id, None))
            continue
        if grade_id in graded:
            changes.append(f"cell {grade_id!r} appears twice (the copy was removed)")
            continue
        if "nbgrader" in cell.get("metadata", {}):
            changes.append(f"cell {grade_id!r} is not a cell of the assignment (kept as an ordinary cell)" if grade_id
                           else f"cell {position + 1} has nbgrader metadata but no grade_id (kept as an ordinary cell)")
            cell.metadata.pop("nbgrader", None)
        sequence.append((None, cell))
    kept = in_order([order[g] for g, _ in sequence if g])
    stays = {g for g, _ in sequence if g and order[g] in kept}
    for grade_id, cell in sequence:
        if grade_id:
            if grade_id not in stays:
                changes.append(f"cell {grade_id!r} was moved (put back in its place)")
            else:
                anchor = grade_id
        else:
            (followers.setdefault(anchor, []) if anchor else leading).append(cell)
    cells = list(leading)
    for grade_id, original in masters.items():
        if grade_id not in graded:
            changes.append(f"cell {grade_id!r} was deleted (restored)")
        cells.append(graded.get(grade_id) or nbformat.from_dict(original))
        cells += followers.get(grade_id, [])
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.cells = cells
    notebook.nbformat, notebook.nbformat_minor = master.nbformat, max(master.nbformat_minor,
                                                                      notebook.get("nbformat_minor", 0))
    unique_ids(notebook)
    return notebook, changes


def grade_id_of(cell):
    """The cell's nbgrader grade_id when it is a non-empty string, else None."""
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) and grade_id else None


def restored(cell, original, changes):
    """The student's `cell` in the place of the master's `original`: a locked or test cell
    is the master's; a solution cell keeps the student's source under the master's type and
    metadata. Each difference is noted in `changes`."""
    meta, grade_id = nbgrader_meta(original), grade_id_of(original)
    if meta.get("locked") or meta.get("grade") and not meta.get("solution"):
        if cell.cell_type != original.cell_type or cell.source != original.source:
            changes.append(f"locked cell {grade_id!r} was modified (restored)")
        elif nbgrader_meta(cell) != meta:
            changes.append(f"the metadata of cell {grade_id!r} was modified (restored)")
        return nbformat.from_dict(original)
    if nbgrader_meta(cell) != meta or cell.cell_type != original.cell_type:
        changes.append(f"the metadata of cell {grade_id!r} was modified (restored)")
    source = cell.source if isinstance(cell.get("source"), str) else ""
    fresh = nbformat.from_dict(original)
    fresh.source = source
    return fresh


def in_order(indices):
    """The longest increasing subsequence of `indices` (distinct numbers), as a set: the
    graded cells a student kept in the release's order (patience sorting, O(n log n))."""
    import bisect
    tails, tail_at, previous = [], [], [None] * len(indices)
    for i, value in enumerate(indices):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = value, i
        previous[i] = tail_at[k - 1] if k else None
    found, i = set(), tail_at[-1] if tail_at else None
    while i is not None:
        found.add(indices[i])
        i = previous[i]
    return found


def unique_ids(notebook):
    """Give every cell an id of nbformat's form, none twice (the release's graded cells keep
    theirs; a student's cell that collides with one gets a fresh id)."""
    import re
    if (notebook.nbformat, notebook.nbformat_minor) < (4, 5):
        for cell in notebook.cells:
            cell.pop("id", None)
        return
    graded = {c.get("id") for c in notebook.cells if grade_id_of(c)}
    seen = set()
    for cell in notebook.cells:
        name = cell.get("id")
        if not isinstance(name, str) or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", name) or name in seen or \
                (name in graded and not grade_id_of(cell)):
            name = secrets.token_hex(8)
        seen.add(name)
        cell["id"] = name


class TooManyCells(ValueError):
    """A notebook with more cells than `Limits.notebook_cells`, or a cell longer than
    `Limits.cell_chars` (Status.REFUSED: not run)."""


def read_notebook(data, max_cells=None, max_chars=None):
    """The notebook in `data` (bytes), or a ValueError saying why it cannot be read
    (TooManyCells past `max_cells` cells or a cell past `max_chars` characters, counted before
    the notebook is validated: a 5 MB cell cost the worker 2 GB to read and feedback 6 GB)."""
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:
        raise ValueError(f"{type(error).__name__}: {str(error)[:300]}") from None
    cells = notebook.get("cells")
    if max_cells is not None and isinstance(cells, list) and len(cells) > max_cells:
        raise TooManyCells(f"has {len(cells)} cells (at most {max_cells} are graded; the release has far fewer)")
    if max_chars is not None and isinstance(cells, list):
        longest = max((len(c.get("source", "")) for c in cells if isinstance(c, dict) and
                       isinstance(c.get("source", ""), str)), default=0)
        if longest > max_chars:
            raise TooManyCells(f"has a cell of {longest} characters (at most {max_chars} are graded)")
    try:
        nbformat.validate(notebook)
    except Exception as error:
        raise ValueError(f"{type(error).__name__}: {str(error)[:300]}") from None
    return notebook


def write_files(folder, files):
    """Write {relative path: bytes} under `folder`; a path that would leave it ("../x", an
    absolute one) is ignored."""
    folder = Path(folder)
    for relative, data in files.items():
        parts = relative.split("/")
        if any(part in ("", ".", "..") for part in parts) or relative.startswith("/"):
            continue
        path = folder.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def lay_out(folder, release, files, skip=()):
    """Write the released files (but those in `skip`), then the student's files that take no
    released file's place: the master copy of a released file wins (as `nbgrader autograde`
    does), and a student's file where the release has a folder (`images`), or a folder where it
    has a file, is left out. Returns the student's files left out that way."""
    release = {k: v for k, v in release.items() if k not in skip}
    folders = {"/".join(k.split("/")[:i]) for k in release for i in range(1, k.count("/") + 1)}
    theirs, left_out = {}, []
    for name, data in (files or {}).items():
        parts = name.split("/")
        if name in release or name in skip:
            continue
        if name in folders or any("/".join(parts[:i]) in release for i in range(1, len(parts))):
            left_out.append(name)
            continue
        theirs[name] = data
    write_files(folder, release)
    write_files(folder, theirs)
    return left_out


def blank_result(student, assignment, status=Status.GRADED, detail=""):
    """The result of a submission before (or instead of) grading: every function at zero."""
    functions = assignments.graders(assignment)
    return {"student": student, "assignment": assignment, "status": status, "detail": detail,
            "points": {g.function: 0.0 for g in functions}, "max_points": {g.function: g.points for g in functions},
            "reports": {}, "integrity": [], "activity": [], "kernel_says": [], "notebook": None, "seconds": 0.0,
            "peak_memory_mb": 0.0, "seed": None, "output_truncated": False}


def ungraded_notebook(master, graders, reason):
    """The released notebook with every test cell at zero, saying why (nothing was run; the
    reason, which may name the student's files, on one line)."""
    reason = one_line(reason, 500)
    notebook = restore_cells(master, master)[0]
    for cell in notebook.cells:
        if graded_function(cell, graders):
            cell.outputs = graded_outputs(f"Not graded: {reason}.")
    return notebook


def grade_submission(task):
    """Grade one Task; never raises for anything the submission does. Returns a dict:
    status, detail, points {function: points}, max_points, reports {function: full text},
    integrity [positive evidence the worker itself observed of what the student changed or
    tried: sets the status], activity [processes, files and the like the worker saw: recorded
    only], kernel_says [what the kernel reported of itself: a note, never evidence], notebook
    (JSON text, safe to render, or None), seconds, peak_memory_mb, seed."""
    started = time.monotonic()
    graders = assignments.graders(task.assignment)
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
            notebook = read_notebook(data, task.limits.notebook_cells, task.limits.cell_chars)
        except TooManyCells as error:
            result.update(status=Status.REFUSED, detail=f"{task.notebook} {error}")
        except ValueError as error:
            result.update(status=Status.MALFORMED, detail=f"{task.notebook} cannot be read: {error}")
        else:
            notebook, changes = restore_cells(notebook, master)
            notebook = nbformat.from_dict(storable(notebook))  # a lone surrogate in a cell cannot be written
            result["integrity"].extend(changes)
            run_notebook(task, notebook, graders, seed, result)
    if result["status"] in (Status.MISSING, Status.MALFORMED, Status.REFUSED):
        notebook = ungraded_notebook(master, graders, result["detail"])
    elif result["integrity"] and result["status"] in (Status.GRADED, Status.GRADER_ERROR):
        # positive evidence is a verdict, even where the grader also had trouble
        result["status"] = Status.TAMPERING
        result["detail"] = "; ".join(result["integrity"])[:500]
    result["notebook"] = nbformat.writes(safe_notebook(notebook, master))
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
    with scratch_folder(task.limits) as workdir:
        lay_out(workdir, task.release, task.files, skip=(task.notebook,))
        nbformat.write(notebook, workdir / task.notebook)
        files = Files(workdir)
        hide = hidden_folders(task.protected)
        names = assignments.graded_names(task.assignment)
        pending = [c for c in notebook.cells if c.cell_type == "code"]
        kernel = SandboxedKernel(workdir, task.limits, hide=hide, keep=PYTHON)
        session = None
        code, seen = CodeWatch(hide), []  # what the worker observes: the code it sends, the processes
        positions = {id(c): i + 1 for i, c in enumerate(notebook.cells)}
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
                else:  # the code sent to the kernel is read first (evidence the worker observed)
                    code.read(cell.source, f"cell {positions[id(cell)]}"
                                           + (f" ({grade_id_of(cell)})" if grade_id_of(cell) else ""))
                    cell.outputs = kernel.execute(cell.source)
                seen.extend(p for p in processes(kernel) if p not in seen)
                pending.pop(0)
        except KernelLost as lost:
            result.update(status=lost.status, detail=lost.detail)
            for cell in pending:
                function = graded_function(cell, graders)
                if function:
                    cell.outputs = graded_outputs(f"Not graded: {lost.detail}.")
                    result["reports"][function] = f"not graded: {lost.detail}"
        finally:
            result["integrity"].extend(code.evidence)
            result["activity"] = [f"a process ran in the sandbox: {p}" for p in seen[:50]] + code.notes
            try:
                result["activity"] += files.changes()
            except (OSError, RecursionError):  # (a tree too deep to walk: the listing says what it could)
                pass
            if session is not None:
                result["integrity"].extend(session.tampering)
                result["kernel_says"] = session.kernel_says
                if session.faults and result["status"] == Status.GRADED:
                    result.update(status=Status.GRADER_ERROR, detail="; ".join(session.faults)[:500])
                session.close()
            kernel.shutdown()
        result["peak_memory_mb"] = round(kernel.peak_memory_mb, 1)
        result["output_truncated"] = kernel.truncated
