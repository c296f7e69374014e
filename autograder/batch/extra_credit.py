"""Bonus functions are extra credit: their test cells are worth 0 points, so an assignment's
maximum is its core (100), and the points a bonus function earned are stored as the grade's
`extra_credit`, which nbgrader adds to the score (gradebook, export, formgrader, feedback).

The points travel in the test cell's value (`autograder.grading.EXTRA_CREDIT_TYPE`), which the
worker writes (sandboxed grading) or `autograder.grade` returns (in the student's kernel).
`SaveExtraCredit` runs after nbgrader's SaveAutoGrades on both paths.
"""
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from ..assignments import ASSIGNMENTS, graders
from ..course import nbgrader_meta
from ..grading import EXTRA_CREDIT_TYPE


def bonus_points(assignment):
    """{test cell grade_id: the most extra credit it can give} of an assignment's bonus functions."""
    functions = graders(assignment) if assignment in ASSIGNMENTS else []
    return {f"test_{g.function}": g.points for g in functions if g.bonus}


def earned(cell, most):
    """The extra credit a bonus test cell's value carries, within [0, most]; 0 when the cell
    has none (not graded, or an error)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return 0.0
        if output.get("output_type") == "execute_result":
            points = output.get("data", {}).get(EXTRA_CREDIT_TYPE, {}).get("points")
            if isinstance(points, (int, float)) and not isinstance(points, bool):
                return float(min(max(points, 0.0), most))
    return 0.0


class SaveExtraCredit(NbGraderPreprocessor):
    """Store each bonus test cell's points as its grade's extra credit (after SaveAutoGrades)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        bonus = bonus_points(info["assignment"])
        cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") in bonus]
        if cells:
            with Gradebook(info["db_url"]) as gradebook:
                for cell in cells:
                    grade_id = nbgrader_meta(cell)["grade_id"]
                    grade = gradebook.find_grade(grade_id, info["notebook"], info["assignment"], info["student"])
                    grade.extra_credit = earned(cell, bonus[grade_id])
                gradebook.db.commit()
        return nb, resources
