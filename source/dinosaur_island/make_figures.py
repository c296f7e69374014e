"""Draw the figures of dinosaur_island.ipynb into images/<name>.png next to this script:

    python make_figures.py        # from any directory, in the course's environment

Style and drawing helpers: autograder.figures. The random softmax bars of the sampling figure
and the random gradient of the clipping figure come from seeded NumPy generators, so every
run writes the same bytes.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

# The palette, the style and the drawing helpers every assignment's figures share.
from autograder.figures import (BLUE, DARK, GREEN, GREY, LIGHT_GREEN, LIGHT_ORANGE, MUTED, ORANGE,
                                RED, arrow, box, label, new_canvas, save_png)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")


def save(fig, name):
    save_png(fig, os.path.join(OUT_DIR, name), HERE)


def show_char(ch):
    """How a character is written in the figures (the newline as a visible symbol)."""
    return r"$\backslash$n" if ch == "\n" else f"'{ch}'"


def index_of(ch):
    return 0 if ch == "\n" else ord(ch) - ord("a") + 1


def rnn_step(ax, x, y, char, y_input, width, input_from):
    """An RNN cell centred at (x, y) and, below it at height y_input, its input: the character
    `char` in a box `width` wide, or the zero vector when `char` is None. The input's arrow
    starts at height input_from."""
    box(ax, x, y, 1.4, 0.95, "RNN\ncell", fontsize=10)
    arrow(ax, (x, input_from), (x, y - 0.5))
    if char is None:
        box(ax, x, y_input, width, 0.6, r"$\vec{0}$", fc=GREY, ec="#999999")
    else:
        box(ax, x, y_input, width, 0.6, show_char(char), fc=LIGHT_ORANGE, ec=ORANGE)


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
        rnn_step(ax, x, 2.4, inputs[t], 0.35, 1.5, 0.75)
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
        rnn_step(ax, x, 2.0, drawn[t - 1] if t else None, 0.2, 1.3, 0.55)
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
