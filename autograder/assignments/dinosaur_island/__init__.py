"""Assignment 2, dinosaur_island: a numpy character-level language model that invents dinosaur
names (clip, sample, optimize, model)."""

# What its notebook and helper modules import: a student installs these (autograder.studentenv).
STUDENT_PACKAGES = ("numpy", "matplotlib", "tqdm")
# The student README's note on Validate (training is shortened under Validate).
VALIDATE_NOTE = "\n  Under Validate, training runs 2,000 of its 35,000 iterations, so it answers quickly."

# Sample students of `make demo` (see rnn_step_by_step).
DEMO_STUDENTS = {
    "eve_argmax_sampler": ["sample__argmax"],
    "finn_no_clipping": ["optimize__no_clipping", "clip__upper_bound_only"],
    "gus_state_reset": ["model__state_reset_each_name"],
}
