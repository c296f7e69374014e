"""The course's nbgrader preprocessors where no sandbox can be made (not root): autograding
falls back to nbgrader's in-kernel execution and says plainly, in its log and in the grading
record, that it is not tamper-proof. (With a sandbox, tests/test_batch_faults.py runs
`nbgrader autograde` itself on the attack submissions.)"""
import json
import logging

import nbformat
from traitlets.config import Config

from autograder.batch.preprocessor import NOT_TAMPER_PROOF, SandboxedGrading
from autograder import assignments
from autograder.course import solutions, source_notebook, write_submission
from batch_support import make_course

ASSIGNMENT = "rnn_step_by_step"


def test_without_a_sandbox_grading_says_it_is_not_tamper_proof(tmp_path, monkeypatch, caplog):
    root = make_course(tmp_path / "course", ASSIGNMENT, demo_students=False)
    folder = write_submission(root, "reference", ASSIGNMENT, solutions(ASSIGNMENT))
    monkeypatch.setattr(SandboxedGrading, "_sandbox_problem", "no root here (test)")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    config = Config()
    config.CourseDirectory.root = str(root)
    grading = SandboxedGrading(config=config)
    grading.log = logging.getLogger("sandboxed-grading-test")
    # what nbgrader hands over after sanitizing: the notebook with its hidden tests back in place
    notebook = nbformat.read(source_notebook(ASSIGNMENT, root), as_version=4)
    resources = {"nbgrader": {"assignment": ASSIGNMENT, "student": "reference",
                              "notebook": assignments.notebook_file(ASSIGNMENT)[:-len(".ipynb")]},
                 "metadata": {"path": str(folder)}}
    with caplog.at_level(logging.WARNING, logger="sandboxed-grading-test"):
        executed, _ = grading.preprocess(notebook, resources)
    assert any(NOT_TAMPER_PROOF in message and "no root here" in message for message in caplog.messages)
    record = json.loads((root / "grading_records" / ASSIGNMENT / "reference.json").read_text())
    assert record["tamper_proof"] is False and NOT_TAMPER_PROOF in record["detail"]
    # executed in the kernel: the hidden test of rnn_cell_forward printed its report and points
    test_cell = next(c for c in executed.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                     == "test_rnn_cell_forward")
    assert "rnn_step_by_step.rnn_cell_forward: 10 / 10 points" in "".join(o.get("text", "") for o in test_cell.outputs)
