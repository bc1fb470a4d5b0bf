"""graphlens/tensor/extra_ops.py (Theano's theano.tensor.extra_ops): cumsum, cumprod, diff,
repeat and bincount against numpy; dtypes as Theano's, static shapes, gradients, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.errors import (AxisError, EvaluationError, GraphlensTypeError,
                              InvalidArgumentError, ShapeError)
from graphlens.tensor import extra_ops
from op_checks import check, check_grad

MATRIX = np.random.default_rng(5).uniform(-2, 2, size=(3, 4))
CUBE = np.random.default_rng(6).uniform(0.5, 1.5, size=(2, 3, 4))


def test_extra_ops_is_at_theanos_path_and_in_T():
    from graphlens.tensor.extra_ops import bincount, cumprod, cumsum, diff, repeat  # noqa: F401
    assert T.extra_ops.cumsum is T.cumsum is cumsum and T.repeat is repeat
    assert T.extra_ops.bincount is T.bincount is bincount
    assert T.diff is diff and T.cumprod is cumprod


@pytest.mark.parametrize("axis", [None, 0, 1, -1, 2])
def test_cumsum_and_cumprod_match_numpy_along_each_axis(axis):
    check(lambda x: T.cumsum(x, axis=axis), lambda a: np.cumsum(a, axis=axis), CUBE)
    check(lambda x: T.cumprod(x, axis=axis), lambda a: np.cumprod(a, axis=axis), CUBE)
    check(lambda x: x.cumsum(axis), lambda a: np.cumsum(a, axis=axis), CUBE)


@pytest.mark.parametrize("dtype", ["int8", "int32", "float32", "uint8"])
def test_cumulative_ops_keep_the_input_dtype_as_theano(dtype):
    # numpy sums int8 in int64; Theano's CumOp returns x's own type.
    values = np.array([[1, 2, 3], [4, 5, 6]], dtype=dtype)
    check(lambda x: T.cumsum(x, axis=1), lambda a: np.cumsum(a, axis=1).astype(dtype), values,
          dtype=dtype)
    check(lambda x: T.cumprod(x), lambda a: np.cumprod(a).astype(dtype), values, dtype=dtype)


def test_cumsum_of_a_scalar_and_of_an_empty_axis():
    check(lambda x: T.cumsum(x), lambda a: np.cumsum(a), np.array(2.5))
    check(lambda x: T.cumsum(x, axis=0), lambda a: np.cumsum(a, axis=0), np.zeros((0, 3)))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_cumulative_gradients_agree_with_finite_differences(axis):
    check_grad(lambda x: T.cumsum(x, axis=axis) ** 2, MATRIX)
    check_grad(lambda x: T.cumprod(x, axis=axis), MATRIX)


def test_cumsum_gradient_is_the_reversed_running_sum():
    v = T.dvector("v")
    weights = np.array([1.0, 10.0, 100.0])
    g = grad((T.cumsum(v) * weights).sum(), v)
    np.testing.assert_array_equal(g.eval({v: np.zeros(3)}), [111.0, 110.0, 100.0])


def test_cumulative_ops_print_with_their_axis():
    m = T.dmatrix("m")
    assert pp(T.cumsum(m, axis=1)) == "cumsum(m, axis=1)"
    assert pp(T.cumprod(m, axis=-1)) == "cumprod(m, axis=1)"


def test_cumsum_refuses_a_bad_axis_naming_it():
    with pytest.raises(AxisError, match="cumsum: axis 2 is out of range"):
        T.cumsum(T.dmatrix("m"), axis=2)


@pytest.mark.parametrize("n, axis", [(0, -1), (1, -1), (2, -1), (1, 0), (3, 1)])
def test_diff_matches_numpy(n, axis):
    check(lambda x: T.diff(x, n, axis), lambda a: np.diff(a, n, axis), MATRIX)
    check_grad(lambda x: T.diff(x, n, axis) ** 2, MATRIX)


def test_diff_refuses_a_negative_order():
    with pytest.raises(InvalidArgumentError, match="n must be an int >= 0"):
        T.diff(T.dvector(), -1)


@pytest.mark.parametrize("repeats, axis", [(2, None), (2, 0), (3, 1), (0, 1), ([1, 0, 2], 0),
                                           ([2, 1, 0, 3], 1), ([2], 1), (2, -1)])
def test_repeat_matches_numpy(repeats, axis):
    check(lambda x: T.repeat(x, repeats, axis=axis),
          lambda a: np.repeat(a, repeats, axis=axis), MATRIX)
    check(lambda x: x.repeat(repeats, axis), lambda a: np.repeat(a, repeats, axis=axis), MATRIX)


@pytest.mark.parametrize("repeats, axis", [(2, None), (3, 1), ([1, 0, 2], 0),
                                           ([2, 1, 0, 3], 1), ([2], 1)])
def test_repeat_gradient_sums_the_copies(repeats, axis):
    check_grad(lambda x: T.repeat(x, repeats, axis=axis) ** 2, MATRIX)


def test_repeat_with_symbolic_counts():
    x, n, counts = T.dmatrix("x"), T.iscalar("n"), T.lvector("counts")
    f = function([x, n, counts], [T.repeat(x, n, axis=0), T.repeat(x, counts, axis=1),
                                  grad(T.repeat(x, counts, axis=1).sum(), x)])
    by_n, by_counts, g = f(MATRIX, 2, np.array([0, 1, 2, 3]))
    np.testing.assert_array_equal(by_n, np.repeat(MATRIX, 2, axis=0))
    np.testing.assert_array_equal(by_counts, np.repeat(MATRIX, [0, 1, 2, 3], axis=1))
    np.testing.assert_array_equal(g, np.tile([0.0, 1.0, 2.0, 3.0], (3, 1)))


def test_repeat_static_lengths():
    x = T.TensorType("float64", (3, 4))("x")
    assert T.repeat(x, 2, axis=1).type.shape == (3, 8)
    assert T.repeat(x, [1, 2, 0], axis=0).type.shape == (3, 4)
    assert T.repeat(x, 2).type.shape == (24,)
    assert T.repeat(x, T.iscalar(), axis=0).type.shape == (None, 4)


def test_repeat_errors_name_the_problem():
    x = T.TensorType("float64", (3, 4))("x")
    with pytest.raises(GraphlensTypeError, match="repeats must be integers"):
        T.repeat(x, 1.5)
    with pytest.raises(InvalidArgumentError, match="repeats must be a scalar or a vector"):
        T.repeat(x, [[1, 2]])
    with pytest.raises(ShapeError, match="2 counts for an axis of length 3"):
        T.repeat(x, [1, 2], axis=0)
    with pytest.raises(InvalidArgumentError, match="repeats must be >= 0"):
        T.repeat(x, -1)
    m, counts = T.dmatrix("m"), T.lvector("counts")
    f = function([m, counts], T.repeat(m, counts, axis=0))
    # EvaluationError carries the op's message and the user's line (a ValueError once issue 13's
    # runtime errors land).
    with pytest.raises((EvaluationError, ValueError),
                       match="cannot repeat an array of shape \\(3, 4\\)"):
        f(MATRIX, np.array([1, 2]))


def test_repeat_prints_its_axis():
    m, n = T.dmatrix("m"), T.lscalar("n")
    assert pp(T.repeat(m, n, axis=1)) == "repeat(m, n, axis=1)"


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_bincount_matches_numpy_in_theanos_dtypes(dtype):
    values = np.array([0, 3, 1, 3, 3, 0], dtype=dtype)
    weights = np.array([0.5, 1.0, 2.0, 0.25, 0.25, 1.0])
    check(lambda x: T.bincount(x), lambda a: np.bincount(a).astype(dtype), values, dtype=dtype)
    check(lambda x: extra_ops.bincount(x, minlength=7),
          lambda a: np.bincount(a, minlength=7).astype(dtype), values, dtype=dtype)
    check(lambda x, w: T.bincount(x, w), lambda a, w: np.bincount(a, w), values, weights)


def test_bincount_gradient_reaches_the_weights():
    labels = T.constant(np.array([0, 2, 2, 1]))
    check_grad(lambda w: T.bincount(labels, w) ** 2, np.array([0.5, 1.0, 2.0, -1.0]))
    x, w = T.lvector("x"), T.dvector("w")
    g = grad((T.bincount(x, w) * np.array([1.0, 10.0, 100.0, 1000.0])).sum(), w)
    np.testing.assert_array_equal(g.eval({x: np.array([3, 0, 2]), w: np.ones(3)}),
                                  [1000.0, 1.0, 100.0])


def test_bincount_refuses_negative_values_and_non_integer_input():
    with pytest.raises(GraphlensTypeError, match="x must be a vector of ints"):
        T.bincount(T.dvector())
    x = T.lvector("x")
    with pytest.raises((EvaluationError, ValueError), match="negative value -2"):
        function([x], T.bincount(x))(np.array([1, -2]))


def test_to_one_hot_is_a_floatx_matrix_of_indicators():
    check(lambda y: extra_ops.to_one_hot(y, 4), lambda a: np.eye(4)[a], np.array([3, 0, 1]),
          dtype="float64")
    check(lambda y: extra_ops.to_one_hot(y, 3, dtype="int8"), lambda a: np.eye(3)[a],
          np.array([2, 2]).astype("int32"), dtype="int8")
    with pytest.raises(GraphlensTypeError, match="y must be a vector of int labels"):
        extra_ops.to_one_hot(T.dvector(), 3)


def test_theanos_other_extra_ops_names_are_found_at_its_path():
    from graphlens.tensor.extra_ops import fill_diagonal, searchsorted, squeeze
    from graphlens.tensor.diagonal import fill_diagonal as fill_diagonal_home
    from graphlens.tensor.sort import searchsorted as searchsorted_home
    assert squeeze is T.squeeze and fill_diagonal is fill_diagonal_home
    assert searchsorted is searchsorted_home
    with pytest.raises(AttributeError, match="no attribute 'no_such_op'"):
        extra_ops.no_such_op      # noqa: B018  (not there: the message names it)


def test_repeat_refuses_an_undeclared_broadcast_of_one_count():
    m, counts = T.dmatrix("m"), T.lvector("counts")
    f = function([m, counts], T.repeat(m, counts, axis=0))
    with pytest.raises((EvaluationError, ValueError), match="1 count for an axis of length 3"):
        f(MATRIX, np.array([2]))
    one = T.TensorType("int64", (1,))("one")
    value = function([m, one], T.repeat(m, one, axis=0))(MATRIX, np.array([2]))
    np.testing.assert_array_equal(value, np.repeat(MATRIX, 2, axis=0))


def test_theano_s_cumop_and_repeatop_constructors():
    # Theano's CumOp(axis=None, mode='add') and RepeatOp(axis=None): the op of that mode, and
    # None meaning along x flattened.
    from graphlens.tensor.extra_ops import CumOp, CumProd, CumSum, RepeatOp
    x = T.dmatrix("x")
    a = np.arange(1.0, 7.0).reshape(2, 3)
    assert isinstance(CumOp(mode="mul"), CumProd) and CumOp(axis=1) == CumSum(1)
    f = function([x], [CumOp()(x), CumOp(mode="mul")(x), CumOp(axis=1, mode="add")(x),
                       RepeatOp()(x, 2)])
    total, product, rows, repeated = f(a)
    np.testing.assert_array_equal(total, np.cumsum(a))
    np.testing.assert_array_equal(product, np.cumprod(a))
    np.testing.assert_array_equal(rows, np.cumsum(a, axis=1))
    np.testing.assert_array_equal(repeated, np.repeat(a, 2))
    with pytest.raises(ValueError, match="mode must be 'add' or 'mul'"):
        CumOp(mode="max")
    with pytest.raises(ValueError, match="no mode 'mul'"):
        CumSum(0, mode="mul")
    check_grad(CumOp(mode="mul"), a)
