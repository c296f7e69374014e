import numpy as np

from autograder.probes import SEED_VARIABLE, derived_rng, grading_seed, problem_sizes

DIMS = ("n_x", "n_a", "n_y", "m", "T_x")


def test_sizes_include_distinct_sizes_all_ones_and_each_dimension_alone_at_one():
    sizes = problem_sizes(np.random.default_rng(0), DIMS)
    assert len(set(sizes[0].values())) == len(DIMS) and min(sizes[0].values()) >= 2
    assert sizes[1] == dict.fromkeys(DIMS, 1)
    for dim, problem in zip(DIMS, sizes[2:]):
        assert problem[dim] == 1 and all(v >= 2 for k, v in problem.items() if k != dim)
    assert len(sizes) == len(DIMS) + 3


def test_derived_generators_are_reproducible_and_independent():
    a = derived_rng(5, "rnn_forward", "values").normal(size=4)
    assert np.array_equal(a, derived_rng(5, "rnn_forward", "values").normal(size=4))
    assert not np.array_equal(a, derived_rng(5, "rnn_forward", "cache").normal(size=4))
    assert not np.array_equal(a, derived_rng(6, "rnn_forward", "values").normal(size=4))


def test_the_run_seed_is_fresh_unless_the_instructor_fixes_it(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "1234")
    assert grading_seed() == 1234
    monkeypatch.delenv(SEED_VARIABLE)
    assert grading_seed() == grading_seed()  # one seed per grading run
