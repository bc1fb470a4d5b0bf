"""A classifier whose predictions were cast to the labels' integer dtype before the loss.

The labels are int32, so the author cast the predicted probabilities to int32 "to match" before
taking the squared error. The cast rounds to whole numbers, its derivative is 0, and neither w nor
b ever learns: `graphlens.trace.vanishing(cost, params)` names the cast and its line.

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(11)
n_examples, n_features = 100, 5

data_x = rng.standard_normal((n_examples, n_features))
data_y = (data_x[:, 0] + data_x[:, 1] > 0).astype("int32")

x = T.dmatrix("x")
y = T.ivector("y")                                  # labels 0 or 1
w = shared(np.zeros(n_features), name="w")
b = shared(0.0, name="b")
params = [w, b]

p_1 = T.nnet.sigmoid(T.dot(x, w) + b)
predicted = T.cast(p_1 + 0.5, "int32")              # the mistake: rounded to the labels' dtype
cost = T.sqr(predicted - y).mean()
# The cast leaves no path for the gradient: grad would refuse (w is disconnected), so train with
# disconnected_inputs='ignore' to show the symptom: the loss never moves.
grads = grad(cost, params, disconnected_inputs="ignore")

learning_rate = 0.5
train = function([x, y], cost, updates=[(p, p - learning_rate * g) for p, g in zip(params, grads)],
                 name="train")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    first = float(train(data_x, data_y))
    for step in range(50):
        loss = float(train(data_x, data_y))
    print(f"loss {first:.4f} -> {loss:.4f} after 50 steps (the cast blocks every gradient)")
