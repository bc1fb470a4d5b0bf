"""A deep sigmoid network whose units saturate: weights drawn too large push sigmoids to 0 or 1.

A saturated sigmoid s has derivative s (1 - s) close to 0, so most units pass almost no gradient
and the loss barely moves: `graphlens.trace.gradient_stats(cost, params, example_inputs)` reports
the fraction of saturated sigmoid outputs layer by layer.

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(3)
n_examples, width, depth = 128, 32, 6

data_x = rng.standard_normal((n_examples, width))
data_y = np.sin(data_x[:, :1] * 2)

x = T.dmatrix("x")
y = T.dmatrix("y")
params = []
layer = x
for index in range(depth):
    # Standard deviation 4 instead of about 1/sqrt(width): the mistake this model shows.
    W = shared(rng.standard_normal((width, width)) * 4.0, name=f"W{index}")
    b = shared(np.zeros(width), name=f"b{index}")
    params += [W, b]
    layer = T.nnet.sigmoid(T.dot(layer, W) + b)
W_out = shared(rng.standard_normal((width, 1)) * 0.1, name="W_out")
params.append(W_out)
prediction = T.dot(layer, W_out)
cost = T.sqr(prediction - y).mean()
grads = grad(cost, params)

learning_rate = 0.1
train = function([x, y], cost, updates=[(p, p - learning_rate * g) for p, g in zip(params, grads)],
                 name="train")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    first = float(train(data_x, data_y))
    for step in range(100):
        loss = float(train(data_x, data_y))
    print(f"loss {first:.4f} -> {loss:.4f} after 100 steps")
