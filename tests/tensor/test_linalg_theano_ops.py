"""Theano's one-node linear-algebra ops and spellings (EighGrad, CholeskyGrad, TensorInv,
`lstsq()(...)`, LinAlgError at run time): values against numpy finite differences, gradients
against finite differences, infer_shape against perform."""

import numpy as np
import pytest
import scipy.linalg

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.graph.markers import disconnected
from graphlens.tensor import nlinalg
from graphlens.tensor.nlinalg import EighGrad, TensorInv, _zero_disconnected
from graphlens.tensor.slinalg import Cholesky, CholeskyGrad
from op_checks import check, check_grad, check_infer_shape

RNG = np.random.default_rng(11)
SQUARE = RNG.normal(size=(4, 4)) + 4 * np.eye(4)
SPD = SQUARE @ SQUARE.T
LOPSIDED = np.tril(SPD) + 10 * np.triu(RNG.normal(size=(4, 4)), 1)   # upper triangle is junk


def _triangle_finite_differences(cost, a, lower, eps=1e-6):
    """d cost / d a[i, j] by central differences, for the entries of the triangle an op reads
    (the other triangle 0, as the op's gradient is)."""
    out = np.zeros_like(a)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if (i >= j) if lower else (i <= j):
                step = np.zeros_like(a)
                step[i, j] = eps
                out[i, j] = (cost(a + step) - cost(a - step)) / (2 * eps)
    return out


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_grad_op_is_the_gradient_of_a_cost_through_eigh(UPLO):
    a = LOPSIDED if UPLO == "L" else LOPSIDED.T
    gw, g = RNG.normal(size=4), RNG.normal(size=(4, 4))

    def cost(m):        # v enters squared: the cost does not see the eigenvectors' signs
        w, v = np.linalg.eigh(m, UPLO=UPLO)
        return gw @ w + np.sum(g * v ** 2)

    w, v = np.linalg.eigh(a, UPLO=UPLO)
    x, wv, vv, gwv, gvv = T.dmatrix(), T.dvector(), T.dmatrix(), T.dvector(), T.dmatrix()
    op_value = function([x, wv, vv, gwv, gvv], EighGrad(UPLO)(x, wv, vv, gwv, gvv))(
        a, w, v, gw, 2 * v * g)
    expected = _triangle_finite_differences(cost, a, UPLO == "L")
    np.testing.assert_allclose(op_value, expected, rtol=1e-5, atol=1e-6)
    # and T.grad through eigh (built symbolically) agrees with the one-node op
    wv_, vv_ = nlinalg.eigh(x, UPLO)
    symbolic = function([x], grad(T.dot(wv_, gw) + T.sum(g * vv_ ** 2), x))(a)
    np.testing.assert_allclose(symbolic, op_value, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("lower", [True, False])
def test_cholesky_grad_op_is_the_gradient_of_a_cost_through_cholesky(lower):
    a = LOPSIDED if lower else LOPSIDED.T
    dz = RNG.normal(size=(4, 4))
    factor = scipy.linalg.cholesky(a, lower=lower)
    x, lv, dzv = T.dmatrix(), T.dmatrix(), T.dmatrix()
    op_value = function([x, lv, dzv], CholeskyGrad(lower)(x, lv, dzv))(a, factor, dz)
    expected = _triangle_finite_differences(
        lambda m: np.sum(dz * scipy.linalg.cholesky(m, lower=lower)), a, lower)
    np.testing.assert_allclose(op_value, expected, rtol=1e-5, atol=1e-6)
    assert op_value.shape == a.shape


def test_cholesky_on_error_nan_gives_a_nan_gradient_not_a_failure():
    x = T.dmatrix()
    indefinite = np.array([[1, 0.2], [0.2, -2]])
    nan_grad = function([x], grad(Cholesky(on_error="nan")(x).sum(), x))
    assert np.isnan(nan_grad(indefinite)).all()
    # and on a positive definite matrix the same graph gives the ordinary gradient
    plain = function([x], grad(Cholesky()(x).sum(), x))
    np.testing.assert_allclose(nan_grad(SPD), plain(SPD), rtol=1e-12)


def test_failures_of_linear_algebra_at_run_time_are_numpys_linalgerror():
    x = T.dmatrix()
    singular = np.array([[1.0, 0, 0], [0, 1, 0], [0, 1, 0]])
    with pytest.raises(np.linalg.LinAlgError, match="[Ss]ingular"):
        function([x], nlinalg.matrix_inverse(x))(singular)
    with pytest.raises(scipy.linalg.LinAlgError, match="not positive definite"):
        function([x], Cholesky()(x))(-SPD)


def test_tensorinv_is_one_op_matching_numpy_with_shape_and_gradient():
    a4 = RNG.normal(size=(2, 3, 6)) + 3 * np.eye(6).reshape(2, 3, 6)
    check(lambda a: nlinalg.tensorinv(a, 2), lambda a: np.linalg.tensorinv(a, 2), a4)
    a6 = RNG.normal(size=(6, 2, 3)) + 3 * np.eye(6).reshape(6, 2, 3)
    check(lambda a: TensorInv(1)(a), lambda a: np.linalg.tensorinv(a, 1), a6)
    check_infer_shape(lambda v: nlinalg.tensorinv(v, 2), [a4], TensorInv)
    check_grad(lambda v: nlinalg.tensorinv(v, 2), a4, dtypes=("float64",))
    with pytest.raises(ValueError, match="ind"):
        TensorInv(3)(T.dtensor3())


def test_lstsq_in_theanos_spelling_builds_the_same_four_outputs():
    a, b = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    x, y, rcond = T.dmatrix(), T.dmatrix(), T.dscalar()
    theano_style = function([x, y, rcond], nlinalg.lstsq()(x, y, rcond))(a, b, -1)
    direct = function([x, y, rcond], nlinalg.lstsq(x, y, rcond))(a, b, -1)
    for got, same, want in zip(theano_style, direct, np.linalg.lstsq(a, b, rcond=-1)):
        np.testing.assert_allclose(got, want, rtol=1e-10)
        np.testing.assert_array_equal(got, same)


def test_zero_disconnected_turns_disconnected_gradients_into_zeros():
    w, v, gw = T.dvector(), T.dmatrix(), T.dvector()
    gw_out, gv_out = _zero_disconnected([w, v], [gw, disconnected(v)])
    assert gw_out is gw
    values = function([v], gv_out)(np.ones((2, 3)))
    np.testing.assert_array_equal(values, np.zeros((2, 3)))
