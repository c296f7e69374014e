"""Course-level checks, generic over assignments: a new assignment is covered by adding it to
autograder.course.ASSIGNMENTS, its graders and its catalogue."""
import filecmp
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import ASSIGNMENTS, REPOSITORY, nbgrader_meta, release_notebook, source_notebook
from autograder.demo import BUGGY_STUDENTS
from autograder.graders import ASSIGNMENT_GRADERS

pytestmark = pytest.mark.xdist_group("course")
EACH = pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))


def points(assignment):
    return {g.function: g.points for g in ASSIGNMENT_GRADERS[assignment]}


@EACH
def test_reference_solution_earns_full_marks(graded_course, assignment):
    root, tables = graded_course
    table, _ = tables[assignment]
    assert table["reference"] == points(assignment)


@EACH
def test_untouched_release_earns_zero_without_crashing(graded_course, assignment):
    table, _ = graded_course[1][assignment]
    assert table["untouched"] == dict.fromkeys(points(assignment), 0.0)


@EACH
def test_each_bug_loses_points_in_its_own_function_only(graded_course, assignment):
    table, _ = graded_course[1][assignment]
    for student, mistakes in BUGGY_STUDENTS.get(assignment, {}).items():
        wrong = {key.split("__")[0] for key in mistakes}
        for function, full in points(assignment).items():
            if function in wrong:
                assert table[student][function] < full, (student, function)
            else:
                assert table[student][function] == full, (student, function)


@EACH
def test_feedback_shows_reports_but_no_hidden_test_code(graded_course, assignment):
    root, _ = graded_course
    pages = list((root / "feedback").glob(f"*/{assignment}/*.html"))
    assert len(pages) == 2 + len(BUGGY_STUDENTS.get(assignment, {}))
    for page in pages:
        html = page.read_text()
        assert "grading seed" in html
        assert "HIDDEN TESTS" not in html and "from autograder" not in html


@EACH
def test_release_equals_a_fresh_generation(graded_course, assignment):
    root, _ = graded_course
    fresh, committed = root / "release" / assignment, REPOSITORY / "release" / assignment
    comparison = filecmp.dircmp(fresh, committed, ignore=["__pycache__"])

    def differences(c):
        found = c.left_only + c.right_only + c.diff_files + c.funny_files
        return found + [f for sub in c.subdirs.values() for f in differences(sub)]
    assert differences(comparison) == [], "release/ is stale: run `make release` and commit it"


@EACH
def test_release_holds_no_solution_no_hidden_test_no_instructor_file(assignment):
    folder = REPOSITORY / "release" / assignment
    for path in folder.rglob("*"):
        if path.suffix in (".py", ".ipynb"):
            text = path.read_text()
            for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "autograder"):
                assert marker not in text, f"{path.name} contains {marker!r}"
    assert not (folder / "make_figures.py").exists()
    reference = {nbgrader_meta(c)["grade_id"]: c.source for c in
                 nbformat.read(source_notebook(assignment), as_version=4).cells if nbgrader_meta(c).get("solution")}
    released = nbformat.read(release_notebook(assignment), as_version=4)
    for cell in released.cells:
        if nbgrader_meta(cell).get("solution"):
            assert "raise NotImplementedError" in cell.source
            assert cell.source != reference[nbgrader_meta(cell)["grade_id"]]


@EACH
def test_cell_metadata_is_valid_and_points_add_up(assignment):
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    metas = [nbgrader_meta(c) for c in nb.cells if nbgrader_meta(c)]
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), "grade ids must be unique"
    tests = {m["grade_id"]: m["points"] for m in metas if m.get("grade")}
    assert tests == {f"test_{f}": p for f, p in points(assignment).items()}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            assert meta["locked"] and re.search(rf'grade\("{assignment}\.{meta["grade_id"][5:]}", globals\(\)\)',
                                                cell.source), meta["grade_id"]
    graders = ASSIGNMENT_GRADERS[assignment]
    core = sum(g.points for g in graders if not g.bonus)
    bonus = sum(g.points for g in graders if g.bonus)
    intro = nb.cells[0].source
    assert f"{core:g} points" in intro and (not bonus or f"{bonus:g} bonus points" in intro)


def test_committed_notebooks_carry_no_outputs():
    notebooks = list((REPOSITORY / "source").rglob("*.ipynb")) + list((REPOSITORY / "release").rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path


@EACH
def test_source_notebook_runs_top_to_bottom_without_errors_or_stderr(assignment, tmp_path):
    folder = tmp_path / assignment  # a copy: notebooks write files (the jazz solo) where they run
    shutil.copytree(source_notebook(assignment).parent, folder)
    nb = nbformat.read(folder / source_notebook(assignment).name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{cell.source[:80]}\n{output.get('evalue')}"
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"stderr in cell {cell.source[:80]!r}: {output.text[:200]}"
    graded = {nbgrader_meta(c)["grade_id"][5:]: c for c in nb.cells if nbgrader_meta(c).get("grade")}
    for function, full in points(assignment).items():
        results = [o for o in graded[function].outputs if o.output_type == "execute_result"]
        assert float(results[0]["data"]["text/plain"]) == full, function
