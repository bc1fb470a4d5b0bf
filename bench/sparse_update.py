"""A word2vec-style sparse step: rows of a big embedding read, their gradient, the rows updated.

    OPENBLAS_NUM_THREADS=1 python bench/sparse_update.py

W is 200,000 x 128 float64 (205 MB); a batch reads 64 rows, computes a squared error against
targets, and writes `W[idx] -= lr * grad` with `updates=[(W, T.inc_subtensor(W[idx], ...))]`,
the Theano FAQ's idiom. Theano made an updated shared variable mutable, so the increment wrote
the 64 rows into W's array; graphlens does the same (keeping the rows it writes until the call
succeeds). The reference is the same step by hand in numpy (`np.add.at` on W). Before graphlens
wrote updated shared variables in place, every step copied all of W: about 60 ms a step.
"""

import numpy as np

import graphlens
import graphlens.tensor as T
from timing import compare

ROWS, WIDTH, BATCH, RATE = 200_000, 128, 64, 0.1


def sparse_step():
    """The step against numpy by hand (a Comparison: median seconds per call, ratio)."""
    rng = np.random.RandomState(0)
    W = graphlens.shared(rng.rand(ROWS, WIDTH) * 0.01, name="W")
    idx, target = T.ivector("idx"), T.dmatrix("target")
    rows = W[idx]
    cost = T.sqr(rows - target).sum()
    step = graphlens.function([idx, target], cost,
                              updates=[(W, T.inc_subtensor(rows, -RATE * T.grad(cost, rows)))])
    reference_W = W.get_value()
    batch = rng.randint(0, ROWS, BATCH).astype("int32")
    targets = rng.rand(BATCH, WIDTH)

    def by_hand():
        picked = reference_W[batch]
        diff = picked - targets
        np.add.at(reference_W, batch, -RATE * 2 * diff)
        return (diff * diff).sum()

    # The same arithmetic: one step of each from the same W gives the same rows.
    before = W.get_value()
    step(batch, targets)
    by_hand()
    np.testing.assert_allclose(W.get_value(borrow=True)[batch], reference_W[batch])
    assert np.array_equal(np.delete(W.get_value(borrow=True), batch, 0), np.delete(before, batch, 0))
    return compare(lambda: step(batch, targets), by_hand, number=20, rounds=15)


def benchmarks() -> dict:
    """bench/run.py's section."""
    return {"sparse step: 64 rows of a 200,000 x 128 embedding, vs np.add.at": sparse_step}


def main():
    result = sparse_step()
    print(f"sparse step, {ROWS:,} x {WIDTH} embedding, {BATCH} rows: graphlens "
          f"{result.ours * 1e3:.3f} ms, numpy by hand {result.reference * 1e3:.3f} ms, "
          f"ratio {result.ratio:.2f}")


if __name__ == "__main__":
    main()
