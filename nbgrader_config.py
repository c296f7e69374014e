"""nbgrader configuration of the course (this directory is the course directory)."""
import os
import warnings

from sqlalchemy.exc import SAWarning

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput, OverwriteKernelspec,
                                    SaveAutoGrades)

from autograder.batch.extra_credit import SaveExtraCredit
from autograder.batch.feedback import TEMPLATE_FOLDERS, QuietClearHiddenTests
from autograder.batch.preprocessor import RestoredCells, SandboxedGrading

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

# nbgrader's own gradebook code triggers SQLAlchemy autoflush notes on every autograde: they
# say nothing about the submission, so they are silenced (for nbgrader's modules only).
warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "sequence-models-rnn"
c.CourseDirectory.root = HERE
# The embedded default gradebook is SQLite inside the course directory; any SQLAlchemy URL
# works (for example postgresql://user@host/gradebook) through NBGRADER_DB_URL.
c.CourseDirectory.db_url = os.environ.get("NBGRADER_DB_URL", "sqlite:///" + os.path.join(HERE, "gradebook.db"))
# Instructor-only files in source/ that students never receive.
# ("output" is what the jazz notebook writes when it runs: never part of a release.)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "make_figures.py", "output"]

# The assignments are the course's registry (autograder.assignments.ASSIGNMENTS); nbgrader learns
# each one from `nbgrader generate_assignment` (`make release`), which writes it to the gradebook.

# `nbgrader autograde` (and formgrader's Autograde button) grade through the course's sandbox,
# out of the student's kernel, exactly as `python -m autograder.batch` does: SandboxedGrading
# takes the place of nbgrader's Execute. Without root there is no sandbox: it then says so and
# executes in the student's kernel, as stock nbgrader does (not tamper-proof). Locked and test
# cells are restored as the batch restores them (RestoredCells, in place of OverwriteCells).
# RestoredCells goes before nbgrader's DeduplicateIds, which fails on a cell whose nbgrader
# metadata a student made up (a solution cell without a grade_id): it drops such metadata.
c.Autograde.sanitize_preprocessors = [ClearOutput, RestoredCells, DeduplicateIds, OverwriteKernelspec,
                                      CheckCellMetadata]
# Bonus functions are extra credit (their test cells are worth 0): SaveExtraCredit stores
# their points as the grades' extra credit, so every assignment is out of its core points.
c.Autograde.autograde_preprocessors = [SandboxedGrading, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, SaveExtraCredit, AssignLatePenalties, CheckCellMetadata]
# Time limit per cell when notebooks are executed in the student's kernel (validation, and
# autograding without a sandbox); the sandbox's limits are SandboxedGrading's (CPU time).
c.Execute.timeout = 300
# ... and says nothing on the way (ipykernel warns on every start that its local TCP connection is
# not encrypted); nbgrader's own default argument, an in-memory history, is kept.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
# A student who deletes a test cell on a resubmission gets it back (and its points at stake).
c.OverwriteCells.add_missing_cells = True
# Feedback shows each check's report but never the hidden test code, on the course's own page
# (autograder/templates/feedback, found before nbgrader's): points per exercise, the core out of
# its maximum, bonus exercises as extra credit, visible checks marked as worth 0 points.
c.GenerateFeedback.preprocessors = [GetGrades, QuietClearHiddenTests, CSSHTMLHeaderPreprocessor]
c.HTMLExporter.extra_template_basedirs = TEMPLATE_FOLDERS
