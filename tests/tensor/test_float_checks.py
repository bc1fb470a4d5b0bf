"""graphlens/tensor/float_checks.py: isnan, isinf, isclose, allclose against numpy, their bool
dtype, zero gradients with reasons, printing."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import grad, pp
from graphlens.tensor.float_checks import IsInf, IsNan
from graphlens.trace import vanishing
from op_checks import check

VALUES = np.array([[1.0, np.nan, np.inf], [2.0, -np.inf, 0.0]])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_isnan_and_isinf_match_numpy(dtype):
    check(T.isnan, np.isnan, VALUES.astype(dtype))
    check(T.isinf, np.isinf, VALUES.astype(dtype))


def test_integers_are_never_nan_or_inf():
    check(T.isnan, np.isnan, np.array([1, -3], dtype="int8"))
    check(T.isinf, np.isinf, np.array([1, -3], dtype="int64"))


@pytest.mark.parametrize("equal_nan", [False, True])
def test_isclose_and_allclose_match_numpy_with_infinities_and_nans(equal_nan):
    other = np.array([[1.0 + 1e-9, np.nan, np.inf], [2.1, np.inf, 1e-9]])
    with np.errstate(all="raise"):      # never computes inf - inf
        check(lambda a, b: T.isclose(a, b, equal_nan=equal_nan),
              lambda a, b: np.isclose(a, b, equal_nan=equal_nan), VALUES, other)
    check(lambda a, b: T.allclose(a, b, rtol=0.1, equal_nan=equal_nan),
          lambda a, b: np.allclose(a, b, rtol=0.1, equal_nan=equal_nan), VALUES, other)
    check(lambda a, b: T.allclose(a, b), lambda a, b: np.allclose(a, b), VALUES[0, :1],
          other[0, :1])


def test_tests_have_zero_gradients_with_reasons():
    w = T.dvector("w")
    cost = T.sum(T.isnan(w) * 1.0 + T.isinf(w) * 2.0)
    np.testing.assert_array_equal(grad(cost + w.sum(), w).eval({w: np.zeros(2)}), [1.0, 1.0])
    (finding,) = vanishing(cost, [w]).findings
    reasons = sorted(blocker.reason for blocker in finding.blockers)
    assert reasons == sorted([IsNan.zero_gradient_reason, IsInf.zero_gradient_reason])
    assert pp(T.isnan(w)) == "isnan(w)" and pp(T.isinf(w)) == "isinf(w)"
