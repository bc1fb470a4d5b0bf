"""Softmax with categorical cross-entropy: the forward graph and the gradient graph that `grad`
built are each replaced by one stable op, with values equal where the original was finite."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.tensor.math import Log
from graphlens.tensor.nnet.basic import LogSoftmax, Softmax
from graphlens.tensor.subtensor import AdvancedIncSubtensor, AdvancedSubtensor


def _model(dtype="float64"):
    z = T.TensorType(dtype, (None, None))("z")
    y = T.lvector("y")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y).mean()
    return z, y, cost, grad(cost, z)


def test_the_categorical_crossentropy_of_a_softmax_becomes_two_fused_ops():
    z, y, cost, g = _model()
    f = function([z, y], [cost, g])
    labels = {node.op.label for node in f.fgraph.toposort()}
    assert {"CrossentropySoftmax", "CrossentropySoftmaxGrad"} <= labels
    # What the two rules replace is gone, whatever props (inplace, axis) its nodes carry.
    replaced = (Log, LogSoftmax, Softmax, AdvancedSubtensor, AdvancedIncSubtensor)
    assert [node.op.label for node in f.fgraph.toposort() if isinstance(node.op, replaced)] == []
    counts = f.rewrite_log.counts()
    assert counts["crossentropy_softmax"] == 1 and counts["crossentropy_softmax_gradient"] == 1


def test_fused_crossentropy_agrees_with_the_formula_where_that_is_finite():
    z, y, cost, g = _model()
    fast, slow = function([z, y], [cost, g]), function([z, y], [cost, g], mode="NONE")
    rng = np.random.default_rng(0)
    data, labels = rng.standard_normal((6, 4)), np.array([0, 3, 1, 1, 2, 0])
    for got, want in zip(fast(data, labels), slow(data, labels)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_fused_crossentropy_is_finite_where_softmax_underflows():
    z, y, cost, g = _model()
    f = function([z, y], [cost, g])
    loss, gradient = f(np.array([[0.0, 1000.0, -1000.0]]), np.array([2]))
    assert float(loss) == 2000.0
    np.testing.assert_allclose(gradient, [[0.0, 1.0, -1.0]], atol=1e-12)
    with np.errstate(all="ignore"):
        slow_loss, slow_gradient = function([z, y], [cost, g], mode="NONE")(
            np.array([[0.0, 1000.0, -1000.0]]), np.array([2]))
    assert np.isinf(slow_loss) and np.isnan(slow_gradient).all()


def test_fused_crossentropy_keeps_float32():
    z, y, cost, g = _model("float32")
    f = function([z, y], [cost, g])
    loss, gradient = f(np.zeros((2, 3), dtype="float32"), np.array([0, 2]))
    assert loss.dtype == np.float32 and gradient.dtype == np.float32
    np.testing.assert_allclose(loss, np.log(3), rtol=1e-6)


def test_labels_of_another_range_are_not_fused():
    z, y = T.dmatrix("z"), T.lvector("y")
    rows = T.arange(1, z.shape[0] + 1) - 1          # the same rows, but not as arange(n)
    cost = -T.log(T.nnet.softmax(z)[rows, y]).sum()
    f = function([z, y], cost)
    assert "crossentropy_softmax" not in f.rewrite_log.counts()
    np.testing.assert_allclose(f(np.zeros((2, 2)), np.array([0, 1])), 2 * np.log(2))


def test_the_batch_length_may_be_static():
    z = T.TensorType("float64", (4, 3))("z")
    y = T.lvector("y")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y).sum()
    f = function([z, y], [cost, grad(cost, z)])
    assert f.rewrite_log.counts()["crossentropy_softmax"] == 1
    np.testing.assert_allclose(f(np.zeros((4, 3)), np.array([0, 1, 2, 0]))[0], 4 * np.log(3))
