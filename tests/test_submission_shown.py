"""What formgrader and feedback show of a student's notebook (`autograder.batch.shown`): after
`safe_notebook`, the HTML nbconvert renders (the renderer of `nbgrader generate_feedback` and
formgrader) runs nothing of the student's: no script, no event handler, no script link."""
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert import HTMLExporter

from autograder.batch.shown import safe_markdown, safe_notebook, safe_output
from autograder.batch.submission import read_notebook
from autograder.course import release_notebook

ATTACK = "alert('student')"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def hostile_cells():
    """Cells a student can hand in whose rendering would run script."""
    outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": f"<script>{ATTACK}</script>",
                                                     "text/plain": "<IPython.core.display.HTML object>"}),
        nbformat.v4.new_output("display_data", data={"text/html": f'<img src="x" onerror="{ATTACK}">'}),
        nbformat.v4.new_output("display_data", data={"application/javascript": ATTACK}),
        nbformat.v4.new_output("display_data", data={"text/markdown": f"<script>{ATTACK}</script>"}),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": f"<svg><script>{ATTACK}</script></svg>"}),
        nbformat.v4.new_output("display_data", data={"image/png": PNG},
                               metadata={"image/png": {"width": f"1 onerror={ATTACK}"}}),
        nbformat.v4.new_output("display_data", data={"image/png": f'" onerror="{ATTACK}'}),
        nbformat.v4.new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": "1", "version_major": 2, "version_minor": 0}, "text/plain": "a widget"}),
        nbformat.v4.new_output("execute_result", data={"text/html": f"<b onmouseover={ATTACK}>x</b>",
                                                       "text/plain": "kept text"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text=f"<script>{ATTACK}</script>"),
    ]
    code = nbformat.v4.new_code_cell("display(...)", outputs=outputs, metadata={"tags": [f'"><script>{ATTACK}</script>']})
    markdown = nbformat.v4.new_markdown_cell(
        f"Notes <script>{ATTACK}</script> <img src=x onerror=\"{ATTACK}\"> [click](javascript:{ATTACK}) "
        f"[again](&#106;avascript:{ATTACK}) ![i](JaVaScRiPt:{ATTACK})")
    raw = nbformat.v4.new_raw_cell(f"<script>{ATTACK}</script>", metadata={"format": "text/html"})
    return [code, markdown, raw]


class ScriptFinder(HTMLParser):
    """Every place in an HTML page where the student's script would run."""

    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and "alert" in (value or ""):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src") and (value or "").strip().lower().startswith(("javascript", "data:text")):
                self.found.append(f"<{tag} {name}={value}>")
            if "alert" in name:
                self.found.append(f"<{tag} {name}>")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert('student')" in data:
            self.found.append("<script>")


def scripts_in(notebook):
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(notebook)
    finder = ScriptFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def master():
    return read_notebook(release_notebook("rnn_step_by_step").read_bytes())


def test_the_attacks_would_run_unless_made_safe(master):
    """The premise: rendered as handed in, these cells run the student's script."""
    notebook = nbformat.from_dict(master)
    notebook.cells += hostile_cells()
    assert len(scripts_in(notebook)) >= 5


def test_a_safe_notebook_renders_no_script_of_the_students(master):
    notebook = nbformat.from_dict(master)
    notebook.cells += hostile_cells()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    safe = safe_notebook(notebook, master)
    nbformat.validate(safe)
    assert scripts_in(safe) == []
    shown = [o for o in safe.cells[-3].outputs]
    assert {"text/plain": "kept text"} in [o.get("data") for o in shown]  # the text/plain of rich outputs stays
    assert any(o.get("data", {}).get("image/png") == PNG for o in shown)  # and a real image
    assert "widgets" not in safe.metadata and "tags" not in safe.cells[-3].metadata


def test_the_releases_own_cells_are_left_as_they_are(master):
    safe = safe_notebook(nbformat.from_dict(master), master)
    assert [(c.cell_type, c.source) for c in safe.cells] == [(c.cell_type, c.source) for c in master.cells]


@pytest.mark.parametrize("output, kept", [
    ({"output_type": "stream", "name": "stdout", "text": "hi"}, True),
    ({"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[31mE\x1b[0m"]}, True),
    ({"output_type": "display_data", "data": {"text/html": "<b>x</b>"}, "metadata": {}}, False),
    ({"output_type": "display_data", "data": {"image/jpeg": "/9j/4AAQ"}, "metadata": {}}, True),
    ({"output_type": "display_data", "data": {"image/jpeg": "<svg>"}, "metadata": {}}, False),
])
def test_only_outputs_rendered_escaped_are_kept(output, kept):
    assert (safe_output(nbformat.from_dict(output)) is not None) == kept


@pytest.mark.parametrize("link", ["javascript:go()", "&#106;avascript:go()", "&amp;#106;avascript:go()",
                                  "javascript\\:go()", "JAVASCRIPT :go()", "data:text/html,<script>go()</script>"])
def test_markdown_keeps_its_text_but_no_tag_and_no_script_link(link):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    html = markdown2html_mistune(safe_markdown(f"a < b & <b>bold</b> [x]({link})"))
    finder = ScriptFinder()
    finder.feed(html.replace("go()", ATTACK))
    assert finder.found == [] and "<b>" not in html and "a &lt; b" in html
