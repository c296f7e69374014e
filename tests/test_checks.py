import numpy as np
import pytest

from autograder.checks import (Mismatch, compare, expect_array, expect_close, expect_keys,
                               expect_same_shapes, matches)


def failure(function, *args):
    with pytest.raises(Mismatch) as info:
        function(*args)
    return info.value


def test_close_arrays_pass_and_far_ones_report_the_worst_entry():
    expected = np.arange(6.0).reshape(2, 3)
    expect_close("a", expected + 1e-12, expected)
    actual = expected.copy()
    actual[1, 2] += 0.5
    actual[0, 1] += 0.1
    error = failure(expect_close, "a_next", actual, expected)
    assert "2 of 6 entries" in error.message and "0.5 at index (1, 2)" in error.evidence
    assert "got 5.5, expected 5" in error.evidence and "5.5" not in error.message
    assert "got 5.5, expected 5" in error.render() and "expected 5" not in error.render(details=False)


def test_shape_messages_give_both_shapes_and_a_hint():
    error = failure(expect_array, "dba", np.zeros(4), (4, 1))
    assert "(4,)" in error.message and "(4, 1)" in error.message and "keepdims" in error.hint
    error = failure(expect_array, "dWax", np.zeros((3, 5)), (5, 3))
    assert "transposed" in error.hint


def test_type_dtype_and_non_finite_values_are_reported():
    assert "numpy array" in failure(expect_array, "a", [1.0, 2.0], (2,)).message
    assert "dtype int64" in failure(expect_array, "a", np.zeros(2, dtype=np.int64), (2,)).message
    error = failure(expect_close, "y", np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    assert "nan" in error.message and "(1,)" in error.message


def test_structures_are_compared_recursively_with_paths():
    expected = ([(np.ones(2), {"W": np.zeros(1)})], np.ones(3))
    compare("caches", ([(np.ones(2), {"W": np.zeros(1)})], np.ones(3)), expected)
    error = failure(compare, "caches", ([(np.ones(2), {"W": np.ones(1)})], np.ones(3)), expected)
    assert "caches[0][0][1]['W']" in error.message
    error = failure(compare, "out", (np.ones(2),), (np.ones(2), np.ones(2)), ("a", "y"))
    assert "(a, y)" in error.message
    assert "missing ['dba']" in failure(expect_keys, "grads", {"dWax": 1}, ["dWax", "dba"]).message


def test_shape_only_comparison_ignores_values():
    expect_same_shapes("out", (np.ones((2, 3)),), (np.zeros((2, 3)),))
    assert not matches(np.ones(2), np.zeros(2))
    assert matches((np.ones(2),), (np.ones(2),))
