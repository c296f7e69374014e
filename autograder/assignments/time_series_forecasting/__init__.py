"""Assignment 4, time_series_forecasting: multi-step forecasting of a synthetic series with
deep RNNs in Keras 3 (the data windows, a naive baseline, iterating a one-step model, a
sequence-to-vector and a sequence-to-sequence RNN, and the metric of the last time step)."""

# What its notebook and helper modules import: a student installs these (autograder.studentenv).
STUDENT_PACKAGES = ("numpy", "matplotlib", "tensorflow-cpu", "keras")
# The student README's note on Validate (training is shortened under Validate).
VALIDATE_NOTE = "\n  Under Validate, every model trains on fewer series for fewer epochs: give it a minute."

# Sample students of `make demo` (see rnn_step_by_step).
DEMO_STUDENTS = {
    "kai_sliding_window": ["forecast_iteratively__sliding_window"],
    "lena_targets_off_by_one": ["make_seq2seq_targets__includes_current_step", "last_time_step_mse__every_step"],
    "milo_one_output": ["seq2vec_model__dense_one", "naive_forecast__first_value"],
}
