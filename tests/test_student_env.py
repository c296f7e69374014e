"""The students' environment: each release's requirements.txt pins exactly what requirements.lock
pins and holds everything the release imports, its README is current, and (the CI proof) a
fresh virtual environment made from that file alone runs the release notebook with the
reference solutions filled in: every visible check passes, and `nbgrader validate` succeeds."""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder import studentenv
from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY, nbgrader_meta, solutions, write_submission
from autograder import assignments

EACH = pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))


def lock_pins():
    """{canonical name: version} of requirements.lock, read here independently of studentenv."""
    pins = {}
    for line in (REPOSITORY / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.strip().split("==")
            pins[canonicalize_name(name)] = version
    return pins


def requirement_lines(assignment, where="source"):
    text = (REPOSITORY / where / assignment / "requirements.txt").read_text()
    return [Requirement(line) for line in text.splitlines() if line.strip() and not line.startswith("#")]


def pinned_here(assignment):
    """{canonical name: version} of the requirements that apply on this machine (Linux)."""
    found = {}
    for r in requirement_lines(assignment):
        if r.marker is None or r.marker.evaluate():
            found[canonicalize_name(r.name)] = str(r.specifier).removeprefix("==")
    return found


def test_every_assignment_has_its_runtime_packages():
    assert all(studentenv.runtime(a) for a in ASSIGNMENTS)


@EACH
def test_requirements_are_generated_from_the_lock_and_pin_exactly_its_versions(assignment):
    source = REPOSITORY / "source" / assignment / "requirements.txt"
    assert source.read_text() == studentenv.requirements_text(assignment), "run `make student-env`"
    assert (REPOSITORY / "release" / assignment / "requirements.txt").read_text() == source.read_text(), \
        "run `make release`"
    lock = lock_pins()
    for r in requirement_lines(assignment):
        specs = list(r.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{r} is not pinned exactly"
        name = canonicalize_name(r.name)
        if name in lock:
            assert specs[0].version == lock[name], f"{r} differs from the lock's {lock[name]}"
        else:  # only the macOS stand-in of a locked package, at that package's version
            replaced = next(k for k, v in studentenv.ON_MACOS.items() if v == name)
            assert str(r.marker) == studentenv.MACOS and specs[0].version == lock[replaced]


@EACH
def test_requirements_hold_every_dependency_of_what_they_pin(assignment):
    pinned = pinned_here(assignment)
    assert {canonicalize_name(p) for p in studentenv.runtime(assignment) + studentenv.TOOLS} <= set(pinned)
    requires = {name: [Requirement(t) for t in metadata.distribution(name).requires or []] for name in pinned}
    # a package asked for with extras (jsonschema[format-nongpl]) needs those extras' requirements too
    extras = {name: {""} for name in pinned}
    for needs in requires.values():
        for r in needs:
            if canonicalize_name(r.name) in extras and (r.marker is None or r.marker.evaluate({"extra": ""})):
                extras[canonicalize_name(r.name)] |= r.extras
    for name, needs in requires.items():
        for r in needs:
            if r.marker is None or any(r.marker.evaluate({"extra": e}) for e in extras[name]):
                dependency = canonicalize_name(r.name)
                assert dependency in pinned or dependency in studentenv.UNPINNED, f"{name} needs {r}"


def imported_modules(folder):
    """Top-level names of every module imported by the folder's .py files and notebooks."""
    sources = [p.read_text() for p in folder.rglob("*.py")]
    for path in folder.rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":  # IPython magics and shell escapes are not Python
                sources.append("\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!"))))
    names = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


@EACH
def test_every_module_the_release_imports_comes_from_its_requirements(assignment):
    folder = REPOSITORY / "release" / assignment
    local = {p.stem for p in folder.rglob("*.py")}
    providers = metadata.packages_distributions()
    pinned = pinned_here(assignment)
    third_party = imported_modules(folder) - set(sys.stdlib_module_names) - local
    assert {"numpy"} <= third_party
    for module in third_party:
        assert module in providers, f"{module} is imported by the release but installed by no package here"
        assert any(canonicalize_name(d) in pinned for d in providers[module]), \
            f"{module} ({providers[module]}) is imported by release/{assignment} but not in its requirements.txt"


def test_a_lock_that_differs_from_the_installed_environment_is_refused():
    lock = studentenv.read_lock()
    with pytest.raises(studentenv.LockMismatch, match="numpy"):
        studentenv.closure(["matplotlib"], {**lock, "numpy": ("numpy", "1.0.0")})
    with pytest.raises(studentenv.LockMismatch, match="pyparsing"):
        studentenv.closure(["matplotlib"], {k: v for k, v in lock.items() if k != "pyparsing"})


