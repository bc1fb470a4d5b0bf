"""graphlens/tensor/nnet/crossentropy.py: Theano's one-hot softmax cross-entropies return
(nll, softmax[, argmax]); values against numpy, dtypes, stability, gradients and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import InvalidArgumentError, ShapeError
from op_checks import check_grad

RNG = np.random.default_rng(23)
SCORES = RNG.normal(size=(4, 3)) * 2
BIAS = np.array([0.5, -1.0, 0.25])
LABELS = np.array([2, 0, 1, 2])


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def nll(z, y):
    return -np.log(softmax(z)[np.arange(len(y)), y])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_crossentropy_softmax_1hot_returns_the_loss_and_the_softmax(dtype):
    x, y = T.matrix("x", dtype=dtype), T.lvector("y")
    loss, probabilities = T.nnet.crossentropy_softmax_1hot(x, y)
    values = function([x, y], [loss, probabilities])(SCORES.astype(dtype), LABELS)
    assert [v.dtype for v in values] == [np.dtype(dtype)] * 2
    assert loss.type.shape == (None,) and probabilities.type.shape == (None, None)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(values[0], nll(SCORES, LABELS), rtol=tol)
    np.testing.assert_allclose(values[1], softmax(SCORES), rtol=tol)


def test_with_bias_and_argmax_forms():
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.ivector("y")
    nn = T.nnet
    outputs = (list(nn.crossentropy_softmax_1hot_with_bias(x, b, y))
               + list(nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y))
               + list(nn.crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y))
               + [nn.softmax_with_bias(x, b)])
    values = function([x, b, y], outputs)(SCORES, BIAS, LABELS.astype("int32"))
    z = SCORES + BIAS
    expected = [nll(z, LABELS), softmax(z), nll(z, LABELS), softmax(z), z.argmax(axis=1),
                nll(z, LABELS), softmax(z), softmax(z).max(axis=1), z.argmax(axis=1),
                softmax(z)]
    for value, want in zip(values, expected):
        np.testing.assert_allclose(value, want, rtol=1e-12)
    assert values[4].dtype == np.int64


def test_loss_stays_finite_where_the_softmax_underflows():
    x, y = T.dmatrix("x"), T.lvector("y")
    loss, _ = T.nnet.crossentropy_softmax_1hot(x, y)
    far = np.array([[0.0, 1000.0], [-800.0, 0.0]])
    np.testing.assert_allclose(function([x, y], loss)(far, np.array([0, 0])), [1000.0, 800.0])


def test_gradients_agree_with_finite_differences():
    labels = T.constant(LABELS)
    check_grad(lambda x: T.nnet.crossentropy_softmax_1hot(x, labels)[0], SCORES)
    check_grad(lambda x, b: T.nnet.crossentropy_softmax_1hot_with_bias(x, b, labels)[0],
               SCORES, BIAS)
    check_grad(lambda x: T.nnet.crossentropy_categorical_1hot(T.nnet.softmax(x), labels),
               SCORES)


def test_gradient_of_the_mean_loss_is_softmax_minus_one_hot():
    x, y = T.dmatrix("x"), T.lvector("y")
    loss, _ = T.nnet.crossentropy_softmax_1hot(x, y)
    g = grad(loss.mean(), x).eval({x: SCORES, y: LABELS})
    np.testing.assert_allclose(g, (softmax(SCORES) - np.eye(3)[LABELS]) / 4, rtol=1e-12)


def test_arguments_are_checked_as_theano_did_with_clear_messages():
    x, y = T.dmatrix("x"), T.lvector("y")
    with pytest.raises(InvalidArgumentError, match="x must be a matrix of floats"):
        T.nnet.crossentropy_softmax_1hot(T.dvector("v"), y)
    with pytest.raises(InvalidArgumentError, match="y_idx must be a vector of int class labels"):
        T.nnet.crossentropy_softmax_1hot(x, T.dvector("labels"))
    with pytest.raises(InvalidArgumentError, match="b must be a vector of floats"):
        T.nnet.crossentropy_softmax_1hot_with_bias(x, T.dmatrix("B"), y)
    with pytest.raises(ShapeError, match="one bias per class, but x has 3 classes"):
        T.nnet.crossentropy_softmax_1hot_with_bias(T.TensorType("float64", (None, 3))("x"),
                                                   T.TensorType("float64", (4,))("b"), y)
    assert isinstance(InvalidArgumentError("x"), ValueError)      # Theano raised ValueError


def test_a_softmax_classifier_trained_on_the_1hot_loss_learns_its_classes():
    from graphlens import shared
    rng = np.random.default_rng(31)
    centers = np.array([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.5]])
    labels = rng.integers(0, 3, size=150)
    data = centers[labels] + rng.normal(scale=0.6, size=(150, 2))
    W = shared(np.zeros((2, 3)), name="W")
    b = shared(np.zeros(3), name="b")
    x, y = T.dmatrix("x"), T.lvector("y")
    loss, probabilities = T.nnet.crossentropy_softmax_1hot_with_bias(T.dot(x, W), b, y)
    cost = loss.mean()
    g_W, g_b = grad(cost, [W, b])
    train = function([x, y], [cost, T.argmax(probabilities, axis=1)],
                     updates=[(W, W - 0.5 * g_W), (b, b - 0.5 * g_b)])
    first, _ = train(data, labels)
    for _ in range(60):
        last, guesses = train(data, labels)
    assert first == pytest.approx(np.log(3))          # zero weights: uniform probabilities
    assert last < 0.3 * first
    assert np.mean(guesses == labels) > 0.95
