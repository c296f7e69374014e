"""The visible tests students run must never reject a correct solution: every correct variant
of the catalogue passes them. (They are weaker than the hidden tests by design; how many
catalogued mistakes they catch is printed with -s, not asserted.)"""
import importlib.util

import nbformat
import pytest

from autograder.catalogue import entries, student_namespace
from autograder.course import nbgrader_meta, source_notebook


def visible_cells(assignment):
    """{graded function: source of its visible-test cell (grade_id '<function>_public')}."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {nbgrader_meta(c)["grade_id"][:-len("_public")]: c.source for c in nb.cells
            if nbgrader_meta(c).get("grade_id", "").endswith("_public")}


def public_tests(assignment, monkeypatch):
    folder = source_notebook(assignment).parent
    monkeypatch.syspath_prepend(str(folder))  # public_tests may import the assignment's helpers
    spec = importlib.util.spec_from_file_location(f"public_tests_{assignment}", folder / "public_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_visible_test(entry, monkeypatch):
    namespace = student_namespace(entry)
    namespace["public_tests"] = public_tests(entry.assignment, monkeypatch)
    exec(visible_cells(entry.assignment)[entry.function], namespace)


@pytest.mark.parametrize("entry", [e for e in entries() if e.correct], ids=lambda e: f"{e.function}__{e.slug}")
def test_correct_variants_pass_the_visible_tests(entry, monkeypatch, capsys):
    run_visible_test(entry, monkeypatch)
    assert "all visible tests passed" in capsys.readouterr().out


def test_visible_tests_catch_most_catalogued_mistakes(monkeypatch, capsys):
    wrong = [e for e in entries() if not e.correct]
    caught = []
    for entry in wrong:
        try:
            run_visible_test(entry, monkeypatch)
        except Exception:  # an AssertionError, or a crash: either tells the student to look
            caught.append(entry)
    with capsys.disabled():
        print(f"\nvisible tests catch {len(caught)} of {len(wrong)} catalogued mistakes")
    assert len(caught) >= 0.8 * len(wrong), [f"{e.function}__{e.slug}" for e in wrong if e not in caught]
