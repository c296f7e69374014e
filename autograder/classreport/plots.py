"""The report's figures as PNG bytes, drawn with matplotlib's Agg canvas (no display, no
pyplot state: the report can run anywhere, next to anything)."""
import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

COLOUR = "#4477aa"


def png(figure):
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return buffer.getvalue()


def histogram(axes, values, maximum, title):
    bins = max(1, min(20, int(math.ceil(maximum)) if maximum else 10))
    axes.hist(values, bins=bins, range=(0, maximum or 1), color=COLOUR, edgecolor="white")
    axes.set_title(title, fontsize=9)
    axes.set_xlabel("points", fontsize=8)
    axes.set_ylabel("students", fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of students
    axes.tick_params(labelsize=7)


def function_histograms(functions, points):
    """One histogram per graded function; `points` is {function: [points of each graded student]}."""
    columns = min(4, max(1, len(functions)))
    rows = math.ceil(len(functions) / columns)
    figure = Figure(figsize=(3.2 * columns, 2.4 * rows))
    for i, function in enumerate(functions):
        axes = figure.add_subplot(rows, columns, i + 1)
        title = f"{function.name} (bonus)" if function.bonus else function.name
        histogram(axes, points[function.name], function.points, f"{title}, out of {function.points:g}")
    figure.tight_layout()
    return png(figure)


def total_histograms(core, core_max, bonus, bonus_max):
    """The core total out of the core maximum, and the extra credit beside it (when there is any)."""
    figure = Figure(figsize=(9 if bonus_max else 4.5, 3))
    histogram(figure.add_subplot(1, 2 if bonus_max else 1, 1), core, core_max, f"core total, out of {core_max:g}")
    if bonus_max:
        histogram(figure.add_subplot(1, 2, 2), bonus, bonus_max, f"extra credit, up to {bonus_max:g}")
    figure.tight_layout()
    return png(figure)


def bar_chart(counts, title, xlabel="submissions"):
    """Horizontal bars, one per key of `counts` ({label: count})."""
    figure = Figure(figsize=(6, 0.4 * len(counts) + 1))
    axes = figure.add_subplot(1, 1, 1)
    labels = list(counts)
    axes.barh(range(len(labels)), [counts[k] for k in labels], color=COLOUR)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(xlabel, fontsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return png(figure)


def late_scatter(hours_late, penalties):
    figure = Figure(figsize=(4.5, 3))
    axes = figure.add_subplot(1, 1, 1)
    axes.scatter(hours_late, penalties, color=COLOUR, s=14)
    axes.set_xlabel("hours late", fontsize=8)
    axes.set_ylabel("late penalty (points)", fontsize=8)
    axes.set_title("late submissions", fontsize=9)
    figure.tight_layout()
    return png(figure)


def resources(seconds, memory_mb):
    """Grading time and peak memory per submission, side by side."""
    figure = Figure(figsize=(9, 3))
    for i, (values, label) in enumerate(((seconds, "grading time (s)"), (memory_mb, "peak memory (MB)"))):
        axes = figure.add_subplot(1, 2, i + 1)
        axes.hist(values, bins=20, color=COLOUR, edgecolor="white")
        axes.set_xlabel(label, fontsize=8)
        axes.set_ylabel("submissions", fontsize=8)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(f"{label} per submission", fontsize=9)
        axes.tick_params(labelsize=7)
    figure.tight_layout()
    return png(figure)
