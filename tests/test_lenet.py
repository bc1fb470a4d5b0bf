"""LeNet as the convolutional tutorial writes it (gallery/lenet.py: LeNetConvPoolLayer with
conv2d + pool_2d + tanh(b.dimshuffle('x', 0, 'x', 'x')), HiddenLayer, LogisticRegression,
givens-fed mini-batches) trains on a synthetic digit set, with static shapes throughout."""

import numpy as np

from graphlens import pp
from graphlens.tensor.nnet.abstract_conv import Conv2d
from graphlens.tensor.signal.pool import Pool
from tests.trace.gallery_models import load


def test_lenet_trains_loss_and_error_fall():
    lenet = load("lenet")
    batches = range(lenet.n_train_batches)
    first_error = np.mean([float(lenet.test_model(i)) for i in batches])
    losses = []
    for _ in range(3):
        losses.append(np.mean([float(lenet.train_model(i)) for i in batches]))
    last_error = np.mean([float(lenet.test_model(i)) for i in batches])
    assert losses[0] > 2.0, losses               # ~log(10) at the start
    assert losses[-1] < 0.8 * losses[0], losses
    assert first_error > 0.5 and last_error < 0.3 * first_error, (first_error, last_error)


def test_lenet_layers_have_static_shapes_and_print_as_the_calls():
    lenet = load("lenet")
    assert lenet.layer0.output.type.shape == (20, 4, 12, 12)
    assert lenet.layer1.output.type.shape == (20, 8, 4, 4)
    pooled = lenet.layer1.output.owner.inputs[0].owner.inputs[0]
    assert isinstance(pooled.owner.op, Pool)
    convolved = pooled.owner.inputs[0]
    assert isinstance(convolved.owner.op, Conv2d) and convolved.type.shape == (20, 8, 8, 8)
    text = pp(lenet.layer0.output)
    assert "pool_2d(conv2d(reshape(x, [20, 1, 28, 28]), W0), ws=(2, 2))" in text, text
