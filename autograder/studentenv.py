"""The students' environment: for each assignment, the packages its release needs, pinned
exactly as in requirements.lock, and a short README. Both are written into
source/<assignment>/, so `nbgrader generate_assignment` ships them with the release.

    python -m autograder.studentenv           # (re)write them (`make student-env`)
    python -m autograder.studentenv --check   # exit 1 if a file differs from what would be written

A requirements file lists every package the assignment's top-level packages need, transitively,
read from the metadata of the installed course environment (which `make install` builds from
requirements.lock), and refuses to write anything when that environment differs from the lock.
"""
import argparse
import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import nbformat
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .assignments import ASSIGNMENTS, graders, notebook_file, part
from .course import REPOSITORY, nbgrader_meta, source_notebook



def runtime(assignment):
    """What a student installs for an assignment: the packages its notebook and helper modules
    import (its folder's STUDENT_PACKAGES; tests/test_student_env.py checks them against the
    release's imports)..."""
    return part(assignment).STUDENT_PACKAGES


# ... plus JupyterLab and its kernel to work in, and nbgrader for the Validate button.
TOOLS = ("jupyterlab", "ipykernel", "nbgrader")

# tensorflow-cpu has no macOS wheels; there the full tensorflow of the same version replaces it.
ON_MACOS = {"tensorflow-cpu": "tensorflow"}
MACOS = 'sys_platform == "darwin"'

# pip freeze (hence the lock) leaves out pip's own build tools: pip chooses their versions.
UNPINNED = {"pip", "setuptools", "wheel"}


class LockMismatch(RuntimeError):
    """The installed environment is not the one requirements.lock describes."""


def read_lock(path=REPOSITORY / "requirements.lock"):
    """{canonical name: (name as the lock spells it, version)} of every `name==version` line."""
    pins = {}
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = (name.strip(), version.strip())
    return pins


def _needs(name, extras):
    """Requirements of the installed distribution `name` with `extras`, whose markers hold here."""
    environments = [{"extra": extra} for extra in ("", *extras)]
    for text in metadata.distribution(name).requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or any(requirement.marker.evaluate(e) for e in environments):
            yield requirement


def closure(roots, lock):
    """Canonical names of `roots` and of everything they need, transitively, on this platform
    (Linux, Python 3.11: the lock's), pip's build tools excepted.

    Raises LockMismatch when a package is not pinned in `lock` or installed at another version."""
    found, todo, seen = set(), [Requirement(r) for r in roots], set()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen or name in UNPINNED:
            continue
        seen.add(key)
        if name not in lock:
            raise LockMismatch(f"{name} is needed but not pinned in requirements.lock: run `make lock`")
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise LockMismatch(f"{name} is pinned but not installed: run `make install`") from None
        if installed != lock[name][1]:
            raise LockMismatch(f"{name} {installed} is installed, the lock pins {lock[name][1]}: run `make install`")
        found.add(name)
        todo.extend(_needs(name, requirement.extras))
    return found


def requirements_text(assignment, lock=None):
    """The contents of source/<assignment>/requirements.txt."""
    lock = read_lock() if lock is None else lock
    roots = runtime(assignment) + TOOLS
    lines = [
        f"# The Python packages of the {assignment} assignment, each at the exact version the course",
        "# is graded with (Python 3.11). Install them into a fresh environment:",
        "#     python -m pip install -r requirements.txt",
        f"# The notebook and its helper modules import: {', '.join(runtime(assignment))}.",
        "# JupyterLab is where you work; nbgrader gives you the Validate button. The other packages",
        "# are what these need. Generated from the course's lock file: please do not edit.",
    ]
    for name in sorted(closure(roots, lock)):
        spelled, version = lock[name]
        if name in ON_MACOS:
            lines += [f"{spelled}=={version}; sys_platform != \"darwin\"",
                      f"{ON_MACOS[name]}=={version}; {MACOS}"]
        else:
            lines.append(f"{spelled}=={version}")
    return "\n".join(lines) + "\n"


def graded_signatures(assignment, root=REPOSITORY):
    """[(function name, its signature as the notebook defines it)] of every solution cell that
    defines a function, in notebook order."""
    found = []
    for cell in nbformat.read(source_notebook(assignment, root), as_version=4).cells:
        if not nbgrader_meta(cell).get("solution"):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef):
                found.append((node.name, f"{node.name}({ast.unparse(node.args)})"))
    return found


