"""A two-layer perceptron: tanh hidden layer, softmax output, cross-entropy on integer labels.

`train` takes one step of gradient descent on all four parameters; `predict` returns the most
likely class of each row.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(1)
n_in, n_hidden, n_out = 20, 16, 3

x = T.dmatrix("x")
y = T.ivector("y")
W1 = shared(rng.standard_normal((n_in, n_hidden)) * 0.1, name="W1")
b1 = shared(np.zeros(n_hidden), name="b1")
W2 = shared(rng.standard_normal((n_hidden, n_out)) * 0.1, name="W2")
b2 = shared(np.zeros(n_out), name="b2")
params = [W1, b1, W2, b2]

hidden = T.tanh(T.dot(x, W1) + b1)
p_y = T.nnet.softmax(T.dot(hidden, W2) + b2)
cost = T.nnet.categorical_crossentropy(p_y, y).mean() + 1e-4 * ((W1 ** 2).sum() + (W2 ** 2).sum())
grads = grad(cost, params)

learning_rate = 0.5
train = function([x, y], cost,
                 updates=[(p, p - learning_rate * g) for p, g in zip(params, grads)],
                 name="train")
predict = function([x], T.argmax(p_y, axis=1), name="predict")

data_x = rng.standard_normal((200, n_in))
data_y = np.argmax(data_x[:, :n_out], axis=1).astype("int32")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    for step in range(200):
        loss = train(data_x, data_y)
    print(f"loss {float(loss):.3f}, accuracy {float(np.mean(predict(data_x) == data_y)):.2f}")
