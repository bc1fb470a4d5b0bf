"""2-d pooling (graphlens/tensor/signal/pool.py, pool_kernels.py, downsample.py): values against
Theano's window rules written as a direct loop, static shapes, ties, and finite-difference
gradients (and gradients of gradients) for every mode, stride, padding and border rule."""

import warnings

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp, verify_grad
from graphlens.tensor.signal import downsample, pool
from tests.tensor.loop_cases import FLOATS, point

MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]
# (ws, ignore_border, stride, pad)
GEOMETRIES = [((2, 2), True, None, (0, 0)), ((2, 2), False, None, (0, 0)),
              ((3, 2), True, (1, 1), (0, 0)), ((3, 3), False, (2, 1), (0, 0)),
              ((3, 2), True, (2, 2), (1, 1)), ((2, 3), True, (1, 2), (1, 2))]


def reference_pool(x, ws, ignore_border, stride, pad, mode):
    """Theano's Pool.perform, one window at a time (a test-only loop)."""
    stride = stride or ws
    rows, cols = x.shape[-2] + 2 * pad[0], x.shape[-1] + 2 * pad[1]
    y = np.zeros(x.shape[:-2] + (rows, cols))
    y[..., pad[0]:pad[0] + x.shape[-2], pad[1]:pad[1] + x.shape[-1]] = x

    def length(n, w, s):
        if ignore_border:
            return (n - w) // s + 1
        return (n - 1) // s + 1 if s >= w else max(0, (n - 1 - w + s) // s) + 1
    out = np.zeros(x.shape[:-2] + (length(rows, ws[0], stride[0]),
                                   length(cols, ws[1], stride[1])))
    reduce = {"max": np.max, "sum": np.sum}.get(mode, np.mean)
    for r in range(out.shape[-2]):
        r0, r1 = r * stride[0], min(r * stride[0] + ws[0], rows)
        if mode != "average_inc_pad":
            r0, r1 = max(r0, pad[0]), min(r1, x.shape[-2] + pad[0])
        for c in range(out.shape[-1]):
            c0, c1 = c * stride[1], min(c * stride[1] + ws[1], cols)
            if mode != "average_inc_pad":
                c0, c1 = max(c0, pad[1]), min(c1, x.shape[-1] + pad[1])
            out[..., r, c] = reduce(y[..., r0:r1, c0:c1], axis=(-2, -1))
    return out


def _pool(geometry, mode):
    ws, ignore_border, stride, pad = geometry
    return lambda x: pool.pool_2d(x, ws=ws, ignore_border=ignore_border, stride=stride,
                                  pad=pad, mode=mode)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_pool_matches_theanos_window_rules_and_its_static_shape(mode, geometry, dtype):
    xv = point((2, 3, 7, 6), dtype, 1)
    x = T.TensorType(dtype, xv.shape)("x")
    out = _pool(geometry, mode)(x)
    value = function([x], out)(xv)
    expected = reference_pool(xv.astype("float64"), *geometry, mode)
    assert value.dtype == dtype
    assert out.type.shape == expected.shape == value.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_pool_gradients_match_finite_differences(mode, geometry, dtype):
    # Distinct values, far apart: the max does not change places under the finite step.
    xv = np.random.default_rng(7).permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6)
    xv = (xv * 0.05).astype(dtype)
    verify_grad(_pool(geometry, mode), [xv])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mode", MODES)
def test_gradient_of_the_pool_gradient(mode, dtype):
    """Differentiates MaxPoolGrad / AveragePoolGrad (and through them MaxPoolGradGrad)."""
    xv = (np.random.default_rng(3).permutation(2 * 6 * 5).reshape(1, 2, 6, 5) * 0.1)
    xv = xv.astype(dtype)
    build = _pool(((3, 2), True, (2, 1), (1, 1)), mode)

    def pool_grad(x):        # a function of x whose derivative needs the gradient op's grad
        y = build(x)
        return grad((y ** 2).sum(), x) * x

    verify_grad(pool_grad, [xv])

    def grad_grad(g):        # d/dg of MaxPoolGrad(x, maxout, g), then of its gradient
        x = T.constant(xv)
        out = build(x)
        return grad((out * g).sum(), x) ** 2

    gv = point((1, 2, 3, 6), dtype, 9)
    verify_grad(grad_grad, [gv])


def test_max_gradient_goes_to_every_tied_maximum_as_in_theano():
    x = T.dtensor4("x")
    gx = grad(pool.pool_2d(x, ws=(2, 2), ignore_border=True).sum(), x)
    xv = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])
    np.testing.assert_array_equal(function([x], gx)(xv), [[[[0.0, 1.0], [1.0, 0.0]]]])


def test_pool_works_on_any_rank_from_two():
    m = T.dmatrix("m")
    out = pool.pool_2d(m, ws=(2, 2), ignore_border=True, mode="sum")
    np.testing.assert_array_equal(function([m], out)(np.arange(16.0).reshape(4, 4)),
                                  [[10.0, 18.0], [42.0, 50.0]])


def test_old_names_and_downsample_module():
    x = T.dtensor4("x")
    xv = point((1, 2, 5, 5), "float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = pool.pool_2d(x, ds=(2, 2), st=(1, 1), ignore_border=True)
    new = pool.pool_2d(x, ws=(2, 2), stride=(1, 1), ignore_border=True)
    legacy = downsample.max_pool_2d(x, (2, 2), ignore_border=True, st=(1, 1))
    values = function([x], [old, new, legacy])(xv)
    expected = reference_pool(xv, (2, 2), True, (1, 1), (0, 0), "max")
    for value in values:
        np.testing.assert_array_equal(value, expected)
    with pytest.warns(UserWarning, match="ignore_border was not given"):
        odd = pool.pool_2d(x, ws=(2, 2))
    assert odd.type.shape[-2:] == (None, None)
    np.testing.assert_array_equal(function([x], odd)(xv).shape, (1, 2, 3, 3))


def test_pool_prints_as_the_call():
    h = T.dtensor4("h")
    assert pp(pool.pool_2d(h, ws=(2, 2), ignore_border=True)) == "pool_2d(h, ws=(2, 2))"
    assert pp(pool.pool_2d(h, ws=(3, 3), ignore_border=True, stride=(1, 1), pad=(1, 1),
                           mode="average_exc_pad")) == (
        "pool_2d(h, ws=(3, 3), stride=(1, 1), pad=(1, 1), mode='average_exc_pad')")


def test_bad_pool_arguments_are_named():
    h = T.dtensor4("h")
    with pytest.raises(ValueError, match="mode must be one of"):
        pool.pool_2d(h, ws=(2, 2), ignore_border=True, mode="median")
    with pytest.raises(ValueError, match="padding works only with ignore_border=True"):
        pool.pool_2d(h, ws=(2, 2), ignore_border=False, pad=(1, 1))
    with pytest.raises(ValueError, match="must be smaller than ws"):
        pool.pool_2d(h, ws=(2, 2), ignore_border=True, pad=(2, 0))
    with pytest.raises(Exception, match="at least 2"):
        pool.pool_2d(T.dvector("v"), ws=(2, 2), ignore_border=True)