@EACH
def test_readme_is_current_and_lists_every_graded_function_with_its_points(assignment):
    source = REPOSITORY / "source" / assignment / "README.md"
    text = source.read_text()
    assert text == studentenv.readme_text(assignment), "run `make student-env`"
    assert (REPOSITORY / "release" / assignment / "README.md").read_text() == text, "run `make release`"
    graders = assignments.graders(assignment)
    for g in graders:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{g.function}("))
        assert row.endswith(f"| {g.points:g}{' extra credit' if g.bonus else ''} |"), row
    assert f"worth {sum(g.points for g in graders if not g.bonus):g} points" in text
    assert f"jupyter lab {assignments.notebook_file(assignment)}" in text and "pip install -r requirements.txt" in text


# ---------------------------------------------------------------------------------------------
# The CI proof: a student's fresh environment, made from the release's requirements file alone.


def student_environ(venv, scratch):
    """The environment of a student's shell with `venv` active: no trace of the course's own
    environment (PYTHONPATH, its bin/ on PATH), and Jupyter's and IPython's per-user folders in
    `scratch`, so that no kernel or configuration registered elsewhere on this machine is used."""
    ours = str(Path(sys.executable).parent)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != ours]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NBGRADER_EXECUTION", "JUPYTER_PATH",
                        "JUPYTER_CONFIG_PATH", "NBGRADER_DB_URL")}
    env.update(PATH=os.pathsep.join([str(venv / "bin"), *path]), VIRTUAL_ENV=str(venv),
               JUPYTER_DATA_DIR=str(scratch / "jupyter-data"), JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
               IPYTHONDIR=str(scratch / "ipython"), MPLCONFIGDIR=str(scratch / "matplotlib"),
               JUPYTER_PLATFORM_DIRS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def run(args, **kwargs):
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout[-5000:]}"
    return done.stdout


@pytest.fixture(scope="session")
def student_venv(tmp_path_factory):
    """assignment -> (venv, environ): a virtual environment made once per session with
    `python -m venv` and `pip install -r release/<assignment>/requirements.txt`, nothing else."""
    made = {}

    def make(assignment):
        if assignment not in made:
            scratch = tmp_path_factory.mktemp(f"student-{assignment}")
            venv = scratch / "venv"
            requirements = shutil.copy(REPOSITORY / "release" / assignment / "requirements.txt", scratch)
            run([sys.executable, "-m", "venv", venv], timeout=300)
            env = student_environ(venv, scratch)
            run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", requirements],
                cwd=scratch, env=env, timeout=1800)
            made[assignment] = venv, env
        return made[assignment]
    return make


def execute(venv, env, notebook, out_dir):
    """Run `notebook` top to bottom in its folder with the venv's nbconvert and the python3
    kernel the venv's ipykernel installed into its own prefix; returns the executed notebook."""
    run([venv / "bin" / "python", "-m", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=900",
         "--output-dir", out_dir, "--output", notebook.stem, notebook],
        cwd=notebook.parent, env=env, timeout=1800)
    return nbformat.read(Path(out_dir) / notebook.name, as_version=4)


def outputs_of(cell, kind, name=None):
    return [o for o in cell.get("outputs", []) if o.output_type == kind and (name is None or o.get("name") == name)]


@pytest.mark.xdist_group("course")
@EACH
def test_release_runs_in_a_fresh_environment_made_from_its_requirements_alone(assignment, student_venv, tmp_path):
    venv, env = student_venv(assignment)
    course = tmp_path / "course"
    shutil.copytree(REPOSITORY / "release" / assignment, course / "release" / assignment)
    folder = write_submission(course, "student", assignment, solutions(assignment))
    notebook = folder / assignments.notebook_file(assignment)

    # The kernel is the fresh environment's python, and the course's package is out of its reach.
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, importlib.util, json\n"
        "print(json.dumps([sys.prefix, importlib.util.find_spec('autograder') is None]))")])
    nbformat.write(probe, folder / "probe.ipynb")
    probed = execute(venv, env, folder / "probe.ipynb", tmp_path / "probe")
    (folder / "probe.ipynb").unlink()
    prefix, no_autograder = json.loads(outputs_of(probed.cells[0], "stream", "stdout")[0].text)
    assert Path(prefix) == venv and no_autograder

    # A student's run, training shortened as under grading (the notebooks honour NBGRADER_EXECUTION).
    executed = execute(venv, dict(env, NBGRADER_EXECUTION="autograde"), notebook, tmp_path / "executed")
    for cell in executed.cells:
        assert not outputs_of(cell, "error"), f"{cell.source[:80]}\n{outputs_of(cell, 'error')[0].evalue}"
        assert not outputs_of(cell, "stream", "stderr"), \
            f"stderr in {cell.source[:80]!r}: {outputs_of(cell, 'stream', 'stderr')[0].text[:300]}"
    public = {nbgrader_meta(c)["grade_id"].removesuffix("_public"): c for c in executed.cells
              if nbgrader_meta(c).get("grade_id", "").endswith("_public")}
    assert set(public) == {g.function for g in assignments.graders(assignment)}
    for function, cell in public.items():
        printed = "".join(o.text for o in outputs_of(cell, "stream", "stdout"))
        assert re.search(rf"^check_{function}: all visible tests passed\.$", printed, re.MULTILINE), \
            f"{function}'s visible check printed {printed!r}"

    # The Validate button's command, from the fresh environment (full-length training). nbgrader
    # waits only 4 s for a cell's last output after its reply; on a loaded CI machine, after 100
    # epochs of training on every core, that wait once ran out ("Timeout waiting for IOPub output").
    report = run([venv / "bin" / "python", "-m", "nbgrader", "validate", "--Execute.iopub_timeout=60", notebook.name],
                 cwd=folder, env=env, timeout=1800)
    assert "Success! Your notebook passes all the tests." in report, report[-3000:]
