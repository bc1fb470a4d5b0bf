"""Values read only for their shapes go: a product with a zeros operand is zeros (dot_of_zeros),
and a fill an elementwise op reads moves up until the shape is whole (fill_sink). Each test checks
the values against the unoptimized graph and that the rule fired."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared


def _agree(inputs, outputs, values):
    fast = function(inputs, outputs)
    slow = function(inputs, outputs, mode="NONE")
    for got, want in zip(fast(*values), slow(*values)):
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert np.asarray(got).dtype == np.asarray(want).dtype
    return fast


def _ops(f):
    return [type(node.op).__name__ for node in f.fgraph.toposort()]


def test_gradient_through_sgn_is_zeros_without_a_product():
    rng = np.random.default_rng(0)
    x = T.dmatrix("x")
    w1 = shared(rng.standard_normal((5, 3)), name="w1")
    w2 = shared(rng.standard_normal((3, 5)), name="w2")
    cost = T.sqr(T.dot(T.sgn(T.dot(x, w1)), w2) - x).sum()
    f = _agree([x], grad(cost, [w1, w2]), [rng.standard_normal((7, 5))])
    assert f.rewrite_log.counts()["dot_of_zeros"] == 1
    gw1, _ = f(rng.standard_normal((4, 5)))
    assert gw1.shape == (5, 3) and not gw1.any()
    # Only two products are left: the forward ones; the one for w2's gradient.
    assert _ops(f).count("Dot22") == 3


@pytest.mark.parametrize("shapes, left_zero", [
    (((4, 3), (3, 2)), True), (((4, 3), (3, 2)), False), (((4, 3), (3,)), False),
    (((3,), (3, 2)), True), (((3,), (3,)), False)])
def test_dot_with_a_zeros_operand_keeps_the_product_shape(shapes, left_zero):
    a = T.TensorType("float64", (None,) * len(shapes[0]))("a")
    b = T.TensorType("float64", (None,) * len(shapes[1]))("b")
    product = T.dot(T.zeros_like(a), b) if left_zero else T.dot(a, T.fill(b, 0.0))
    rng = np.random.default_rng(1)
    values = [rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])]
    f = _agree([a, b], [product, a.sum()], values)
    assert f.rewrite_log.counts()["dot_of_zeros"] == 1
    assert "Dot" not in _ops(f) and "Dot22" not in _ops(f)


def test_dot_of_zeros_of_a_transpose_reads_the_length_through_it():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = _agree([x, y], [T.dot(x.T, T.zeros_like(y))], [np.ones((6, 2)), np.ones((6, 4))])
    assert f(np.ones((6, 2)), np.ones((6, 4)))[0].shape == (2, 4)
    assert "DimShuffle" not in _ops(f)


def test_dot_of_nonzero_fill_is_a_product():
    a, b = T.dmatrix("a"), T.dmatrix("b")
    f = _agree([a, b], [T.dot(a, T.fill(b, 2.0))], [np.ones((2, 3)), np.ones((3, 4))])
    assert "dot_of_zeros" not in f.rewrite_log.counts()


def test_mean_gradient_reads_no_shape_only_values():
    rng = np.random.default_rng(2)
    x = T.dmatrix("x")
    w = shared(rng.standard_normal((3, 4)), name="w")
    cost = T.sqr(T.dot(x, w) - 1.0).sum(axis=1).mean()
    f = _agree([x], [cost, grad(cost, w)], [rng.standard_normal((9, 3))])
    assert f.rewrite_log.counts()["fill_sink"] >= 2
    assert "Second" not in _ops(f)
    # The fused gradient reads the count and the error, no longer the Dot or the row sums.
    fused = [node for node in f.fgraph.toposort() if "2.0" in node.op.label]
    assert len(fused) == 1 and len(fused[0].inputs) == 2


def test_fill_sink_keeps_a_fill_that_still_gives_the_shape():
    x, s = T.dmatrix("x"), T.dscalar("s")
    out = T.exp(T.fill(x, s)) + 1.0          # only the fill gives the result x's shape
    f = _agree([x, s], [out], [np.zeros((2, 3)), np.asarray(0.5)])
    assert f(np.zeros((2, 3)), np.asarray(0.5))[0].shape == (2, 3)


def test_fill_sink_keeps_the_shape_mismatch_error():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = function([x, y], T.fill(x, 1.0) * y)
    with pytest.raises(Exception):
        f(np.ones((2, 3)), np.ones((4, 5)))


def test_a_sums_fill_read_by_an_elementwise_op_sinks_without_being_lifted_first():
    # grad(sum(tanh(x)) + sum(maximum(tanh(x), x))): the fill of the first sum is read by the
    # tanh gradient's product, where fill_sink drops it; lifting it to fill(x, 1.0) first (as
    # before, 2 lifts and 3 merges) was work thrown away. The fill of the second sum, read by
    # two switches, is still lifted to x, once. Same compiled graph as before.
    x = T.dvector("x")
    t = T.tanh(x)
    f = function([x], grad(t.sum() + T.maximum(t, x).sum(), x))
    counts = f.rewrite_log.counts()
    assert counts["fill_shape_from_input"] == 1 and counts["fill_sink"] == 1
    assert counts["merge"] == 1
    (fused,) = f.fgraph.toposort()
    assert fused.inputs == [x]
    value = np.array([0.5, -2.0, 1.5])
    u = np.tanh(value)
    np.testing.assert_allclose(f(value), (1 - u ** 2) * (1 + (u >= value)) + (u < value))
