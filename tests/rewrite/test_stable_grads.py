"""Gradients as stable as the values: every form users write for sigmoid, softplus, softmax,
logsumexp and the binary cross-entropy gives finite values and gradients, within a few ulps of a
50-digit mpmath reference, at z from -1000 to 1000, in float64 and float32, in FAST_RUN."""

import mpmath
import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp

mpmath.mp.dps = 50
Z = [-1000.0, -800.0, -40.0, -1e-8, 0.0, 1e-8, 40.0, 800.0, 1000.0]
TARGET = 0.25           # exact in binary, so the reference reads the same t as the function
ULPS = 4
sig = T.nnet.sigmoid


def _sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _softplus(z):
    return mpmath.log(1 + mpmath.exp(z))


# name: (builder of the elementwise form from z and t, value(z, t), d value / dz (z, t))
ELEMENTWISE = {
    "1/(1+exp(-z))": (lambda z, t: 1 / (1 + T.exp(-z)),
                      lambda z, t: _sigmoid(z), lambda z, t: _sigmoid(z) * _sigmoid(-z)),
    "log(sigmoid(z))": (lambda z, t: T.log(sig(z)),
                        lambda z, t: -_softplus(-z), lambda z, t: _sigmoid(-z)),
    "log(1/(1+exp(-z)))": (lambda z, t: T.log(1 / (1 + T.exp(-z))),
                           lambda z, t: -_softplus(-z), lambda z, t: _sigmoid(-z)),
    "log(1-sigmoid(z))": (lambda z, t: T.log(1 - sig(z)),
                          lambda z, t: -_softplus(z), lambda z, t: -_sigmoid(z)),
    "log(1+exp(z))": (lambda z, t: T.log(1 + T.exp(z)),
                      lambda z, t: _softplus(z), lambda z, t: _sigmoid(z)),
    "log1p(exp(z))": (lambda z, t: T.log1p(T.exp(z)),
                      lambda z, t: _softplus(z), lambda z, t: _sigmoid(z)),
    "binary_crossentropy(sigmoid(z),t)": (
        lambda z, t: T.nnet.binary_crossentropy(sig(z), t),
        lambda z, t: t * _softplus(-z) + (1 - t) * _softplus(z),
        lambda z, t: _sigmoid(z) - t),
    "-(t*log(p)+(1-t)*log(1-p))": (
        lambda z, t: -(t * T.log(sig(z)) + (1 - t) * T.log(1 - sig(z))),
        lambda z, t: t * _softplus(-z) + (1 - t) * _softplus(z),
        lambda z, t: _sigmoid(z) - t),
    "t*log(p)+(1-t)*log(1-p), the log-likelihood": (
        lambda z, t: t * T.log(sig(z)) + (1 - t) * T.log(1 - sig(z)),
        lambda z, t: -(t * _softplus(-z) + (1 - t) * _softplus(z)),
        lambda z, t: t - _sigmoid(z)),
    "tutorial xent, p=1/(1+exp(-z))": (
        lambda z, t: -t * T.log(1 / (1 + T.exp(-z))) - (1 - t) * T.log(1 - 1 / (1 + T.exp(-z))),
        lambda z, t: t * _softplus(-z) + (1 - t) * _softplus(z),
        lambda z, t: _sigmoid(z) - t),
}


def _reference(fn, values, dtype):
    """fn at each value (read exactly from its `dtype` rounding), rounded to `dtype`."""
    return np.array([float(fn(mpmath.mpf(float(v)), mpmath.mpf(TARGET))) for v in values],
                    dtype=dtype)


def _assert_ulps(got, expected, scale=None):
    """|got - expected| within ULPS units in the last place of `expected` (or of `scale`, where
    the exact answer is a difference of terms of that size)."""
    assert got.dtype == expected.dtype
    assert np.isfinite(got).all(), got
    size = np.abs(expected) if scale is None else np.maximum(np.abs(expected), scale)
    error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    bound = ULPS * np.spacing(size.astype(expected.dtype)).astype(np.float64)
    assert (error <= bound).all(), (got, expected, error / np.spacing(size))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("form", list(ELEMENTWISE))
def test_value_and_gradient_are_within_ulps_from_minus_1000_to_1000(form, dtype):
    build, value, slope = ELEMENTWISE[form]
    z, t = T.vector("z", dtype=dtype), T.vector("t", dtype=dtype)
    out = build(z, t)
    f = function([z, t], [out, grad(out.sum(), z)], on_unused_input="ignore")
    points = np.array(Z, dtype=dtype)
    got_value, got_grad = f(points, np.full(len(Z), TARGET, dtype=dtype))
    _assert_ulps(got_value, _reference(value, points, dtype))
    _assert_ulps(got_grad, _reference(slope, points, dtype))


COLUMN_WEIGHTS = (1.0, 3.0)


