"""Restoring a submission's graded cells (`restore_cells`) on small nbgrader-style fixtures:
a six-cell release (tests/fixtures/restore/master.ipynb) and one submission per change a
student can make to it, each file written by make_fixtures.py beside them. Whatever the change,
the notebook that runs holds every locked and test cell exactly as released, every graded cell
in the release's order, the student's solutions and own cells, no nbgrader metadata but the
release's, and the list of changes names what was restored."""
import copy
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import compute_checksum

from autograder.batch.submission import grade_id_of, read_notebook, restore_cells
from autograder.course import nbgrader_meta

FIXTURES = Path(__file__).parent / "fixtures" / "restore"
MASTER = read_notebook((FIXTURES / "master.ipynb").read_bytes())
# what the list of changes says for each submission ({position}: where the student put the cell)
EXPECTED = {
    "untouched": [],
    "locked_source_changed": ["locked cell 'test_double' was modified (restored)"],
    "locked_setup_deleted": ["cell 'setup' was deleted (restored)"],
    "test_cell_duplicated": ["cell 'test_square' appears twice (the copy was removed)"],
    "test_cell_moved_after_a_later_one": ["cell 'test_double' was moved (put back in its place)"],
    "points_raised": ["the metadata of cell 'test_double' was modified (restored)"],
    "locked_removed": ["the metadata of cell 'test_square' was modified (restored)"],
    "grade_id_changed": ["cell 'test_double_mine' is not a cell of the assignment (kept as an ordinary cell)",
                         "cell 'test_double' was deleted (restored)"],
    "solution_added_to_a_test_cell": ["locked cell 'test_square' was modified (restored)"],
    "made_up_solution_cell": ["cell {position} has nbgrader metadata but no grade_id (kept as an ordinary cell)"],
    "markdown_locked_cell_changed": ["locked cell 'intro' was modified (restored)"],
    "solution_cell_made_markdown": ["the metadata of cell 'square' was modified (restored)"],
    "locked_setup_made_markdown": ["locked cell 'setup' was modified (restored)"],
}


def submission(case):
    return read_notebook((FIXTURES / f"{case}.ipynb").read_bytes())


def locked(cell):
    """A cell the student may not change: locked, or a test cell (graded, no solution)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("locked") or meta.get("grade") and not meta.get("solution"))


def test_every_fixture_has_its_expected_changes_and_the_release_is_small():
    assert sorted(p.stem for p in FIXTURES.glob("*.ipynb") if p.stem != "master") == sorted(EXPECTED)
    kinds = [(c.cell_type, locked(c), bool(nbgrader_meta(c).get("grade"))) for c in MASTER.cells]
    assert 3 <= len(kinds) <= 6 and {("markdown", True, False), ("code", True, False), ("code", False, False),
                                     ("code", True, True)} <= set(kinds)


def test_the_fixtures_are_what_make_fixtures_writes():
    """The committed files are the generator's output (regenerate them after changing a case)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    def same(notebook, name):
        return json.loads(nbformat.writes(notebook)) == json.loads((FIXTURES / f"{name}.ipynb").read_text())
    assert same(maker.master(), "master")
    assert sorted(maker.CASES) == sorted(EXPECTED)
    assert all(same(maker.edit(change), case) for case, change in maker.CASES.items())


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_submission_is_restored_to_the_release_around_the_students_work(case):
    student = submission(case)
    notebook, changes = restore_cells(copy.deepcopy(student), MASTER)
    nbformat.validate(notebook)
    released = {grade_id_of(c): c for c in MASTER.cells}
    graded = [c for c in notebook.cells if grade_id_of(c)]
    assert [grade_id_of(c) for c in graded] == list(released)  # all of them, once, in the release's order
    for cell in graded:
        original = released[grade_id_of(cell)]
        assert (cell.cell_type, cell.metadata, cell.id) == (original.cell_type, original.metadata, original.id)
        if locked(original):
            assert cell.source == original.source
            assert compute_checksum(cell) == nbgrader_meta(original)["checksum"]  # as nbgrader checks it
        else:  # the student's own code (the first cell of that grade_id), or the release's if none
            theirs = [c.source for c in student.cells if grade_id_of(c) == grade_id_of(cell)]
            assert cell.source == (theirs[0] if theirs else original.source)
    ordinary = [c for c in notebook.cells if not grade_id_of(c)]
    assert [c.source for c in ordinary] == [c.source for c in student.cells if grade_id_of(c) not in released]
    assert not any("nbgrader" in c.metadata for c in ordinary)
    assert all(c.outputs == [] and c.execution_count is None for c in notebook.cells if c.cell_type == "code")
    assert len({c.id for c in notebook.cells}) == len(notebook.cells)
    position = next((i + 1 for i, c in enumerate(student.cells) if "nbgrader" in c.metadata and not grade_id_of(c)),
                    None)
    assert changes == [change.format(position=position) for change in EXPECTED[case]]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_restored_notebook_restores_to_itself_with_no_change(case):
    notebook, _ = restore_cells(submission(case), MASTER)
    again, changes = restore_cells(copy.deepcopy(notebook), MASTER)
    assert changes == []
    assert nbformat.writes(again) == nbformat.writes(notebook)


def test_the_students_cells_keep_their_place_next_to_the_cell_they_followed():
    """The student's cell after test_double stays after it when test_double was moved away
    and back, and when it was deleted (restored after the cells that followed its solution)."""
    for case in ("untouched", "test_cell_moved_after_a_later_one", "grade_id_changed"):
        notebook, _ = restore_cells(submission(case), MASTER)
        order = [grade_id_of(c) or c.source for c in notebook.cells]
        assert order.index("print(double(21))") < order.index("square"), case
        assert order.index("double") < order.index("print(double(21))"), case
