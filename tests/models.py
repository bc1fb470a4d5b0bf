"""Small real models several test files build: one home for each, so they cannot drift apart.

- `sgn_train()`: the sgn autoencoder's training step (its gradient dies at the sgn), used by
  the findings, focus and legend tests of the pictures;
- `deep_mlp_source(count, width, tail)`: a model file of `count` tanh HiddenLayers written as
  the Theano tutorial writes them (parameters built in `__init__`, so each call is a scope:
  HiddenLayer, HiddenLayer_2, ...), for the scope, fold and big-graph command-line tests;
  `run_model(source, filename)` runs it as `graphlens show` runs a model file.

>>> cost, params, train = sgn_train()
>>> [p.name for p in params]
['W1', 'W2']
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared


def sgn_train(learning_rate=0.1, w1_name="W1"):
    """(cost, [W1, W2], train) of an autoencoder whose code is sgn(X W1): the gradient of the
    cost never reaches W1 (sgn's derivative is zero wherever it exists)."""
    rng = np.random.default_rng(0)
    X = T.dmatrix("X")
    W1 = shared(rng.standard_normal((4, 2)), name=w1_name)
    W2 = shared(rng.standard_normal((2, 4)), name="W2")
    code = T.sgn(T.dot(X, W1))
    cost = T.sqr(T.dot(code, W2) - X).sum(axis=1).mean()
    params = [W1, W2]
    grads = grad(cost, params)
    train = function([X], cost, updates=[(p, p - learning_rate * g)
                                         for p, g in zip(params, grads)])
    return cost, params, train


# Line numbers matter: the command-line tests expect `self.W = ...` on line 7 of the file.
_DEEP_MLP = """\
import numpy as np
import graphlens.tensor as T
from graphlens import function, grad, shared

class HiddenLayer:
    def __init__(self, inp, n_in, n_out):
        self.W = shared(np.full((n_in, n_out), 0.1), name="W")
        self.b = shared(np.zeros(n_out), name="b")
        self.output = T.tanh(T.dot(inp, self.W) + self.b)

x = T.dmatrix("x")
h, layers = x, []
for _ in range({count}):
    layers.append(HiddenLayer(h, {width}, {width}))
    h = layers[-1].output
"""


def deep_mlp_source(count, width=4, tail=""):
    """The source of a model file: `count` HiddenLayers of `width` units on `x`, the layers in
    `layers` and the last one's output in `h`; then `tail` (a cost, a training function).

    >>> deep_mlp_source(2).splitlines()[12]
    'for _ in range(2):'
    """
    return _DEEP_MLP.format(count=count, width=width) + tail


def run_model(source, filename) -> dict:
    """The names a model `source` binds, run as `graphlens show` runs a model file: its code is
    new each run, so the calls of its classes are numbered from 1 again (HiddenLayer, ...)."""
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace
