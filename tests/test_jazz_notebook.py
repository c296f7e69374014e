"""The jazz notebook's given cells, run in a fresh interpreter as a kernel runs them: the setup
cell imports TensorFlow and Keras without a byte on stderr (nbgrader zeroes a graded cell that
writes there), training prints plain lines that read the same in a saved notebook (no
progress bar redrawn in place), and the loss plot's legend sits beside the axes."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

JAZZ_DIR = Path(__file__).resolve().parent.parent / "source" / "jazz_lstm"
CELLS = ("setup", "load_data", "shared_layers", "djmodel", "train", "plot_loss")

AFTER = """
import numpy as np
pred = [np.array([[0.1, 0.7, 0.2]]), np.array([[0.5, 0.2, 0.3]])]     # real predictions
print("TF ARGMAX", np.ravel(tf.math.argmax(pred, axis=-1)).tolist())
print("ONE HOT", np.asarray(to_categorical(tf.math.argmax(pred, axis=-1), num_classes=3)).tolist())
fig = plt.gcf()
fig.canvas.draw()
ax = fig.axes[0]
legend, axes, figure = ax.get_legend().get_window_extent(), ax.get_window_extent(), fig.bbox
print("LEGEND OVER AXES", legend.overlaps(axes))
print("LEGEND IN FIGURE", legend.x0 >= figure.x0 and legend.x1 <= figure.x1 and legend.y0 >= figure.y0
      and legend.y1 <= figure.y1)
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """stdout and stderr of the given cells (solutions in), run as a script in a copy of the
    assignment's folder, as while grading (10 epochs)."""
    folder = tmp_path_factory.mktemp("jazz") / "jazz_lstm"
    shutil.copytree(JAZZ_DIR, folder)
    cells = {c.get("id"): "".join(c["source"]) for c in json.loads((folder / "jazz_lstm.ipynb").read_text())["cells"]}
    script = "\n\n".join(cells[name] for name in CELLS) + AFTER
    env = dict(os.environ, NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg")
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the setup cell sets it, as in a fresh kernel
    done = subprocess.run([sys.executable, "-c", script], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, done.stderr


def test_nothing_reaches_stderr(run):
    assert run[1] == ""


def test_training_prints_one_plain_line_every_ten_epochs(run):
    lines = run[0].splitlines()
    epochs = [line for line in lines if line.startswith("epoch ")]
    assert [line.split(":")[0] for line in epochs] == ["epoch   1/10", "epoch  10/10"], run[0]
    assert all(": loss " in line and line.endswith(" s)") for line in epochs)
    first, last = (float(line.split("loss")[1].split()[0]) for line in epochs)
    assert 100 < first < 112 and last < first  # 30 ln 40 = 110.7 at the start, then it learns
    assert any(line.startswith("trained for 10 epochs in ") for line in lines)
    assert "\r" not in run[0] and "\b" not in run[0] and "━" not in run[0]  # no progress bar


def test_tf_works_on_real_predictions(run):
    assert "TF ARGMAX [1, 0]" in run[0]
    assert "ONE HOT [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]" in run[0]


def test_the_loss_plot_legend_hides_no_data(run):
    assert "LEGEND OVER AXES False" in run[0] and "LEGEND IN FIGURE True" in run[0]
