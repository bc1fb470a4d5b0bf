"""A 100-unit tanh RNN over 200 steps, forward plus the BPTT gradient, with `scan`, against a
hand-written numpy loop doing the same arithmetic. Goal (issue 16): at most 1.5x.

    OPENBLAS_NUM_THREADS=1 python bench/scan_rnn.py

The model: h[t] = tanh(x[t] @ W_in + h[t-1] @ W + b), cost = 0.5 * sum(h ** 2), gradients with
respect to W_in, W and b. Printed: the median time per call of each side and the median of the
per-round ratios (bench/timing.py), for a minibatch of 32 sequences and for a single sequence
(where the per-step overhead of the loop, not numpy's work, decides).
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphlens  # noqa: E402
import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from timing import compare  # noqa: E402

UNITS, STEPS = 100, 200


def build(batch, rng):
    """(compiled cost-and-gradients function, numpy reference, input value)."""
    w_in = rng.normal(size=(UNITS, UNITS)) * 0.1
    w_rec = rng.normal(size=(UNITS, UNITS)) * 0.1
    bias = np.zeros(UNITS)
    W_in, W, b = shared(w_in, name="W_in"), shared(w_rec, name="W"), shared(bias, name="b")
    x = T.dtensor3("x") if batch else T.dmatrix("x")
    h0 = T.zeros((batch, UNITS) if batch else (UNITS,), dtype="float64")
    h, _ = graphlens.scan(lambda x_t, h: T.tanh(T.dot(x_t, W_in) + T.dot(h, W) + b),
                          sequences=x, outputs_info=h0)
    cost = 0.5 * (h ** 2).sum()
    step = function([x], [cost] + grad(cost, [W_in, W, b]))

    def numpy_step(xs):
        hs = np.empty((STEPS,) + xs.shape[1:-1] + (UNITS,))
        h_prev = np.zeros(xs.shape[1:-1] + (UNITS,))
        for t in range(STEPS):
            h_prev = hs[t] = np.tanh(xs[t] @ w_in + h_prev @ w_rec + bias)
        d_in, d_rec, d_b = np.zeros_like(w_in), np.zeros_like(w_rec), np.zeros_like(bias)
        carry = np.zeros_like(hs[0])
        for t in range(STEPS - 1, -1, -1):
            dz = (hs[t] + carry) * (1 - hs[t] ** 2)
            before = hs[t - 1] if t else np.zeros_like(hs[0])
            if batch:
                d_in += xs[t].T @ dz
                d_rec += before.T @ dz
                d_b += dz.sum(axis=0)
            else:
                d_in += np.outer(xs[t], dz)
                d_rec += np.outer(before, dz)
                d_b += dz
            carry = dz @ w_rec.T
        return 0.5 * (hs ** 2).sum(), d_in, d_rec, d_b

    value = rng.normal(size=(STEPS, batch, UNITS) if batch else (STEPS, UNITS))
    return step, numpy_step, value


def main():
    rng = np.random.default_rng(0)
    for batch, label in ((32, "minibatch of 32"), (0, "one sequence")):
        step, numpy_step, value = build(batch, rng)
        ours, reference = step(value), numpy_step(value)
        for got, want in zip(ours, reference):
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
        result = compare(lambda: step(value), lambda: numpy_step(value), number=1, rounds=15)
        print(f"tanh RNN {UNITS} units x {STEPS} steps, forward + BPTT, {label}: "
              f"graphlens {result.ours * 1e3:.1f} ms, numpy {result.reference * 1e3:.1f} ms, "
              f"ratio {result.ratio:.2f}" + ("  (goal <= 1.5)" if batch else ""))


if __name__ == "__main__":
    main()
