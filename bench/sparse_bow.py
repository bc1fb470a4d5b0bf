"""Sparse bag-of-words softmax regression: graphlens's structured_dot against scipy by hand.

    OPENBLAS_NUM_THREADS=1 python bench/sparse_bow.py

A 2000 x 20000 csr input holding 0.1% of its entries (40,000), a 20000 x 50 dense weight.
Prints best-of-n milliseconds for the forward product and one SGD step (softmax,
cross-entropy, the structured gradient, the in-place update), each beside what numpy and
scipy take for the same arithmetic written by hand, and the ratio; then the dense product
on the same data, to show what the sparse path saves.
"""

import time

import numpy as np
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse


def best(f, repeats):
    """The fastest of `repeats` calls of f, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3


def main():
    rng = np.random.RandomState(0)
    X = sp.random(2000, 20000, 0.001, "csr", random_state=1)
    W_value = rng.randn(20000, 50)
    labels = rng.randint(0, 50, 2000).astype("int32")
    x, y = sparse.csr_matrix("x"), T.ivector("y")
    W = graphlens.shared(W_value.copy(), name="W")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(sparse.structured_dot(x, W)), y)
    cost = cost.mean()
    train = graphlens.function([x, y], cost, updates=[(W, W - 0.1 * T.grad(cost, W))])
    forward = graphlens.function([x], sparse.structured_dot(x, W))

    def by_hand():
        z = X @ W_value
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        p[np.arange(len(labels)), labels] -= 1
        return W_value - 0.1 * (X.T @ (p / len(labels)))

    rows = [("forward structured_dot", best(lambda: forward(X), 20), best(lambda: X @ W_value, 20)),
            ("SGD step", best(lambda: train(X, labels), 10), best(by_hand, 10))]
    for name, ours, theirs in rows:
        print(f"{name:24s} graphlens {ours:8.2f} ms   numpy/scipy {theirs:8.2f} ms   "
              f"ratio {ours / theirs:5.2f}")
    xd = T.dmatrix("xd")
    dense = graphlens.function([xd], T.dot(xd, W))
    X_dense = X.toarray()
    print(f"{'dense dot, same data':24s} graphlens {best(lambda: dense(X_dense), 5):8.2f} ms")


if __name__ == "__main__":
    main()
