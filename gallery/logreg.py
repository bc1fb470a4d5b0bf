"""Logistic regression, as in the Theano tutorial: a training step and a prediction function.

The training function returns the predictions and the per-example cross-entropy, and updates
the weights `w` and bias `b` by one step of gradient descent.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(0)
n_examples, n_features = 400, 784

x = T.dmatrix("x")
y = T.dvector("y")
w = shared(rng.standard_normal(n_features) * 0.01, name="w")
b = shared(0.0, name="b")
params = [w, b]

p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))        # probability that the target is 1
prediction = p_1 > 0.5                          # the prediction, thresholded
xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
cost = xent.mean() + 0.01 * (w ** 2).sum()      # the cost to minimize, with weight decay
gw, gb = grad(cost, [w, b])

train = function([x, y], [prediction, xent],
                 updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)], name="train")
predict = function([x], prediction, name="predict")

data_x = rng.standard_normal((n_examples, n_features))
data_y = (data_x[:, 0] > 0).astype("float64")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    for step in range(100):
        pred, err = train(data_x, data_y)
    print("final training error:", float(np.mean(predict(data_x) != data_y)))
