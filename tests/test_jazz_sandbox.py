"""End to end through the sandboxed batch grader (python -m autograder.batch): a submission
written the way students of the original course write it (tf.math.argmax on the predictions,
which returns TensorFlow tensors; tf inside Lambda layers; start values as default arguments)
earns full marks, and one with the Keras 2 idioms Keras 3 refuses gets zero in those functions
with the hint that names the Keras 3 way. (In-process, the catalogue tests grade the same
entries; this proves the path a class is graded on.)"""
import json

import pytest

from autograder import assignments
from autograder.assignments.jazz_lstm.catalogue import LAYER_INPUT_BY_KEYWORD, TF_ON_SYMBOLIC
from autograder.course import generate_release, grade_table, solutions, write_submission
from batch_support import make_course, not_graded, run_batch

ASSIGNMENT = "jazz_lstm"
STUDENTS = {
    "keras2_style": ["djmodel__sizes_from_layers", "music_inference_model__lambda_tf", "predict_and_sample__tf_argmax"],
    "keras2_mistakes": ["djmodel__input_by_keyword", "music_inference_model__tf_argmax_one_hot",
                        "predict_and_sample__course_template"],
}

pytestmark = pytest.mark.xdist_group("batch")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("course"), ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)  # from this source notebook, whatever release/ holds
    catalogue = {f"{e.function}__{e.slug}": e for e in assignments.catalogue(ASSIGNMENT)}
    for student, keys in STUDENTS.items():
        answers = dict(solutions(ASSIGNMENT, root))
        answers.update({catalogue[key].function: catalogue[key].source for key in keys})
        write_submission(root, student, ASSIGNMENT, answers)
    run_batch(root, ASSIGNMENT)
    return root, grade_table(root, ASSIGNMENT)[0]


def reports(root, student):
    """{graded function: the report its hidden test cell printed} in the autograded notebook."""
    nb = json.loads((root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    return {c["id"][len("test_"):]: "".join("".join(o.get("text", "")) for o in c.get("outputs", []))
            for c in nb["cells"] if c.get("id", "").startswith("test_")}


def test_original_course_style_submission_earns_full_marks(graded):
    root, table = graded
    assert not_graded(root, ASSIGNMENT) == ""
    assert table["keras2_style"] == {g.function: g.points for g in assignments.graders(ASSIGNMENT)}


def test_keras_2_idioms_get_the_keras_3_hint(graded):
    root, table = graded
    assert table["keras2_mistakes"] == {"djmodel": 0, "music_inference_model": 0, "predict_and_sample": 20}
    found = reports(root, "keras2_mistakes")
    assert f"Hint: {LAYER_INPUT_BY_KEYWORD}" in found["djmodel"]
    assert f"Hint: {TF_ON_SYMBOLIC}" in found["music_inference_model"]
    assert "matrix product" not in found["music_inference_model"]
