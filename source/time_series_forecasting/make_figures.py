"""Draw the figures of time_series_forecasting.ipynb into images/<name>.png next to this script:

    python make_figures.py        # from any directory, in the course's environment

Style and drawing helpers: autograder.figures. No random numbers: every run writes the same bytes.
"""

import os

from matplotlib.patches import Rectangle

# The palette, the style and the drawing helpers every assignment's figures share.
from autograder.figures import (BLUE, DARK, GREEN, LIGHT_BLUE, LIGHT_GREEN, LIGHT_ORANGE, MUTED,
                                ORANGE, arrow, box, label, new_canvas, save_png)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")

Y_IN, Y_RNN, Y_OUT = 0.0, 1.55, 3.2    # heights of the inputs, the deep RNN and the outputs
SPACING = 1.65                          # horizontal distance between two time steps


def save(fig, name):
    save_png(fig, os.path.join(OUT_DIR, name), HERE)


def value_cells(ax, x, y, n, width, height, fc, ec):
    """A row of n cells (a vector of n values) of total `width`, centred at (x, y)."""
    left = x - width / 2
    for i in range(n):
        ax.add_patch(Rectangle((left + i * width / n, y - height / 2), width / n, height,
                               fc=fc, ec=ec, lw=1.0, zorder=3))


def rnn_chain(ax, y0, steps, inputs):
    """One row of a scheme: for each x in `steps` an input box labelled from `inputs` (None:
    an ellipsis column) under a box of the deep RNN, the RNN boxes linked left to right.
    `inputs` holds (text, is_forecast) pairs."""
    for i, (x, item) in enumerate(zip(steps, inputs)):
        if item is None:
            label(ax, x, y0 + Y_RNN, r"$\cdots$", fontsize=16, color=MUTED)
            label(ax, x, y0 + Y_IN, r"$\cdots$", fontsize=16, color=MUTED)
        else:
            text, forecast = item
            box(ax, x, y0 + Y_IN, 0.95, 0.62, text, fc=LIGHT_ORANGE if forecast else LIGHT_BLUE,
                ec=ORANGE if forecast else BLUE, fontsize=12)
            box(ax, x, y0 + Y_RNN, 0.95, 0.72, "RNN", fc=LIGHT_GREEN, ec=GREEN, fontsize=10)
            arrow(ax, (x, y0 + Y_IN + 0.33), (x, y0 + Y_RNN - 0.38), lw=1.2, head=9)
        if i:  # the hidden states of both layers flow to the next step
            arrow(ax, (steps[i - 1] + 0.5, y0 + Y_RNN), (x - 0.5, y0 + Y_RNN), color=GREEN,
                  lw=1.3, head=9)


def scheme_title(ax, y0, title, note):
    label(ax, -0.9, y0 + 4.75, title, fontsize=13, ha="left", fontweight="bold")
    label(ax, -0.9, y0 + 4.3, note, fontsize=10.5, ha="left", color=MUTED)


# ---------------------------------------------------------------------------
# 1. The three schemes
# ---------------------------------------------------------------------------
def scheme_iterate(ax, y0):
    scheme_title(ax, y0, "Scheme 1: iterate a one-step model  (seq2vec_model(1), forecast_iteratively)",
                 "one value per call of predict; each forecast becomes the next input, "
                 "so its error is read as if it were data")
    steps = [SPACING * i for i in range(9)]
    inputs = [(r"$x_1$", False), (r"$x_2$", False), None, (r"$x_n$", False),
              (r"$\hat y_{n+1}$", True), (r"$\hat y_{n+2}$", True), None, (r"$\hat y_{n+9}$", True)]
    steps = steps[:len(inputs)]
    rnn_chain(ax, y0, steps, inputs)
    outputs = {3: r"$\hat y_{n+1}$", 4: r"$\hat y_{n+2}$", 5: r"$\hat y_{n+3}$", 7: r"$\hat y_{n+10}$"}
    for i, text in outputs.items():
        x = steps[i]
        box(ax, x, y0 + Y_OUT, 0.95, 0.62, text, fc=LIGHT_ORANGE, ec=ORANGE, fontsize=12)
        arrow(ax, (x, y0 + Y_RNN + 0.38), (x, y0 + Y_OUT - 0.33), lw=1.2, head=9)
        if i + 1 < len(steps) and inputs[i + 1] is not None:  # fed back as the next input
            arrow(ax, (x + 0.48, y0 + Y_OUT - 0.1), (steps[i + 1] - 0.2, y0 + Y_IN + 0.33),
                  color=ORANGE, lw=1.3, ls="--", head=10, connection="arc3,rad=-0.25")


