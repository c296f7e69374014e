"""What only assignment 4's graders have: a numpy oracle of both networks that must equal Keras
with the same weights, a stand-in one-step model that records what forecast_iteratively gives
it, check groups that charge a mistake where it is (a numpy-only metric loses only the compiled
metric's points), and grading over the agent's wire (models held in the kernel, the stand-in
exposed as a callback, the Keras helpers run there), in-process and through the sandboxed batch
grader."""
import json
import socket
import threading
import time

import numpy as np
import pytest

from autograder import assignments
from autograder.agent import Agent, keras_outputs_with_weights
from autograder.assignments import grader, graded_names, reference_namespace
from autograder.assignments.time_series_forecasting import graders, oracle
from autograder.assignments.time_series_forecasting.catalogue import NO_INPUT_HINT, NUMPY_METRIC_HINT
from autograder.grading import run, run_checks
from autograder.limits import Limits
from autograder.sandbox.remote import GradingSession, RemoteStudentCode
from sandbox_support import FakeKernel

ASSIGNMENT = "time_series_forecasting"
SEED = 2024
ENTRIES = {f"{e.function}__{e.slug}": e for e in assignments.catalogue(ASSIGNMENT)}


def namespace_with(*keys):
    """The reference namespace with the named catalogue entries written in (as a student would)."""
    namespace = {**reference_namespace(ASSIGNMENT), "n_steps": 50}
    for key in keys:
        exec(compile(ENTRIES[key].source, f"<{key}>", "exec"), namespace)
    return namespace


def graded(function, namespace, seed=SEED):
    return run(grader(f"{ASSIGNMENT}.{function}"), namespace, graded_names(ASSIGNMENT), seed)


# ---------------------------------------------------------------- the numpy oracle is Keras

@pytest.mark.parametrize("build, numpy_outputs", [(oracle.seq2vec_model, oracle.numpy_seq2vec_outputs),
                                                  (oracle.seq2seq_model, oracle.numpy_seq2seq_outputs)],
                         ids=["seq2vec", "seq2seq"])
@pytest.mark.parametrize("horizon, units, m, T", [(3, 4, 2, 6), (1, 1, 1, 1), (1, 5, 3, 1), (4, 1, 1, 7)])
def test_numpy_oracle_equals_keras_with_the_same_weights(build, numpy_outputs, horizon, units, m, T):
    rng = np.random.default_rng([horizon, units, m, T])
    model = build(horizon, units)
    weights = [rng.normal(0, 0.5, shape) for shape in graders.weight_shapes(horizon, units)]
    assert [w.shape for w in model.get_weights()] == [w.shape for w in weights]
    X = rng.normal(0, 1, (m, T, 1))
    expected = numpy_outputs(X, weights)
    assert expected.shape == ((m, T, horizon) if build is oracle.seq2seq_model else (m, horizon))
    np.testing.assert_allclose(keras_outputs_with_weights(model, weights, X), expected, rtol=1e-5, atol=1e-5)


def test_seq2seq_outputs_hold_seq2vec_outputs_at_the_last_step():
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.5, shape) for shape in graders.weight_shapes(3, 4)]
    X = rng.normal(0, 1, (2, 5, 1))
    np.testing.assert_allclose(oracle.numpy_seq2seq_outputs(X, weights)[:, -1],
                               oracle.numpy_seq2vec_outputs(X, weights))


# ---------------------------------------------------------------------- the stand-in model

def test_the_stand_in_records_every_call_and_answers_like_keras():
    model = graders.StandInModel()
    X = np.random.default_rng(1).normal(0, 1, (3, 4, 1)).astype(np.float32)
    forecasts = oracle.forecast_iteratively(model, X, 5)
    assert forecasts.shape == (3, 5)
    assert [x.shape for x in model.inputs] == [(3, 4 + k, 1) for k in range(5)]
    for k, x in enumerate(model.inputs):
        np.testing.assert_array_equal(x[:, :4], X)
        np.testing.assert_array_equal(x[:, 4:, 0], forecasts[:, :k])
    answer = model.predict(X, verbose=0, batch_size=2)
    assert answer.shape == (3, 1) and answer.dtype == np.float32
    np.testing.assert_array_equal(model(X, training=False), answer)
    assert len(model.inputs) == 7  # predict and __call__ both record


