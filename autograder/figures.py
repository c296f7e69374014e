"""Drawing helpers of the instructor's figure scripts, source/<assignment>/make_figures.py.

Instructor-only (make_figures.py is never released; grading never imports this module).
Importing it selects matplotlib's Agg backend and the course's figure style: one colour-blind
friendly palette, DejaVu Sans mathematics and a white background, the same in every
assignment's figures. The diagrams are drawn in data coordinates on an equal-aspect canvas
without axes (`new_canvas`) with rounded boxes, operator circles, arrows, lines and labels.

Figures are deterministic: `saver` writes PNG files whose metadata carries no time stamp and
no version string, so drawing a figure again gives the same bytes.
"""
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

DPI = 100

# The palette (colour-blind friendly): a strong and a light shade of each colour.
BLUE = "#4C72B0"
LIGHT_BLUE = "#DCE6F2"
ORANGE = "#DD8452"
LIGHT_ORANGE = "#F8E1D0"
GREEN = "#55A868"
LIGHT_GREEN = "#DDEFD9"
RED = "#C44E52"
PURPLE = "#8172B3"
LIGHT_PURPLE = "#E4E0F1"
GREY = "#F2F2F2"
DARK = "#333333"
MUTED = "#555555"

plt.rcParams.update({
    "font.size": 11,
    "mathtext.fontset": "dejavusans",
    "savefig.facecolor": "white",
})


def new_canvas(width, height, xlim, ylim):
    """(figure, axes) of `width` x `height` inches showing `xlim` x `ylim` at equal aspect,
    without axes: a blank sheet to draw a diagram on."""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def save_png(fig, path, shown_from):
    """Write `fig` to the PNG file `path` (its folder is made if needed), close it, and print
    the path relative to the folder `shown_from` with the file's size."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.1,
                metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {os.path.relpath(path, shown_from)} ({os.path.getsize(path) // 1024} KB)")


def box(ax, x, y, w, h, text="", fc=LIGHT_BLUE, ec=BLUE, fontsize=11, lw=1.5,
        rounding=0.15, text_color=DARK, zorder=3):
    """Rounded box of width w and height h centred at (x, y), with `text` in the middle."""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                           boxstyle=f"round,pad=0.02,rounding_size={rounding}",
                           fc=fc, ec=ec, lw=lw, zorder=zorder)
    ax.add_patch(patch)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
                color=text_color, zorder=zorder + 1)
    return patch


def frame(ax, x, y, w, h):
    """The grey rounded frame, centred at (x, y), that marks the inside of a cell, behind
    everything drawn on it."""
    return box(ax, x, y, w, h, fc=GREY, ec="#999999", rounding=0.4, zorder=0)


def node(ax, x, y, text, r=0.28, fc="white", ec=DARK, fontsize=13, zorder=4):
    """Small circle of radius r with an operator symbol, centred at (x, y)."""
    ax.add_patch(Circle((x, y), r, fc=fc, ec=ec, lw=1.4, zorder=zorder))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=zorder + 1)


def arrow(ax, start, end, color=DARK, lw=1.5, ls="-", head=12, shrink_a=0.0,
          shrink_b=0.0, connection="arc3", zorder=2):
    """Arrow from the point `start` to the point `end` (a curve with connection="arc3,rad=...")."""
    patch = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=head,
                            color=color, lw=lw, linestyle=ls, shrinkA=shrink_a,
                            shrinkB=shrink_b, connectionstyle=connection, zorder=zorder)
    ax.add_patch(patch)
    return patch


def line(ax, xs, ys, color=DARK, lw=1.5, ls="-", zorder=2):
    """Polyline through the points (xs[i], ys[i]), with round ends."""
    ax.plot(xs, ys, color=color, lw=lw, ls=ls, zorder=zorder, solid_capstyle="round")


def label(ax, x, y, text, fontsize=12, color=DARK, ha="center", va="center", **kw):
    """Text at (x, y), centred unless `ha`/`va` say otherwise."""
    ax.text(x, y, text, fontsize=fontsize, color=color, ha=ha, va=va, **kw)


def state_line(ax, y, x_times, x_plus, x_end, before, after, color, x_start=0.0, lw=2.5, r=0.28):
    """A state carried through a cell along the line at height y: from x_start (labelled
    `before`), scaled at x_times (a x node), added to at x_plus (a + node), out to an arrow
    at x_end (labelled `after`): the cell state of an LSTM, the hidden state of a GRU."""
    line(ax, [x_start, x_times - r], [y, y], color=color, lw=lw)
    label(ax, x_start + 0.1, y + 0.4, before, color=color, ha="left")
    node(ax, x_times, y, r"$\times$", r=r)
    line(ax, [x_times + r, x_plus - r], [y, y], color=color, lw=lw)
    node(ax, x_plus, y, "+", r=r)
    arrow(ax, (x_plus + r, y), (x_end, y), color=color, lw=lw)
    label(ax, x_end - 0.1, y + 0.4, after, color=color, ha="right")
