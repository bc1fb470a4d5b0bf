"""Softmax cross-entropy written the textbook way, and what the rewrites make of it.

`-log(softmax(z))[rows, y]` underflows: for a logit far below the others, softmax rounds to 0
and its log to -inf. The compiled `loss` computes the same value through a stable log-softmax;
the "after" picture shows which rewrite did it and which nodes it replaced.
"""

import numpy as np

import graphlens.tensor as T
from graphlens import function, shared

rng = np.random.default_rng(2)
n_in, n_classes = 5, 4

x = T.dmatrix("x")
y = T.ivector("y")
W = shared(rng.standard_normal((n_in, n_classes)), name="W")
params = [W]

logits = T.dot(x, W)
p_y = T.nnet.softmax(logits)
cost = -T.log(p_y)[T.arange(y.shape[0]), y].mean()
loss = function([x, y], cost, name="loss")
example_inputs = {x: rng.standard_normal((8, n_in)),
                  y: rng.integers(0, n_classes, 8, dtype="int32")}

if __name__ == "__main__":
    from graphlens.compile.mode import Mode
    far = np.array([[0.0, 0.0, 0.0, 0.0, 800.0]])
    labels = np.array([1], dtype="int32")
    naive = function([x, y], cost, mode=Mode("NONE"))
    print("without rewrites:", float(naive(far, labels)))
    print("with rewrites:   ", float(loss(far, labels)))
