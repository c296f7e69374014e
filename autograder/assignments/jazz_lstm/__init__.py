"""Assignment 3, jazz_lstm: a Keras 3 LSTM that learns a jazz corpus and improvises (djmodel,
music_inference_model, predict_and_sample)."""

# What its notebook and helper modules import: a student installs these (autograder.studentenv).
STUDENT_PACKAGES = ("numpy", "matplotlib", "tensorflow-cpu", "keras", "music21")
# The student README's note on Validate (training is shortened under Validate).
VALIDATE_NOTE = "\n  Under Validate, training runs 10 of its 100 epochs: give it a minute or two."

# Sample students of `make demo` (see rnn_step_by_step).
DEMO_STUDENTS = {
    "hana_new_lstm_each_step": ["djmodel__new_lstm_per_step"],
    "ivan_feeds_probabilities": ["music_inference_model__probabilities_fed_back"],
    "jo_swapped_results": ["predict_and_sample__swapped"],
}
