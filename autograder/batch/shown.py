"""What formgrader and feedback show of a student's notebook: nothing that runs in a browser.

The autograded notebook is rendered to HTML by `nbgrader generate_feedback` and by
formgrader, for the student and for the instructor. nbconvert copies `text/html`,
`application/javascript`, widget state and raw HTML in markdown into that page as they are, so
a cell that displays `<script>` would run in the instructor's browser. `safe_notebook` keeps
only output types whose rendering is escaped: text (plain, streams, errors) and PNG or JPEG
images whose data is base64 and whose size metadata are numbers; a rich output with none of
those is dropped. Markdown and raw cells the student wrote (any not identical to a released
one) have their HTML, entities and script links neutralised; cell and notebook metadata the
templates read (tags, widget state, a title) come from the release or go.
"""
import re

import nbformat

TEXT = "text/plain"
# the points of a bonus test cell, which the worker writes (autograder.grading.EXTRA_CREDIT_TYPE):
# no renderer shows it; kept only as {"points": a number}
EXTRA_CREDIT = "application/vnd.autograder.extra-credit+json"
IMAGES = ("image/png", "image/jpeg")
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
FLAGS = ("deletable", "editable")
SCRIPT_SCHEMES = re.compile(r"(?i)(javascript|vbscript|livescript|data|file)(?=[\s\\]*:)")


def text(value):
    """nbformat's multiline string (a str or a list of str) as one str, or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def safe_output(output):
    """The output as a renderer can show it safely, or None (nothing safe in it)."""
    kind = output.get("output_type")
    if kind == "stream":
        shown = text(output.get("text"))
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return None if shown is None else nbformat.v4.new_output("stream", name=name, text=shown)
    if kind == "error":
        trace = output.get("traceback")
        return nbformat.v4.new_output("error", ename=str(output.get("ename", ""))[:200],
                                      evalue=str(output.get("evalue", ""))[:2000],
                                      traceback=[str(t) for t in trace][:200] if isinstance(trace, list) else [])
    if kind not in ("display_data", "execute_result"):
        return None
    data, metadata = {}, {}
    raw = output.get("data") if isinstance(output.get("data"), dict) else {}
    if text(raw.get(TEXT)) is not None:
        data[TEXT] = text(raw[TEXT])
    credit = raw.get(EXTRA_CREDIT)
    if isinstance(credit, dict) and set(credit) == {"points"} and number(credit["points"]):
        data[EXTRA_CREDIT] = {"points": credit["points"]}
    given = output.get("metadata") if isinstance(output.get("metadata"), dict) else {}
    for mime in IMAGES:
        image = text(raw.get(mime))
        if image is not None and BASE64.match(image):
            data[mime] = image
            size = given.get(mime) if isinstance(given.get(mime), dict) else {}
            kept = {k: size[k] for k in ("width", "height") if number(size.get(k))}
            if kept:
                metadata[mime] = kept
    if not data:
        return None
    if kind == "execute_result":
        count = output.get("execution_count")
        return nbformat.v4.new_output(kind, data=data, metadata=metadata,
                                      execution_count=count if isinstance(count, int) and not isinstance(count, bool)
                                      else None)
    return nbformat.v4.new_output(kind, data=data, metadata=metadata)


def safe_markdown(source):
    """Markdown whose HTML shows as text: no tag (`<` as an entity), no entity of the student's
    (a link target decodes entities twice, `&amp;#106;avascript:` into `javascript:`; `&` becomes
    a full-width ampersand), and no link to a script scheme (`blocked-javascript:`)."""
    return SCRIPT_SCHEMES.sub(r"blocked-\1", source.replace("&", "\uff06").replace("<", "&lt;"))


def safe_notebook(notebook, master):
    """`notebook` (executed) made safe to render, in place; returns it. `master` is the
    released notebook: its cells and metadata are trusted as they are."""
    released = {(c.cell_type, c.source) for c in master.cells}
    notebook.metadata = nbformat.from_dict(master.metadata)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in map(safe_output, cell.get("outputs", [])) if o is not None]
        # tags become HTML classes unescaped: only nbgrader's (restored from the release) and flags stay
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k == "nbgrader" and
                                            isinstance(v, dict) or k in FLAGS and isinstance(v, bool)})
        if (cell.cell_type, cell.source) in released:
            continue
        if cell.cell_type == "markdown":
            cell.source = safe_markdown(cell.source)
            cell.pop("attachments", None)
        elif cell.cell_type == "raw":
            cell.pop("attachments", None)  # and no format in the metadata: no renderer copies it
    return notebook
