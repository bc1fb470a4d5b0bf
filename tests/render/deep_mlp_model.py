"""An 8-layer perceptron written as the Theano tutorial writes one: a HiddenLayer class whose
weights and outputs are named `layerK/W`, `layerK/b`, `layerK/h`, so the picture groups them.

The viewer tests and screenshots use it: a real model with name scopes, fused ops and updates.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared


class HiddenLayer:
    """tanh(x W + b), its weights shared variables named inside the layer's scope."""

    def __init__(self, rng, x, n_in, n_out, name):
        bound = np.sqrt(6.0 / (n_in + n_out))
        self.W = shared(rng.uniform(-bound, bound, (n_in, n_out)), name=f"{name}/W")
        self.b = shared(np.zeros(n_out), name=f"{name}/b")
        self.output = T.tanh(T.dot(x, self.W) + self.b)
        self.output.name = f"{name}/h"
        self.params = [self.W, self.b]


def build(n_layers=8, width=16, n_in=20, n_out=3):
    """(train, predict) for an n_layers-deep tanh MLP with a softmax on top."""
    rng = np.random.default_rng(1)
    x, y = T.dmatrix("x"), T.ivector("y")
    layers, below, size = [], x, n_in
    for number in range(n_layers):
        layer = HiddenLayer(rng, below, size, width, f"layer{number + 1}")
        layers.append(layer)
        below, size = layer.output, width
    W = shared(np.zeros((width, n_out)), name="softmax/W")
    b = shared(np.zeros(n_out), name="softmax/b")
    p_y = T.nnet.softmax(T.dot(below, W) + b)
    p_y.name = "softmax/p_y"
    cost = T.nnet.categorical_crossentropy(p_y, y).mean()
    cost.name = "cost"
    params = [p for layer in layers for p in layer.params] + [W, b]
    updates = [(p, p - 0.1 * g) for p, g in zip(params, grad(cost, params))]
    train = function([x, y], cost, updates=updates, name="train")
    predict = function([x], T.argmax(p_y, axis=1), name="predict")
    return train, predict