def test_the_stand_in_keeps_a_copy_of_what_it_was_given():
    model, X = graders.StandInModel(), np.zeros((2, 3, 1))
    model.predict(X)
    X[:] = 1  # the student's code may write into the array it passed
    assert not model.inputs[0].any()


def test_the_stand_in_refuses_an_input_without_the_feature_axis():
    with pytest.raises(ValueError, match=r"shape \(m, t, 1\)"):
        graders.StandInModel().predict(np.zeros((2, 3)))


def test_the_stand_in_reads_a_tensor_and_answers_an_array_with_a_numpy_method_like_a_keras_model():
    x = np.random.default_rng(3).normal(0, 1, (2, 3, 1)).astype(np.float32)
    model = graders.StandInModel()
    answer = model(oracle.ops.convert_to_tensor(x))
    np.testing.assert_array_equal(answer.numpy(), graders.stand_in_prediction(x))
    assert type(answer.numpy()) is np.ndarray
    np.testing.assert_array_equal(model.predict_on_batch(x), answer)
    np.testing.assert_array_equal(model.inputs[0], x)


def test_the_stand_ins_forecast_reads_the_whole_sequence():
    """A sliding window, a prepended value, the last step alone, another series' values or a
    shorter sequence all change the forecast, so the forecasts check sees each."""
    x = np.random.default_rng(2).normal(0, 0.5, (2, 6, 1))
    forecast = graders.stand_in_prediction(x)
    new = np.full((2, 1, 1), 0.3)
    grown = graders.stand_in_prediction(np.concatenate([x, new], axis=1))
    for other in (np.concatenate([x[:, 1:], new], axis=1), np.concatenate([new, x], axis=1), x[:, -1:], x[::-1],
                  x[:, 1:]):
        assert not np.allclose(graders.stand_in_prediction(other), grown if other.shape[1] == 7 else forecast)


# ------------------------------------------------------------------ check groups charged

def failing_groups(report):
    return [i for i, result in enumerate(report.results) if result.points < result.max_points]


@pytest.mark.parametrize("key, groups", [
    ("last_time_step_mse__numpy", [2]),           # values right on arrays and eager tensors
    ("last_time_step_mse__not_reduced", [0, 1]),  # the compiled metric averages it right
    ("seq2vec_model__fixed_length", [0]),         # a Sequential model runs on any length anyway
    ("seq2vec_model__output_activation", [1, 2]),
    ("seq2seq_model__gru", [1, 2]),
    ("make_seq2vec_data__target_keeps_feature_axis", [0]),
    ("make_seq2vec_data__target_starts_at_last_input", [1]),
    ("make_seq2seq_targets__shifts_series_in_place", [2]),
    ("naive_forecast__keeps_feature_axis", [0]),
    ("forecast_iteratively__keeps_feature_axis", [0]),
    ("forecast_iteratively__reshape_mixes_series", [1]),
    ("forecast_iteratively__shifts_X_in_place", [1, 2, 3]),
    ("forecast_iteratively__input_not_grown", [1, 2]),
])
def test_a_mistake_costs_the_groups_it_should_and_names_itself(key, groups):
    entry = ENTRIES[key]
    report = graded(entry.function, namespace_with(key))
    assert failing_groups(report) == groups, report.render()
    assert f"Hint: {entry.hint}" in report.render(details=False)


def test_the_graph_mode_crash_of_a_numpy_metric_gets_the_keras_ops_hint():
    report = graded("last_time_step_mse", namespace_with("last_time_step_mse__numpy"))
    compiled = report.results[2]
    assert "symbolic" in compiled.problems[0].message
    assert compiled.problems[0].hint == NUMPY_METRIC_HINT
    assert "not written yet" not in report.render()


