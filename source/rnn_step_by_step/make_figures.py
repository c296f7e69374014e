"""Draw the figures of rnn_step_by_step.ipynb into images/<name>.png next to this script:

    python make_figures.py        # from any directory, in the course's environment

Style and drawing helpers: autograder.figures. The only random numbers, those of the
gradient-norm curves, come from a seeded NumPy generator, so every run writes the same bytes.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

# The palette, the style and the drawing helpers every assignment's figures share.
from autograder.figures import (BLUE, DARK, GREEN, LIGHT_BLUE, LIGHT_GREEN, LIGHT_ORANGE, LIGHT_PURPLE,
                                ORANGE, PURPLE, RED, arrow, box, frame, label, line, new_canvas, node,
                                save_png, state_line)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")


def save(fig, name):
    save_png(fig, os.path.join(OUT_DIR, name), HERE)


# ---------------------------------------------------------------------------
# 1. Shapes of the input tensor
# ---------------------------------------------------------------------------
def figure_tensor_shapes():
    fig, ax = new_canvas(8.5, 4.2, (-0.5, 13), (-1.2, 6.2))
    n_x, m, T = 4, 5, 4
    cell = 0.55
    for t in reversed(range(T)):
        ox, oy = 1.0 + 1.15 * t, 0.6 + 0.45 * t
        for i in range(n_x):
            for j in range(m):
                highlight = (t == 0 and j == 2)
                fc = LIGHT_ORANGE if highlight else (LIGHT_BLUE if t % 2 == 0 else "#EAF0F8")
                ax.add_patch(Rectangle((ox + j * cell, oy + (n_x - 1 - i) * cell), cell, cell,
                                       fc=fc, ec=BLUE if not highlight else ORANGE, lw=1.0,
                                       zorder=10 - t))
        step, index = (f"{t + 1}", f"{t}") if t < T - 1 else ("T_x", "T_x-1")
        label(ax, ox + 0.55, oy + n_x * cell + 0.4,
              rf"$x^{{\langle {step}\rangle}}$" + f"\n[:, :, {index}]", fontsize=8.5, color=BLUE,
              zorder=20)
    # Dimension annotations for the front slice.
    ox, oy = 1.0, 0.6
    line(ax, [ox - 0.35, ox - 0.35], [oy, oy + n_x * cell], color=DARK, lw=1.2)
    label(ax, ox - 0.55, oy + n_x * cell / 2, r"$n_x$" + "\nfeatures", fontsize=10, ha="right")
    line(ax, [ox, ox + m * cell], [oy - 0.55, oy - 0.55], color=DARK, lw=1.2)
    label(ax, ox + m * cell / 2, oy - 0.9, r"$m$ examples (columns)", fontsize=10)
    arrow(ax, (ox + m * cell + 0.3, oy + 0.1), (ox + m * cell + 0.3 + 1.15 * 3, oy + 0.1 + 0.45 * 3),
          color=DARK, lw=1.2, head=10)
    label(ax, ox + m * cell + 2.6, oy + 0.35, r"$T_x$ time steps", fontsize=10, ha="left")
    # Explanations on the right.
    tx = 9.0
    label(ax, tx, 5.4, r"x has shape $(n_x, m, T_x)$", fontsize=12, ha="left")
    label(ax, tx, 4.5, "x[:, :, 0]  time step 1,", fontsize=10, ha="left", family="monospace")
    label(ax, tx, 4.05, r"              $x^{\langle 1\rangle}$, shape $(n_x, m)$", fontsize=10, ha="left")
    label(ax, tx, 3.2, "x[:, 2, 0]  example 3, step 1", fontsize=10, ha="left",
          family="monospace", color=ORANGE)
    label(ax, tx, 2.75, r"              $= x^{(3)\langle 1\rangle}$, shape $(n_x,)$",
          fontsize=10, ha="left", color=ORANGE)
    label(ax, tx, 1.8, r"hidden states a: $(n_a, m, T_x)$", fontsize=10, ha="left")
    label(ax, tx, 1.3, r"predictions y: $(n_y, m, T_x)$", fontsize=10, ha="left")
    label(ax, tx, 0.45, "formulas count from 1, NumPy from 0:\n"
          r"$x^{(e)\langle t\rangle}$ is x[:, e-1, t-1]", fontsize=9.5, ha="left", color="#555555")
    save(fig, "tensor_shapes.png")


# ---------------------------------------------------------------------------
# 2. Unrolled RNN
# ---------------------------------------------------------------------------
def figure_rnn_unrolled():
    fig, ax = new_canvas(11, 3.9, (-0.3, 15.3), (-0.9, 5.0))
    # Folded view.
    box(ax, 1.3, 2.3, 1.5, 1.0, "RNN\ncell", fontsize=10)
    arrow(ax, (1.3, 0.45), (1.3, 1.78))
    label(ax, 1.3, 0.15, r"$x^{\langle t\rangle}$")
    arrow(ax, (1.3, 2.82), (1.3, 3.95))
    label(ax, 1.3, 4.3, r"$\hat{y}^{\langle t\rangle}$")
    arrow(ax, (2.07, 2.05), (2.07, 2.55), connection="arc3,rad=2.6", color=BLUE)
    label(ax, 2.95, 3.1, r"$a^{\langle t-1\rangle}$", fontsize=10, color=BLUE)
    label(ax, 3.75, 2.3, "=", fontsize=22)

    xs = [5.4, 7.9, 10.4, 13.9]
    names = ["1", "2", "3", "T_x"]
    arrow(ax, (4.25, 2.3), (xs[0] - 0.77, 2.3), color=BLUE)
    label(ax, 4.25, 2.75, r"$a^{\langle 0\rangle}$", fontsize=11, color=BLUE)
    for k, (x, n) in enumerate(zip(xs, names)):
        box(ax, x, 2.3, 1.5, 1.0, "cell", fontsize=10)
        arrow(ax, (x, 0.45), (x, 1.78))
        label(ax, x, 0.15, rf"$x^{{\langle {n}\rangle}}$")
        arrow(ax, (x, 2.82), (x, 3.95))
        label(ax, x, 4.3, rf"$\hat{{y}}^{{\langle {n}\rangle}}$")
        if k < 2:
            arrow(ax, (x + 0.77, 2.3), (xs[k + 1] - 0.77, 2.3), color=BLUE)
            label(ax, (x + xs[k + 1]) / 2, 2.7, rf"$a^{{\langle {n}\rangle}}$", fontsize=11,
                  color=BLUE)
    arrow(ax, (xs[2] + 0.77, 2.3), (11.7, 2.3), color=BLUE)
    label(ax, 12.15, 2.3, r"$\cdots$", fontsize=16)
    arrow(ax, (12.55, 2.3), (xs[3] - 0.77, 2.3), color=BLUE)
    label(ax, 8.9, -0.6, "the same parameters Wax, Waa, ba, Wya, by are shared by every time step",
          fontsize=10, color="#555555")
    save(fig, "rnn_unrolled.png")


# ---------------------------------------------------------------------------
# 3. One RNN cell
# ---------------------------------------------------------------------------
def figure_rnn_cell():
    fig, ax = new_canvas(9, 5.6, (-0.2, 12.6), (-0.3, 7.6))
    frame(ax, 5.6, 3.2, 8.0, 4.6)
    label(ax, 2.1, 5.2, "RNN cell", fontsize=11, color="#777777", ha="left")

    # a_prev path
    arrow(ax, (0.0, 3.0), (2.5, 3.0), color=BLUE)
    label(ax, 0.3, 3.45, r"$a^{\langle t-1\rangle}$", color=BLUE, ha="left")
    box(ax, 3.3, 3.0, 1.5, 0.75, r"$W_{aa}\,\cdot$", fc="white", ec=BLUE)
    arrow(ax, (4.05, 3.0), (5.02, 3.0))
    # x path
    arrow(ax, (5.3, -0.2), (5.3, 1.15), color=ORANGE)
    label(ax, 5.75, 0.1, r"$x^{\langle t\rangle}$", color=ORANGE, ha="left")
    box(ax, 5.3, 1.55, 1.5, 0.75, r"$W_{ax}\,\cdot$", fc="white", ec=ORANGE)
    arrow(ax, (5.3, 1.93), (5.3, 2.72))
    # bias
    arrow(ax, (4.3, 4.3), (5.1, 3.2))
    label(ax, 4.1, 4.55, r"$b_a$")
    node(ax, 5.3, 3.0, "+")
    arrow(ax, (5.58, 3.0), (6.35, 3.0))
    box(ax, 7.0, 3.0, 1.3, 0.75, "tanh", fc=LIGHT_BLUE, ec=BLUE)
    arrow(ax, (7.65, 3.0), (12.4, 3.0), color=BLUE)
    label(ax, 12.3, 3.45, r"$a^{\langle t\rangle}$", color=BLUE, ha="right")
    # output path
    line(ax, [8.6, 8.6], [3.0, 3.6], color=BLUE)
    arrow(ax, (8.6, 3.0), (8.6, 4.15), color=DARK)
    box(ax, 8.6, 4.55, 2.4, 0.75, r"$W_{ya}\,\cdot + b_y$", fc="white", ec=GREEN)
    arrow(ax, (8.6, 4.93), (8.6, 5.95))
    box(ax, 8.6, 6.35, 1.8, 0.75, "softmax", fc=LIGHT_GREEN, ec=GREEN)
    arrow(ax, (9.5, 6.35), (10.6, 6.35), color=GREEN)
    label(ax, 10.75, 6.35, r"$\hat{y}^{\langle t\rangle}$", color=GREEN, ha="left")
    label(ax, 0.0, 6.9, r"$a^{\langle t\rangle} = \tanh(W_{aa}a^{\langle t-1\rangle}"
          r" + W_{ax}x^{\langle t\rangle} + b_a)$", fontsize=11, ha="left")
    save(fig, "rnn_cell.png")


# ---------------------------------------------------------------------------
# 4. LSTM cell
# ---------------------------------------------------------------------------
def figure_lstm_cell():
    fig, ax = new_canvas(11, 6.6, (-0.3, 14.6), (-0.6, 8.4))
    frame(ax, 6.7, 3.7, 10.4, 5.9)
    top, bottom = 5.9, 1.4

    # cell-state highway
    state_line(ax, top, 4.0, 7.5, 14.4, r"$c^{\langle t-1\rangle}$", r"$c^{\langle t\rangle}$", PURPLE)

    # concat bar
    line(ax, [0.0, 2.6], [bottom, bottom], color=BLUE, lw=2)
    label(ax, 0.1, bottom + 0.4, r"$a^{\langle t-1\rangle}$", color=BLUE, ha="left")
    line(ax, [2.6, 2.6], [-0.4, bottom], color=ORANGE, lw=2)
    label(ax, 2.85, -0.3, r"$x^{\langle t\rangle}$", color=ORANGE, ha="left")
    line(ax, [2.6, 9.4], [bottom, bottom], color=DARK, lw=2)
    label(ax, 6.3, bottom - 0.45, r"concat $=[a^{\langle t-1\rangle};\, x^{\langle t\rangle}]$",
          fontsize=10)

    gates = [(4.0, r"$\sigma$", "forget\n$f$", LIGHT_ORANGE, ORANGE),
             (5.6, r"$\sigma$", "update\n$i$", LIGHT_GREEN, GREEN),
             (7.5, "tanh", r"candidate" + "\n" + r"$\tilde{c}$", LIGHT_PURPLE, PURPLE),
             (9.4, r"$\sigma$", "output\n$o$", LIGHT_BLUE, BLUE)]
    for x, sym, name, fc, ec in gates:
        arrow(ax, (x, bottom), (x, 2.75))
        box(ax, x, 3.1, 1.05, 0.65, sym, fc=fc, ec=ec)
        label(ax, x - 0.62, 2.2, name, fontsize=8.5, color=ec, ha="right")
    # forget gate into the highway
    arrow(ax, (4.0, 3.43), (4.0, top - 0.28))
    # update * candidate
    node(ax, 7.5, 4.55, r"$\times$")
    arrow(ax, (7.5, 3.43), (7.5, 4.27))
    arrow(ax, (5.6, 3.43), (7.24, 4.45))
    arrow(ax, (7.5, 4.83), (7.5, top - 0.28))
    # output path
    line(ax, [10.9, 10.9], [top, 5.25], color=PURPLE, lw=1.5)
    box(ax, 10.9, 4.9, 1.05, 0.6, "tanh", fc="white", ec=PURPLE, fontsize=10)
    node(ax, 10.9, 3.1, r"$\times$")
    arrow(ax, (10.9, 4.58), (10.9, 3.38))
    arrow(ax, (9.93, 3.1), (10.62, 3.1))
    line(ax, [11.18, 12.4], [3.1, 3.1], color=BLUE, lw=2)
    line(ax, [12.4, 12.4], [3.1, bottom], color=BLUE, lw=2)
    arrow(ax, (12.4, bottom), (14.4, bottom), color=BLUE, lw=2)
    label(ax, 14.3, bottom + 0.4, r"$a^{\langle t\rangle}$", color=BLUE, ha="right")
    arrow(ax, (12.4, 3.1), (12.4, 7.55), color=GREEN, lw=1.5)
    label(ax, 12.6, 7.75, r"$\hat{y}^{\langle t\rangle}=\mathrm{softmax}(W_y a^{\langle t\rangle}+b_y)$",
          fontsize=10, color=GREEN, ha="left")
    label(ax, 2.5, 7.6, "the cell state is only scaled (forget gate) and added to:\n"
          "gradients can flow back along the top line", fontsize=9.5, color="#555555",
          ha="left")
    save(fig, "lstm_cell.png")


# ---------------------------------------------------------------------------
# 5. Vanishing / exploding gradient norms
# ---------------------------------------------------------------------------
def figure_gradient_norms():
    rng = np.random.default_rng(2024)
    n_a, steps = 32, 60
    q, _ = np.linalg.qr(rng.standard_normal((n_a, n_a)))
    g = rng.standard_normal(n_a)
    g /= np.linalg.norm(g)

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax = axes[0]
    for rho, color in [(0.8, RED), (0.95, ORANGE), (1.0, DARK), (1.05, GREEN), (1.2, BLUE)]:
        W = rho * q
        v = g.copy()
        norms = [1.0]
        for _ in range(steps):
            v = W.T @ v
            norms.append(np.linalg.norm(v))
        ax.semilogy(range(steps + 1), norms, color=color, lw=2, label=rf"${rho}$")
    ax.set_title("linear recurrence  $a^{\\langle t\\rangle} = W a^{\\langle t-1\\rangle}$",
                 fontsize=11)
    ax.set_xlabel("number of steps back in time  $T - k$")
    ax.set_ylabel(r"$\|\partial L / \partial a^{\langle k\rangle}\|$")
    ax.set_ylim(1e-7, 1e8)
    ax.legend(fontsize=9, title=r"$W$ = scale $\times$ orthogonal:" + "\n"
              r"$\rho(W) = \|W\|_2 =$ scale", title_fontsize=9, loc="upper left", ncol=2)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[1]
    T = steps
    x_seq = rng.standard_normal((4, T))
    Wax = 0.5 * rng.standard_normal((n_a, 4))
    base = rng.standard_normal((n_a, n_a))
    base /= np.max(np.abs(np.linalg.eigvals(base)))  # spectral radius 1
    base_norm = np.linalg.norm(base, 2)                 # its spectral norm is larger
    for scale, color in [(0.7, RED), (1.0, DARK), (1.6, BLUE), (3.0, PURPLE)]:
        Waa = scale * base
        a = np.zeros(n_a)
        states = []
        for t in range(T):
            a = np.tanh(Waa @ a + Wax @ x_seq[:, t])
            states.append(a)
        v = g.copy()
        norms = [1.0]
        for t in reversed(range(1, T)):
            v = Waa.T @ ((1 - states[t] ** 2) * v)
            norms.append(np.linalg.norm(v))
        ax.semilogy(range(T), norms, color=color, lw=2,
                    label=rf"$\rho = {scale}$, $\|W_{{aa}}\|_2 = {scale * base_norm:.1f}$")
    ax.set_title("tanh RNN  (backpropagated through the real Jacobians)", fontsize=11)
    ax.set_xlabel("number of steps back in time  $T - k$")
    ax.legend(fontsize=8.5, title="random $W_{aa}$: spectral radius, norm", title_fontsize=8.5)
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    save(fig, "gradient_norms.png")


# ---------------------------------------------------------------------------
# 6. Backpropagation through time
# ---------------------------------------------------------------------------
def figure_bptt():
    fig, ax = new_canvas(11, 5.0, (-0.5, 14.8), (-1.3, 6.7))
    xs = [2.0, 5.5, 9.0, 12.5]
    names = ["1", "2", "3", "4"]
    for k, (x, n) in enumerate(zip(xs, names)):
        box(ax, x, 2.3, 1.6, 1.0, f"cell\nt = {k}", fontsize=9.5)
        arrow(ax, (x - 0.25, 0.3), (x - 0.25, 1.78))
        label(ax, x - 0.25, -0.05, rf"$x^{{\langle {n}\rangle}}$")
        arrow(ax, (x + 0.3, 1.78), (x + 0.3, 0.3), color=RED, ls="--")
        label(ax, x + 0.5, 0.05, "dx[:,:,%d]" % (k), fontsize=8.5, color=RED, ha="left")
        arrow(ax, (x - 0.25, 2.82), (x - 0.25, 4.6))
        box(ax, x - 0.25, 5.0, 1.3, 0.7, rf"$L^{{\langle {n}\rangle}}$", fc=LIGHT_GREEN,
            ec=GREEN, fontsize=11)
        arrow(ax, (x + 0.3, 4.6), (x + 0.3, 2.82), color=RED, ls="--")
        label(ax, x + 0.45, 3.75, "da[:,:,%d]" % k, fontsize=8.5, color=RED, ha="left")
        if k < 3:
            arrow(ax, (x + 0.82, 2.5), (xs[k + 1] - 0.82, 2.5), color=BLUE)
            arrow(ax, (xs[k + 1] - 0.82, 2.1), (x + 0.82, 2.1), color=RED, ls="--")
            label(ax, (x + xs[k + 1]) / 2, 1.75, "da_prev", fontsize=8.5, color=RED)
    arrow(ax, (-0.4, 2.5), (xs[0] - 0.82, 2.5), color=BLUE)
    arrow(ax, (xs[0] - 0.82, 2.1), (-0.4, 2.1), color=RED, ls="--")
    label(ax, 0.0, 2.95, r"$a^{\langle 0\rangle}$", color=BLUE, fontsize=11)
    label(ax, 0.2, 1.75, "da0", fontsize=8.5, color=RED)
    line(ax, [0.2, 1.0], [-1.05, -1.05], color=BLUE)
    label(ax, 1.15, -1.05, "forward pass", fontsize=10, ha="left")
    line(ax, [4.2, 5.0], [-1.05, -1.05], color=RED, ls="--")
    label(ax, 5.15, -1.05, "backward pass: gradients flow right to left", fontsize=10,
          ha="left")
    label(ax, 7.2, 6.35, "the gradient reaching cell t = da[:, :, t] (from its own loss)"
          " + da_prev (from cell t + 1)", fontsize=10, color="#555555")
    label(ax, 7.2, 5.85, r"formulas count steps from 1 ($x^{\langle 1\rangle}, L^{\langle 1\rangle}$), "
          "code indices from 0 (t = 0, x[:, :, 0])", fontsize=9.5, color="#555555")
    save(fig, "bptt.png")


# ---------------------------------------------------------------------------
# 7. GRU cell
# ---------------------------------------------------------------------------
def figure_gru_cell():
    fig, ax = new_canvas(10.5, 6.2, (-0.3, 14.3), (-0.7, 8.0))
    frame(ax, 6.6, 3.5, 10.6, 5.6)
    top, bottom = 5.8, 1.3

    # hidden-state line
    state_line(ax, top, 10.0, 11.7, 14.2, r"$a^{\langle t-1\rangle}$", r"$a^{\langle t\rangle}$", BLUE)
    arrow(ax, (12.9, top), (12.9, 7.6), color=GREEN)
    label(ax, 13.05, 7.7, r"$\hat{y}^{\langle t\rangle}$", color=GREEN, ha="left")

    # concat bar
    line(ax, [1.4, 1.4], [top, bottom], color=BLUE, lw=1.8)
    line(ax, [1.4, 9.0], [bottom, bottom], color=DARK, lw=2)
    line(ax, [2.2, 2.2], [-0.5, bottom], color=ORANGE, lw=2)
    label(ax, 2.45, -0.4, r"$x^{\langle t\rangle}$", color=ORANGE, ha="left")
    label(ax, 5.6, bottom - 0.45, r"$[a^{\langle t-1\rangle};\, x^{\langle t\rangle}]$",
          fontsize=10)

    # reset gate and reset product
    arrow(ax, (3.3, bottom), (3.3, 2.45))
    box(ax, 3.3, 2.8, 1.0, 0.65, r"$\sigma$", fc=LIGHT_ORANGE, ec=ORANGE)
    label(ax, 2.7, 3.45, "reset $r$", fontsize=9, color=ORANGE, ha="right")
    node(ax, 3.3, 4.4, r"$\times$")
    arrow(ax, (3.3, 3.13), (3.3, 4.12))
    arrow(ax, (3.3, top), (3.3, 4.68))
    # candidate
    arrow(ax, (3.58, 4.4), (6.0, 3.0))
    label(ax, 4.9, 4.1, r"$r\ast a^{\langle t-1\rangle}$", fontsize=9, ha="left")
    arrow(ax, (6.5, bottom), (6.5, 2.45), color=ORANGE)
    label(ax, 6.65, 1.8, r"$x^{\langle t\rangle}$ part", fontsize=8.5, color=ORANGE, ha="left")
    box(ax, 6.5, 2.8, 1.1, 0.65, "tanh", fc=LIGHT_PURPLE, ec=PURPLE)
    label(ax, 6.5, 3.45, r"candidate $\tilde{c}$", fontsize=9, color=PURPLE)
    # update gate
    arrow(ax, (9.0, bottom), (9.0, 2.45))
    box(ax, 9.0, 2.8, 1.0, 0.65, r"$\sigma$", fc=LIGHT_GREEN, ec=GREEN)
    label(ax, 9.6, 2.3, "update $u$", fontsize=9, color=GREEN, ha="left")
    box(ax, 10.0, 4.45, 0.8, 0.5, r"$1-u$", fc="white", ec=GREEN, fontsize=9)
    arrow(ax, (9.2, 3.13), (9.85, 4.18))
    arrow(ax, (10.0, 4.72), (10.0, top - 0.28))
    node(ax, 11.7, 4.0, r"$\times$")
    arrow(ax, (9.5, 2.95), (11.43, 3.9))
    line(ax, [7.05, 7.6], [2.8, 2.8], color=PURPLE)
    arrow(ax, (7.6, 2.8), (11.45, 3.83), color=PURPLE, connection="arc3,rad=-0.25")
    arrow(ax, (11.7, 4.28), (11.7, top - 0.28))
    label(ax, 12.0, 4.6, r"$u\ast\tilde{c}$", fontsize=9, ha="left")
    save(fig, "gru_cell.png")


# ---------------------------------------------------------------------------
# 8. Bidirectional and deep RNNs
# ---------------------------------------------------------------------------
def figure_bidirectional_deep():
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    # Bidirectional
    ax = axes[0]
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-0.8, 7.2)
    ax.set_aspect("equal")
    ax.axis("off")
    xs = [1.5, 4.0, 6.5, 9.0]
    for k, x in enumerate(xs):
        n = k + 1
        label(ax, x, -0.4, rf"$x^{{\langle {n}\rangle}}$")
        box(ax, x, 2.0, 1.4, 0.75, r"$\overrightarrow{a}$", fc=LIGHT_BLUE, ec=BLUE)
        box(ax, x, 3.6, 1.4, 0.75, r"$\overleftarrow{a}$", fc=LIGHT_ORANGE, ec=ORANGE)
        arrow(ax, (x - 0.3, -0.1), (x - 0.3, 1.6), color="#777777", lw=1.2)
        arrow(ax, (x + 0.35, -0.1), (x + 0.35, 3.2), color="#777777", lw=1.2,
              connection="arc3,rad=-0.0")
        box(ax, x, 5.6, 1.0, 0.7, rf"$\hat{{y}}^{{\langle {n}\rangle}}$", fc=LIGHT_GREEN,
            ec=GREEN)
        arrow(ax, (x - 0.45, 2.4), (x - 0.45, 5.23), color=BLUE, lw=1.2)
        arrow(ax, (x + 0.0, 4.0), (x + 0.0, 5.23), color=ORANGE, lw=1.2)
        if k < 3:
            arrow(ax, (x + 0.72, 2.0), (xs[k + 1] - 0.72, 2.0), color=BLUE)
            arrow(ax, (xs[k + 1] - 0.72, 3.6), (x + 0.72, 3.6), color=ORANGE)
    ax.set_title("bidirectional RNN: one pass forward, one pass backward in time", fontsize=11)
    label(ax, 5.25, 6.75, r"at every step $t$:  $\hat{y} = g(W_y\,[\,\overrightarrow{a}\,;\,"
          r"\overleftarrow{a}\,] + b_y)$", fontsize=11)

    # Deep RNN
    ax = axes[1]
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-0.8, 7.2)
    ax.set_aspect("equal")
    ax.axis("off")
    layers = [1.2, 2.9, 4.6]
    colors = [(LIGHT_BLUE, BLUE), (LIGHT_PURPLE, PURPLE), (LIGHT_ORANGE, ORANGE)]
    for k, x in enumerate(xs):
        n = k + 1
        label(ax, x, -0.45, rf"$x^{{\langle {n}\rangle}}$")
        arrow(ax, (x, -0.15), (x, layers[0] - 0.38), color="#777777", lw=1.2)
        for layer, (y, (fc, ec)) in enumerate(zip(layers, colors)):
            box(ax, x, y, 1.4, 0.7, rf"$a^{{[{layer + 1}]\langle {n}\rangle}}$", fc=fc, ec=ec,
                fontsize=10)
            if layer < 2:
                arrow(ax, (x, y + 0.37), (x, layers[layer + 1] - 0.37), color="#777777", lw=1.2)
            if k < 3:
                arrow(ax, (x + 0.72, y), (xs[k + 1] - 0.72, y), color=ec)
        arrow(ax, (x, layers[-1] + 0.37), (x, 5.55), color="#777777", lw=1.2)
        label(ax, x, 5.9, rf"$\hat{{y}}^{{\langle {n}\rangle}}$")
    for layer, y in enumerate(layers):
        label(ax, -0.2, y, f"layer {layer + 1}", fontsize=9, ha="right",
              color=colors[layer][1])
    ax.set_title("deep (stacked) RNN: each layer feeds the next", fontsize=11)
    label(ax, 5.25, 6.75, r"$a^{[l]\langle t\rangle} = \tanh(W^{[l]}[a^{[l]\langle t-1\rangle};"
          r"a^{[l-1]\langle t\rangle}] + b^{[l]})$", fontsize=11)
    fig.tight_layout()
    save(fig, "bidirectional_deep.png")


def main():
    figure_tensor_shapes()
    figure_rnn_unrolled()
    figure_rnn_cell()
    figure_lstm_cell()
    figure_gradient_norms()
    figure_bptt()
    figure_gru_cell()
    figure_bidirectional_deep()


if __name__ == "__main__":
    main()
