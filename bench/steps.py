"""Small training steps of Theano's tutorial models against the same step written in numpy.

    OPENBLAS_NUM_THREADS=1 python bench/steps.py          # also a section of bench/run.py

- The logistic-regression SGD step of the Theano tutorial (gallery/logreg.py's model) on 4000
  examples of 784 float64 features: outputs the predictions and the per-example cross-entropy,
  updates w and b. The numpy step computes the same outputs and the same updates, with the
  gradient a person derives by hand ((p - y) / n through the sigmoid).
- The gradient of the gallery's sgn autoencoder (gallery/sgn_autoencoder.py: 64 examples of 8
  values, a 3-bit code): the cost and both gradients, dW1 being exactly zero.

Each comparison first checks that both sides compute the same numbers.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from timing import compare  # noqa: E402

LOGREG_EXAMPLES, LOGREG_FEATURES, LOGREG_RATE = 4000, 784, 0.1


def logreg_step_functions(n_examples=LOGREG_EXAMPLES, n_features=LOGREG_FEATURES):
    """(graphlens step, numpy step, (x, y)): the tutorial's training step, both ways."""
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(n_features) * 0.01
    x, y = T.dmatrix("x"), T.dvector("y")
    w, b = shared(w0, name="w"), shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = grad(cost, [w, b])
    train = function([x, y], [prediction, xent], name="train",
                     updates=[(w, w - LOGREG_RATE * gw), (b, b - LOGREG_RATE * gb)])
    data_x = rng.standard_normal((n_examples, n_features))
    data_y = (data_x[:, 0] > 0).astype("float64")
    state = {"w": w0.copy(), "b": 0.0}

    def numpy_train(x, y):
        w_now = state["w"]
        p = 1 / (1 + np.exp(-(x @ w_now) - state["b"]))
        xent = -y * np.log(p) - (1 - y) * np.log(1 - p)
        delta = (p - y) / len(y)
        state["w"] = w_now - LOGREG_RATE * (x.T @ delta + 0.02 * w_now)
        state["b"] = state["b"] - LOGREG_RATE * delta.sum()
        return p > 0.5, xent

    ours, theirs = train(data_x, data_y), numpy_train(data_x, data_y)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)
    np.testing.assert_allclose(w.get_value(borrow=True), state["w"], rtol=1e-10)
    return train, numpy_train, (data_x, data_y)


def logreg_step():
    """The tutorial's logistic-regression SGD step, 4000x784 float64, vs numpy."""
    train, numpy_train, args = logreg_step_functions()
    return compare(lambda: train(*args), lambda: numpy_train(*args), number=1, rounds=61)


def sgn_autoencoder_functions():
    """(graphlens gradient, numpy gradient, data) of the gallery's sgn autoencoder."""
    rng = np.random.default_rng(3)
    n_examples, n_visible, n_code = 64, 8, 3
    mixing = rng.standard_normal((n_code, n_visible))
    data = np.sign(rng.standard_normal((n_examples, n_code))) @ mixing / 2
    w1_value = rng.standard_normal((n_visible, n_code)) * 0.5
    w2_value = rng.standard_normal((n_code, n_visible)) * 0.1
    X = T.dmatrix("X")
    W1, W2 = shared(w1_value, name="W1"), shared(w2_value, name="W2")
    code = T.sgn(T.dot(X, W1))
    cost = T.sqr(T.dot(code, W2) - X).sum(axis=1).mean()
    gradient = function([X], [cost] + grad(cost, [W1, W2]), name="gradient")

    def numpy_gradient(x):
        code = np.sign(x @ w1_value)
        error = code @ w2_value - x
        cost = (error ** 2).sum(axis=1).mean()
        return cost, np.zeros_like(w1_value), code.T @ (error * (2 / len(x)))

    for ours, theirs in zip(gradient(data), numpy_gradient(data)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    return gradient, numpy_gradient, data


def sgn_autoencoder_grad():
    """Cost and gradients of the gallery's sgn autoencoder (64x8, code of 3), vs numpy."""
    gradient, numpy_gradient, data = sgn_autoencoder_functions()
    return compare(lambda: gradient(data), lambda: numpy_gradient(data), number=20, rounds=151)


def benchmarks():
    """The section of bench/run.py."""
    return {
        "logistic-regression SGD step, 4000x784 float64": logreg_step,
        "sgn-autoencoder cost and gradient (gallery model)": sgn_autoencoder_grad,
    }


def main():
    """Print each benchmark's times and ratio."""
    for name, benchmark in benchmarks().items():
        result = benchmark()
        print(f"{name:54} {result.ours * 1e6:10.1f}us {result.reference * 1e6:10.1f}us "
              f"{result.ratio:6.2f}")


if __name__ == "__main__":
    main()
