"""An autoencoder with a binary code: L = ||sgn(X W1) W2 - X||^2 (the seed's hashing example).

The encoder never learns: sgn is piecewise constant, so dL/dW1 is exactly zero and only the
decoder W2 moves. `graphlens.trace.vanishing(cost, params)` names the sgn below, points at its
line and suggests the straight-through estimator, which `gallery/sgn_autoencoder_fixed.py` applies.

A gallery model follows the model-file contract of the README ("What a model file is"):
module-level `cost`, `params`, compiled `train` and `example_inputs`; training only under
__main__.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared

rng = np.random.default_rng(3)
n_examples, n_visible, n_code = 64, 8, 3

# Toy data with a 3-bit structure: each row is a random sign code mixed by a fixed matrix.
mixing = rng.standard_normal((n_code, n_visible))
data_x = np.sign(rng.standard_normal((n_examples, n_code))) @ mixing / 2

X = T.dmatrix("X")
W1 = shared(rng.standard_normal((n_visible, n_code)) * 0.5, name="W1")
W2 = shared(rng.standard_normal((n_code, n_visible)) * 0.1, name="W2")
params = [W1, W2]

code = T.sgn(T.dot(X, W1))                     # the binary code: its gradient is zero
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
