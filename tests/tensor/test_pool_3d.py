"""3-d pooling (`pool.pool_3d`, the ops of graphlens/tensor/signal/pool_ops.py): values against
Theano's window rules written as a direct loop over every window, static and inferred shapes,
finite-difference gradients for every mode, and the second derivative of max pooling."""

import itertools

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp, verify_grad
from graphlens.tensor.signal import pool
from tests.tensor.loop_cases import FLOATS, point
from tests.tensor.op_checks import check_infer_shape

MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]
# (ws, ignore_border, stride, pad)
GEOMETRIES = [((2, 2, 2), True, None, (0, 0, 0)), ((2, 2, 2), False, None, (0, 0, 0)),
              ((2, 3, 2), True, (1, 1, 1), (0, 0, 0)), ((3, 2, 2), False, (2, 1, 3), (0, 0, 0)),
              ((3, 2, 3), True, (2, 2, 1), (1, 1, 2))]


def reference_pool(x, ws, ignore_border, stride, pad, mode):
    """Theano's Pool.perform for any number of pooled axes, one window at a time (a test-only
    loop over every output position)."""
    rank = len(ws)
    stride = stride or ws
    spatial = x.shape[-rank:]
    padded_lengths = tuple(n + 2 * p for n, p in zip(spatial, pad))
    y = np.zeros(x.shape[:-rank] + padded_lengths)
    y[(Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(pad, spatial))] = x

    def length(n, w, s):
        if ignore_border:
            return (n - w) // s + 1
        return (n - 1) // s + 1 if s >= w else max(0, (n - 1 - w + s) // s) + 1
    out_lengths = tuple(length(*a) for a in zip(padded_lengths, ws, stride))
    out = np.zeros(x.shape[:-rank] + out_lengths)
    reduce = {"max": np.max, "sum": np.sum}.get(mode, np.mean)
    for position in itertools.product(*(range(n) for n in out_lengths)):
        window = []
        for axis, i in enumerate(position):
            start = i * stride[axis]
            end = min(start + ws[axis], padded_lengths[axis])
            if mode != "average_inc_pad":
                start, end = max(start, pad[axis]), min(end, spatial[axis] + pad[axis])
            window.append(slice(start, end))
        out[(Ellipsis,) + position] = reduce(y[(Ellipsis,) + tuple(window)],
                                             axis=tuple(range(-rank, 0)))
    return out


def _pool(geometry, mode):
    ws, ignore_border, stride, pad = geometry
    return lambda x: pool.pool_3d(x, ws=ws, ignore_border=ignore_border, stride=stride,
                                  pad=pad, mode=mode)