def _title(assignment, root):
    """The notebook's first heading."""
    first = nbformat.read(source_notebook(assignment, root), as_version=4).cells[0].source
    return re.search(r"^# (.+)$", first, re.MULTILINE).group(1).strip()


README = """\
# {title}

This folder is the `{assignment}` assignment: the notebook `{notebook}`,
the helper modules it imports and the files it reads. Everything you need is in here.

## Set up once

You need Python 3.11. In this folder, make a virtual environment and install the packages:

```bash
python3.11 -m venv .venv
source .venv/bin/activate          # on Windows: .venv\\Scripts\\activate
python -m pip install -r requirements.txt
```

`requirements.txt` pins every package to the version your work is graded with, so what runs
for you runs the same way for the grader.{macos}

## Work in JupyterLab

```bash
jupyter lab {notebook}
```

Start it in this folder: its `nbgrader_config.py` gives Validate the time a cell that builds
or trains a model needs.

Run the cells in order from the top. Write your code where a cell says `# YOUR CODE HERE`,
in place of the line `raise NotImplementedError()`. The functions you write:

| function | points |
|---|---|
{functions}

The assignment is worth {core:g} points{bonus}.

## Check your work

- **Visible checks.** The cell after each function runs `public_tests.check_<function>`. It
  prints `check_<function>: all visible tests passed.`, or raises an `AssertionError` that says
  what was expected, what came back and where to look. Fix a failing function before going on:
  later cells build on it.
- **Validate.** When you are done, save the notebook and press **Validate** in the notebook's
  toolbar, or run `nbgrader validate {notebook}`
  in a terminal in this folder with the environment active. It runs the whole notebook from
  the top in a fresh kernel and answers either "Success! Your notebook passes all the tests."
  or which visible check failed and why.{training}
- **Hidden tests.** Under each visible check is a test cell that is empty in your copy. When
  your submission is graded it holds the hidden tests: they call your function on sizes and
  random seeds you have not seen, size-one cases among them, and compare what it returns with
  a reference implementation. Passing the visible checks is a good sign, not a guarantee. Your
  feedback says which checks failed, with a hint.

## What not to change

- The name of each function, its arguments and their order, and what it returns, in that
  order: the grader calls your functions directly.
- The locked cells: setup, data, visible checks and the empty test cells (JupyterLab will not
  let you edit them). Grading puts the original cells back, so a change there is lost, and it
  is recorded.
- The notebook's file name, and the helper modules and data in this folder: grading uses the
  course's own copies of them.

Before you hand in, run *Kernel → Restart Kernel and Run All Cells* and check that every
visible check printed its line.
"""



def readme_text(assignment, root=REPOSITORY):
    """The contents of source/<assignment>/README.md."""
    graded = {g.function: g for g in graders(assignment)}
    rows = []
    for name, signature in graded_signatures(assignment, root):
        if name in graded:
            g = graded[name]
            rows.append(f"| `{signature}` | {g.points:g}{' extra credit' if g.bonus else ''} |")
    core = sum(g.points for g in graded.values() if not g.bonus)
    bonus = sum(g.points for g in graded.values() if g.bonus)
    macos = ("\nOn a Mac, pip installs `tensorflow` in place of `tensorflow-cpu` (same version), "
             "which has no macOS build." if any(p in ON_MACOS for p in runtime(assignment)) else "")
    return README.format(title=_title(assignment, root), assignment=assignment, notebook=notebook_file(assignment),
                         functions="\n".join(rows), core=core,
                         bonus=f", plus {bonus:g} extra-credit points for the bonus functions" if bonus else "",
                         macos=macos, training=getattr(part(assignment), "VALIDATE_NOTE", ""))


def generated(root=REPOSITORY):
    """{path: contents} of every file this module writes."""
    lock = read_lock(Path(root) / "requirements.lock")
    files = {}
    for assignment in ASSIGNMENTS:
        folder = Path(root) / "source" / assignment
        files[folder / "requirements.txt"] = requirements_text(assignment, lock)
        files[folder / "README.md"] = readme_text(assignment, root)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ (exit 1)")
    check = parser.parse_args(argv).check
    stale = []
    for path, text in generated().items():
        if not path.exists() or path.read_text() != text:
            stale.append(path)
            if not check:
                path.write_text(text)
    verb = "differs" if check else "written"
    for path in stale:
        print(f"{path.relative_to(REPOSITORY)}: {verb}")
    if check and stale:
        print("run `make student-env`, then `make release`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
