"""The feedback page students read (autograder/templates/feedback, through nbgrader's own
GenerateFeedback configuration): points per exercise out of its maximum, the core out of the
assignment's maximum, bonus exercises as extra credit, visible checks as worth 0 points, a late
penalty said, and no script but MathJax's. Rendered here from a notebook whose grade cells carry
what nbgrader's GetGrades puts on them."""
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert import HTMLExporter

from autograder.batch.feedback import TEMPLATE_FOLDERS, QuietClearHiddenTests


def grade_cell(grade_id, points, score, source="# hidden tests"):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                 "points": points, "score": score}
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"report of {grade_id}\n")]
    return cell


def page(cells, score, max_score, late_penalty=0.0):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# An assignment $a_t$"), *cells])
    resources = {"nbgrader": {"notebook": "an_assignment", "score": score, "max_score": max_score,
                              "late_penalty": late_penalty}}
    html, _ = HTMLExporter(template_name="feedback", extra_template_basedirs=TEMPLATE_FOLDERS).from_notebook_node(
        notebook, resources=resources)
    return html


class Text(HTMLParser):
    """The page's text with tags removed (one space between pieces), and its script tags."""

    def __init__(self):
        super().__init__()
        self.pieces, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))

    def handle_data(self, data):
        if data.strip():
            self.pieces.append(" ".join(data.split()))


def text_of(html):
    parser = Text()
    parser.feed(html)
    return " ".join(parser.pieces), parser.scripts


CELLS = [grade_cell("first_public", 0, 0.0, "check_first(first)"), grade_cell("test_first", 10, 7.5),
         grade_cell("second_public", 0, 0.0), grade_cell("test_second", 5, 5.0),
         grade_cell("bonus_public", 0, 0.0), grade_cell("test_bonus", 0, 3.0)]


def test_the_core_is_out_of_its_maximum_and_the_bonus_is_extra_credit():
    text, _ = text_of(page(CELLS, score=15.5, max_score=15.0))
    assert "an_assignment: 12.5 / 15 points, plus 3 extra credit" in text
    assert "first 7.5 / 10" in text and "second 5 / 5" in text and "Core 12.5 / 15" in text
    assert "Bonus bonus 3 extra credit" in text and "Extra credit 3" in text
    assert "Hidden tests of first : 7.5 / 10 points" in text
    assert "Hidden tests of the bonus bonus : 3 extra credit" in text
    assert text.count("Visible check (0 points; Validate runs it)") == 3
    assert "/ 0.0" not in text and "/ 0 " not in text  # nbgrader's page: "Score: 3.0 / 0.0", "0.0 / 0.0"


@pytest.mark.parametrize("bonus_score", [0.0, 2.0])
def test_no_bonus_line_in_the_title_without_extra_credit_and_a_late_penalty_is_said(bonus_score):
    cells = CELLS[:4] + [grade_cell("test_bonus", 0, bonus_score)]
    text, _ = text_of(page(cells, score=12.5 + bonus_score, max_score=15.0, late_penalty=2.0))
    assert ("plus 2 extra credit" in text) == bool(bonus_score) and "plus 0 extra credit" not in text
    assert "Late submission penalty −2" in text


def test_the_page_runs_no_script_but_mathjax():
    _, scripts = text_of(page(CELLS, score=15.5, max_score=15.0))
    assert scripts and all("mathjax" in s.get("src", "mathjax") or s.get("type") == "text/x-mathjax-config"
                           for s in scripts), scripts


def test_the_quiet_preprocessor_still_clears_hidden_tests():
    cell = grade_cell("test_first", 10, 10.0, "x = 1\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\n")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    cleared, _ = QuietClearHiddenTests().preprocess(notebook, {})
    assert "secret" not in cleared.cells[0].source and "x = 1" in cleared.cells[0].source


def test_every_figure_has_a_description():
    """A plot in an output is described (nbconvert warned "Alternative text is missing" on every
    page with one): the figure's own alt text where it has one, a plain description otherwise."""
    figure = nbformat.v4.new_code_cell("plot()")
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png}),
                      nbformat.v4.new_output("display_data", data={"image/png": png},
                                             metadata={"image/png": {"alt": "losses per epoch"}})]
    html = page([figure, *CELLS], score=15.5, max_score=15.0)
    images = [tag for tag in html.split("<img")[1:]]
    assert len(images) == 2 and all(' alt="' in tag.split(">")[0] for tag in images)
    assert 'alt="losses per epoch"' in html and 'alt="A figure the notebook drew"' in html
