"""What only the forecasting assignment has: its series generator and split (series.py, which
students get), its plot helper, the notebook's data cell and training settings against what its
text says, and a graded run of the whole notebook (NBGRADER_EXECUTION=autograde): training
shortened to one epoch on 500 series, plain progress lines, nothing on stderr, the same table
on a second run."""
import json
import re
import shutil

import matplotlib
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from autograder.assignments.time_series_forecasting import oracle, series  # noqa: E402
from autograder.course import source_notebook  # noqa: E402
from autograder.killrate import setup_namespace  # noqa: E402

ASSIGNMENT = "time_series_forecasting"
TRAINING_CELLS = ("train_one_step", "train_seq2vec", "train_seq2seq")


def cells():
    """{cell id: source} of the source notebook."""
    nb = json.loads(source_notebook(ASSIGNMENT).read_text())
    return {c["id"]: "".join(c["source"]) for c in nb["cells"]}


def markdown():
    nb = json.loads(source_notebook(ASSIGNMENT).read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


# ------------------------------------------------------------------------------ series.py

def test_generate_series_is_seeded_float32_of_the_documented_shape_and_range():
    a = series.generate_series(40, 23, seed=7)
    assert a.shape == (40, 23, 1) and a.dtype == np.float32
    assert np.array_equal(a, series.generate_series(40, 23, seed=7))
    assert not np.allclose(a, series.generate_series(40, 23, seed=8))
    # two waves of amplitude at most 0.55 + 0.25, plus N(0, 0.03^2) noise (6 sigma: never in practice)
    big = series.generate_series(2000, 60, seed=0)
    assert np.abs(big).max() < 0.8 + 6 * series.NOISE
    assert np.abs(big).max() > 0.6  # the waves reach well beyond the noise
    # the noise is there: a series minus its smoothed self has about the documented spread
    residual = big[:, 1:-1, 0] - (big[:, :-2, 0] + big[:, 2:, 0]) / 2
    assert 0.5 * series.NOISE < residual.std() < 3 * series.NOISE


def test_generated_series_differ_from_each_other():
    a = series.generate_series(30, 60, seed=3)[..., 0]
    correlation = np.corrcoef(a)
    off_diagonal = correlation[~np.eye(30, dtype=bool)]
    assert off_diagonal.max() < 0.99 and off_diagonal.min() < 0  # other phases and periods
    # the slow wave's period differs: the lag of the first zero crossing of the autocorrelation
    centred = a - a.mean(axis=1, keepdims=True)
    first_crossing = [np.argmax(np.correlate(x, x, "full")[59:] < 0) for x in centred]
    assert len(set(first_crossing)) > 5


def test_split_is_70_20_10_of_consecutive_series():
    a = series.generate_series(101, 12, seed=1)
    train, valid, test = series.split(a)
    assert (len(train), len(valid), len(test)) == (70, 20, 11)
    assert np.array_equal(np.concatenate([train, valid, test]), a)


def test_plot_forecasts_draws_history_truth_and_each_forecast():
    fig, ax = plt.subplots()
    history, truth = np.linspace(0, 1, 8), np.array([1.0, 0.5, 0.0])
    forecasts = {"naive": np.ones(3), "seq2vec": np.array([0.9, 0.6, 0.1])}
    series.plot_forecasts(ax, history, truth, forecasts, title="one series")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(forecasts) | {"observed", "truth"} <= set(lines)
    assert np.array_equal(lines["observed"].get_xdata(), np.arange(8))
    assert np.array_equal(lines["truth"].get_xdata(), np.arange(8, 11))
    assert np.array_equal(lines["seq2vec"].get_ydata(), forecasts["seq2vec"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["observed", "truth", "naive", "seq2vec"]
    assert ax.get_title() == "one series"
    plt.close(fig)


# ------------------------------------------------------------------- the notebook's text

def test_data_cell_matches_what_the_text_says():
    names = setup_namespace(ASSIGNMENT)
    text = markdown()
    n_steps, horizon, data = names["n_steps"], names["horizon"], names["series"]
    train, valid, test = names["train_series"], names["valid_series"], names["test_series"]
    assert data.shape == (10_000, n_steps + horizon, 1) and (n_steps, horizon) == (50, 10)
    assert "$m = 10{,}000$" in text and f"$T = {n_steps + horizon}$" in text
    assert f"`series: {data.shape}`" in text
    assert (len(train), len(valid), len(test)) == (7000, 2000, 1000)
    assert "7000, 2000 and 1000 series" in text
    # the naive forecast's validation MSE the text quotes, computed here from the same data
    X, Y = oracle.make_seq2vec_data(valid, n_steps, horizon)
    naive = float(np.mean((oracle.naive_forecast(X, horizon) - Y) ** 2))
    assert f"validation MSE of {naive:.4f}" in text
    zero = float(np.mean(Y ** 2))
    assert f"has a validation MSE of {zero:.3f}" in text


def test_training_settings_match_the_text():
    source = cells()["settings"]
    names = setup_namespace(ASSIGNMENT)
    text = markdown()
    for grading, (n_train, epochs) in ((False, (7000, 22)), (True, (500, 1))):
        names["GRADING"] = grading
        exec(compile(source, "settings", "exec"), names)
        assert (names["N_TRAIN"], names["EPOCHS"]) == (n_train, epochs)
    assert f"Batches of {names['BATCH_SIZE']} series and 22 epochs" in text
    assert "one epoch on 500 series" in text
    assert f"{-(-7000 // names['BATCH_SIZE'])} updates of the\n  weights per epoch" in text


# ------------------------------------------------------------------- a graded run

def _graded_run(folder, monkeypatch):
    """The notebook executed as while grading, in a copy of its folder: the executed cells."""
    shutil.copytree(source_notebook(ASSIGNMENT).parent, folder, symlinks=False)
    nb = nbformat.read(folder / source_notebook(ASSIGNMENT).name, as_version=4)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")   # the kernel inherits it
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return {c.get("id"): c for c in nb.cells}


def _stdout(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.name == "stdout")


@pytest.fixture(scope="module")
def graded_runs(tmp_path_factory):
    """Two graded runs of the notebook, each in a fresh kernel."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return [_graded_run(tmp_path_factory.mktemp(f"run{i}") / ASSIGNMENT, monkeypatch) for i in (1, 2)]


def test_graded_run_trains_one_epoch_on_500_series_with_plain_progress_lines(graded_runs):
    run = graded_runs[0]
    for name in TRAINING_CELLS:
        out = _stdout(run[name])
        epochs = [line for line in out.splitlines() if line.startswith("epoch ")]
        assert len(epochs) == 1 and epochs[0].startswith("epoch  1/1: ") and "loss " in epochs[0], out
        assert "trained on 500 series, epochs: 1," in out, out
        assert "\r" not in out and "━" not in out  # no progress bar
    assert "last_time_step_mse " in _stdout(run["train_seq2seq"])  # the student's metric ran


def test_graded_run_writes_no_error_and_nothing_to_stderr(graded_runs):
    for cell in graded_runs[0].values():
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (cell.source[:80], output.get("evalue"))
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                (cell.source[:80], output.text[:300])


def test_graded_run_prints_the_table_of_the_four_forecasts_and_repeats_it(graded_runs):
    first, second = (_stdout(run["results_table"]) for run in graded_runs)
    rows = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in first.splitlines()[1:]}
    assert list(rows) == ["naive", "iterating", "seq2vec", "seq2seq"]
    assert all(np.isfinite(values).all() and len(values) == 4 for values in rows.values())
    # the naive row is the naive forecast of the validation and test sets, computed here
    names = setup_namespace(ASSIGNMENT)
    for column, part in enumerate(("valid_series", "test_series")):
        X, Y = oracle.make_seq2vec_data(names[part], 50, 10)
        assert rows["naive"][column] == pytest.approx(np.mean((oracle.naive_forecast(X, 10) - Y) ** 2), abs=6e-5)
    # everything is seeded: a second kernel trains the same networks to the same table
    assert first == second
    assert re.search(r"iterating: validation MSE \d\.\d{4} \(20 calls of predict",
                     _stdout(graded_runs[0]["evaluate_iterating"]))
