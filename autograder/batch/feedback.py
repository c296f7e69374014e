"""What `nbgrader generate_feedback` (run by the batch, by hand, or by formgrader's button)
needs of the course: the course's own feedback page, and nbgrader's ClearHiddenTests made quiet.

The page (autograder/templates/feedback/index.html.j2, found before nbgrader's template of that name)
heads the notebook with the points per exercise, the core out of its maximum, the bonus
exercises as extra credit and any late penalty, and heads each graded cell with its exercise:
nbgrader's own page lists "Test cell (Score: 0.0 / 0.0)" for every visible check and
"5.0 / 0.0" for a bonus exercise.
"""
from pathlib import Path

import nbgrader
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List

# Where nbconvert looks for templates, ours first; nbgrader's own folder stays on the list, as
# formgrader needs its templates (the grading view) from it.
TEMPLATE_FOLDERS = [str(Path(__file__).resolve().parent.parent / "templates"),
                    str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]


class QuietClearHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, which nbconvert's HTML exporter configures with the
    `display_data_priority` it gives every preprocessor; nbgrader does not declare it
    configurable there, so every generate_feedback warned "Config option not recognized"."""

    display_data_priority = List(ClearHiddenTests.display_data_priority.default_value, config=True)