def scheme_seq2vec(ax, y0):
    scheme_title(ax, y0, "Scheme 2: sequence to vector  (seq2vec_model(10))",
                 "one call; the last hidden state gives all 10 values at once; "
                 "the loss sees 10 numbers per series")
    steps = [SPACING * i for i in range(4)]
    rnn_chain(ax, y0, steps, [(r"$x_1$", False), (r"$x_2$", False), None, (r"$x_n$", False)])
    x_dense = steps[-1]
    arrow(ax, (x_dense, y0 + Y_RNN + 0.38), (x_dense, y0 + Y_OUT - 0.38), lw=1.2, head=9)
    box(ax, x_dense, y0 + Y_OUT, 1.0, 0.72, "Dense", fc="white", ec=DARK, fontsize=10)
    x_vec = x_dense + 2.8
    arrow(ax, (x_dense + 0.52, y0 + Y_OUT), (x_vec - 1.75, y0 + Y_OUT), lw=1.2, head=9)
    value_cells(ax, x_vec, y0 + Y_OUT, 10, 3.4, 0.5, LIGHT_ORANGE, ORANGE)
    label(ax, x_vec, y0 + Y_OUT + 0.62, r"$\hat y_{n+1}\ \ \hat y_{n+2}\ \ \cdots\ \ \hat y_{n+10}$",
          fontsize=12)
    label(ax, x_vec, y0 + Y_OUT - 0.62, "output (m, 10)", fontsize=10, color=MUTED)
    label(ax, x_dense + 1.0, y0 + Y_RNN, "only the last hidden state is used", fontsize=10,
          ha="left", color=MUTED)


def scheme_seq2seq(ax, y0):
    scheme_title(ax, y0, "Scheme 3: sequence to sequence  (seq2seq_model(10))",
                 "at every step t, the next 10 values; the loss sees n × 10 numbers per series; "
                 "the forecast is the last step's vector")
    steps = [SPACING * i for i in range(4)]
    rnn_chain(ax, y0, steps, [(r"$x_1$", False), (r"$x_2$", False), None, (r"$x_n$", False)])
    targets = [r"$x_2 \ldots x_{11}$", r"$x_3 \ldots x_{12}$", None, r"$x_{n+1} \ldots x_{n+10}$"]
    for x, target in zip(steps, targets):
        if target is None:
            label(ax, x, y0 + Y_OUT, r"$\cdots$", fontsize=16, color=MUTED)
            continue
        last = target is targets[-1]
        arrow(ax, (x, y0 + Y_RNN + 0.38), (x, y0 + Y_OUT - 0.3), lw=1.2, head=9)
        value_cells(ax, x, y0 + Y_OUT, 10, 1.35, 0.42, LIGHT_ORANGE, ORANGE)
        if last:
            ax.add_patch(Rectangle((x - 0.78, y0 + Y_OUT - 0.3), 1.56, 0.6, fc="none", ec=DARK,
                                   lw=1.6, zorder=4))
        label(ax, x, y0 + Y_OUT + 0.5, "targets " + target if x == steps[0] else target, fontsize=10,
              color=DARK)
    label(ax, steps[-1] + 1.0, y0 + Y_OUT, "the forecast\n(last step)", fontsize=10, ha="left",
          color=DARK)
    label(ax, steps[-1] + 1.0, y0 + Y_RNN, "TimeDistributed(Dense(10)) at every step:\n"
          "output (m, n, 10)", fontsize=10, ha="left", color=MUTED)