def test_a_model_without_input_is_told_to_start_with_one():
    report = graded("seq2vec_model", namespace_with("seq2vec_model__no_input"))
    assert report.points == 0
    assert all(result.problems[0].hint == NO_INPUT_HINT for result in report.results)


def test_the_targets_must_come_from_after_the_window_not_the_series_end():
    """Every series but one runs past n_steps + horizon: the series' last values are wrong targets."""
    problems = graders.series_problems(np.random.default_rng(3))
    assert sum(series.shape[1] > n_steps + horizon for series, n_steps, horizon in problems) == len(problems) - 1
    assert {(1, 1, 1)} <= {(len(series), n_steps, horizon) for series, n_steps, horizon in problems}


def test_a_function_without_return_is_told_so():
    namespace = namespace_with()
    exec("def naive_forecast(X, horizon):\n    forecasts = np.repeat(X[:, -1], horizon, axis=1)\n", namespace)
    report = graded("naive_forecast", namespace)
    assert failing_groups(report) == [0, 1]  # X is left unchanged
    assert "a function without one returns None" in report.results[0].problems[0].hint


def test_a_wrong_function_gets_a_hint_even_when_no_catalogued_mistake_matches():
    namespace = namespace_with()
    exec("def forecast_iteratively(model, X, horizon):\n"
         "    return np.repeat(model.predict(X[:, ::-1], verbose=0), horizon, axis=1)\n", namespace)
    report = graded("forecast_iteratively", namespace)
    assert report.points < report.max_points
    assert all("Hint:" in r.problems[0].render() for r in report.results if r.problems), report.render()


# ------------------------------------------------------ a share per problem, in every kind of check

BROKEN_BY_ONE = {  # each right but when one size is 1 (np.squeeze, or an index assuming 2)
    "naive_forecast": ("m", "def naive_forecast(X, horizon):\n"
                            "    return np.repeat(np.squeeze(X[:, -1])[:, None], horizon, axis=1)\n"),
    "forecast_iteratively": ("horizon", "def forecast_iteratively(model, X, horizon):\n"
                                        "    assert horizon > 1\n    return REFERENCE(model, X, horizon)\n"),
    "last_time_step_mse": ("m", "def last_time_step_mse(Y_true, Y_pred):\n"
                                "    assert Y_true.shape[0] > 1\n    return REFERENCE(Y_true, Y_pred)\n"),
    "seq2vec_model": ("units", "def seq2vec_model(horizon, units=20):\n"
                               "    assert units > 1\n    return REFERENCE(horizon, units)\n"),
}


@pytest.mark.parametrize("function", sorted(BROKEN_BY_ONE))
def test_a_function_broken_only_when_one_size_is_1_keeps_the_other_problems_shares(function):
    """Data functions, the driven function, the metric and the networks alike: the problems with
    that size 1 cost their shares only, and the report names the size."""
    size, source = BROKEN_BY_ONE[function]
    namespace = namespace_with()
    namespace["REFERENCE"] = namespace[function]
    exec(source, namespace)
    report = graded(function, namespace)
    feedback = report.render(details=False)
    assert 0 < report.points < report.max_points, feedback
    assert f"It fails when {size} = 1" in feedback


# ------------------------------------------------------------------- the reference, in-process

def test_the_reference_earns_full_marks_quickly_and_silently(capfd):
    started = time.monotonic()
    for function in graded_names(ASSIGNMENT):
        report = graded(function, namespace_with())
        assert report.points == report.max_points, report.render()
    assert time.monotonic() - started < 60
    # Keras warns of input_shape on a layer; a numpy metric fails in graph mode: nothing reaches stderr
    graded("seq2vec_model", namespace_with("seq2vec_model__input_shape_argument"))
    graded("last_time_step_mse", namespace_with("last_time_step_mse__numpy"))
    assert capfd.readouterr().err == ""


# ---------------------------------------------------------------------- over the agent's wire

