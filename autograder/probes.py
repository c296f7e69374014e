"""Seeded problem generation: fresh sizes (size-1 edge cases included) and fresh seeds.

A grading run draws one seed (or takes AUTOGRADER_SEED, so an instructor can replay a run);
every function and check derives its own generator from it, shared by oracle and student.
"""
import os
import secrets
import zlib

import numpy as np

SEED_VARIABLE = "AUTOGRADER_SEED"
_run_seed = None


def grading_seed():
    """The seed of this grading run: $AUTOGRADER_SEED, or one fresh draw per process."""
    global _run_seed
    if os.environ.get(SEED_VARIABLE):
        return int(os.environ[SEED_VARIABLE])
    if _run_seed is None:
        _run_seed = secrets.randbelow(2 ** 31)
    return _run_seed


def derived_rng(seed, *labels):
    """An independent generator for (seed, labels): same inputs give the same stream."""
    keys = [zlib.crc32(str(label).encode()) for label in labels]
    return np.random.default_rng([seed, *keys])


def problem_sizes(rng, dims, low=2):
    """Sizes to test a function on: dicts mapping each name in `dims` to a size.

    Order: one with distinct sizes (so transposed shapes show), every dim 1 at once, each dim
    alone at 1, then another random one. Distinct sizes come first: structure checks use it.
    """
    def random_sizes():
        values = rng.choice(np.arange(low, low + len(dims) + 2), size=len(dims), replace=False)
        return dict(zip(dims, (int(v) for v in values)))

    sizes = [random_sizes(), dict.fromkeys(dims, 1)]
    for dim in dims:
        sizes.append({**random_sizes(), dim: 1})
    sizes.append(random_sizes())
    return sizes


def describe_sizes(sizes):
    return ", ".join(f"{k}={v}" for k, v in sizes.items())
