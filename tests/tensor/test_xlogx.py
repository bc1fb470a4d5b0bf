"""graphlens/tensor/xlogx.py (theano.tensor.xlogx): values with 0 * log(0) = 0, dtypes,
gradients against finite differences, and the refusal of complex inputs."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import GraphlensTypeError
from graphlens.gradient import verify_grad
from graphlens.tensor.xlogx import xlogx, xlogy0


def test_values_are_the_limits_where_x_is_zero():
    x, y = T.dvector("x"), T.dvector("y")
    f = function([x, y], [xlogx(x), xlogy0(x, y)])
    xs, ys = np.array([0.0, 0.5, 1.0, 2.0, 0.0]), np.array([0.3, 0.5, 2.0, 3.0, 0.0])
    with np.errstate(all="raise"):
        a, b = f(xs, ys)
    np.testing.assert_allclose(a, [0, 0.5 * np.log(0.5), 0, 2 * np.log(2), 0], rtol=1e-15)
    np.testing.assert_allclose(b, [0, 0.5 * np.log(0.5), np.log(2), 2 * np.log(3), 0], rtol=1e-15)
    # Where x is not 0, log(0) and log of a negative are what numpy says.
    assert np.isneginf(f(np.array([1.0]), np.array([0.0]))[1][0])
    assert np.isnan(f(np.array([-1.0]), np.array([1.0]))[0][0])


@pytest.mark.parametrize("dtype, expected", [("float32", "float32"), ("float64", "float64"),
                                             ("int8", "float32"), ("int64", "float64"),
                                             ("bool", "float32")])
def test_output_dtypes_follow_the_float_rule(dtype, expected):
    x = T.TensorType(dtype, (None,))("x")
    value = np.array([0, 1, 1], dtype)
    for out in (xlogx(x), xlogy0(x, x), T.xlogx.xlogy0(x, T.constant(2.0, dtype="float32"))):
        assert out.dtype == expected
        assert function([x], out)(value).dtype == np.dtype(expected)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradients_match_finite_differences(dtype):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.2, 2.0, size=(3, 4)).astype(dtype)
    y = rng.uniform(0.2, 2.0, size=(3, 4)).astype(dtype)
    verify_grad(xlogx, [x], rng=rng)
    verify_grad(xlogy0, [x, y], rng=rng)
    # A broadcast row of y gets its gradient summed over the rows.
    verify_grad(lambda a, b: xlogy0(a, b.dimshuffle("x", 0)), [x, y[0]], rng=rng)


def test_gradient_formulas_are_theanos():
    x, y = T.dscalar("x"), T.dscalar("y")
    gx, gy = grad(xlogy0(x, y), [x, y])
    assert np.allclose(function([x, y], [gx, gy])(2.0, 3.0), [np.log(3.0), 2.0 / 3.0])
    assert np.isclose(function([x], grad(xlogx(x), x))(2.0), 1 + np.log(2.0))


def test_complex_inputs_are_refused_naming_the_line():
    z = T.cvector("z")
    with pytest.raises(GraphlensTypeError, match=r"at tests/tensor/test_xlogx.py:\d+ is not "
                                                 r"defined for complex64.*real inputs only"):
        xlogx(z)
    with pytest.raises(GraphlensTypeError, match="XlogY0 at .* is not defined for complex64"):
        xlogy0(z, z)
