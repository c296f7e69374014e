"""autograder.classreport.similarity: copies are flagged whatever their names, comments and layout;
the release's template and independent correct solutions are not."""
import ast
import builtins

import pytest

from autograder.assignments import ASSIGNMENTS, catalogue
from autograder.course import release_notebook
from autograder.classreport import records, similarity
from autograder.classreport.synthetic import copy_release, reference_code, write_grades_csv, write_student

ASSIGNMENT = "dinosaur_island"


class Rename(ast.NodeTransformer):
    """Every variable and argument gets a new name (builtins and module names kept)."""

    def visit_Name(self, node):
        if node.id not in dir(builtins) and node.id != "np":
            node.id = f"my_{node.id}_x"
        return node

    def visit_arg(self, node):
        node.arg = f"my_{node.arg}_x"
        return node


def disguise(source):
    """A copy as a student who hides it would hand in: names changed, comments rewritten,
    reformatted (ast.unparse lays the code out again), blank lines and a new comment added."""
    code = ast.unparse(Rename().visit(ast.parse(source)))
    lines = code.splitlines()
    return "# my own work, written from scratch\n" + lines[0] + "\n\n" + \
        "\n".join(line + ("  # step" if i % 3 == 0 else "") for i, line in enumerate(lines[1:])) + "\n"


@pytest.fixture
def course(tmp_path):
    copy_release(tmp_path, ASSIGNMENT)
    return tmp_path


def analyse(root):
    write_grades_csv(root, ASSIGNMENT)
    return similarity.analyse(records.load(root, ASSIGNMENT, read_roster=False), similarity.DEFAULT_THRESHOLD)


def test_disguised_copy_is_flagged_and_independent_work_is_not(course):
    reference = reference_code(ASSIGNMENT)
    variants = {e.function: e.source for e in catalogue(ASSIGNMENT) if e.correct}
    write_student(course, ASSIGNMENT, "orig", code=variants)
    write_student(course, ASSIGNMENT, "copy", code={f: disguise(code) for f, code in variants.items()})
    write_student(course, ASSIGNMENT, "ref")  # the reference: other code than the variants
    assert disguise(variants["sample"]) != variants["sample"]
    pairs, skipped = analyse(course)
    assert [(p.first, p.second) for p in pairs] == [("copy", "orig")]
    assert pairs[0].score > 0.9 and skipped == 0
    assert set(pairs[0].functions) == set(variants) <= set(reference)


def test_template_only_code_is_not_a_pair(course):
    write_student(course, ASSIGNMENT, "untouched_1", code=records.solution_cells(course / "release" / ASSIGNMENT /
                                                                                   f"{ASSIGNMENT}.ipynb"))
    write_student(course, ASSIGNMENT, "untouched_2", code=records.solution_cells(course / "release" / ASSIGNMENT /
                                                                                   f"{ASSIGNMENT}.ipynb"))
    write_student(course, ASSIGNMENT, "ref")
    pairs, _ = analyse(course)
    assert pairs == []
    # ... while two unchanged copies of real code are one
    write_student(course, ASSIGNMENT, "ref_copy")
    assert [(p.first, p.second) for p in analyse(course)[0]] == [("ref", "ref_copy")]


def test_unparseable_notebook_and_untokenisable_cell_are_counted(course):
    write_student(course, ASSIGNMENT, "ref")
    write_student(course, ASSIGNMENT, "broken_cell", code={"clip": "def clip(g, m):\n    return (g\n"})
    write_student(course, ASSIGNMENT, "not_json")
    (course / "submitted" / "not_json" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("{not json")
    data = records.load(course, ASSIGNMENT, read_roster=False)
    pairs, skipped = similarity.analyse(data)
    assert data.unreadable == ["not_json"] and skipped == 1
    assert [(p.first, p.second) for p in pairs] == [("broken_cell", "ref")]  # the other three functions match
    assert pairs[0].functions["clip"] == 0  # its clip was skipped: only the reference has fingerprints there


def test_inverted_index_finds_the_pairs_all_pairs_comparison_finds(course):
    reference = reference_code(ASSIGNMENT)
    entries = catalogue(ASSIGNMENT)
    for i, entry in enumerate(entries):  # each student: the reference with one catalogue entry
        write_student(course, ASSIGNMENT, f"s{i:02d}", code={entry.function: entry.source})
    data = records.load(course, ASSIGNMENT, read_roster=False)
    prints, _ = similarity.class_fingerprints(data.solutions, data.template, list(reference))
    for threshold in (0.3, 0.6, 0.9):
        assert similarity.similar_pairs(prints, threshold) == similarity.all_pairs_directly(prints, threshold)
    assert len(similarity.similar_pairs(prints, 0.9)) > 0


def test_catalogue_correct_variants_mostly_score_below_the_threshold():
    """Justifies DEFAULT_THRESHOLD: independent correct solutions, written differently from the
    reference, stay below it (at least 90% of them across the course), while the same code
    disguised stays above it (every one)."""
    below, total = 0, 0
    for assignment in ASSIGNMENTS:
        reference = reference_code(assignment)
        template = records.solution_cells(release_notebook(assignment))
        for entry in catalogue(assignment):
            if not entry.correct:
                continue
            given = similarity.template_hashes(template.get(entry.function))
            original = similarity.fingerprints(reference[entry.function], given)
            score = similarity.jaccard(original, similarity.fingerprints(entry.source, given))
            below, total = below + (score < similarity.DEFAULT_THRESHOLD), total + 1
            copy = similarity.fingerprints(disguise(reference[entry.function]), given)
            assert similarity.jaccard(original, copy) > similarity.DEFAULT_THRESHOLD, entry.slug
    assert total > 50 and below / total >= 0.9, (below, total)


def test_normalising_ignores_names_comments_literals_and_layout():
    a = "def f(x, y):\n    # add\n    return np.tanh(x + y * 2)\n"
    b = "def g(p,q):  return np.tanh( p+q*3 )   # other\n"
    assert similarity.normalise(a) == similarity.normalise(b)
    assert similarity.normalise("return np.tanh(x)") != similarity.normalise("return np.sinh(x)")  # attributes kept
    assert similarity.normalise("return len(x)") != similarity.normalise("return max(x)")  # builtins kept
