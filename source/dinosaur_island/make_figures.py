"""Draw the figures used in dinosaur_island.ipynb.

Run from any directory:

    python make_figures.py

Every figure is drawn from scratch with matplotlib (Agg backend) and written
to images/<name>.png next to this script.  The script is deterministic: the
only random numbers come from a seeded NumPy generator, and the PNG metadata
carries no time stamp or version string.
"""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")
DPI = 100

# A small, colour-blind friendly palette (the one of assignment 1).
BLUE = "#4C72B0"
LIGHT_BLUE = "#DCE6F2"
ORANGE = "#DD8452"
LIGHT_ORANGE = "#F8E1D0"
GREEN = "#55A868"
LIGHT_GREEN = "#DDEFD9"
RED = "#C44E52"
GREY = "#F2F2F2"
DARK = "#333333"
MUTED = "#555555"

plt.rcParams.update({
    "font.size": 11,
    "mathtext.fontset": "dejavusans",
    "savefig.facecolor": "white",
})


# ---------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------
def new_canvas(width, height, xlim, ylim):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def save(fig, name):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.1,
                metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {os.path.relpath(path, HERE)} ({os.path.getsize(path) // 1024} KB)")


def box(ax, x, y, w, h, text="", fc=LIGHT_BLUE, ec=BLUE, fontsize=11, lw=1.5,
        rounding=0.15, text_color=DARK, zorder=3):
    """Rounded box centred at (x, y)."""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                           boxstyle=f"round,pad=0.02,rounding_size={rounding}",
                           fc=fc, ec=ec, lw=lw, zorder=zorder)
    ax.add_patch(patch)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
                color=text_color, zorder=zorder + 1)
    return patch


def arrow(ax, start, end, color=DARK, lw=1.5, ls="-", head=12, connection="arc3", zorder=2):
    patch = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=head,
                            color=color, lw=lw, linestyle=ls, shrinkA=0, shrinkB=0,
                            connectionstyle=connection, zorder=zorder)
    ax.add_patch(patch)
    return patch


def label(ax, x, y, text, fontsize=12, color=DARK, ha="center", va="center", **kw):
    ax.text(x, y, text, fontsize=fontsize, color=color, ha=ha, va=va, **kw)


def show_char(ch):
    """How a character is written in the figures (the newline as a visible symbol)."""
    return r"$\backslash$n" if ch == "\n" else f"'{ch}'"


def index_of(ch):
    return 0 if ch == "\n" else ord(ch) - ord("a") + 1


# ---------------------------------------------------------------------------
# 1. Training: inputs are the name, targets are the name shifted by one
# ---------------------------------------------------------------------------
def figure_language_model():
    name = "minmi"
    inputs = [None] + list(name)
    targets = list(name) + ["\n"]
    T = len(inputs)
    fig, ax = new_canvas(11.5, 5.2, (-1.9, 2.15 * T + 0.2), (-1.7, 6.2))
    xs = [0.9 + 2.15 * t for t in range(T)]

    arrow(ax, (-1.0, 2.4), (xs[0] - 0.7, 2.4), color=BLUE)
    label(ax, -1.0, 2.85, r"$a^{\langle 0\rangle}$", fontsize=11, color=BLUE, ha="left")
    for t, x in enumerate(xs):
        box(ax, x, 2.4, 1.4, 0.95, "RNN\ncell", fontsize=10)
        # input
        arrow(ax, (x, 0.75), (x, 1.9))
        if inputs[t] is None:
            box(ax, x, 0.35, 1.5, 0.6, r"$\vec{0}$", fc=GREY, ec="#999999", fontsize=11)
        else:
            box(ax, x, 0.35, 1.5, 0.6, show_char(inputs[t]), fc=LIGHT_ORANGE, ec=ORANGE,
                fontsize=11)
        label(ax, x, -0.3, rf"$x^{{\langle {t + 1}\rangle}}$", fontsize=10, color=MUTED)
        # output and target
        arrow(ax, (x, 2.9), (x, 3.75))
        label(ax, x, 4.05, rf"$\hat{{y}}^{{\langle {t + 1}\rangle}}$", fontsize=12)
        box(ax, x, 4.95, 1.5, 0.6, show_char(targets[t]), fc=LIGHT_GREEN, ec=GREEN, fontsize=11)
        label(ax, x, 5.55, rf"$y^{{\langle {t + 1}\rangle}}$", fontsize=10, color=MUTED)
        if t + 1 < T:
            arrow(ax, (x + 0.72, 2.4), (xs[t + 1] - 0.72, 2.4), color=BLUE)
            # the target of step t is the input of step t + 1
            arrow(ax, (x + 0.78, 4.75), (xs[t + 1] - 0.78, 0.55), color=GREEN, lw=0.9, ls="--",
                  head=8, zorder=1)

    x_text = ", ".join("None" if c is None else str(index_of(c)) for c in inputs)
    y_text = ", ".join(str(index_of(c)) for c in targets)
    label(ax, -1.8, -1.05, f"X = [{x_text}]", fontsize=10.5, color=ORANGE, ha="left",
          family="monospace")
    label(ax, -1.8, -1.5, f"Y = [{y_text}]", fontsize=10.5, color=GREEN, ha="left",
          family="monospace")
    label(ax, xs[2] + 1.2, -1.28, "loss of the name  =  "
          r"$-\sum_t \log \hat{y}^{\langle t\rangle}[\,y^{\langle t\rangle}]$",
          fontsize=11, ha="left")
    save(fig, "language_model.png")


