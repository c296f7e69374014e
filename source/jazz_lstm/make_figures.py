"""Draw the figures of jazz_lstm.ipynb into images/<name>.png next to this script:

    python make_figures.py        # from any directory, in the course's environment

Style and drawing helpers: autograder.figures. The token figure reads the first bars of
data/corpus.mid with music_utils. No random numbers: every run writes the same bytes.
"""

import os
import sys

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

# The palette, the style and the drawing helpers every assignment's figures share.
from autograder.figures import (BLUE, DARK, GREEN, GREY, LIGHT_GREEN, LIGHT_ORANGE, LIGHT_PURPLE,
                                MUTED, ORANGE, PURPLE, RED, arrow, box, label, new_canvas,
                                save_png)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "images")
sys.path.insert(0, HERE)

import music_utils as mu  # noqa: E402


def save(fig, name):
    save_png(fig, os.path.join(OUT_DIR, name), HERE)


# ---------------------------------------------------------------------------
# 1. Tokens: the first two bars of the corpus
# ---------------------------------------------------------------------------
CLASS_STYLE = {"C": (BLUE, "C  chord tone"), "S": (GREEN, "S  scale tone"),
               "A": (ORANGE, "A  approach tone"), "R": ("#AAAAAA", "R  rest")}


def figure_tokens():
    melody, chords = mu.load_score(os.path.join(HERE, "data", "corpus.mid"))
    end = 8.0                                        # two bars of 4/4
    events = [e for e in melody if e.offset < end - 1e-9]
    tokens = mu.tokenize(melody, chords)[:len(events)]
    pitches = [e.pitch for e in events if e.pitch is not None]
    low, high = min(pitches) - 2, max(pitches) + 2

    fig, ax = plt.subplots(figsize=(12, 6.4))
    # bar lines and beats
    for beat in range(int(end) + 1):
        ax.vlines(beat, low - 0.6, high + 0.6, color="#DDDDDD" if beat % 4 else "#999999",
                  lw=0.8 if beat % 4 else 1.4, zorder=0)
    # chord bands on top
    for ch in chords:
        if ch.offset >= end:
            break
        right = min(ch.offset + ch.duration, end)
        ax.add_patch(Rectangle((ch.offset + 0.03, high + 0.6), right - ch.offset - 0.06, 2.2,
                               fc=LIGHT_PURPLE, ec=PURPLE, lw=1.2, zorder=1))
        tones = " ".join(mu.NOTE_NAMES[p] for p in ch.pitch_classes)
        ax.text((ch.offset + right) / 2, high + 1.7, f"{mu.chord_name(ch.pitch_classes)}   ({tones})",
                ha="center", va="center", fontsize=11, color=PURPLE)
    # notes, coloured by class, with their names; tokens written below
    for e, tok in zip(events, tokens):
        cls = tok[0]
        colour = CLASS_STYLE[cls][0]
        if e.pitch is None:
            ax.add_patch(Rectangle((e.offset + 0.04, low + 0.2), e.duration - 0.08, 0.8,
                                   fc="white", ec=colour, hatch="///", lw=1.0, zorder=2))
            ax.text(e.offset + e.duration / 2, low + 1.6, "rest", ha="center", fontsize=9,
                    color=MUTED)
        else:
            ax.add_patch(Rectangle((e.offset + 0.04, e.pitch - 0.45), e.duration - 0.08, 0.9,
                                   fc=colour, ec="none", zorder=2))
            ax.text(e.offset + e.duration / 2, e.pitch + 0.95, mu.pitch_name(e.pitch),
                    ha="center", va="bottom", fontsize=9, color=DARK)
        ax.text(e.offset + 0.25, low - 1.0, tok, rotation=90, ha="center", va="top",
                fontsize=9.5, family="monospace", color=colour)
    ax.set_xlim(-0.1, end + 0.1)
    ax.set_ylim(low - 12.5, high + 3.0)
    ax.set_yticks([p for p in range(low, high + 1) if p % 12 in (0, 5)])
    ax.set_yticklabels([mu.pitch_name(p) for p in range(low, high + 1) if p % 12 in (0, 5)])
    ax.set_xticks(range(int(end) + 1))
    ax.set_xlabel("time (quarter notes): two bars, eight beats")
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines["left"].set_bounds(low, high)
    ax.text(-0.05, low - 1.0, "token:", ha="right", va="top", fontsize=10, color=MUTED)
    for cls, (colour, text) in CLASS_STYLE.items():
        ax.plot([], [], color=colour, lw=8, label=text)
    # to the right of the axes, level with the notes: inside, it could cover a high note
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 0.83), fontsize=9.5, frameon=True)
    ax.set_title("The first two bars of the corpus and their tokens", fontsize=12)
    fig.tight_layout()
    save(fig, "tokens.png")


# ---------------------------------------------------------------------------
# 2. The training model: one LSTM_cell and one densor at every step
# ---------------------------------------------------------------------------
def _steps(ax, xs, titles, y_cell=2.4, y_dense=4.2):
    """LSTM_cell and densor boxes at the given x positions, with the state arrows."""
    for k, x in enumerate(xs):
        if titles[k] is None:
            label(ax, x, y_cell, "· · ·", fontsize=18, color=MUTED)
            continue
        box(ax, x, y_cell, 1.5, 0.95, "LSTM_cell", fontsize=10.5)
        arrow(ax, (x, y_cell + 0.5), (x, y_dense - 0.35))
        box(ax, x, y_dense, 1.5, 0.65, "densor", fc=LIGHT_GREEN, ec=GREEN, fontsize=10.5)
    for k in range(len(xs) - 1):
        left, right = xs[k] + (0.78 if titles[k] else 0.35), xs[k + 1] - (0.78 if titles[k + 1] else 0.35)
        arrow(ax, (left, y_cell + 0.18), (right, y_cell + 0.18), color=BLUE)
        arrow(ax, (left, y_cell - 0.18), (right, y_cell - 0.18), color=PURPLE)