def graded_over_the_wire(tmp_path, namespace, functions):
    """{function: report} of grading `functions` as the batch grader does, its checks talking to
    a real Agent over a socket pair: the models stay on the agent's side, the stand-in model is
    a callback. The agent runs in the main thread, as in a kernel (its time limits need it)."""
    reports, errors = {}, []
    for function in functions:
        worker_end, kernel_end = socket.socketpair()
        session = GradingSession(FakeKernel(tmp_path, Limits()))
        session.sock = worker_end

        def worker(function=function, session=session):
            try:
                student = RemoteStudentCode(session, function)
                reports[function] = run_checks(grader(f"{ASSIGNMENT}.{function}"), student, SEED)
            except BaseException as error:  # noqa: B036 (handed to the main thread)
                errors.append(error)
            finally:
                session.request({"op": "end"})
        thread = threading.Thread(target=worker)
        thread.start()
        Agent(kernel_end, namespace).serve()
        thread.join(60)
        session.close()
        worker_end.close()
        kernel_end.close()
        (tmp_path / "agent.sock").unlink()
        if errors:
            raise errors[0]
    return reports


def test_the_reference_earns_full_marks_over_the_wire(tmp_path):
    reports = graded_over_the_wire(tmp_path, namespace_with(), graded_names(ASSIGNMENT))
    for report in reports.values():
        assert report.points == report.max_points, report.render()


def test_variants_and_mistakes_are_graded_over_the_wire_as_in_process(tmp_path):
    keys = ["forecast_iteratively__model_called", "last_time_step_mse__numpy", "seq2vec_model__fixed_length",
            "seq2seq_model__plain_dense"]
    namespace = namespace_with(*keys)
    remote = graded_over_the_wire(tmp_path, namespace, [ENTRIES[key].function for key in keys])
    for key in keys:
        local = graded(ENTRIES[key].function, namespace)
        assert [r.points for r in remote[ENTRIES[key].function].results] == [r.points for r in local.results], key
        assert remote[ENTRIES[key].function].render(details=False) == local.render(details=False)


TENSOR_IDIOMS = {  # correct for a real Keras model, so correct with the grader's stand-in on every path
    "numpy_method": ("def forecast_iteratively(model, X, horizon):\n"
                     "    sequence = X\n"
                     "    for _ in range(horizon):\n"
                     "        step = model(sequence).numpy()\n"
                     "        sequence = np.concatenate([sequence, step[:, :, np.newaxis]], axis=1)\n"
                     "    return sequence[:, -horizon:, 0]\n"),
    "on_batch": ("def forecast_iteratively(model, X, horizon):\n"
                 "    sequence = X\n"
                 "    for _ in range(horizon):\n"
                 "        step = model.predict_on_batch(sequence)\n"
                 "        sequence = np.concatenate([sequence, np.asarray(step)[:, None]], axis=1)\n"
                 "    return sequence[:, -horizon:, 0]\n"),
    "tensor_input": ("def forecast_iteratively(model, X, horizon):\n"
                     "    sequence = ops.convert_to_tensor(X)\n"
                     "    for _ in range(horizon):\n"
                     "        step = ops.convert_to_tensor(model.predict(sequence, verbose=0))\n"
                     "        sequence = ops.concatenate([sequence, step[:, :, None]], axis=1)\n"
                     "    return ops.convert_to_numpy(sequence[:, -horizon:, 0])\n"),
}


@pytest.mark.parametrize("idiom", TENSOR_IDIOMS)
def test_tensor_idioms_earn_full_marks_in_process_and_over_the_wire(tmp_path, idiom):
    namespace = namespace_with()
    exec(TENSOR_IDIOMS[idiom], namespace)
    local = graded("forecast_iteratively", namespace)
    remote = graded_over_the_wire(tmp_path, namespace, ["forecast_iteratively"])["forecast_iteratively"]
    assert local.points == remote.points == local.max_points, (local.render(), remote.render())


