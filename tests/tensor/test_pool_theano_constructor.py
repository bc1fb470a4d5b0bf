"""The pooling op classes built as Theano 1.0 built them, `Pool(ignore_border, mode, ndim)`,
with the window given to each call (`op(x, ws, stride, pad)`): Theano's own tests and libraries
that drive the op classes directly write them so. Values against the direct loop, the gradient
ops of the same form, the 3-d classes, pickling, and the errors."""

import pickle

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.gradient import verify_grad
from graphlens.tensor.signal.pool import (AveragePoolGrad, DownsampleFactorMaxGradGrad,
                                          MaxPoolGrad, Pool)
from graphlens.tensor.signal.pool_ops import MaxPoolGrad3d, Pool3d
from tests.tensor.test_pool import reference_pool
from tests.tensor.test_pool_3d import reference_pool as reference_pool_nd


@pytest.mark.parametrize("ignore_border", [True, False])
@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad", "average_exc_pad"])
def test_pool_built_theanos_way_pools_with_the_window_each_call_gives(ignore_border, mode):
    x = T.dtensor4("x")
    op = Pool(ignore_border=ignore_border, mode=mode, ndim=2)
    pad = (1, 0) if ignore_border else (0, 0)
    f = function([x], op(x, (3, 2), (2, 2), pad))
    xv = np.random.default_rng(3).normal(size=(2, 3, 7, 6))
    np.testing.assert_allclose(
        f(xv), reference_pool(xv, (3, 2), ignore_border, (2, 2), pad, mode), rtol=1e-12)


def test_theanos_defaults_and_positional_order():
    # Theano's defaults: ignore_border=False, mode 'max' (AveragePoolGrad: average_inc_pad),
    # ndim 2; positional order ignore_border, mode, ndim.
    assert Pool() == Pool(False, "max", 2)
    assert not Pool().ignore_border and Pool().mode == "max"
    assert AveragePoolGrad(True).mode == "average_inc_pad"
    assert MaxPoolGrad(True, "max", 2).ignore_border
    assert type(Pool(True, ndim=3)) is Pool3d
    assert type(MaxPoolGrad(ignore_border=True, ndim=3)) is MaxPoolGrad3d
    assert type(Pool3d(True, ndim=2)) is Pool
    # The usual form is unchanged.
    assert Pool((2, 2)).ws == (2, 2) and Pool(ws=(2, 2), ignore_border=False).pad == (0, 0)


def test_max_pool_gradient_ops_built_theanos_way_match_the_gradient_of_pool():
    x = T.dtensor4("x")
    ws, stride, pad = (2, 2), (1, 2), (0, 0)
    out = Pool(ignore_border=True, ndim=2)(x, ws, stride, pad)
    gz = T.dtensor4("gz")
    by_grad = grad((out * gz).sum(), x)
    by_op = MaxPoolGrad(ignore_border=True, ndim=2)(x, out, gz, ws, stride, pad)
    grad_grad = DownsampleFactorMaxGradGrad(ignore_border=True, ndim=2)(x, out, by_op, ws,
                                                                        stride, pad)
    f = function([x, gz], [by_grad, by_op, grad_grad])
    rng = np.random.default_rng(0)
    xv, gv = rng.normal(size=(1, 2, 5, 6)), rng.normal(size=(1, 2, 4, 3))
    expected, got, twice = f(xv, gv)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # Pooled again, each window gives back what its (single) maximum received.
    expected_twice = np.empty_like(gv)
    for n, c, i, j in np.ndindex(*gv.shape):
        window = xv[n, c, i:i + 2, 2 * j:2 * j + 2]
        r, s = np.unravel_index(np.argmax(window), window.shape)
        expected_twice[n, c, i, j] = got[n, c, i + r, 2 * j + s]
    np.testing.assert_allclose(twice, expected_twice, rtol=1e-12)


def test_3d_pool_built_theanos_way():
    x = T.dtensor5("x")
    op = Pool(ignore_border=True, mode="max", ndim=3)
    f = function([x], op(x, (2, 2, 2), (2, 1, 2), (0, 0, 0)))
    xv = np.random.default_rng(1).normal(size=(1, 2, 4, 5, 4))
    np.testing.assert_allclose(
        f(xv), reference_pool_nd(xv, (2, 2, 2), True, (2, 1, 2), (0, 0, 0), "max"),
        rtol=1e-12)


def test_theano_built_op_pickles_and_compares_equal():
    op = Pool(ignore_border=True, mode="sum", ndim=2)
    assert pickle.loads(pickle.dumps(op)) == op
    assert hash(op) == hash(Pool(True, "sum"))


def test_bad_theano_style_arguments_are_named():
    with pytest.raises(ValueError, match="ndim must be 1 to 5"):
        Pool(ignore_border=True, ndim=6)
    with pytest.raises(TypeError, match="unexpected argument.*window"):
        Pool(ignore_border=True, window=(2, 2))


@pytest.mark.parametrize("ignore_border", [True, False])
def test_theanos_pool_of_one_and_four_axes(ignore_border):
    # Theano's Pool(ndim=...) pooled any number of trailing axes; its test_rop pools 1-d
    x = T.dmatrix("x")
    value = np.arange(14.0).reshape(2, 7)
    got = Pool(ignore_border, ndim=1)(x, (2,)).eval({x: value})
    windows = value[:, :6].reshape(2, 3, 2).max(axis=2)
    expected = windows if ignore_border else np.concatenate([windows, value[:, 6:]], axis=1)
    np.testing.assert_array_equal(got, expected)
    verify_grad(lambda a: Pool(ignore_border, ndim=1)(a, (2,)), [np.random.rand(2, 7)])
    verify_grad(lambda a: Pool(ignore_border, ndim=1, mode="average_exc_pad")(a, (3,)),
                [np.random.rand(2, 7)])
    x5 = T.dtensor5("x5")
    value5 = np.random.RandomState(1).rand(1, 4, 4, 4, 4)
    got = Pool(ignore_border, ndim=4)(x5, (2, 2, 2, 2)).eval({x5: value5})
    assert got.shape == (1, 2, 2, 2, 2)
    assert got[0, 0, 0, 0, 0] == value5[0, :2, :2, :2, :2].max()


def test_the_window_may_be_named_as_theanos_make_node_names_it():
    x = T.dtensor4("x")
    xv = np.random.default_rng(5).normal(size=(1, 2, 6, 5))
    by_name = function([x], Pool(ignore_border=True)(x, (2, 2), pad=(1, 1)))(xv)
    positional = function([x], Pool(ignore_border=True)(x, (2, 2), None, (1, 1)))(xv)
    np.testing.assert_array_equal(by_name, positional)
    np.testing.assert_allclose(by_name, reference_pool(xv, (2, 2), True, (2, 2), (1, 1), "max"))


@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad"])
def test_a_window_larger_than_the_padded_input_gives_no_output_and_a_zero_gradient(mode):
    # ws 10 over 2 + 2 * 3 padded rows: no window fits, so the output is empty; the gradient
    # must be zeros of the input's shape (a stride of 5 once made numpy read the empty
    # slice's negative stop from the end).
    x = T.dtensor4("x")
    out = Pool(ignore_border=True, mode=mode)(x, (10, 10), (5, 3), (3, 2))
    xv = np.random.default_rng(6).normal(size=(1, 1, 2, 2))
    assert function([x], out)(xv).shape == (1, 1, 0, 0)
    g = function([x], grad(out.sum(), x))(xv)
    np.testing.assert_array_equal(g, np.zeros_like(xv))
