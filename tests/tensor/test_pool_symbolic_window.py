"""Pooling windows known only when the function runs (Theano 1.0's symbolic ws, stride and pad;
Lasagne's spatial pyramid pooling derives them from the input's shape): one compiled function
pools inputs of every size with a window that follows the size; values against the direct
loop, gradients by finite differences, inferred shapes, printing and run-time checks."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp, verify_grad
from graphlens.errors import EvaluationError
from graphlens.tensor.signal import pool
from tests.tensor.op_checks import check_infer_shape
from tests.tensor.test_pool import reference_pool
from tests.tensor.test_pool_3d import reference_pool as reference_pool_nd

MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]


def pyramid_level(x, bins, mode, ignore_border=True):
    """One level of a spatial pyramid, as Lasagne's 'kaiming' implementation builds it:
    windows of ceil(size / bins), strides of floor(size / bins)."""
    size = x.shape[2:]
    ws = tuple((length + bins - 1) // bins for length in size)
    stride = tuple(length // bins for length in size)
    return pool.pool_2d(x, ws=ws, stride=stride, ignore_border=ignore_border, pad=None,
                        mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_one_function_pools_every_input_size_with_the_window_its_size_gives(mode):
    x = T.dtensor4("x")
    f = function([x], pyramid_level(x, 2, mode))
    for rows, cols in [(4, 4), (5, 7), (9, 6)]:
        xv = np.random.default_rng(rows * cols).normal(size=(2, 3, rows, cols))
        ws = (-(-rows // 2), -(-cols // 2))
        stride = (rows // 2, cols // 2)
        expected = reference_pool(xv, ws, True, stride, (0, 0), mode)
        np.testing.assert_allclose(f(xv), expected, rtol=1e-12)
        assert f(xv).shape == (2, 3, 2, 2)


@pytest.mark.parametrize("ignore_border", [True, False])
def test_a_window_given_as_int_vectors_with_padding_matches_the_loop(ignore_border):
    x = T.dtensor4("x")
    ws, stride, pad = T.lvector("ws"), T.lvector("stride"), T.lvector("pad")
    out = pool.pool_2d(x, ws=ws, stride=stride, pad=pad, ignore_border=ignore_border,
                       mode="average_exc_pad")
    f = function([x, ws, stride, pad], out)
    xv = np.random.default_rng(2).normal(size=(1, 2, 7, 6))
    window = ((3, 2), (2, 1), (1, 1) if ignore_border else (0, 0))
    expected = reference_pool(xv, window[0], ignore_border, window[1], window[2],
                              "average_exc_pad")
    np.testing.assert_allclose(f(xv, *window), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_gradients_through_a_symbolic_window_match_finite_differences(mode):
    xv = np.random.default_rng(7).permutation(2 * 2 * 7 * 5).reshape(2, 2, 7, 5) * 0.05
    verify_grad(lambda x: pyramid_level(x, 2, mode), [xv])
    verify_grad(lambda x: grad((pyramid_level(x, 3, mode) ** 2).sum(), x) * x, [xv])


def test_third_derivative_of_max_pooling_with_a_symbolic_window():
    xv = np.random.default_rng(3).permutation(60).reshape(1, 2, 6, 5) * 0.1
    x = T.constant(xv)
    out = pyramid_level(x, 2, "max")
    ws, stride, pad = out.owner.inputs[1:]
    op = pool.MaxPoolGradGrad(None, True, None, None)
    verify_grad(lambda ggx: op(x, out, ggx, ws, stride, pad) ** 2,
                [np.random.default_rng(4).normal(size=xv.shape)])


def test_inferred_shapes_follow_the_window_without_pooling():
    xv = np.random.default_rng(1).normal(size=(2, 1, 7, 9))
    for mode, gradient_op in [("max", pool.MaxPoolGrad), ("sum", pool.AveragePoolGrad)]:
        check_infer_shape(lambda x: pyramid_level(x, 2, mode, ignore_border=False), [xv],
                          pool.Pool)
        check_infer_shape(lambda x: grad(pyramid_level(x, 3, mode).sum(), x), [xv],
                          gradient_op)


def test_pool_3d_takes_a_symbolic_window_too():
    v = T.dtensor5("v")
    out = pool.pool_3d(v, ws=(v.shape[2] // 2, 2, v.shape[4] - 1), ignore_border=True)
    vv = np.random.default_rng(5).normal(size=(1, 2, 4, 5, 3))
    expected = reference_pool_nd(vv, (2, 2, 2), True, None, (0, 0, 0), "max")
    np.testing.assert_allclose(function([v], out)(vv), expected, rtol=1e-12)
    assert isinstance(out.owner.op, pool.Pool3d) and out.type.shape == (None,) * 5


def test_a_symbolic_window_prints_and_labels_and_is_checked_when_run():
    x = T.dtensor4("x")
    out = pool.pool_2d(x, ws=(x.shape[2] // 2, 2), ignore_border=True, mode="sum")
    assert pp(out) == ("%1 = [x.shape[2] // 2, 2]\n"
                       "pool_2d(x, %1, %1, [0, 0], mode='sum')")
    assert out.owner.op.label == "pool_2d(mode='sum')"
    ws = T.lvector("ws")
    f = function([x, ws], pool.pool_2d(x, ws=ws, pad=(1, 1), ignore_border=True))
    with pytest.raises(EvaluationError, match="pad \\(1, 1\\) must be smaller than ws"):
        f(np.zeros((1, 1, 4, 4)), [1, 2])
    with pytest.raises(ValueError, match="ws and stride must be 2 ints >= 1"):
        f(np.zeros((1, 1, 4, 4)), [2, 2, 2])
    with pytest.raises(Exception, match="int vectors"):
        pool.pool_2d(x, ws=T.dvector("w"), ignore_border=True)


@pytest.mark.parametrize("ignore_border", [True, False])
def test_pool_out_shape_is_the_shape_pool_gives(ignore_border):
    x = T.dtensor4("x")
    for ws, stride, pad in [((2, 2), None, (0, 0)), ((3, 2), (1, 2), (1, 1)),
                            ((3, 3), (2, 1), (0, 0))]:
        if any(pad) and not ignore_border:
            continue
        xv = np.zeros((2, 3, 7, 6))
        out = pool.pool_2d(x, ws=ws, stride=stride, pad=pad, ignore_border=ignore_border)
        want = function([x], out)(xv).shape
        assert tuple(pool.Pool.out_shape(xv.shape, ws, ignore_border, stride, pad)) == want
        old_names = pool.Pool.out_shape(xv.shape, ds=ws, ignore_border=ignore_border,
                                        st=stride, padding=pad)
        assert tuple(old_names) == want
        symbolic = pool.Pool.out_shape(x.shape, ws, ignore_border, stride, pad)
        assert tuple(function([x], T.stack(symbolic))(xv)) == want
    volume = pool.Pool.out_shape((1, 2, 5, 4, 3), (2, 2, 2), True, ndim=3)
    assert volume == [1, 2, 2, 2, 1]


def test_axes_whose_window_entries_are_constants_keep_a_static_length():
    x = T.TensorType("float64", (2, 3, None, 8))("x")
    out = pool.pool_2d(x, ws=(x.shape[2] // 2, 2), ignore_border=True)
    assert out.type.shape == (2, 3, None, 4)
    given = pool.pool_2d(x, ws=T.lvector("ws"), ignore_border=True)
    assert given.type.shape == (2, 3, None, None)
    assert function([x], out)(np.zeros((2, 3, 6, 8))).shape == (2, 3, 2, 4)