def test_the_stand_in_exposed_over_the_wire_records_calls_through_predict_and_call(tmp_path):
    namespace = namespace_with("forecast_iteratively__model_called")
    model = graders.StandInModel()
    X = np.random.default_rng(4).normal(0, 1, (2, 3, 1)).astype(np.float32)
    worker_end, kernel_end = socket.socketpair()
    session = GradingSession(FakeKernel(tmp_path, Limits()))
    session.sock = worker_end
    outcome = {}

    def worker():
        try:
            student = RemoteStudentCode(session, "forecast_iteratively")
            outcome["result"] = student.in_place(student.expose(model, graders.MODEL_METHODS), X, 4)
        finally:
            session.request({"op": "end"})
    thread = threading.Thread(target=worker)
    thread.start()
    Agent(kernel_end, namespace).serve()
    thread.join(30)
    session.close()
    np.testing.assert_allclose(outcome["result"], oracle.forecast_iteratively(graders.StandInModel(), X, 4))
    assert [x.shape for x in model.inputs] == [(2, 3 + k, 1) for k in range(4)]


# ------------------------------------------------------- through the sandboxed batch grader

STUDENTS = {
    "variants": ["make_seq2seq_targets__sliding_window_view", "forecast_iteratively__model_called",
                 "seq2seq_model__functional", "last_time_step_mse__keras_loss"],
    "mistakes": ["last_time_step_mse__numpy", "forecast_iteratively__sliding_window", "seq2vec_model__no_input"],
}


@pytest.fixture(scope="module")
def batch_graded(tmp_path_factory):
    from autograder.course import generate_release, grade_table, solutions, write_submission
    from autograder.demo import build_submissions
    from batch_support import make_course, not_graded, run_batch
    root = tmp_path_factory.mktemp("course")
    make_course(root, ASSIGNMENT, demo_students=False)
    generate_release(root, ASSIGNMENT)  # from this source notebook, whatever release/ holds
    build_submissions(root, ASSIGNMENT)  # the demo's: reference, untouched release, DEMO_STUDENTS
    for student, keys in STUDENTS.items():
        answers = dict(solutions(ASSIGNMENT, root))
        answers.update({ENTRIES[key].function: ENTRIES[key].source for key in keys})
        write_submission(root, student, ASSIGNMENT, answers)
    run_batch(root, ASSIGNMENT)
    assert not_graded(root, ASSIGNMENT) == ""
    return root, grade_table(root, ASSIGNMENT)[0]


def printed_reports(root, student):
    """{graded function: the report its hidden test cell printed} in the autograded notebook."""
    nb = json.loads((root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    return {c["id"][len("test_"):]: "".join("".join(o.get("text", "")) for o in c.get("outputs", []))
            for c in nb["cells"] if c.get("id", "").startswith("test_")}


@pytest.mark.xdist_group("batch")
def test_the_sandboxed_kernel_gives_the_reference_and_the_variants_full_marks(batch_graded):
    from batch_support import assert_demo_grades
    root, table = batch_graded
    assert table["variants"] == {g.function: g.points for g in assignments.graders(ASSIGNMENT)}
    # the reference at full marks, the untouched release at zero, each demo student charged in its own functions
    assert_demo_grades({s: table[s] for s in table if s not in STUDENTS}, ASSIGNMENT)


@pytest.mark.xdist_group("batch")
def test_the_sandboxed_kernel_charges_each_mistake_with_its_hint(batch_graded):
    root, table = batch_graded
    expected = {g.function: g.points for g in assignments.graders(ASSIGNMENT)}
    local = {key: graded(ENTRIES[key].function, namespace_with(key)) for key in STUDENTS["mistakes"]}
    found = printed_reports(root, "mistakes")
    for key, report in local.items():
        expected[ENTRIES[key].function] = pytest.approx(report.points)  # the batch's own seed: same groups fail
        assert f"Hint: {ENTRIES[key].hint}" in found[ENTRIES[key].function]
    assert table["mistakes"] == expected
