"""A ReLU network with dead units: a bias started at -3 keeps most hidden units at 0 on every input.

A unit that outputs 0 for the whole batch passes no gradient to its weights, so it never comes
back to life: `graphlens.trace.gradient_stats(cost, params, example_inputs)` counts the dead
units of each relu layer and the exact zeros of their weights' gradients.

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(5)
n_examples, n_in, n_hidden = 128, 10, 64

data_x = rng.standard_normal((n_examples, n_in))
data_y = data_x[:, :2].sum(axis=1, keepdims=True)

x = T.dmatrix("x")
y = T.dmatrix("y")
W1 = shared(rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in), name="W1")
b1 = shared(np.full(n_hidden, -3.0), name="b1")       # the mistake: units start below zero
W2 = shared(rng.standard_normal((n_hidden, 1)) / np.sqrt(n_hidden), name="W2")
b2 = shared(np.zeros(1), name="b2")
params = [W1, b1, W2, b2]

hidden = T.nnet.relu(T.dot(x, W1) + b1)
prediction = T.dot(hidden, W2) + b2
cost = T.sqr(prediction - y).mean()
grads = grad(cost, params)

learning_rate = 0.05
train = function([x, y], cost, updates=[(p, p - learning_rate * g) for p, g in zip(params, grads)],
                 name="train")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    first = float(train(data_x, data_y))
    for step in range(200):
        loss = float(train(data_x, data_y))
    print(f"loss {first:.4f} -> {loss:.4f} after 200 steps")