def figure_training_model():
    fig, ax = new_canvas(12, 6.2, (-2.2, 12.2), (-1.9, 6.6))
    xs = [1.0, 3.6, 6.2, 8.6, 11.0]
    titles = ["1", "2", "3", None, "T_x"]
    _steps(ax, xs, titles)
    # initial states
    arrow(ax, (-1.3, 2.58), (xs[0] - 0.78, 2.58), color=BLUE)
    arrow(ax, (-1.3, 2.22), (xs[0] - 0.78, 2.22), color=PURPLE)
    label(ax, -1.35, 2.72, "a0", fontsize=10.5, color=BLUE, ha="right")
    label(ax, -1.35, 2.08, "c0", fontsize=10.5, color=PURPLE, ha="right")
    label(ax, (xs[0] + xs[1]) / 2, 2.85, "a", fontsize=10, color=BLUE)
    label(ax, (xs[0] + xs[1]) / 2, 1.95, "c", fontsize=10, color=PURPLE)
    for x, t in zip(xs, titles):
        if t is None:
            continue
        sub = r"\langle %s\rangle" % t
        tt = "t" if t == "T_x" else str(int(t) - 1)
        arrow(ax, (x, 0.75), (x, 1.9))
        box(ax, x, 0.35, 1.6, 0.62, f"X[:, {tt if t != 'T_x' else 'Tx-1'}, :]", fc=LIGHT_ORANGE,
            ec=ORANGE, fontsize=9.5)
        label(ax, x + 0.12, 1.3, "reshaper", fontsize=8, color=MUTED, ha="left")
        label(ax, x, -0.3, rf"$x^{{{sub}}}$", fontsize=10, color=MUTED)
        arrow(ax, (x, 4.55), (x, 5.2))
        label(ax, x, 5.5, rf"$\hat{{y}}^{{{sub}}}$", fontsize=12)
        label(ax, x, 6.15, "Y[%s]" % ("Tx-1" if t == "T_x" else str(int(t) - 1)), fontsize=9.5,
              color=GREEN, family="monospace")
    label(ax, 5.0, -1.25, "the same two layer objects at every step: one set of weights, "
          "trained on all Tx steps at once", fontsize=10.5, color=MUTED)
    label(ax, 5.0, -1.7, "target of step t:  Y[t] = the token after X[:, t, :]  (the next "
          "step's input)", fontsize=10.5, color=GREEN)
    save(fig, "training_model.png")


# ---------------------------------------------------------------------------
# 3. The inference model: each choice is the next input
# ---------------------------------------------------------------------------
def figure_inference_model():
    fig, ax = new_canvas(12, 6.4, (-2.2, 12.2), (-1.5, 7.3))
    xs = [1.0, 3.8, 6.6, 9.4]
    titles = ["1", "2", "3", "4"]
    chosen = [17, 3, 25, 8]                          # made-up values, for the picture
    _steps(ax, xs, titles)
    arrow(ax, (-1.3, 2.58), (xs[0] - 0.78, 2.58), color=BLUE)
    arrow(ax, (-1.3, 2.22), (xs[0] - 0.78, 2.22), color=PURPLE)
    label(ax, -1.35, 2.72, "a0", fontsize=10.5, color=BLUE, ha="right")
    label(ax, -1.35, 2.08, "c0", fontsize=10.5, color=PURPLE, ha="right")
    label(ax, xs[-1] + 1.25, 2.4, "· · ·", fontsize=18, color=MUTED)
    for k, x in enumerate(xs):
        arrow(ax, (x, 0.75), (x, 1.9))
        if k == 0:
            box(ax, x, 0.35, 1.5, 0.62, "x0", fc=GREY, ec="#999999", fontsize=10.5)
        else:
            box(ax, x, 0.35, 1.6, 0.62, f"one_hot({chosen[k - 1]})", fc=LIGHT_ORANGE, ec=ORANGE,
                fontsize=9.5)
        arrow(ax, (x, 4.55), (x, 5.2))
        label(ax, x, 5.5, r"$\hat{y}^{\langle %d\rangle}$" % (k + 1), fontsize=12)
        arrow(ax, (x, 5.85), (x, 6.4), color=RED)
        label(ax, x + 0.12, 6.12, "argmax", fontsize=8.5, color=RED, ha="left")
        box(ax, x, 6.75, 1.5, 0.6, f"value {chosen[k]}", fc=LIGHT_ORANGE, ec=ORANGE,
            fontsize=10)
        if k + 1 < len(xs):
            arrow(ax, (x + 0.78, 6.6), (xs[k + 1] - 0.78, 0.5), color=ORANGE, lw=1.1, ls="--",
                  head=10, zorder=1)
    label(ax, 5.0, -1.05, "each step's most likely value, as a one-hot vector, is the next "
          "step's input (RepeatVector(1) adds the time axis)", fontsize=10.5, color=MUTED)
    save(fig, "inference_model.png")


def main():
    figure_tokens()
    figure_training_model()
    figure_inference_model()


if __name__ == "__main__":
    main()
