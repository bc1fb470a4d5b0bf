"""Unique, unravel_index and ravel_multi_index (graphlens/tensor/index_ops.py): values and
dtypes against numpy, inferred shapes, errors naming the input and the user's line."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import EvaluationError, GraphlensTypeError, ShapeError
from graphlens.tensor.extra_ops import (RavelMultiIndex, Unique, UnravelIndex,
                                        ravel_multi_index, unique, unravel_index)
from tests.tensor.loop_cases import this_line
from tests.tensor.op_checks import check, check_infer_shape, variable_like

FLAGS = [(False, False, False), (True, False, False), (False, True, False),
         (False, False, True), (True, True, True), (False, True, True)]


@pytest.mark.parametrize("flags", FLAGS, ids=str)
@pytest.mark.parametrize("array", [np.array([3, 1, 3, 2, 1, 7], dtype="int32"),
                                   np.array([[1.5, -2.0, 1.5], [0.0, -2.0, 9.0]])],
                         ids=["ints", "float matrix"])
def test_unique_matches_numpy_for_every_flag(array, flags):
    x = variable_like(array)
    outs = Unique(*flags)(x)
    outs = outs if isinstance(outs, list) else [outs]
    values = function([x], outs)(array)
    expected = np.unique(array, return_index=flags[0], return_inverse=flags[1],
                         return_counts=flags[2])
    expected = expected if isinstance(expected, tuple) else (expected,)
    assert len(values) == len(expected) == 1 + sum(flags)
    for got, want, out in zip(values, expected, outs):
        np.testing.assert_array_equal(got, np.asarray(want).reshape(-1))
        assert got.dtype == out.dtype
    assert values[0].dtype == array.dtype
    assert all(v.dtype == "int64" for v in values[1:])
    if flags[1]:       # the inverse rebuilds x from the values
        inverse = values[1 + flags[0]]
        np.testing.assert_array_equal(values[0][inverse], array.reshape(-1))


def test_unique_function_is_theanos_and_its_inverse_length_is_inferred():
    array = np.array([[4, 4, 1], [0, 1, 4]], dtype="int64")
    check_infer_shape(lambda x: unique(x, return_index=True, return_inverse=True)[2], [array],
                      Unique)
    x = T.lmatrix("x")
    values, counts = unique(x, return_counts=True)
    got_values, got_counts, n = function([x], [values, counts, values.shape[0]])(array)
    np.testing.assert_array_equal(got_values, [0, 1, 4])
    np.testing.assert_array_equal(got_counts, [1, 2, 3])
    assert n == 3
    static = T.TensorType("int64", (2, 3))("s")
    assert unique(static, return_inverse=True)[1].type.shape == (6,)


def test_unique_gradient_is_undefined_and_says_why():
    x = T.vector("x")
    with pytest.raises(Exception, match="unique sorts and merges equal values"):
        grad(unique(x).sum(), x)


@pytest.mark.parametrize("order", ["C", "F"])
def test_unravel_index_matches_numpy(order):
    indices = np.array([[0, 5, 11], [7, 3, 2]], dtype="int32")
    for axis in range(3):
        check(lambda i: unravel_index(i, (3, 2, 2), order=order)[axis],
              lambda i: np.unravel_index(i, (3, 2, 2), order=order)[axis].astype("int64"),
              indices)
    check_infer_shape(lambda i: unravel_index(i, (3, 4), order=order)[1], [indices],
                      UnravelIndex)


def test_unravel_index_of_argmax_with_a_symbolic_shape():
    m = T.matrix("m")
    row, col = unravel_index(T.argmax(m), m.shape)
    value = np.array([[0.0, 1.0, 2.0], [7.0, 3.0, 1.0]])
    assert [int(v) for v in function([m], [row, col])(value)] == [1, 0]
    single = unravel_index(T.lscalar("i"), (5,))
    assert isinstance(single, tuple) and len(single) == 1


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_ravel_multi_index_matches_numpy(mode):
    rows = np.array([[0, 2], [1, 5]], dtype="int64") if mode != "raise" else \
        np.array([[0, 2], [1, 2]], dtype="int64")
    cols = np.array([3, -1 if mode != "raise" else 0], dtype="int32")
    check(lambda r, c: ravel_multi_index((r, c), (3, 4), mode=mode),
          lambda r, c: np.ravel_multi_index((r, c), (3, 4), mode=mode).astype("int64"),
          rows, cols)
    check_infer_shape(lambda r, c: ravel_multi_index((r, c), (3, 4), mode=mode),
                      [rows, rows], RavelMultiIndex)


def test_ravel_and_unravel_are_inverse():
    flat = T.lvector("flat")
    dims = (4, 3, 5)
    back = ravel_multi_index(unravel_index(flat, dims, order="F"), dims, order="F")
    values = np.array([0, 17, 59, 33])
    np.testing.assert_array_equal(function([flat], back)(values), values)


def test_index_errors_name_the_input_and_the_line():
    with pytest.raises(GraphlensTypeError, match="indices must be integers"):
        unravel_index(T.vector("v"), (2, 3))
    with pytest.raises(GraphlensTypeError, match="multi_index must be a tuple or a list"):
        ravel_multi_index(T.lvector("i"), (2, 3))
    with pytest.raises(ShapeError, match="1 index arrays for 2 dims"):
        ravel_multi_index((T.lvector("i"),), (2, 3))
    i, j = T.lvector("i"), T.lvector("j")
    line = this_line() + 1
    f = function([i, j], ravel_multi_index((i, j), (2, 3)))
    with pytest.raises(EvaluationError, match=rf"test_index_ops.py:{line}(.|\n)*invalid entry"):
        f(np.array([0, 2]), np.array([1, 1]))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unique_along_an_axis_is_numpys(axis):
    # Theano 1.0.5's Unique(..., axis)
    x = T.dmatrix("x")
    value = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0], [3.0, 4.0, 3.0]])
    got = function([x], unique(x, True, True, True, axis=axis))(value)
    expected = np.unique(value, True, True, True, axis=axis)
    np.testing.assert_array_equal(got[0], expected[0])
    for mine, numpy_one in zip(got[1:], expected[1:]):
        np.testing.assert_array_equal(mine, np.asarray(numpy_one).reshape(-1))
    lengths = function([x], unique(x, return_inverse=True, axis=axis)[1].shape)(value)
    assert lengths.tolist() == [value.shape[axis]]


def test_symbolic_dims_of_unknown_length_as_theano():
    # Theano 1.0.5: unravel_index(..., ndim=n) when dims' length is not known; ravel_multi_index
    # knows it from the number of indices
    i, dims = T.lvector("i"), T.lvector("dims")
    f = function([i, dims], list(unravel_index(i, dims, ndim=2)))
    got = f(np.array([5, 7]), np.array([3, 4]))
    for mine, numpy_one in zip(got, np.unravel_index([5, 7], (3, 4))):
        np.testing.assert_array_equal(mine, numpy_one)
    rows, cols = T.lvectors("rows", "cols")
    g = function([rows, cols, dims], ravel_multi_index((rows, cols), dims))
    np.testing.assert_array_equal(g(np.array([1, 2]), np.array([1, 3]), np.array([3, 4])),
                                  np.ravel_multi_index(([1, 2], [1, 3]), (3, 4)))
