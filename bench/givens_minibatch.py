"""The deep-learning tutorials' minibatch step: data and labels in shared variables, each call
picking its minibatch through `givens`, the labels kept as `T.cast(shared_y, 'int32')`.

    OPENBLAS_NUM_THREADS=1 python bench/givens_minibatch.py

500,000 examples of 20 features, 10 classes, minibatch 20, a softmax regression's SGD step
(logistic_sgd.py's), against the same step by hand in numpy. Written as the tutorial does, the
cast reads every label on every call unless the index is moved below it (`lift_subtensor`).
"""

import numpy as np

import graphlens
import graphlens.tensor as T
from timing import compare

N, FEATURES, CLASSES, BATCH, RATE = 500_000, 20, 10, 20, 0.1


def minibatch_step():
    """The tutorial's step against numpy by hand (a Comparison)."""
    rng = np.random.RandomState(0)
    data = rng.rand(N, FEATURES)
    labels = rng.randint(0, CLASSES, N).astype("float64")
    shared_x = graphlens.shared(data, borrow=True)
    shared_y = graphlens.shared(labels, borrow=True)
    train_set_y = T.cast(shared_y, "int32")
    index = T.lscalar("index")
    x, y = T.matrix("x"), T.ivector("y")
    W = graphlens.shared(np.zeros((FEATURES, CLASSES)), name="W")
    b = graphlens.shared(np.zeros(CLASSES), name="b")
    p_y = T.nnet.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    g_W, g_b = T.grad(cost, [W, b])
    step = graphlens.function(
        [index], cost, updates=[(W, W - RATE * g_W), (b, b - RATE * g_b)],
        givens={x: shared_x[index * BATCH:(index + 1) * BATCH],
                y: train_set_y[index * BATCH:(index + 1) * BATCH]})
    W_ref, b_ref = np.zeros((FEATURES, CLASSES)), np.zeros(CLASSES)
    int_labels_of = labels.astype("int32")       # by hand, the labels are cast once

    def by_hand(i):
        nonlocal W_ref, b_ref
        xs, ys = data[i * BATCH:(i + 1) * BATCH], int_labels_of[i * BATCH:(i + 1) * BATCH]
        z = xs @ W_ref + b_ref
        z = np.exp(z - z.max(axis=1, keepdims=True))
        p = z / z.sum(axis=1, keepdims=True)
        cost = -np.mean(np.log(p[np.arange(BATCH), ys]))
        p[np.arange(BATCH), ys] -= 1
        W_ref = W_ref - RATE * (xs.T @ p) / BATCH
        b_ref = b_ref - RATE * p.sum(axis=0) / BATCH
        return cost

    for i in range(3):
        np.testing.assert_allclose(step(i), by_hand(i), rtol=1e-9)
    np.testing.assert_allclose(W.get_value(), W_ref, rtol=1e-9, atol=1e-12)
    return compare(lambda: step(7), lambda: by_hand(7), number=50, rounds=15)


def benchmarks() -> dict:
    """bench/run.py's section."""
    return {"tutorial minibatch step via givens, 500,000 cast labels": minibatch_step}


if __name__ == "__main__":
    result = minibatch_step()
    print(f"minibatch step via givens: graphlens {result.ours * 1e6:.0f} us, numpy by hand "
          f"{result.reference * 1e6:.0f} us, ratio {result.ratio:.2f}")
