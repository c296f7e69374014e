"""Course-level checks, generic over assignments: a new assignment is covered by adding it to
autograder.course.ASSIGNMENTS, its graders and its catalogue."""
import csv
import filecmp
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.assignments import ASSIGNMENTS
from autograder.course import REPOSITORY, nbgrader, nbgrader_meta, release_notebook, source_notebook
from autograder import assignments
from autograder.grading import EXTRA_CREDIT_TYPE

pytestmark = pytest.mark.xdist_group("course")
EACH = pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))


def points(assignment):
    return {g.function: g.points for g in assignments.graders(assignment)}


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
    for student, mistakes in assignments.demo_students(assignment).items():
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
    assert len(pages) == 2 + len(assignments.demo_students(assignment))
    for page in pages:
        html = page.read_text()
        assert "grading seed" in html
        assert "HIDDEN TESTS" not in html and "from autograder" not in html
        # the course's page: the core out of 100, bonus functions as extra credit
        student, extra = page.parts[-3], sum(g.points for g in assignments.graders(assignment) if g.bonus)
        core = {"reference": "100", "untouched": "0"}.get(student, r"\d+(\.\d+)?")
        bonus = {"reference": f", plus {extra:g} extra credit" if extra else "", "untouched": ""}.get(
            student, r"(, plus \d+(\.\d+)? extra credit)?")
        title = rf"<h1>{page.stem}: {core} / 100 points{bonus}</h1>"
        assert re.search(title, html), (page, title)


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
    graders = assignments.graders(assignment)
    tests = {m["grade_id"]: m["points"] for m in metas if m.get("grade") and m["grade_id"].startswith("test_")}
    # a bonus function's test cell is worth 0: its points are extra credit (SaveExtraCredit)
    assert tests == {f"test_{g.function}": 0 if g.bonus else g.points for g in graders}
    visible = {m["grade_id"]: m["points"] for m in metas if m["grade_id"].endswith("_public")}
    # the visible checks are 0-point grade cells, so that nbgrader validate reports their failures
    assert visible == {f"{g.function}_public": 0 for g in graders}
    assert all(m.get("grade") for m in metas if m["grade_id"].endswith("_public"))
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta["grade_id"].startswith("test_"):
            assert meta["locked"] and re.search(rf'grade\("{assignment}\.{meta["grade_id"][5:]}", globals\(\)\)',
                                                cell.source), meta["grade_id"]
        elif meta.get("grade"):
            assert meta["locked"] and f"check_{meta['grade_id'][:-len('_public')]}(" in cell.source
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
    graded = {nbgrader_meta(c)["grade_id"][5:]: c for c in nb.cells
              if nbgrader_meta(c).get("grade_id", "").startswith("test_")}
    for g in assignments.graders(assignment):
        value = next(o for o in graded[g.function].outputs if o.output_type == "execute_result")["data"]
        if g.bonus:
            assert value["text/plain"] == "0" and value[EXTRA_CREDIT_TYPE]["points"] == g.points, g.function
        else:
            assert float(value["text/plain"]) == g.points, g.function


@EACH
def test_export_is_out_of_the_core_points_with_the_bonus_as_extra_credit(graded_course, assignment, tmp_path):
    root, _ = graded_course
    graders = assignments.graders(assignment)
    core = sum(g.points for g in graders if not g.bonus)
    bonus = sum(g.points for g in graders if g.bonus)
    out = tmp_path / "grades.csv"
    nbgrader(root, "export", "--to", str(out))
    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(out.open())}
    reference, untouched = rows[(assignment, "reference")], rows[(assignment, "untouched")]
    assert float(reference["max_score"]) == core == float(untouched["max_score"])
    assert float(reference["score"]) == core + bonus and float(untouched["score"]) == 0


def validate(folder):
    """`nbgrader validate` as a student runs it: in their own folder, without the course's config."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", *[p.name for p in folder.glob("*.ipynb")]],
                          cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    return done.stdout


@EACH
def test_validate_fails_on_the_blank_release_with_the_visible_checks_message(graded_course, assignment, tmp_path):
    root, _ = graded_course
    folder = shutil.copytree(root / "release" / assignment, tmp_path / assignment)
    output = validate(folder)
    assert "VALIDATION FAILED" in output and "passes all the tests" not in output
    assert "public_tests.check_" in output and "NotImplementedError" in output


@EACH
def test_validate_passes_the_reference_and_fails_one_wrong_function(graded_course, assignment, tmp_path):
    root, _ = graded_course
    reference = shutil.copytree(root / "submitted" / "reference" / assignment, tmp_path / "reference")
    assert "Success! Your notebook passes all the tests." in validate(reference)
    student, mistakes = next(iter(assignments.demo_students(assignment).items()))
    wrong = shutil.copytree(root / "submitted" / student / assignment, tmp_path / student)
    output = validate(wrong)
    function = mistakes[0].split("__")[0]
    assert "VALIDATION FAILED" in output and f"check_{function}({function})" in output
    assert f"check_{function} failed" in output or "AssertionError" in output
