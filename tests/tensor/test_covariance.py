"""T.cov equals numpy.cov and has gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.gradient import verify_grad


@pytest.mark.parametrize("options", [{}, {"rowvar": False}, {"bias": True}, {"ddof": 2}])
def test_cov_equals_numpys(options):
    m = T.dmatrix('m')
    value = np.random.RandomState(0).rand(3, 5)
    np.testing.assert_allclose(T.cov(m, **options).eval({m: value}), np.cov(value, **options))


def test_cov_of_two_sets_and_of_a_vector():
    m, y, x = T.dmatrix('m'), T.dmatrix('y'), T.dvector('x')
    a, b = np.random.RandomState(1).rand(3, 5), np.random.RandomState(2).rand(2, 5)
    np.testing.assert_allclose(T.cov(m, y).eval({m: a, y: b}), np.cov(a, b))
    np.testing.assert_allclose(T.cov(x).eval({x: a[0]}), np.cov(a[0]))
    np.testing.assert_allclose(T.cov(m, y, rowvar=False).eval({m: a.T, y: b.T}),
                               np.cov(a.T, b.T, rowvar=False))


def test_cov_gradient():
    rng = np.random.RandomState(3)
    verify_grad(lambda m: T.cov(m), [rng.rand(3, 4)], rng=rng)
