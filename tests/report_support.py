"""A small demo-like graded class for the report's HTML and browser tests."""
import json

from autograder.assignments import catalogue
from autograder.classreport.synthetic import copy_release, reference_code, write_grades_csv, write_student

ASSIGNMENT = "dinosaur_island"
EVIL_NAME = "<script>alert(1)</script>"
EVIL_HINT = "Use <b>np.clip</b> on every array."


def entry(function, slug):
    return next(e for e in catalogue(ASSIGNMENT, function) if e.slug == slug)


def demo_like_class(root):
    """The demo's students of dinosaur_island (catalogued mistakes, in code and reports), the
    reference, an untouched release, a late student, a timed-out one, and a student whose name
    and hint are HTML. Returns {student: the catalogue entries they made}."""
    copy_release(root, ASSIGNMENT)
    made = {"eve_argmax_sampler": [entry("sample", "argmax")],
            "finn_no_clipping": [entry("optimize", "no_clipping"), entry("clip", "upper_bound_only")],
            "gus_state_reset": [entry("model", "state_reset_each_name")],
            "hal_argmax_too": [entry("sample", "argmax")]}
    for student, entries in made.items():
        write_student(root, ASSIGNMENT, student, code={e.function: e.source for e in entries},
                      hints={e.function: e.hint for e in entries})
    write_student(root, ASSIGNMENT, "reference")
    write_student(root, ASSIGNMENT, "late_lou", seconds_late=7200, seconds=4.5, peak_memory_mb=300)
    write_student(root, ASSIGNMENT, "slow_sam", status="timed out", seconds=600)
    # the reference's sample with HTML in a comment: similar to the reference's, so shown side by side
    evil_code = reference_code(ASSIGNMENT)["sample"] + "\n# </pre><script>x()</script>\n"
    record = write_student(root, ASSIGNMENT, "evil", hints={"clip": EVIL_HINT}, code={"sample": evil_code})
    record["student"] = EVIL_NAME  # a name no folder can have: only its record says it
    (root / "grading_records" / ASSIGNMENT / "evil.json").write_text(json.dumps(record))
    write_grades_csv(root, ASSIGNMENT, penalties={"late_lou": 10.0})
    return made
