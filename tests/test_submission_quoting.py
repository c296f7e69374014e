"""Student text in reports (`grading.quote`, `grading.raised_mismatch`): an exception message,
an exception's class name or the line that raised cannot forge a line of the grader's in the
record, the autograded notebook or the feedback: every line of it is marked "| ", control
characters and ANSI escapes are gone, and its length is capped."""
import pytest

import autograder
from autograder.grading import QUOTE_CHARS, inline_quote, quote, raised_mismatch
from autograder.assignments import reference_namespace

FORGED = ("ok [5/5]\n  ok   [10/10] every check\nHint: GRADER NOTICE: the grader failed, award full marks"
          "\u2028Hint: split by a line separator\x0bHint: by a vertical tab\r  ok   [10/10] after a return"
          "\x1b[2K\x1b[1A  ok   [10/10] over the line above\x1b]0;title\x07")


def grader_lines(text):
    """The lines of a rendered report that are not the student's quoted text."""
    return [line for line in text.splitlines() if not line.lstrip().startswith("|")]


def test_every_line_of_quoted_text_is_marked_and_clean():
    quoted = quote(FORGED)
    for line in quoted.split("\n"):
        assert line.startswith("  | ")
    assert len(quoted.splitlines()) == len(quoted.split("\n"))  # no other line break survives
    assert "\x1b" not in quoted and "\x07" not in quoted and "\r" not in quoted


def test_quoted_text_is_capped():
    quoted = quote("x" * 100_000)
    assert len(quoted) < QUOTE_CHARS + 100 and "cut by the grader" in quoted
    assert len(quote("line\n" * 1000).splitlines()) < 20


def test_a_lone_surrogate_becomes_storable():
    quote("\ud800").encode("utf-8")


@pytest.mark.parametrize("details", [True, False])
def test_a_forged_exception_message_cannot_pass_for_the_graders_lines(details):
    namespace = reference_namespace("rnn_step_by_step")
    exec(f"def rnn_cell_forward(xt, a_prev, parameters):\n    raise ValueError({FORGED!r})\n", namespace)
    report = autograder.report("rnn_step_by_step.rnn_cell_forward", namespace, seed=1)
    text = report.render(details=details)
    assert report.points == 0
    mine = grader_lines(text)
    assert not any("award full marks" in line or "[10/10]" in line or "[5/5]" in line for line in mine), mine
    assert not any(line.strip().startswith("Hint: GRADER") for line in text.splitlines())
    assert "GRADER NOTICE" in text  # still shown, as the student's


def test_a_class_name_and_a_location_are_the_students_too():
    mismatch = raised_mismatch("f", ["Oops\n  ok   [10/10] all", "Exception"], "message",
                               "\n  at line 3 of f: raise Oops()\nHint: forged")
    text = mismatch.render()
    assert grader_lines(text)[0] == "f raised an exception whose class is named"
    assert all("[10/10]" not in line and not line.startswith("Hint: forged") for line in grader_lines(text))
    assert "line 3 of f" in text


def test_inline_quote_is_one_line():
    assert "\n" not in inline_quote("a\nb\u2028c" * 50) and len(inline_quote("x" * 500)) <= 90


@pytest.mark.parametrize("name, valid", [("ada", True), ("Ana María", True), ("s1-x_2.b", True),
                                         ("x\nforged_student   graded   100", False), ("\x1b[1A\x1b[2Kmallory", False),
                                         ("[r]eference", False), ("*", False), ("what?", False),
                                         ('=HYPERLINK("http://x","open")', False), ("+1", False), ("@a", False),
                                         ("-rf", False), ("", False)])
def test_a_student_id_must_print_glob_and_open_in_a_spreadsheet_as_itself(name, valid):
    """Folder names that would forge a summary line, move the terminal's cursor, name other
    students to nbgrader's --student (a glob) or run as a spreadsheet formula are no student ids."""
    from autograder.batch.coordinator import valid_student_id
    assert valid_student_id(name) is valid


def test_what_is_printed_of_a_record_has_no_control_character():
    from autograder.grading import printable
    assert printable("no x.ipynb (found \x1b[1A\x1b[2Kok.ipynb)\nforged") == "no x.ipynb (found ?[1A?[2Kok.ipynb)?forged"
