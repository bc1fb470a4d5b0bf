"""The binary-code autoencoder of `sgn_autoencoder.py`, fixed with the straight-through estimator.

`straight_through(T.sgn(h), h)` keeps the sign code in the forward pass and lets the gradient of
h through in the backward pass, so the encoder W1 learns: `vanishing(cost, params)` is clean and
after 200 steps the loss is 0.009, where the broken model, whose decoder alone learns, stalls at
1.95. (The estimator is biased: on other toy sets or initial weights it may settle higher.)

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.gradient import straight_through

rng = np.random.default_rng(3)
n_examples, n_visible, n_code = 64, 8, 3

# Toy data with a 3-bit structure: each row is a random sign code mixed by a fixed matrix.
mixing = rng.standard_normal((n_code, n_visible))
data_x = np.sign(rng.standard_normal((n_examples, n_code))) @ mixing / 2

X = T.dmatrix("X")
W1 = shared(rng.standard_normal((n_visible, n_code)) * 0.5, name="W1")
W2 = shared(rng.standard_normal((n_code, n_visible)) * 0.1, name="W2")
params = [W1, W2]

h = T.dot(X, W1)
code = straight_through(T.sgn(h), h)           # sign forward, identity gradient backward
reconstruction = T.dot(code, W2)
cost = T.sqr(reconstruction - X).sum(axis=1).mean()
grads = grad(cost, params)

learning_rate = 0.02
train = function([X], cost, updates=[(p, p - learning_rate * g) for p, g in zip(params, grads)],
                 name="train")
example_inputs = {X: data_x}

if __name__ == "__main__":
    first = float(train(data_x))
    for step in range(200):
        loss = float(train(data_x))
    print(f"loss {first:.4f} -> {loss:.4f} after 200 steps")
