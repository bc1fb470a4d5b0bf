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


@pytest.mark.parametrize("sizes, axis", [([1, 2], 1), ([2, 0, 1], 0), ([3], -1)])
def test_split_matches_numpy_and_differentiates(sizes, axis):
    pieces = np.split(MATRIX if axis != 0 else MATRIX[[0, 1, 0]], np.cumsum(sizes)[:-1], axis)
    data = MATRIX if axis != 0 else MATRIX[[0, 1, 0]]
    x, counts = T.dmatrix("x"), T.lvector("counts")
    literal = T.split(x, sizes, len(sizes), axis)
    symbolic = T.split(x, counts, len(sizes), axis)
    got = function([x, counts], literal + symbolic)(data, np.array(sizes))
    for mine, theirs in zip(got, pieces + pieces):
        np.testing.assert_array_equal(mine, theirs)
    static = T.split(T.TensorType("float64", data.shape)(), sizes, len(sizes), axis)
    assert [piece.type.shape for piece in static] == [p.shape for p in pieces]
    check_grad(lambda v: T.concatenate([p * (i + 1) for i, p in enumerate(
        T.split(v, sizes, len(sizes), axis))], axis=axis), data)


def test_stacklists_builds_a_grid_of_tensors():
    a, b, c, d = T.dscalars("a", "b", "c", "d")
    grid = function([a, b, c, d], T.stacklists([[a, b], [c, d]]))(1.0, 2.0, 3.0, 4.0)
    np.testing.assert_array_equal(grid, [[1.0, 2.0], [3.0, 4.0]])


def test_rounding_helpers_and_trunc():
    values = np.array([-2.5, -1.5, -0.5, 0.5, 1.7, 2.5])
    check(T.round_half_to_even, np.round, values)
    check(T.round_half_away_from_zero,
          lambda a: np.sign(a) * np.floor(np.abs(a) + 0.5), values)
    check(T.trunc, np.trunc, values)
    check(T.iround, lambda a: np.round(a).astype("int64"), values, dtype="int64")
    w = T.dvector("w")
    from graphlens.trace import vanishing
    (finding,) = vanishing(T.sum(T.trunc(w)), [w]).findings
    (blocker,) = finding.blockers
    assert blocker.reason.startswith("trunc is piecewise constant")
    assert "straight_through(T.trunc(x), x)" in blocker.remedy


def test_arctan2_matches_numpy_with_its_gradient():
    y, x = MATRIX, MATRIX[::-1] + 0.5
    check(T.arctan2, np.arctan2, y, x)
    # numpy computes int8 in float16; Theano (and graphlens) in float32.
    check(T.arctan2, lambda a, b: np.arctan2(a.astype(float), b.astype(float)),
          np.array([1, -2], dtype="int8"), np.array([3, 1], dtype="int8"), dtype="float32")
    check_grad(T.arctan2, y, x)


def test_theanos_alias_names():
    assert (T.bitwise_and, T.bitwise_or, T.bitwise_xor, T.bitwise_not) == (
        T.and_, T.or_, T.xor, T.invert)
    assert T.floor_div is T.int_div and T.second is T.fill
