"""Dropout switched by a lazy ifelse: noise while training, scaled activations when predicting.

One graph serves both uses, as Theano's LSTM tutorial did with its `use_noise` flag: a shared
switch picks, through `ifelse`, the hidden layer times a random mask (training) or times the
keep probability (prediction). Green borders mark what only the training branch computes,
purple what only prediction computes, orange what both read. As written, the gradient's zeros
for the branch not taken read each branch's value, so both products would run; compiled, they
read only its shape, and each product runs for its own branch alone. The mask's random draw
has no border: the stream's state update reads it, so it runs on every call."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.ifelse import ifelse
from graphlens.tensor.shared_randomstreams import RandomStreams

rng = np.random.default_rng(3)
srng = RandomStreams(seed=3)
n_in, n_hidden, n_out, keep = 12, 32, 3, 0.5

x = T.dmatrix("x")
y = T.ivector("y")
use_noise = shared(np.int8(1), name="use_noise")
W1 = shared(rng.standard_normal((n_in, n_hidden)) * 0.2, name="W1")
b1 = shared(np.zeros(n_hidden), name="b1")
W2 = shared(rng.standard_normal((n_hidden, n_out)) * 0.2, name="W2")
b2 = shared(np.zeros(n_out), name="b2")
params = [W1, b1, W2, b2]

hidden = T.nnet.relu(T.dot(x, W1) + b1)
mask = srng.binomial(hidden.shape, p=keep, dtype="float64")
dropped = ifelse(use_noise, hidden * mask, hidden * keep)
p_y = T.nnet.softmax(T.dot(dropped, W2) + b2)
cost = T.nnet.categorical_crossentropy(p_y, y).mean()
grads = grad(cost, params)

train = function([x, y], cost, updates=[(p, p - 0.2 * g) for p, g in zip(params, grads)],
                 name="train")

data_x = rng.standard_normal((150, n_in))
data_y = np.argmax(data_x[:, :n_out], axis=1).astype("int32")
example_inputs = {x: data_x, y: data_y}

if __name__ == "__main__":
    for step in range(300):
        loss = train(data_x, data_y)
    use_noise.set_value(np.int8(0))
    accuracy = np.mean(np.argmax(function([x], p_y)(data_x), axis=1) == data_y)
    print(f"loss {float(loss):.3f}, accuracy without noise {accuracy:.2f}")
