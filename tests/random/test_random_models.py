"""Small real models that draw random numbers while they train: the denoising autoencoder of
the gallery (Theano's dA tutorial) and a perceptron with dropout."""

import os
import runpy

import numpy as np

import graphlens.tensor as T
from graphlens import config, function, grad, shared
from graphlens.tensor.shared_randomstreams import RandomStreams

GALLERY = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "gallery")


def test_denoising_autoencoder_of_the_gallery_trains_and_its_loss_falls():
    model = runpy.run_path(os.path.join(GALLERY, "denoising_autoencoder.py"),
                           run_name="denoising_autoencoder")
    train, n_batches = model["train"], model["n_examples"] // model["batch_size"]
    mask_state = model["da"].theano_rng.state_updates[0][0]
    replay = mask_state.get_value()              # a copy: the mask's stream as it starts
    epochs = [np.mean([train(batch) for batch in range(n_batches)]) for _ in range(15)]
    assert epochs[-1] < 0.75 * epochs[0], epochs
    # Every call drew a fresh corruption mask: the stream moved on by one binomial draw of the
    # batch's shape per call, as numpy's RandomState itself moves.
    batch_shape = (model["batch_size"], model["da"].n_visible)
    for _ in range(15 * n_batches):
        replay.binomial(1, 1 - 0.3, batch_shape)       # the script's corruption_level=0.3
    np.testing.assert_array_equal(mask_state.get_value().get_state()[1],
                                  replay.get_state()[1])
    assert mask_state.get_value().get_state()[2] == replay.get_state()[2]


def test_corruption_zeroes_about_the_corruption_level_of_the_input():
    srng = RandomStreams(seed=5)
    x = T.matrix("x")
    corrupted = srng.binomial(size=x.shape, n=1, p=1 - 0.3, dtype=config.floatX) * x
    value = function([x], corrupted)(np.full((300, 100), 2.0))
    assert set(np.unique(value)) == {0.0, 2.0}
    assert abs((value == 0).mean() - 0.3) < 0.01


def test_perceptron_with_dropout_trains_and_predicts_without_it():
    rng = np.random.default_rng(0)
    n_in, n_hidden, n_out, p_drop = 10, 32, 3, 0.5
    data_x = rng.standard_normal((300, n_in))
    data_y = np.argmax(data_x[:, :n_out], axis=1).astype("int32")
    x, y = T.dmatrix("x"), T.ivector("y")
    W1 = shared(rng.standard_normal((n_in, n_hidden)) * 0.3, name="W1")
    b1 = shared(np.zeros(n_hidden), name="b1")
    W2 = shared(rng.standard_normal((n_hidden, n_out)) * 0.3, name="W2")
    b2 = shared(np.zeros(n_out), name="b2")
    params = [W1, b1, W2, b2]
    srng = RandomStreams(seed=1)
    hidden = T.nnet.relu(T.dot(x, W1) + b1)
    mask = srng.binomial(size=hidden.shape, p=1 - p_drop, dtype=config.floatX)
    dropped = hidden * mask / (1 - p_drop)          # inverted dropout: same mean as hidden
    p_train = T.nnet.softmax(T.dot(dropped, W2) + b2)
    cost = T.nnet.categorical_crossentropy(p_train, y).mean()
    grads = grad(cost, params)
    train = function([x, y], cost, updates=[(p, p - 0.2 * g) for p, g in zip(params, grads)])
    predict = function([x], T.argmax(T.nnet.softmax(T.dot(hidden, W2) + b2), axis=1))
    accuracy_before = np.mean(predict(data_x) == data_y)
    losses = [float(train(data_x, data_y)) for _ in range(150)]
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    accuracy = np.mean(predict(data_x) == data_y)
    assert accuracy > 0.9 and accuracy > accuracy_before + 0.3
    # Dropout draws a new mask each step: two calls without updates of the weights differ.
    frozen = function([x, y], cost)
    assert float(frozen(data_x, data_y)) != float(frozen(data_x, data_y))
