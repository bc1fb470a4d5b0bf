"""graphlens/tensor/bessel.py (j0, j1, jv, i0, i1, iv) and distributions.py (chi2sf) against
scipy; dtypes, gradients in x, the undefined gradient in the order, printing."""

import numpy as np
import pytest
import scipy.special

import graphlens.tensor as T
from graphlens import grad, pp
from graphlens.errors import UndefinedGradientError
from op_checks import check, check_grad

POINTS = np.array([[0.3, 1.5, 4.0], [2.2, 0.8, 6.5]])

UNARY = {"j0": scipy.special.j0, "j1": scipy.special.j1, "i0": scipy.special.i0,
         "i1": scipy.special.i1}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_first_orders_match_scipy_and_differentiate(name):
    build = getattr(T, name)
    check(build, UNARY[name], POINTS)
    check(build, lambda a: UNARY[name](a.astype("float64")), POINTS.astype("float32"),
          dtype="float32")
    check(build, lambda a: UNARY[name](a.astype("float64")), np.array([1, 3], dtype="int8"),
          dtype="float32")
    check_grad(build, POINTS)
    assert pp(build(T.dvector("x"))) == f"{name}(x)"


@pytest.mark.parametrize("name", ["jv", "iv"])
@pytest.mark.parametrize("order", [0, 2, 1.5])
def test_real_orders_match_scipy_and_differentiate_in_x(name, order):
    build, reference = getattr(T, name), getattr(scipy.special, name)
    check(lambda x: build(order, x), lambda a: reference(order, a), POINTS)
    check_grad(lambda x: build(order, x), POINTS)


def test_the_order_has_no_gradient_and_says_so():
    v, x = T.dscalar("v"), T.dscalar("x")
    with pytest.raises(UndefinedGradientError, match="with respect to its order v"):
        grad(T.jv(v, x), v)


def test_chi2sf_matches_scipy_and_differentiates_in_x():
    from scipy import stats
    check(lambda x: T.chi2sf(x, 3), lambda a: stats.chi2.sf(a, 3), POINTS)
    check(lambda x, k: T.chi2sf(x, k), lambda a, k: stats.chi2.sf(a, k), POINTS,
          np.array([[1.0, 2.0, 5.0]]))
    check_grad(lambda x: T.chi2sf(x, 4.5), POINTS)
    assert pp(T.chi2sf(T.dvector("x"), T.dscalar("k"))) == "chi2sf(x, k)"
