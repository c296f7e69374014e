"""End to end: the Dinosaur Island notebook, its exercises answered the way solutions of the
original course's newest template are written (the catalogue's `template` entries: copy.deepcopy
in clip, np.random.choice over list(range(vocab_size)) in sample, a model that prints), runs top
to bottom in a kernel with the real setup cell and earns full marks in every hidden test cell,
passing every visible test on the way."""
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import assignments
from autograder.course import nbgrader_meta, source_notebook

ASSIGNMENT = "dinosaur_island"
pytestmark = pytest.mark.xdist_group("course")  # a kernel of its own: keep it off the busy workers


def test_template_solutions_earn_full_marks_end_to_end(tmp_path, monkeypatch):
    template = {e.function: e.source for e in assignments.catalogue(ASSIGNMENT) if e.slug.startswith("template")}
    assert {"clip", "sample", "model"} <= set(template)
    folder = shutil.copytree(source_notebook(ASSIGNMENT).parent, tmp_path / ASSIGNMENT)
    nb = nbformat.read(folder / source_notebook(ASSIGNMENT).name, as_version=4)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution") and nbgrader_meta(cell)["grade_id"] in template:
            cell.source = template[nbgrader_meta(cell)["grade_id"]]
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # the notebook's training run, shortened
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()

    cells = {nbgrader_meta(c).get("grade_id"): c for c in nb.cells}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{cell.source[:80]}\n{output.get('evalue')}"
            assert not (output.output_type == "stream" and output.name == "stderr"), cell.source[:80]
    for grader in assignments.graders(ASSIGNMENT):
        printed = "".join(o.get("text", "") for o in cells[f"{grader.function}_public"].outputs)
        assert f"check_{grader.function}: all visible tests passed." in printed
        value = next(o for o in cells[f"test_{grader.function}"].outputs if o.output_type == "execute_result")
        assert float(value["data"]["text/plain"]) == grader.points, grader.function
