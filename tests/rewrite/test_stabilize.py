"""Stabilization: formulas that overflow or cancel give exact values in FAST_RUN, and the log
names the rewrite that made the difference."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad


def _rules(f):
    return set(f.rewrite_log.counts())


def test_log_sigmoid_at_minus_800_is_minus_800_and_the_log_names_the_rewrite():
    x = T.dscalar("x")
    f = function([x], T.log(T.nnet.sigmoid(x)))
    assert float(f(-800.0)) == -800.0
    assert "log_sigmoid_to_softplus" in _rules(f)
    with np.errstate(divide="ignore"):
        assert float(function([x], T.log(T.nnet.sigmoid(x)), mode="NONE")(-800.0)) == -np.inf


def test_log_sigmoid_in_float32_is_finite_too():
    x = T.fvector("x")
    f = function([x], T.log(T.nnet.sigmoid(x)))
    out = f(np.array([-200.0, 0.0, 50.0], dtype="float32"))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [-200.0, -np.log(2), -np.exp(-50.0)], rtol=1e-6)


def test_log_one_minus_sigmoid_at_800_is_minus_800():
    x = T.dscalar("x")
    f = function([x], T.log(1 - T.nnet.sigmoid(x)))
    assert float(f(800.0)) == -800.0 and "log_one_minus_sigmoid" in _rules(f)


def test_binary_crossentropy_of_a_sigmoid_stays_finite():
    x, t = T.dvectors("x", "t")
    f = function([x, t], T.nnet.binary_crossentropy(T.nnet.sigmoid(x), t))
    np.testing.assert_allclose(f(np.array([-800.0, 800.0]), np.array([1.0, 0.0])), [800, 800])


def test_log1p_and_expm1_keep_tiny_arguments():
    x = T.dvector("x")
    f = function([x], [T.log(1 + x), T.exp(x) - 1, T.log(1 - x)])
    tiny = np.array([1e-20, -3e-18])
    log_one_plus, exp_minus_one, log_one_minus = f(tiny)
    np.testing.assert_allclose(log_one_plus, tiny, rtol=1e-15)
    np.testing.assert_allclose(exp_minus_one, tiny, rtol=1e-15)
    np.testing.assert_allclose(log_one_minus, -tiny, rtol=1e-15)
    assert {"log_one_plus", "exp_minus_one", "log_one_minus"} <= _rules(f)


def test_log_of_one_plus_exp_is_softplus_and_does_not_overflow():
    x = T.dvector("x")
    f = function([x], T.log(1 + T.exp(x)))
    np.testing.assert_allclose(f(np.array([1000.0, 0.0])), [1000.0, np.log(2)])
    assert "log1p_exp_to_softplus" in _rules(f)


def test_log_softmax_is_finite_where_softmax_underflows():
    x = T.dmatrix("x")
    f = function([x], T.log(T.nnet.softmax(x)))
    out = f(np.array([[0.0, 1000.0]]))
    np.testing.assert_allclose(out, [[-1000.0, 0.0]])
    assert "log_softmax" in _rules(f)


def test_logsumexp_shifts_by_the_maximum():
    x = T.dmatrix("x")
    f = function([x], [T.log(T.sum(T.exp(x), axis=1)),
                       T.log(T.sum(T.exp(x), axis=1, keepdims=True))])
    data = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [-np.inf, -np.inf]])
    flat, kept = f(data)
    expected = [1000.0 + np.log(2), -1000.0 + np.log(2), -np.inf]
    np.testing.assert_allclose(flat, expected)
    np.testing.assert_allclose(kept[:, 0], expected)
    assert {"log_sum_exp", "log_sum_exp_keepdims"} <= _rules(f)


def test_gradient_of_log_softmax_written_as_log_of_softmax_is_finite():
    x = T.dmatrix("x")
    t = T.dmatrix("t")
    cost = -(t * T.log(T.nnet.softmax(x))).sum()
    f = function([x, t], grad(cost, x))
    out = f(np.array([[0.0, 1000.0, -1000.0]]), np.array([[0.0, 0.0, 1.0]]))
    np.testing.assert_allclose(out, [[0.0, 1.0, -1.0]], atol=1e-12)
    assert "softmax_grad_of_ratio" in _rules(f)
