"""T.specify_shape: static shape from constant lengths, a run-time check, identity gradient."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import ShapeError
from graphlens.gradient import verify_grad


def test_constant_lengths_become_the_static_shape_and_are_checked_at_run_time():
    x = T.dmatrix("x")
    y = T.specify_shape(x, (2, 3))
    assert y.type.shape == (2, 3)
    f = function([x], y * 2)
    np.testing.assert_array_equal(f(np.ones((2, 3))), np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match=r"value has shape \(3, 2\), but \(2, 3\) was specified"):
        f(np.ones((3, 2)))


def test_symbolic_lengths_and_infer_shape():
    x = T.dmatrix("x")
    n = T.lscalar("n")
    y = T.specify_shape(x, (n, 3))
    assert y.type.shape == (None, 3)
    f = function([x, n], y.shape)
    np.testing.assert_array_equal(f(np.zeros((4, 3)), 4), [4, 3])


def test_build_time_contradiction_and_bad_shape_are_named():
    x = T.TensorType("float64", (None, 784))("x")
    with pytest.raises(ShapeError, match="length 784 on axis 1, not 785"):
        T.specify_shape(x, (10, 785))
    with pytest.raises(ShapeError, match="int vector of length 2"):
        T.specify_shape(x, (10,))


def test_gradient_is_the_identity():
    v = T.dvector("v")
    g = grad(T.sum(T.specify_shape(v, (3,)) ** 2), v)
    np.testing.assert_allclose(function([v], g)(np.array([1.0, 2.0, 3.0])), [2.0, 4.0, 6.0])
    verify_grad(lambda a: T.tanh(T.specify_shape(a, (2,))), [np.array([0.1, -0.5])],
                rng=np.random.default_rng(0))
