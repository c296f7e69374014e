"""Restoring a submitted notebook's graded cells (`restore_cells`), on nbgrader-style fixtures
made from the released notebook: every graded cell (solution, locked, test) ends in the
release's order with the release's metadata, locked and test cells with the release's
source; every change is recorded; the student's other cells keep their neighbours."""
import copy
import random

import nbformat
import pytest

from autograder.batch.submission import in_order, read_notebook, restore_cells
from autograder.assignments import ASSIGNMENTS
from autograder.course import nbgrader_meta, release_notebook


@pytest.fixture(scope="module", params=sorted(ASSIGNMENTS))
def master(request):
    return read_notebook(release_notebook(request.param).read_bytes())


def graded_ids(notebook):
    return [nbgrader_meta(c).get("grade_id") for c in notebook.cells if nbgrader_meta(c).get("grade_id")]


def index_of(notebook, grade_id):
    return next(i for i, c in enumerate(notebook.cells) if nbgrader_meta(c).get("grade_id") == grade_id)


def first(master, kind):
    """grade_id of the first cell of a kind: "test", "solution" or "locked" (not a test)."""
    for cell in master.cells:
        meta = nbgrader_meta(cell)
        if kind == "test" and meta.get("grade") and not meta.get("solution") or \
                kind == "solution" and meta.get("solution") or \
                kind == "locked" and meta.get("locked") and not meta.get("grade"):
            return meta["grade_id"]
    raise LookupError(kind)


def restore(student, master):
    notebook, changes = restore_cells(copy.deepcopy(student), master)
    nbformat.validate(notebook)
    assert graded_ids(notebook) == graded_ids(master)  # always the release's order
    return notebook, changes


def test_an_untouched_notebook_is_kept_as_it_is(master):
    notebook, changes = restore(master, master)
    assert changes == []
    assert [(c.cell_type, c.source) for c in notebook.cells] == [(c.cell_type, c.source) for c in master.cells]


def test_a_changed_locked_cell_is_restored_and_recorded(master):
    student = copy.deepcopy(master)
    for kind in ("locked", "test"):
        student.cells[index_of(student, first(master, kind))].source = "ok = True  # all points"
    notebook, changes = restore(student, master)
    for kind in ("locked", "test"):
        grade_id = first(master, kind)
        assert notebook.cells[index_of(notebook, grade_id)].source == master.cells[index_of(master, grade_id)].source
        assert f"locked cell {grade_id!r} was modified (restored)" in changes


def test_a_deleted_cell_comes_back_in_its_place(master):
    student = copy.deepcopy(master)
    grade_id = first(master, "test")
    del student.cells[index_of(student, grade_id)]
    notebook, changes = restore(student, master)
    assert changes == [f"cell {grade_id!r} was deleted (restored)"]


def test_a_duplicated_cell_is_removed(master):
    student = copy.deepcopy(master)
    grade_id = first(master, "test")
    student.cells.append(copy.deepcopy(student.cells[index_of(student, grade_id)]))
    notebook, changes = restore(student, master)
    assert changes == [f"cell {grade_id!r} appears twice (the copy was removed)"]
    assert len(notebook.cells) == len(master.cells)


def test_a_moved_test_cell_goes_back_and_the_students_cells_keep_their_neighbours(master):
    """The attack: a test cell moved after a later graded function (so that function is graded
    first), a cell of the student's just after it."""
    student = copy.deepcopy(master)
    ids = graded_ids(master)
    test = first(master, "test")
    later = ids[-1]
    moved = student.cells.pop(index_of(student, test))
    mine = nbformat.v4.new_code_cell("MINE = 1")
    student.cells[index_of(student, later) + 1:index_of(student, later) + 1] = [moved, mine]
    notebook, changes = restore(student, master)
    assert changes == [f"cell {test!r} was moved (put back in its place)"]
    sources = [c.source for c in notebook.cells]
    assert sources.index("MINE = 1") == index_of(notebook, later) + 1  # still after the cell it followed


def test_edited_metadata_is_restored_and_a_solution_keeps_its_code(master):
    student = copy.deepcopy(master)
    solution = first(master, "solution")
    cell = student.cells[index_of(student, solution)]
    cell.source = "def mine():\n    return 1\n"
    cell.metadata["nbgrader"].update(grade=True, points=1000, locked=True)
    notebook, changes = restore(student, master)
    restored = notebook.cells[index_of(notebook, solution)]
    assert restored.source == "def mine():\n    return 1\n"
    assert nbgrader_meta(restored) == nbgrader_meta(master.cells[index_of(master, solution)])
    assert changes == [f"the metadata of cell {solution!r} was modified (restored)"]


@pytest.mark.parametrize("metadata", [{"solution": True}, {"grade": True, "points": 5}, {"grade_id": "made_up",
                                                                                          "grade": True}])
def test_nbgrader_metadata_on_any_other_cell_is_removed_and_recorded(master, metadata):
    """A cell with solution: true and no grade_id once broke the whole batch in nbgrader's own
    SaveAutoGrades; a made-up grade_id is not graded either."""
    student = copy.deepcopy(master)
    student.cells.insert(1, nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": metadata}))
    notebook, changes = restore(student, master)
    assert "nbgrader" not in notebook.cells[1].metadata and notebook.cells[1].source == "x = 1"
    assert len(changes) == 1 and "kept as an ordinary cell" in changes[0]


def test_cell_ids_stay_unique_when_a_student_copies_one():
    master = read_notebook(release_notebook("rnn_step_by_step").read_bytes())
    student = copy.deepcopy(master)
    copied = copy.deepcopy(student.cells[index_of(student, first(master, "test"))])
    copied.metadata = {}
    student.cells.insert(0, copied)
    notebook, _ = restore(student, master)
    ids = [c.id for c in notebook.cells]
    assert len(ids) == len(set(ids))


def test_any_shuffle_ends_in_the_release_order_with_the_students_cells_in_theirs():
    master = read_notebook(release_notebook("rnn_step_by_step").read_bytes())
    rng = random.Random(3)
    for trial in range(30):
        student = copy.deepcopy(master)
        mine = [nbformat.v4.new_code_cell(f"mine_{trial}_{k} = {k}") for k in range(6)]
        for cell in mine:
            student.cells.insert(rng.randrange(len(student.cells) + 1), cell)
        order = list(range(len(student.cells)))
        for _ in range(rng.randrange(1, 4)):  # a few moves
            i, j = rng.randrange(len(order)), rng.randrange(len(order))
            order.insert(j, order.pop(i))
        student.cells = [student.cells[i] for i in order]
        notebook, changes = restore(student, master)
        theirs = [c.source for c in student.cells if c.source.startswith("mine_")]
        assert [c.source for c in notebook.cells if c.source.startswith("mine_")] == theirs
        assert all("moved" in change for change in changes)


@pytest.mark.parametrize("indices, kept", [([], set()), ([0, 1, 2], {0, 1, 2}), ([2, 0, 1], {0, 1}),
                                          ([0, 4, 1, 2, 3], {0, 1, 2, 3}), ([3, 2, 1, 0], {0})])
def test_the_cells_left_in_order_are_the_longest_ordered_run(indices, kept):
    assert len(in_order(indices)) == len(kept)
    found = sorted(in_order(indices))
    assert [i for i in indices if i in set(found)] == found  # in order, as the student has them
