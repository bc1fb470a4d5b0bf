"""A NaN from `log(0) * 0`: an entropy bonus on attention weights that relu makes exactly zero.

The weights p = relu(s) / sum(relu(s)) contain exact zeros; the entropy -sum(p * log(p)) then
computes log(0) = -inf and 0 * -inf = NaN, and the loss is NaN from the first step. Compiled with
`function(..., nan_guard=True)`, the call stops at the log below and names its line and the
zeros of its input.

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(7)
n_examples, n_items, n_features = 32, 6, 4

data_x = rng.standard_normal((n_examples, n_items, n_features))
data_y = data_x[:, 0, :]                       # the target: the first item's features

x = T.dtensor3("x")
y = T.dmatrix("y")
w = shared(rng.standard_normal(n_features), name="w")
params = [w]

scores = T.nnet.relu(T.dot(x, w))                              # (examples, items), many zeros
p = scores / (scores.sum(axis=1, keepdims=True) + 1e-9)        # attention weights
p.name = "p"
attended = (p.dimshuffle(0, 1, "x") * x).sum(axis=1)
entropy = -(p * T.log(p)).sum(axis=1).mean()                   # log(0) * 0 = NaN
cost = T.sqr(attended - y).sum(axis=1).mean() - 0.1 * entropy
grads = grad(cost, params)

learning_rate = 0.1
updates = [(param, param - learning_rate * g) for param, g in zip(params, grads)]
train = function([x, y], cost, updates=updates, name="train")
train_guarded = function([x, y], cost, nan_guard=True, name="train_guarded")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    import warnings

    from graphlens.errors import NaNError
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # numpy's own log(0) warning
        try:
            train_guarded(data_x, data_y)
        except NaNError as error:
            print(error)
        for step in range(5):
            loss = float(train(data_x, data_y))
        print(f"loss {loss} after 5 steps")
