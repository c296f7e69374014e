"""Assignment 1, rnn_step_by_step: numpy RNN and LSTM cells, forward and backward, step by step;
GRU cells as extra credit."""

# What its notebook and helper modules import: a student installs these (autograder.studentenv).
STUDENT_PACKAGES = ("numpy",)

# Sample students of `make demo`: each starts from the reference solution and makes the listed
# mistakes (catalogue entries, "function__slug").
DEMO_STUDENTS = {
    "ada_forgot_bias": ["rnn_cell_forward__no_bias"],
    "ben_concat_order": ["lstm_cell_forward__concat_order", "lstm_forward__cell_state_starts_at_a0"],
    "cleo_state_not_carried": ["rnn_forward__state_not_carried"],
    "dan_divides_by_m": ["rnn_cell_backward__divided_by_m", "lstm_backward__overwrites_weight_gradients"],
}