def _two_column(dtype):
    """Rows (z, 0): softmax is (sigmoid(z), sigmoid(-z)), logsumexp is softplus(z)."""
    points = np.array(Z, dtype=dtype)
    return np.stack([points, np.zeros_like(points)], axis=1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_written_out_and_its_gradient_are_within_ulps(dtype):
    Zs = T.matrix("Z", dtype=dtype)
    e = T.exp(Zs)
    probabilities = e / e.sum(axis=1, keepdims=True)
    weights = np.array(COLUMN_WEIGHTS, dtype=dtype)
    cost = (probabilities * weights).sum()
    f = function([Zs], [probabilities, grad(cost, Zs)])
    data = _two_column(dtype)
    got_p, got_g = f(data)
    z = data[:, 0]
    _assert_ulps(got_p[:, 0], _reference(lambda v, t: _sigmoid(v), z, dtype))
    _assert_ulps(got_p[:, 1], _reference(lambda v, t: _sigmoid(-v), z, dtype))
    # d/dz of w0 sigmoid(z) + w1 sigmoid(-z); the column of zeros gets the opposite. The
    # gradient formula (g - sum(g * p)) * p subtracts terms of size |w|: few ulps of that size.
    w0, w1 = COLUMN_WEIGHTS
    slope = _reference(lambda v, t: (w0 - w1) * _sigmoid(v) * _sigmoid(-v), z, dtype)
    _assert_ulps(got_g[:, 0], slope, scale=max(COLUMN_WEIGHTS))
    _assert_ulps(got_g[:, 1], -slope, scale=max(COLUMN_WEIGHTS))
    assert "exp_over_sum_of_exp" in f.rewrite_log.counts()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_log_sum_exp_written_out_and_its_gradient_are_within_ulps(dtype):
    Zs = T.matrix("Z", dtype=dtype)
    lse = T.log(T.exp(Zs).sum(axis=1))
    f = function([Zs], [lse, grad(lse.sum(), Zs)])
    data = _two_column(dtype)
    got_v, got_g = f(data)
    z = data[:, 0]
    _assert_ulps(got_v, _reference(lambda v, t: _softplus(v), z, dtype))
    _assert_ulps(got_g[:, 0], _reference(lambda v, t: _sigmoid(v), z, dtype))
    _assert_ulps(got_g[:, 1], _reference(lambda v, t: _sigmoid(-v), z, dtype))


def test_gradient_of_log_sigmoid_is_sigmoid_of_minus_z_and_the_log_names_the_rules():
    z = T.dvector("z")
    f = function([z], grad(T.log(sig(z)).sum(), z))
    assert pp(f.fgraph.outputs[0]) == "sigmoid(-z)"
    assert {"sigmoid_forms_in_product", "cancel_common_factors"} <= set(f.rewrite_log.counts())
    records = [r for r in f.rewrite_log if r.rule == "cancel_common_factors"]
    assert records and records[0].phase == "cancel"
    assert records[0].location.startswith("graphlens/rewrite/stable_grads.py:")


def test_one_over_one_plus_exp_is_recognised_as_sigmoid():
    z = T.dvector("z")
    f = function([z], 1 / (1 + T.exp(-z)))
    assert pp(f.fgraph.outputs[0]) == "sigmoid(z)"


def test_a_shared_probability_is_distributed_so_both_terms_cancel():
    z, t = T.dvectors("z", "t")
    p = sig(z)
    cost = (-t * T.log(p) - (1 - t) * T.log(1 - p)).sum()
    f = function([z, t], grad(cost, z))
    assert "distribute_to_cancel" in f.rewrite_log.counts()
    np.testing.assert_allclose(f(np.array([-800.0, 40.0, 800.0]), np.array([1.0, 0.0, 0.0])),
                               [-1.0, 1.0, 1.0])


def test_tutorial_xent_with_a_bias_has_a_finite_gradient_where_p_underflows():
    # -z - b and -(z + b) are two spellings of one negation; the factors must still cancel.
    z, t = T.dvectors("z", "t")
    b = T.dscalar("b")
    p = 1 / (1 + T.exp(-z - b))
    cost = (-t * T.log(p) - (1 - t) * T.log(1 - p)).sum()
    f = function([z, t, b], [grad(cost, z), grad(cost, b)])
    gz, gb = f(np.array([-800.0, -40.0, 40.0, 800.0]), np.array([0.0, 1.0, 1.0, 1.0]), 0.0)
    np.testing.assert_allclose(gz, [0.0, -1.0, -np.exp(-40.0), 0.0], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(gb, gz.sum(), rtol=1e-12)


def test_cancelling_a_factor_keeps_the_shape_it_gave():
    x, v = T.dscalar("x"), T.dvector("v")
    f = function([x, v], x * v / v)
    np.testing.assert_allclose(f(2.0, np.array([1.0, 4.0, 5.0])), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "NONE"])
def test_fast_compile_and_none_leave_gradients_unstabilized_as_documented(mode):
    z = T.dvector("z")
    f = function([z], grad(T.log(sig(z)).sum(), z), mode=mode)
    with np.errstate(all="ignore"):
        assert np.isnan(f(np.array([-800.0]))[0])


def test_theano_tutorial_logistic_regression_with_randn_weights_trains_without_nan():
    # The tutorial as written: w = randn(784) makes |x.w| reach ~100, where p_1 rounds to 0 or 1.
    from graphlens import shared
    rng = np.random.RandomState(0)
    n, feats = 400, 784
    data_x, data_y = rng.randn(n, feats), rng.randint(size=n, low=0, high=2).astype("float64")
    x, y = T.dmatrix("x"), T.dvector("y")
    w0 = rng.randn(feats)
    w, b = shared(w0.copy(), name="w"), shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = grad(cost, [w, b])
    train = function([x, y], [prediction, xent],
                     updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    scores = data_x @ w0
    assert np.abs(scores).max() > 40        # deep in the region where p_1 rounds to 0 or 1
    _, first_xent = train(data_x, data_y)
    # One step against the closed form: dcost/dw = x.T (sigmoid(s) - y) / n + 0.02 w.
    residual = 1 / (1 + np.exp(-scores)) - data_y
    np.testing.assert_allclose(w.get_value(), w0 - 0.1 * (data_x.T @ residual / n + 0.02 * w0),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(first_xent, np.logaddexp(0, -scores) * data_y
                               + np.logaddexp(0, scores) * (1 - data_y), rtol=1e-12)
    for _ in range(9):
        _, xent_values = train(data_x, data_y)
    assert np.isfinite(w.get_value()).all() and np.isfinite(b.get_value())
    assert np.isfinite(xent_values).all() and xent_values.mean() < 0.95 * first_xent.mean()


def _product_chain(length):
    """sigmoid(v) followed by `length` nodes alternating -h and h / v, made as Apply nodes
    directly (building 100,000 through the API spends its time finding the user's line)."""
    from graphlens.graph.basic import Apply
    from graphlens.tensor.math import Neg, TrueDiv
    from graphlens.tensor.variable import TensorVariable
    v = T.dvector("v")
    h = sig(v)
    site = h.creation_site
    for step in range(length):
        op, inputs = (Neg(), [h]) if step % 2 else (TrueDiv(), [h, v])
        h = Apply(op, inputs, [TensorVariable(h.type, creation_site_=site)]).outputs[0]
    return v, h


def test_reading_a_100000_node_product_chain_is_bounded_and_iterative():
    from graphlens.rewrite.products import MAX_WALK, collect, factor_key
    v, h = _product_chain(100_000)
    product = collect(h)
    assert len(product.den) == MAX_WALK // 2 and product.num[0].owner is not None
    assert factor_key(h) == factor_key(h) and factor_key(h) != factor_key(h.owner.inputs[0])


def test_stability_rules_over_a_long_product_chain_cancel_at_its_end():
    from graphlens.compile.mode import Mode
    from graphlens.graph.fg import FunctionGraph
    from graphlens.rewrite.db import optimize
    v, h = _product_chain(10_000)
    fgraph = FunctionGraph([v], [h * sig(v) / sig(v)])
    log = optimize(fgraph, Mode("NONE", include=("stability",)))
    assert log.counts() == {"cancel_common_factors": 1}
    assert len(fgraph.apply_nodes) <= 10_002       # the end of the chain, read as one product


@pytest.mark.parametrize("write", [
    lambda z, t: T.nnet.binary_crossentropy(sig(z), t),
    lambda z, t: -t * T.log(1 / (1 + T.exp(-z))) - (1 - t) * T.log(1 - 1 / (1 + T.exp(-z))),
])
def test_binary_crossentropy_of_a_sigmoid_is_fused_into_one_op(write):
    z, t = T.dvectors("z", "t")
    f = function([z, t], write(z, t))
    assert pp(f.fgraph.outputs[0]) == "sigmoid_binary_crossentropy(z, t)"
    assert "sigmoid_binary_crossentropy_of_scores" in f.rewrite_log.counts()


def test_complex_and_bool_forms_keep_their_written_form_and_values():
    zc = T.zvector("zc")
    f = function([zc], [1 / (1 + T.exp(-zc)), T.exp(zc) / T.exp(zc).sum(keepdims=True)])
    data = np.array([0.5 + 1j, -2 + 0.25j])
    np.testing.assert_allclose(f(data)[0], 1 / (1 + np.exp(-data)), rtol=1e-14)
    np.testing.assert_allclose(f(data)[1], np.exp(data) / np.exp(data).sum(), rtol=1e-14)
    v = T.dvector("v")
    flags = T.gt(v, 0)                                  # bool: -flags is refused, so it stays
    g = function([v], 1 / (1 + T.exp(flags)))
    np.testing.assert_allclose(g(np.array([-1.0, 1.0])), 1 / (1 + np.exp([0.0, 1.0])),
                               rtol=1e-6)
