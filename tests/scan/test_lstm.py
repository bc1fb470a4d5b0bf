"""An LSTM as in the classic LSTM sentiment tutorial (a mask over padded positions, mean pooling,
softmax), trained by SGD with gradients through scan on a toy task: its loss falls."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import function, grad, shared

DIM, N_IN, N_CLASSES = 8, 2, 2


def _slice(x, n, dim):
    return x[:, n * dim:(n + 1) * dim]


def build_lstm(rng):
    """The tutorial's lstm_layer + mean pooling + softmax; returns inputs, cost, h, params."""
    W = shared(0.3 * rng.normal(size=(N_IN, 4 * DIM)), name="lstm_W")
    U = shared(0.3 * rng.normal(size=(DIM, 4 * DIM)), name="lstm_U")
    b = shared(np.zeros(4 * DIM), name="lstm_b")
    U_out = shared(0.3 * rng.normal(size=(DIM, N_CLASSES)), name="U")
    b_out = shared(np.zeros(N_CLASSES), name="b")
    x = T.tensor3("x")              # (n_timesteps, n_samples, N_IN)
    mask = T.dmatrix("mask")        # (n_timesteps, n_samples)
    y = T.lvector("y")
    nsteps, n_samples = x.shape[0], x.shape[1]

    def _step(m_, x_, h_, c_):
        preact = T.dot(h_, U) + x_
        i = T.nnet.sigmoid(_slice(preact, 0, DIM))
        f = T.nnet.sigmoid(_slice(preact, 1, DIM))
        o = T.nnet.sigmoid(_slice(preact, 2, DIM))
        c = T.tanh(_slice(preact, 3, DIM))
        c = f * c_ + i * c
        c = m_[:, None] * c + (1. - m_)[:, None] * c_
        h = o * T.tanh(c)
        h = m_[:, None] * h + (1. - m_)[:, None] * h_
        return h, c

    state_below = T.dot(x, W) + b
    rval, updates = graphlens.scan(
        _step, sequences=[mask, state_below],
        outputs_info=[T.alloc(np.float64(0.), n_samples, DIM),
                      T.alloc(np.float64(0.), n_samples, DIM)],
        name="lstm_layers", n_steps=nsteps)
    h = rval[0]
    proj = (h * mask[:, :, None]).sum(axis=0) / mask.sum(axis=0)[:, None]
    pred = T.nnet.softmax(T.dot(proj, U_out) + b_out)
    cost = -T.log(pred[T.arange(n_samples), y] + 1e-8).mean()
    return (x, mask, y), cost, h, [W, U, b, U_out, b_out]


def toy_batch(rng, n_samples=24, max_len=7):
    """Sequences of random length; the label says whether the first feature sums above 0."""
    lengths = rng.integers(2, max_len + 1, size=n_samples)
    x = np.zeros((max_len, n_samples, N_IN))
    mask = np.zeros((max_len, n_samples))
    for j, length in enumerate(lengths):
        x[:length, j] = rng.normal(size=(length, N_IN))
        mask[:length, j] = 1.0
    labels = (x[:, :, 0].sum(axis=0) > 0).astype("int64")
    return x, mask, labels


def test_lstm_with_a_mask_learns_a_toy_sequence_task():
    rng = np.random.default_rng(0)
    inputs, cost, _, params = build_lstm(rng)
    grads = grad(cost, params)
    rate = 0.5
    train = function(list(inputs), cost,
                     updates=[(p, p - rate * g) for p, g in zip(params, grads)])
    data = toy_batch(rng)
    losses = [float(train(*data)) for _ in range(60)]
    assert losses[0] > 0.6
    assert losses[-1] < 0.5 * losses[0], losses[::10]


def test_padded_positions_keep_the_last_real_state():
    rng = np.random.default_rng(1)
    (x, mask, _), _, h, _ = build_lstm(rng)
    f = function([x, mask], h)
    data, mask_value, _ = toy_batch(rng, n_samples=4)
    states = f(data, mask_value)
    for j in range(4):
        length = int(mask_value[:, j].sum())
        for t in range(length, mask_value.shape[0]):
            np.testing.assert_array_equal(states[t, j], states[length - 1, j])
        assert not np.allclose(states[length - 1, j], 0.0)
