"""Random draws: a compiled draw against the numpy call it makes, and a dropout mask's cost in
an MLP step.

    OPENBLAS_NUM_THREADS=1 python bench/random_draws.py

Prints ratios (ours / reference), each the median of paired rounds (bench/timing.py):
- a 1,000 x 1,000 uniform draw of RandomStreams: the compiled function against numpy's
  `RandomState.uniform` alone (the call it makes, Theano's generator);
- the same draw of MRG_RandomStreams (MRG31k3p over 15,360 streams, vectorised over the streams)
  against `RandomState.uniform`;
- a 64 x 64 binomial mask (a small draw, where the per-call overhead shows) against
  `RandomState.binomial`;
- one SGD step of a 784-256-10 MLP with dropout on the hidden layer, against the same step
  without it.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from graphlens.sandbox.rng_mrg import MRG_RandomStreams  # noqa: E402
from graphlens.tensor.shared_randomstreams import RandomStreams  # noqa: E402
from timing import compare  # noqa: E402


def mlp_step(dropout: bool):
    """A compiled SGD step of a 784-256-10 MLP, with or without dropout, and its batch."""
    rng = np.random.default_rng(0)
    x, y = T.dmatrix("x"), T.ivector("y")
    W1 = shared(rng.standard_normal((784, 256)) * 0.01, name="W1")
    b1 = shared(np.zeros(256), name="b1")
    W2 = shared(rng.standard_normal((256, 10)) * 0.01, name="W2")
    b2 = shared(np.zeros(10), name="b2")
    hidden = T.nnet.relu(T.dot(x, W1) + b1)
    if dropout:
        hidden = hidden * RandomStreams(1).binomial(size=hidden.shape, p=0.5,
                                                    dtype="float64") / 0.5
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(hidden, W2) + b2), y).mean()
    params = [W1, b1, W2, b2]
    step = function([x, y], cost, updates=[(p, p - 0.1 * g)
                                           for p, g in zip(params, grad(cost, params))])
    batch = (rng.standard_normal((128, 784)), rng.integers(0, 10, 128).astype("int32"))
    return lambda: step(*batch)


def main():
    """Print the four ratios."""
    numpy_generator = np.random.RandomState(0)      # the streams' generator: Theano's
    big = function([], RandomStreams(0).uniform((1000, 1000)))
    result = compare(big, lambda: numpy_generator.uniform(0.0, 1.0, (1000, 1000)), rounds=21)
    print(f"uniform 1000x1000: {result.ours * 1e3:.2f} ms vs numpy {result.reference * 1e3:.2f}"
          f" ms, ratio {result.ratio:.2f}")
    mrg = function([], MRG_RandomStreams(0 + 1).uniform((1000, 1000)))
    result = compare(mrg, lambda: numpy_generator.uniform(0.0, 1.0, (1000, 1000)), rounds=11)
    print(f"MRG uniform 1000x1000: {result.ours * 1e3:.2f} ms vs numpy "
          f"{result.reference * 1e3:.2f} ms, ratio {result.ratio:.2f}")
    x = T.dmatrix("x")
    small = function([x], RandomStreams(0).binomial(size=x.shape, p=0.5))
    batch = np.zeros((64, 64))
    result = compare(lambda: small(batch), lambda: numpy_generator.binomial(1, 0.5, (64, 64)),
                     number=200)
    print(f"binomial mask 64x64: {result.ours * 1e6:.1f} us vs numpy "
          f"{result.reference * 1e6:.1f} us, ratio {result.ratio:.2f}")
    result = compare(mlp_step(True), mlp_step(False), number=5)
    print(f"MLP step with dropout: {result.ours * 1e3:.2f} ms vs without "
          f"{result.reference * 1e3:.2f} ms, ratio {result.ratio:.2f}")


if __name__ == "__main__":
    main()