# ---------------------------------------------------------------------------
# 2. Sampling: each drawn character becomes the next input
# ---------------------------------------------------------------------------
def figure_sampling():
    drawn = ["m", "e", "i", "\n"]
    T = len(drawn)
    rng = np.random.default_rng(3)
    fig, ax = new_canvas(11, 5.0, (-1.6, 2.9 * T - 0.2), (-0.9, 6.4))
    xs = [1.0 + 2.9 * t for t in range(T)]

    arrow(ax, (-1.3, 2.0), (xs[0] - 0.7, 2.0), color=BLUE)
    label(ax, -1.3, 2.45, r"$a^{\langle 0\rangle}=\vec{0}$", fontsize=10, color=BLUE, ha="left")
    for t, x in enumerate(xs):
        box(ax, x, 2.0, 1.4, 0.95, "RNN\ncell", fontsize=10)
        arrow(ax, (x, 0.55), (x, 1.5))
        if t == 0:
            box(ax, x, 0.2, 1.3, 0.6, r"$\vec{0}$", fc=GREY, ec="#999999")
        else:
            box(ax, x, 0.2, 1.3, 0.6, show_char(drawn[t - 1]), fc=LIGHT_ORANGE, ec=ORANGE)
        # a small bar chart standing for the softmax output
        arrow(ax, (x, 2.5), (x, 3.05))
        probs = rng.dirichlet(np.full(9, 0.6))
        probs[rng.integers(9)] += 0.35
        probs = probs / probs.max()
        for k, p in enumerate(probs):
            ax.add_patch(Rectangle((x - 0.63 + 0.14 * k, 3.15), 0.11, 0.9 * p, fc=BLUE, ec="none",
                                   zorder=3))
        label(ax, x, 4.35, r"$\hat{y}^{\langle %d\rangle}$" % (t + 1), fontsize=11)
        # the draw
        arrow(ax, (x, 4.65), (x, 5.25), color=RED)
        label(ax, x + 0.12, 4.95, "draw", fontsize=8.5, color=RED, ha="left")
        box(ax, x, 5.6, 1.3, 0.6, show_char(drawn[t]), fc=LIGHT_ORANGE, ec=ORANGE)
        if t + 1 < T:
            arrow(ax, (x + 0.72, 2.0), (xs[t + 1] - 0.72, 2.0), color=BLUE)
            arrow(ax, (x + 0.68, 5.45), (xs[t + 1] - 0.68, 0.35), color=ORANGE, lw=1.1,
                  ls="--", head=10, zorder=1)
    label(ax, xs[-1] + 0.0, -0.55, "newline drawn: stop", fontsize=10, color=RED)
    label(ax, xs[0] - 0.2, -0.55, "step k reseeds NumPy with seed + 2k before drawing",
          fontsize=10, color=MUTED, ha="left")
    save(fig, "sampling.png")


# ---------------------------------------------------------------------------
# 3. Element-wise clipping of a gradient
# ---------------------------------------------------------------------------
def figure_clipping():
    rng = np.random.default_rng(7)
    grad = rng.normal(0.0, 5.0, size=14)
    grad[3], grad[9] = 11.5, -9.0
    max_value = 5.0
    clipped = np.clip(grad, -max_value, max_value)
    idx = np.arange(grad.size)

    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    ax.bar(idx - 0.2, grad, width=0.4, color=LIGHT_ORANGE, edgecolor=ORANGE,
           label="before clipping")
    ax.bar(idx + 0.2, clipped, width=0.4, color=BLUE, edgecolor=BLUE, label="after clip(…, 5)")
    for bound in (-max_value, max_value):
        ax.axhline(bound, color=RED, ls="--", lw=1.2)
    ax.axhline(0, color=DARK, lw=0.8)
    ax.text(grad.size - 0.4, max_value + 0.5, "+maxValue", color=RED, ha="right", fontsize=10)
    ax.text(grad.size - 0.4, -max_value - 1.3, "−maxValue", color=RED, ha="right", fontsize=10)
    ax.set_xlabel("entry of the gradient")
    ax.set_ylabel("value")
    ax.set_xticks(idx)
    ax.set_ylim(-13, 13)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower left", frameon=False, fontsize=9, ncol=2)
    fig.tight_layout()
    save(fig, "clipping.png")


def main():
    figure_language_model()
    figure_sampling()
    figure_clipping()


if __name__ == "__main__":
    main()
