"""Theano's small helpers: max_and_argmax, largest, smallest (reduce.py), horizontal_stack and
vertical_stack (join.py), the aliases abs_ and where."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.errors import ShapeError
from op_checks import check, check_grad

MATRIX = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_max_and_argmax_match_numpy(axis):
    x = T.dmatrix("x")
    maximum, position = T.max_and_argmax(x, axis)
    got = function([x], [maximum, position])(MATRIX)
    np.testing.assert_array_equal(got[0], np.max(MATRIX, axis=axis))
    np.testing.assert_array_equal(got[1], np.argmax(MATRIX, axis=axis))
    assert got[1].dtype == np.int64


def test_largest_and_smallest_are_elementwise_over_many():
    third = -MATRIX[::-1]
    check(lambda a, b, c: T.largest(a, b, c), lambda a, b, c: np.maximum(np.maximum(a, b), c),
          MATRIX, MATRIX * 0.5 + 1, third)
    check(lambda a, b: T.smallest(a, b), np.minimum, MATRIX, third)
    check_grad(lambda a, b: T.largest(a, b), MATRIX, third + 0.25)


def test_horizontal_and_vertical_stack_join_matrices():
    check(T.horizontal_stack, lambda a, b: np.hstack([a, b]), MATRIX, MATRIX[:, :2])
    check(T.vertical_stack, lambda a, b: np.vstack([a, b]), MATRIX, MATRIX[:1])
    with pytest.raises(ShapeError, match="horizontal_stack joins matrices"):
        T.horizontal_stack(T.dvector(), T.dvector())


def test_theanos_aliases():
    assert T.abs_ is T.abs and T.where is T.switch
    check(lambda x: T.where(x > 0, x, 0.0), lambda a: np.where(a > 0, a, 0.0), MATRIX)


def test_stack_takes_theanos_older_argument_form_too():
    x, y = T.dvectors("x", "y")
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    f = function([x, y], [T.stack(x, y), T.stack([x, y], 1), T.stack([x, y], axis=1),
                          T.stack(x)])
    by_arguments, by_position, by_keyword, single = f(a, b)
    np.testing.assert_array_equal(by_arguments, np.stack([a, b]))
    np.testing.assert_array_equal(by_position, np.stack([a, b], 1))
    np.testing.assert_array_equal(by_keyword, np.stack([a, b], 1))
    np.testing.assert_array_equal(single, a[None])