def figure_schemes():
    fig, ax = new_canvas(12.5, 15, (-1.1, 13.2), (-0.8, 16.4))
    scheme_iterate(ax, 11.4)
    scheme_seq2vec(ax, 5.7)
    scheme_seq2seq(ax, 0.0)
    save(fig, "schemes.png")


# ---------------------------------------------------------------------------
# 2. Inputs and targets of one series, n_steps = 6, horizon = 3
# ---------------------------------------------------------------------------
def figure_targets():
    n_steps, horizon = 6, 3
    colours = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3",
               "#8C8C8C", "#CCB974"]           # one colour per value x_0 .. x_8
    size = 0.9

    def cell(x, y, i, text=None):
        ax.add_patch(Rectangle((x - size / 2, y - size / 2), size, size, fc=colours[i], ec="white",
                               lw=2, alpha=0.85, zorder=3))
        label(ax, x, y, text or rf"$x_{i}$", fontsize=12, color="white", zorder=4)

    fig, ax = new_canvas(11.5, 6.6, (-1.0, 16.2), (-1.2, 8.6))
    # the series
    label(ax, -0.8, 8.05, f"one series, T = n_steps + horizon = {n_steps + horizon} values",
          fontsize=11.5, ha="left")
    for i in range(n_steps + horizon):
        cell(i * size, 7.1, i)
    label(ax, (n_steps - 1) * size / 2, 6.3, "X: the first n_steps", fontsize=10.5, color=BLUE)
    label(ax, (n_steps + (horizon - 1) / 2) * size, 6.3, "seq2vec Y", fontsize=10.5, color=ORANGE)

    # the seq2seq targets: row t holds x_{t+1} .. x_{t+horizon}
    top = 4.7
    label(ax, -0.8, top + 0.85, "input at step t", fontsize=10.5, ha="left", color=BLUE)
    label(ax, 3.3 + size, top + 0.85, r"seq2seq targets  Y[t, k-1] = $x_{t+k}$,  k = 1 .. horizon",
          fontsize=10.5, ha="left", color=DARK)
    for t in range(n_steps):
        y = top - t * size
        label(ax, -0.55, y, f"t={t}", fontsize=10, color=MUTED, ha="right")
        cell(0.3, y, t)
        arrow(ax, (0.85, y), (2.55 + size / 2, y), color=MUTED, lw=1.0, head=8)
        for k in range(1, horizon + 1):
            cell(3.3 + k * size, y, t + k)
    last = top - (n_steps - 1) * size
    ax.add_patch(Rectangle((3.3 + size / 2, last - size / 2 - 0.06), horizon * size, size + 0.12,
                           fc="none", ec=DARK, lw=2, zorder=5))
    label(ax, 3.3 + (horizon + 1) * size, last, "the last step: equals seq2vec Y;\n"
          "last_time_step_mse scores only this row", fontsize=10.5, ha="left")
    label(ax, 3.3 + (horizon + 1) * size, top - 1.6 * size,
          "every diagonal holds one value:\nthe same target reappears at\n"
          "up to horizon different steps", fontsize=10.5, ha="left", color=MUTED)
    label(ax, 7.6, -0.95, f"shapes for m series: X (m, {n_steps}, 1),  seq2vec Y (m, {horizon}),  "
          f"seq2seq Y (m, {n_steps}, {horizon})", fontsize=10.5, color=DARK)
    save(fig, "seq2seq_targets.png")


def main():
    figure_schemes()
    figure_targets()


if __name__ == "__main__":
    main()
