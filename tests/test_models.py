"""Small real models trained with grad and updates: the seed's sgn autoencoder (whose encoder
cannot learn, and can once sgn is given a straight-through gradient) and the Theano tutorial's
logistic regression."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.compile.shared import shared
from graphlens.gradient import grad, straight_through

N_VISIBLE, N_CODE, N_EXAMPLES = 8, 3, 64


def toy_codes():
    """Columns of X are random 3-bit sign codes mixed into 8 dimensions: a code exists."""
    rng = np.random.default_rng(3)
    mixing = rng.standard_normal((N_VISIBLE, N_CODE))
    return mixing @ np.sign(rng.standard_normal((N_CODE, N_EXAMPLES))) / 2


def autoencoder(code_of):
    """L = ||W2 . code(W1 . X) - X||^2 / n, with W1, W2 shared and fixed initial values."""
    rng = np.random.default_rng(7)
    X = T.dmatrix("X")
    W1 = shared(rng.standard_normal((N_CODE, N_VISIBLE)) * 0.5, name="W1")
    W2 = shared(rng.standard_normal((N_VISIBLE, N_CODE)) * 0.1, name="W2")
    code = code_of(T.dot(W1, X))
    loss = T.sqr(T.dot(W2, code) - X).sum() / N_EXAMPLES
    return X, W1, W2, code, loss


def train(X, W1, W2, loss, learning_rate, steps=100):
    g1, g2 = grad(loss, [W1, W2])
    step = function([X], loss, updates=[(W1, W1 - learning_rate * g1),
                                        (W2, W2 - learning_rate * g2)])
    data = toy_codes()
    return [float(step(data)) for _ in range(steps)]


def test_sgn_autoencoder_encoder_gradient_is_exactly_zero_and_decoder_is_not():
    X, W1, W2, _, loss = autoencoder(T.sgn)
    g1, g2 = function([X], grad(loss, [W1, W2]))(toy_codes())
    assert g1.shape == (N_CODE, N_VISIBLE) and not np.any(g1)       # exact zeros
    assert np.abs(g2).max() > 0.1


def decoder_only_floor(X, code):
    """The least loss any W2 reaches on the initial code: what a frozen encoder allows."""
    frozen_code = function([X], code)(toy_codes())
    best_W2 = np.linalg.lstsq(frozen_code.T, toy_codes().T, rcond=None)[0].T
    return np.square(best_W2 @ frozen_code - toy_codes()).sum() / N_EXAMPLES


def test_sgn_autoencoder_only_the_decoder_learns():
    X, W1, W2, code, loss = autoencoder(T.sgn)
    initial_W1 = W1.get_value()
    floor = decoder_only_floor(X, code)
    losses = train(X, W1, W2, loss, learning_rate=0.05)
    np.testing.assert_array_equal(W1.get_value(), initial_W1)       # the encoder never moves
    assert losses[-1] < 0.2 * losses[0]                              # measured 0.130
    assert losses[-1] >= floor - 1e-9 and floor > 0.9                # but stalls above 0.9


@pytest.mark.parametrize("surrogate,fraction", [
    (lambda h: h, 0.06),                         # identity surrogate: measured 0.054
    (lambda h: T.clip(h, -1.0, 1.0), 0.002),     # hard tanh: measured 0.00067
], ids=["identity", "hard_tanh"])
def test_straight_through_lets_the_encoder_learn(surrogate, fraction):
    X, W1, W2, code, loss = autoencoder(lambda h: straight_through(T.sgn(h), surrogate(h)))
    initial_W1 = W1.get_value()
    assert np.any(function([X], grad(loss, W1))(toy_codes()))
    codes = function([X], code)(toy_codes())
    assert set(np.unique(codes)) <= {-1.0, 0.0, 1.0}            # the forward value is sgn
    floor = decoder_only_floor(X, code)
    losses = train(X, W1, W2, loss, learning_rate=0.05)
    assert losses[-1] < fraction * losses[0]
    assert not np.array_equal(W1.get_value(), initial_W1)
    assert losses[-1] < 0.5 * floor          # below anything the decoder alone could reach


def test_theano_tutorial_logistic_regression_reaches_its_accuracy():
    rng = np.random.default_rng(0)
    n, feats, training_steps = 400, 20, 200
    true_w = rng.standard_normal(feats)
    inputs = rng.standard_normal((2 * n, feats))
    labels = (inputs @ true_w + 0.25 * rng.standard_normal(2 * n) > 0).astype("float64")
    D, held_out = (inputs[:n], labels[:n]), (inputs[n:], labels[n:])

    x = T.dmatrix("x")
    y = T.dvector("y")
    w = shared(rng.standard_normal(feats), name="w")
    b = shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))             # probability that the target is 1
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = grad(cost, [w, b])
    train_step = function([x, y], [prediction, xent],
                          updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    predict = function([x], prediction)

    assert (predict(D[0]) == D[1]).mean() < 0.7                    # measured 0.5625
    first = train_step(*D)[1].mean()
    for _ in range(training_steps - 1):
        _, errors = train_step(*D)
    assert errors.mean() < 0.4 * first
    assert (predict(D[0]) == D[1]).mean() >= 0.94                   # measured 0.95
    assert (predict(held_out[0]) == held_out[1]).mean() >= 0.9      # measured 0.9225
    assert predict(D[0]).dtype == np.bool_
