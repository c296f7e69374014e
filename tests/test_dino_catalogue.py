"""Dinosaur Island's catalogue against the notebook's own namespace: every name an entry uses is
defined by the notebook's locked setup and data cells (so a missing import in the setup cell
shows up here, as it would for a student), and the entries written like solutions of the
original course's newest template earn full marks there."""
import builtins
import dis

import pytest

from autograder import assignments
from autograder.killrate import notebook_namespace
from autograder.assignments import graded_names
from autograder.grading import run

ASSIGNMENT = "dinosaur_island"
ENTRIES = assignments.catalogue(ASSIGNMENT)
TEMPLATE = [e for e in ENTRIES if e.slug.startswith("template")]
SEEDS = (11, 2024, 777)


def global_names(source):
    """Every name the code reads from its module's globals or the builtins."""
    names, codes = set(), [compile(source, "<entry>", "exec")]
    while codes:
        code = codes.pop()
        names.update(i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME"))
        codes.extend(c for c in code.co_consts if hasattr(c, "co_code"))  # functions, comprehensions
    return names


def undefined(source, namespace):
    return sorted(global_names(source) - set(namespace) - set(dir(builtins)))


def graded_in(namespace_of, entry, seed):
    """The report of the entry's own function, the entry run in namespace_of()."""
    namespace = namespace_of()
    exec(compile(entry.source, f"<{entry.function}__{entry.slug}>", "exec"), namespace)
    grader = next(g for g in assignments.graders(ASSIGNMENT) if g.function == entry.function)
    return run(grader, namespace, graded_names(ASSIGNMENT), seed)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.function}__{e.slug}")
def test_every_name_an_entry_uses_is_defined_by_the_notebook_setup(entry):
    assert undefined(entry.source, notebook_namespace(ASSIGNMENT)) == []


def test_the_name_check_sees_a_missing_import():
    clip = next(e for e in TEMPLATE if e.function == "clip")
    namespace = notebook_namespace(ASSIGNMENT)
    del namespace["copy"]
    assert undefined(clip.source, namespace) == ["copy"]


def test_without_import_copy_a_template_clip_scores_zero():
    """What students of the original course's template met: NameError on copy.deepcopy."""
    clip = next(e for e in TEMPLATE if e.function == "clip")

    def without_copy():
        namespace = notebook_namespace(ASSIGNMENT)
        del namespace["copy"]
        return namespace
    report = graded_in(without_copy, clip, SEEDS[0])
    assert report.points == 0 and "NameError" in report.render()


def test_every_template_function_has_a_template_entry():
    assert {e.function for e in TEMPLATE} >= {"clip", "sample", "model"}
    assert all(e.correct for e in TEMPLATE)


@pytest.mark.parametrize("entry", TEMPLATE, ids=lambda e: f"{e.function}__{e.slug}")
def test_template_solutions_earn_full_marks_in_the_notebook_namespace(entry):
    for seed in SEEDS:
        report = graded_in(lambda: notebook_namespace(ASSIGNMENT), entry, seed)
        assert report.points == report.max_points, report.render()