def _distinct(shape, dtype, seed=7):
    # Distinct values, far apart: the max does not change places under the finite step.
    values = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape)
    return (values * 0.05).astype(dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_pool_3d_matches_theanos_window_rules_and_its_static_shape(mode, geometry, dtype):
    xv = point((2, 2, 5, 6, 7), dtype, 1)
    x = T.TensorType(dtype, xv.shape)("x")
    out = _pool(geometry, mode)(x)
    value = function([x], out)(xv)
    expected = reference_pool(xv.astype("float64"), *geometry, mode)
    assert value.dtype == dtype
    assert out.type.shape == expected.shape == value.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_pool_3d_gradients_match_finite_differences(mode, geometry):
    verify_grad(_pool(geometry, mode), [_distinct((1, 2, 5, 4, 5), "float64")])


@pytest.mark.parametrize("mode", MODES)
def test_pool_3d_gradients_in_float32(mode):
    verify_grad(_pool(((2, 2, 2), True, (1, 2, 1), (1, 0, 1)), mode),
                [_distinct((1, 1, 4, 4, 3), "float32")])


@pytest.mark.parametrize("mode", MODES)
def test_gradient_of_the_pool_3d_gradient(mode):
    """The second derivative: differentiates MaxPoolGrad3d / AveragePoolGrad3d, and through
    them MaxPoolGradGrad3d."""
    xv = _distinct((1, 2, 4, 5, 3), "float64", seed=3)
    build = _pool(((2, 3, 2), True, (2, 1, 1), (1, 1, 0)), mode)

    def pool_grad(x):        # a function of x whose derivative needs the gradient op's grad
        return grad((build(x) ** 2).sum(), x) * x

    verify_grad(pool_grad, [xv])

    def grad_grad(g):        # d/dg of MaxPoolGrad3d(x, maxout, g), then of its gradient
        x = T.constant(xv)
        return grad((build(x) * g).sum(), x) ** 2

    verify_grad(grad_grad, [point((1, 2, 3, 5, 2), "float64", 9)])
    if mode == "max":        # the third derivative: MaxPoolGradGrad3d's own gradient
        op = pool.MaxPoolGradGrad3d((2, 3, 2), True, (2, 1, 1), (1, 1, 0))
        x = T.constant(xv)
        verify_grad(lambda ggx: op(x, build(x), ggx) ** 2, [point(xv.shape, "float64", 5)])


def test_second_derivative_of_max_pooling_is_the_gradient_scattered_twice():
    # cost = sum(pool(x) ** 2): d cost/dx = 2 * max at its argmax, 0 elsewhere; the Hessian's
    # diagonal is 2 at each window's argmax and 0 elsewhere.
    x = T.dtensor5("x")
    out = pool.pool_3d(x, ws=(2, 2, 2), ignore_border=True)
    gx = grad((out ** 2).sum(), x)
    hess_diag = grad((gx * T.constant(np.ones((1, 1, 2, 2, 2)))).sum(), x)
    xv = np.arange(8.0).reshape(1, 1, 2, 2, 2)
    g, h = function([x], [gx, hess_diag])(xv)
    expected = np.zeros_like(xv)
    expected[0, 0, 1, 1, 1] = 14.0
    np.testing.assert_array_equal(g, expected)
    np.testing.assert_array_equal(h, (expected != 0) * 2.0)


@pytest.mark.parametrize("mode", ["max", "average_exc_pad"])
def test_every_pool_op_works_out_its_shape_without_running(mode):
    xv = _distinct((2, 1, 5, 4, 6), "float64")
    geometry = ((3, 2, 2), True, (2, 1, 2), (1, 0, 1))
    build = _pool(geometry, mode)
    check_infer_shape(build, [xv], pool.Pool3d)
    gradient_op = pool.MaxPoolGrad3d if mode == "max" else pool.AveragePoolGrad3d
    check_infer_shape(lambda x: grad(build(x).sum(), x), [xv], gradient_op)
    if mode == "max":
        grad_grad = pool.MaxPoolGradGrad3d(*geometry, mode)
        check_infer_shape(lambda x: grad_grad(x, build(x), 2 * x), [xv], pool.MaxPoolGradGrad3d)


@pytest.mark.parametrize("ignore_border", [True, False])
def test_inferred_pooled_lengths_match_perform_for_every_length(ignore_border):
    # Every length from 0 up, windows wider and narrower than the stride.
    x = T.dtensor3("x")
    for ws, stride in [((3, 2, 1), (1, 2, 1)), ((2, 3, 3), (3, 1, 2))]:
        out = pool.pool_3d(x, ws=ws, stride=stride, ignore_border=ignore_border)
        shape_of = function([x], out.shape)
        for lengths in [(0, 1, 2), (1, 3, 4), (5, 2, 7)]:
            xv = np.ones(lengths)
            assert tuple(shape_of(xv)) == function([x], out)(xv).shape, (ws, stride, lengths)


def test_pool_3d_as_keras_calls_it_pools_the_last_three_axes_of_any_rank():
    x = T.dtensor4("x")          # no batch axis: (channels, depth, rows, cols)
    xv = point((2, 3, 4, 5), "float64", 4)
    out = pool.pool_3d(x, ws=(2, 2, 2), stride=(1, 1, 1), ignore_border=True, pad=(0, 0, 0),
                       mode="max")
    np.testing.assert_allclose(function([x], out)(xv),
                               reference_pool(xv, (2, 2, 2), True, (1, 1, 1), (0, 0, 0), "max"))
    no_pad = pool.pool_3d(x, ws=(2, 2, 2), ignore_border=True, pad=None, mode="sum")
    np.testing.assert_allclose(function([x], no_pad)(xv),
                               reference_pool(xv, (2, 2, 2), True, None, (0, 0, 0), "sum"))


def test_pool_3d_prints_as_the_call_and_its_op_is_a_pool():
    v = T.dtensor5("v")
    out = pool.pool_3d(v, ws=(2, 2, 2), ignore_border=True)
    assert pp(out) == "pool_3d(v, ws=(2, 2, 2))"
    assert isinstance(out.owner.op, pool.Pool) and out.owner.op.ndim == 3
    wide = pool.pool_3d(v, ws=(3, 3, 2), ignore_border=True, stride=(1, 1, 1), pad=(1, 0, 1),
                        mode="average_inc_pad")
    assert pp(wide) == ("pool_3d(v, ws=(3, 3, 2), stride=(1, 1, 1), pad=(1, 0, 1), "
                        "mode='average_inc_pad')")
    assert pp(grad(out.sum(), v)) == ("%1 = fill(pool_3d(v, ws=(2, 2, 2)), 1.0)\n"
                                      "max_pool_3d_grad(v, pool_3d(v, ws=(2, 2, 2)), %1, "
                                      "ws=(2, 2, 2))")


def test_bad_pool_3d_arguments_are_named():
    v = T.dtensor5("v")
    with pytest.raises(ValueError, match="pool_3d at .*ws must be 3 ints"):
        pool.pool_3d(v, ws=(2, 2), ignore_border=True)
    with pytest.raises(ValueError, match="pool_3d at .*padding works only with ignore_border"):
        pool.pool_3d(v, ws=(2, 2, 2), ignore_border=False, pad=(0, 1, 0))
    with pytest.raises(Exception, match="pool_3d pools the last three axes; it needs at least 3"):
        pool.pool_3d(T.dmatrix("m"), ws=(2, 2, 2), ignore_border=True)
    with pytest.raises(ValueError, match="Pool3d pools 3 axes"):
        pool.Pool3d((2, 2))
    with pytest.warns(UserWarning, match="pool_3d: ignore_border was not given"):
        pool.pool_3d(v, ws=(2, 2, 2))
