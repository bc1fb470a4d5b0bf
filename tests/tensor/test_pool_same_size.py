"""pool.max_pool_2d_same_size (graphlens/tensor/signal/pool.py): values against a patch-by-patch
loop, dtypes and static shapes, ties, inferred shape, finite-difference gradients, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.errors import InvalidArgumentError, ShapeError
from graphlens.tensor.signal import pool
from graphlens.tensor.signal.pool import MaxPoolSameSize
from tests.tensor.loop_cases import FLOATS, this_line
from tests.tensor.op_checks import check, check_grad, check_infer_shape


def reference(x, patch):
    """Theano's definition, one patch at a time (a test-only loop): each whole patch keeps the
    elements equal to its max; rows and columns past the last whole patch are 0."""
    out = np.zeros_like(x)
    rows, cols = x.shape[-2] // patch[0], x.shape[-1] // patch[1]
    for r in range(rows):
        for c in range(cols):
            at = (Ellipsis, slice(r * patch[0], (r + 1) * patch[0]),
                  slice(c * patch[1], (c + 1) * patch[1]))
            window = x[at]
            top = window.max(axis=(-2, -1), keepdims=True)
            out[at] = np.where(window == top, window, 0)
    return out


def distinct(shape, dtype, seed=3):
    """Values in a random order, 0.05 apart: no ties, and a finite step never reorders them."""
    count = int(np.prod(shape))
    values = np.random.default_rng(seed).permutation(count) - count // 2
    return (values * 0.05).reshape(shape).astype(dtype)


@pytest.mark.parametrize("dtype", FLOATS + ["int32"])
@pytest.mark.parametrize("shape, patch", [((2, 3, 6, 4), (2, 2)), ((2, 7, 5), (3, 2)),
                                          ((5, 5), (2, 2)), ((1, 2, 4, 9), (1, 3))])
def test_values_dtype_and_static_shape_match_the_definition(shape, patch, dtype):
    xv = distinct(shape, "float64") * 20
    xv = xv.astype(dtype)
    out = check(lambda x: pool.max_pool_2d_same_size(x, patch), lambda x: reference(x, patch),
                xv)
    assert out.dtype == dtype


def test_every_tied_maximum_is_kept_and_partial_patches_are_zeroed():
    x = T.matrix("x")
    value = function([x], pool.max_pool_2d_same_size(x, (2, 2)))(
        np.array([[3, 3, 1, 0, 9], [0, 3, 2, 2, 9], [7, 7, 7, 7, 9]], dtype=x.dtype))
    np.testing.assert_array_equal(value, [[3, 3, 0, 0, 0], [0, 3, 2, 2, 0], [0, 0, 0, 0, 0]])


@pytest.mark.parametrize("dtype", FLOATS)
def test_gradient_matches_finite_differences(dtype):
    check_grad(lambda x: pool.max_pool_2d_same_size(x, (2, 2)) ** 2,
               distinct((2, 2, 5, 4), "float64"), dtypes=(dtype,))
    check_grad(lambda x: pool.max_pool_2d_same_size(x, (3, 1)), distinct((7, 3), "float64"),
               dtypes=(dtype,))


def test_gradient_passes_only_through_the_kept_elements_each_tie_its_own():
    x = T.matrix("x")
    xv = np.array([[1, 4, 2, 2], [4, 0, 2, 2], [5, 6, 7, 8]], dtype=x.dtype)
    weights = np.arange(12, dtype=x.dtype).reshape(3, 4)
    g = function([x], grad((pool.max_pool_2d_same_size(x, (2, 2)) * weights).sum(), x))(xv)
    kept = np.array([[0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 0, 0]])
    np.testing.assert_array_equal(g, kept * weights)


def test_second_derivative_is_zero_as_the_function_is_piecewise_linear():
    x = T.vector("x")
    y = pool.max_pool_2d_same_size(x.reshape((2, 3)), (2, 1))
    g = grad((y ** 2).sum(), x)
    hessian_row = function([x], grad(g[0], x))(np.array([5.0, 1, 2, 3, 4, 0]))
    np.testing.assert_array_equal(hessian_row, [2, 0, 0, 0, 0, 0])


def test_infer_shape_does_not_pool():
    check_infer_shape(lambda x: pool.max_pool_2d_same_size(x, (2, 3)),
                      [distinct((2, 3, 5, 7), "float64")], MaxPoolSameSize)


def test_prints_as_the_call():
    assert pp(pool.max_pool_2d_same_size(T.tensor4("x"), (2, 2))) == \
        "max_pool_2d_same_size(x, patch_size=(2, 2))"


def test_errors_name_the_input_and_the_line():
    line = this_line() + 2
    with pytest.raises(ShapeError, match=rf"test_pool_same_size.py:{line}: .*got 'v'"):
        pool.max_pool_2d_same_size(T.vector("v"), (2, 2))
    for bad in [(2,), (0, 2), "2x2", T.ivector("p")]:
        with pytest.raises(InvalidArgumentError, match="patch_size must be two ints"):
            pool.max_pool_2d_same_size(T.matrix("m"), bad)
    # A constant vector is read when the graph is built, as Theano's tuple.
    out = pool.max_pool_2d_same_size(T.matrix("m"), T.constant(np.array([1, 2])))
    assert out.owner.op.patch_size == (1, 2)
