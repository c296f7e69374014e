"""What the Dinosaur Island notebook tells students is true: the names of seeds two apart share
their random numbers one step apart (Section 4), names 100 seeds apart share none (Section 9
relies on it), and the novelty count's sentence agrees with its numbers."""
import string

import nbformat
import numpy as np
import pytest

from autograder.course import source_notebook
from autograder.assignments.dinosaur_island import oracle

VOCAB = "\n" + string.ascii_lowercase
CHAR_TO_IX = {ch: i for i, ch in enumerate(VOCAB)}
IX_TO_CHAR = dict(enumerate(VOCAB))


def cell(cell_id):
    nb = nbformat.read(source_notebook("dinosaur_island"), as_version=4)
    return next(c.source for c in nb.cells if c.get("id") == cell_id)


def constant_model(rng, n_a=4):
    """Wya = 0: every step draws from softmax(by), whatever came before; newline impossible."""
    parameters = {"Wax": rng.normal(size=(n_a, 27)), "Waa": rng.normal(size=(n_a, n_a)),
                  "Wya": np.zeros((27, n_a)), "b": rng.normal(size=(n_a, 1)), "by": rng.normal(size=(27, 1))}
    parameters["by"][0] = -50.0
    return parameters


@pytest.mark.parametrize("seed", [0, 1, 37, 1000])
def test_names_two_seeds_apart_draw_the_same_random_numbers_one_step_apart(seed):
    parameters = constant_model(np.random.default_rng(seed))
    name = oracle.sample(parameters, CHAR_TO_IX, seed)
    later = oracle.sample(parameters, CHAR_TO_IX, seed + 2)
    assert len(name) == len(later) == 51
    assert later[:49] == name[1:50]        # same distribution at every step: the same letters
    assert oracle.sample(parameters, CHAR_TO_IX, seed + 1)[:49] != name[1:50]


@pytest.mark.parametrize("seed", [0, 5, 1000])
def test_a_name_uses_the_seeds_seed_to_seed_plus_98_only(seed, monkeypatch):
    used = []
    reseed = np.random.seed
    monkeypatch.setattr(np.random, "seed", lambda value: (used.append(value), reseed(value)))
    parameters = constant_model(np.random.default_rng(seed))
    assert len(oracle.sample(parameters, CHAR_TO_IX, seed)) == 51         # 50 draws, the most there are
    assert used == list(range(seed, seed + 99, 2))  # so seeds 100 apart never share a random number


def run_novelty_cell(copies, total=300):
    """The novelty cell's output when the first `copies` sampled names are training names."""
    known = ["alpha", "beta", "gamma"]

    def sample(parameters, char_to_ix, seed):
        k = (seed - 10_000) // 100
        name = known[k % 3] if k < copies else "new" + "".join(VOCAB[1 + int(d)] for d in str(k))
        return [char_to_ix[ch] for ch in name] + [0]
    namespace = {"data_x": [name + "\n" for name in known], "sample": sample, "get_sample": oracle.get_sample,
                 "parameters": None, "char_to_ix": CHAR_TO_IX, "ix_to_char": IX_TO_CHAR}
    printed = []
    namespace["print"] = lambda *args: printed.append(" ".join(map(str, args)))
    exec(cell("novelty"), namespace)
    return printed[0]


@pytest.mark.parametrize("copies, words", [
    (0, ["300 of the 300 sampled names are new", "0 are copies of training names."]),
    (1, ["299 of the 300 sampled names are new", "1 is a copy of a training name: alpha"]),
    (2, ["298 of the 300 sampled names are new", "2 are copies of training names: alpha, beta"]),
    (299, ["1 of the 300 sampled names is new", "299 are copies"]),
])
def test_the_novelty_sentence_agrees_with_its_counts(copies, words):
    line = run_novelty_cell(copies)
    for expected in words:
        assert expected in line, line
