"""Training speed of the Dinosaur Island reference model, in iterations (names) per second,
against a plain-loop baseline measured in the same run.

    .venv/bin/python bench/training.py [--iterations 3000]

The baseline is the textbook loop: per step, one-hot inputs multiplied by Wax, dicts of
states, gradients clipped with a Python loop over elements' arrays. The reference is
autograder.assignments.dinosaur_island.oracle.model (the course's helpers). Both train on the course's
names with n_a = 50; the figure that matters for students is the projected 35,000-iteration
time against the 2-minute budget.
"""
import argparse
import time

import numpy as np

from autograder.course import REPOSITORY
from autograder.assignments.dinosaur_island import oracle as reference

VOCABULARY = "\n" + "abcdefghijklmnopqrstuvwxyz"
CHAR_TO_IX = {ch: i for i, ch in enumerate(VOCABULARY)}
IX_TO_CHAR = dict(enumerate(VOCABULARY))


def baseline_training(names, iterations, n_a=50, vocab_size=27, learning_rate=0.01):
    """The same SGD written as a plain loop over time steps with explicit one-hot matmuls."""
    rng = np.random.RandomState(1)
    Wax, Waa = rng.randn(n_a, vocab_size) * 0.01, rng.randn(n_a, n_a) * 0.01
    Wya, b, by = rng.randn(vocab_size, n_a) * 0.01, np.zeros((n_a, 1)), np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    for j in range(iterations):
        X = [None] + [CHAR_TO_IX[c] for c in names[j % len(names)]]
        Y = X[1:] + [0]
        xs, hs, ps = {}, {-1: a_prev}, {}
        for t in range(len(X)):
            xs[t] = np.zeros((vocab_size, 1))
            if X[t] is not None:
                xs[t][X[t]] = 1
            hs[t] = np.tanh(np.dot(Wax, xs[t]) + np.dot(Waa, hs[t - 1]) + b)
            z = np.dot(Wya, hs[t]) + by
            ps[t] = np.exp(z - z.max()) / np.sum(np.exp(z - z.max()))
        grads = [np.zeros_like(w) for w in (Wax, Waa, Wya, b, by)]
        dh_next = np.zeros((n_a, 1))
        for t in reversed(range(len(X))):
            dy = ps[t].copy()
            dy[Y[t]] -= 1
            grads[2] += np.dot(dy, hs[t].T)
            grads[4] += dy
            dz = (1 - hs[t] ** 2) * (np.dot(Wya.T, dy) + dh_next)
            grads[3] += dz
            grads[0] += np.dot(dz, xs[t].T)
            grads[1] += np.dot(dz, hs[t - 1].T)
            dh_next = np.dot(Waa.T, dz)
        for weight, grad in zip((Wax, Waa, Wya, b, by), grads):
            weight -= learning_rate * np.clip(grad, -5, 5)
        a_prev = hs[len(X) - 1]


def rate(function, iterations):
    start = time.perf_counter()
    function(iterations)
    return iterations / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=3000)
    iterations = parser.parse_args().iterations
    names = (REPOSITORY / "source" / "dinosaur_island" / "dinos.txt").read_text().split()
    baseline = rate(lambda n: baseline_training(names, n), iterations)
    ours = rate(lambda n: reference.model(names, IX_TO_CHAR, CHAR_TO_IX, num_iterations=n), iterations)
    print(f"plain-loop baseline : {baseline:8.0f} iterations/s")
    print(f"reference model     : {ours:8.0f} iterations/s (ratio {ours / baseline:.2f}, "
          f"35,000 iterations in {35000 / ours:.1f} s)")


if __name__ == "__main__":
    main()
