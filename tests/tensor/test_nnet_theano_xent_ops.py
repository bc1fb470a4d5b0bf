"""graphlens/tensor/nnet/theano_xent_ops.py: Theano's softmax and cross-entropy op classes, for
code that builds them directly; values against numpy, shapes without running them, gradients by
finite differences."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import UndefinedGradientError
from graphlens.tensor import nnet
from op_checks import check_grad, check_infer_shape

RNG = np.random.default_rng(5)
SCORES = RNG.normal(size=(4, 3)) * 2
BIAS = np.array([0.5, -1.0, 0.25])
LABELS = np.array([2, 0, 1, 2])
ROWS = np.arange(4)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_values_are_theano_s():
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.lvector("y")
    dy, sm = T.dvector("dy"), T.dmatrix("sm")
    sm_value = softmax(SCORES + BIAS)
    loss, probs, guess = nnet.CrossentropySoftmaxArgmax1HotWithBias()(x, b, y)
    f = function([x, b, y], [loss, probs, guess, nnet.SoftmaxWithBias()(x, b)])
    got_loss, got_probs, got_guess, got_sm = f(SCORES, BIAS, LABELS)
    np.testing.assert_allclose(got_loss, -np.log(sm_value[ROWS, LABELS]))
    np.testing.assert_allclose(got_probs, sm_value)
    np.testing.assert_array_equal(got_guess, (SCORES + BIAS).argmax(axis=1))
    np.testing.assert_allclose(got_sm, sm_value)
    onehot = np.eye(3)[LABELS]
    upstream = np.array([1.0, 2.0, -1.0, 0.5])
    dx = function([dy, sm, y], nnet.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y))
    np.testing.assert_allclose(dx(upstream, sm_value, LABELS),
                               upstream[:, None] * (sm_value - onehot))
    g = RNG.normal(size=(4, 3))
    sgrad = function([x, sm], nnet.softmax_grad(x, sm))
    np.testing.assert_allclose(sgrad(g, sm_value),
                               (g - (g * sm_value).sum(axis=1, keepdims=True)) * sm_value)
    xent = function([sm, y], nnet.CrossentropyCategorical1Hot()(sm, y))
    np.testing.assert_allclose(xent(sm_value, LABELS), -np.log(sm_value[ROWS, LABELS]))
    xgrad = function([dy, sm, y], nnet.crossentropy_categorical_1hot_grad(dy, sm, y))
    expected = np.zeros((4, 3))
    expected[ROWS, LABELS] = -upstream / sm_value[ROWS, LABELS]
    np.testing.assert_allclose(xgrad(upstream, sm_value, LABELS), expected)
    ones = function([x], nnet.prepend_1_to_each_row(x))(SCORES)
    np.testing.assert_allclose(ones, np.hstack([np.ones((4, 1)), SCORES]))
    v = T.dscalar("v")
    np.testing.assert_allclose(function([v, x], nnet.prepend_scalar_to_each_row(v, x))(
        7.0, SCORES), np.hstack([np.full((4, 1), 7.0), SCORES]))
    np.testing.assert_allclose(function([x], nnet.softmax_graph(x))(SCORES), softmax(SCORES))
    assert nnet.softmax_op == nnet.Softmax() and nnet.logsoftmax_op == nnet.LogSoftmax()


def test_gradients_match_finite_differences():
    positive = np.abs(SCORES) + 0.5
    check_grad(lambda x, b: nnet.SoftmaxWithBias()(x, b), SCORES, BIAS)
    check_grad(lambda g, s: nnet.softmax_grad(g, s), SCORES, softmax(SCORES))
    check_grad(lambda g, s: nnet.crossentropy_softmax_1hot_with_bias_dx(g, s, LABELS),
               BIAS[[0, 1, 2, 0]], softmax(SCORES))
    check_grad(lambda c: nnet.CrossentropyCategorical1Hot()(c, LABELS), positive)
    check_grad(lambda g, c: nnet.crossentropy_categorical_1hot_grad(g, c, LABELS),
               BIAS[[0, 1, 2, 0]], positive)
    check_grad(lambda x, b: nnet.CrossentropySoftmaxArgmax1HotWithBias()(x, b, LABELS)[0],
               SCORES, BIAS)
    check_grad(lambda x, b: nnet.CrossentropySoftmaxArgmax1HotWithBias()(x, b, LABELS)[1],
               SCORES, BIAS)
    check_grad(lambda m: nnet.prepend_0_to_each_row(m), SCORES)
    check_grad(lambda v, m: nnet.prepend_scalar_to_each_row(v, m), np.asarray(1.5), SCORES)


def test_shapes_are_inferred_and_labels_have_no_gradient():
    check_infer_shape(lambda x, b: nnet.SoftmaxWithBias()(x, b), [SCORES, BIAS],
                      nnet.SoftmaxWithBias)
    check_infer_shape(lambda x: nnet.prepend_1_to_each_row(x), [SCORES],
                      nnet.Prepend_scalar_constant_to_each_row)
    check_infer_shape(lambda c: nnet.CrossentropyCategorical1Hot()(c, LABELS),
                      [np.abs(SCORES) + 0.5],
                      nnet.CrossentropyCategorical1Hot)
    c, y = T.dmatrix("c"), T.lvector("y")
    with pytest.raises(UndefinedGradientError):
        grad(nnet.CrossentropyCategorical1Hot()(c, y).sum(), y)
    with pytest.raises(TypeError, match="int tensor of rank 1"):
        nnet.CrossentropyCategorical1Hot()(c, T.dvector())


def test_labels_out_of_range_are_refused_as_theano_did():
    dy, sm, y = T.dvector("dy"), T.dmatrix("sm"), T.lvector("y")
    dx = function([dy, sm, y], nnet.crossentropy_softmax_1hot_with_bias_dx(dy, sm, y))
    bad = LABELS.copy()
    bad[1] = -1                  # numpy would read the last column
    with pytest.raises(ValueError, match="must be in \\[0, 3\\)"):
        dx(np.ones(4), softmax(SCORES), bad)
    with pytest.raises(ValueError, match="4 rows but 3 entries"):
        dx(np.ones(3), softmax(SCORES), LABELS)
    x, b = T.dmatrix("x"), T.dvector("b")
    xent = function([x, b, y], nnet.CrossentropySoftmaxArgmax1HotWithBias()(x, b, y))
    with pytest.raises(ValueError, match="must be in"):
        xent(SCORES, BIAS, LABELS + 1)
