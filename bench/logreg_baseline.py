"""Is bench/steps.py's numpy logistic-regression step a fair baseline? Its numbers, and its cost
against a hand-written numpy step as stable as the compiled one.

    OPENBLAS_NUM_THREADS=1 python bench/logreg_baseline.py [runs]

The tutorial's step writes the cross-entropy from the probability, `-y * log(p) - (1 - y) *
log(1 - p)`, and the gradient as `p - y`. Where a score passes about 37, `p` rounds to 1.0: the
loss is inf or nan (0 * -inf) and the gradient is exactly 0 where it is not. The compiled step
computes the loss from the scores (`sigmoid_binary_crossentropy`) and the gradient as
`(1 - y) * sigmoid(z) - y * sigmoid(-z)`: finite and exact there, the three from one
`sigmoid_bce_parts` node (two exps and a log1p against the tutorial's exp and two logs).
This script shows both facts on bench/steps.py's own data (its weights scaled so that a few
scores saturate), then times the compiled step against
the tutorial's numpy, against a numpy step written with the compiled step's formulas, and
against a numpy replica of the compiled program (both first checked to give the compiled step's
numbers), and against the same step compiled without `sigmoid_parts_shared` (the loss and both
sigmoids as three ops: the program before session 7). The baseline of bench/run.py is
unchanged.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import steps  # noqa: E402
from timing import compare  # noqa: E402
from arguments import script_arguments


def stable_numpy_step(state):
    """The tutorial's step by hand, with the compiled step's stable loss and gradient."""
    def train(x, y):
        w_now = state["w"]
        z = x @ w_now + state["b"]
        with np.errstate(over="ignore"):
            p = 1 / (1 + np.exp(-z))
            q = 1 / (1 + np.exp(z))
        xent = np.log1p(np.exp(-np.abs(z))) + (np.maximum(z, 0) - y * z)
        delta = ((1 - y) * p - y * q) / len(y)
        state["w"] = w_now - steps.LOGREG_RATE * (x.T @ delta + 0.02 * w_now)
        state["b"] = state["b"] - steps.LOGREG_RATE * delta.sum()
        return p > 0.5, xent
    return train


def replica_step(state):
    """The compiled step's program (`debugprint(train)`) written by hand: its kernels, in its
    order, in place where it writes in place. Timed against the compiled call, the difference
    is the call's own Python-level work, not the arithmetic."""
    def parts(z, t):
        # sigmoid_bce_parts (tensor/nnet/sigmoid_parts.py): exp(min(z, 0)) and exp(-max(z, 0))
        a = np.exp(np.minimum(z, 0.0))
        linear = np.maximum(z, 0.0)
        b = np.exp(np.negative(linear))
        e = a * b
        loss = t * z
        np.subtract(linear, loss, out=loss)
        loss += np.log1p(e, out=linear)
        e += 1.0
        return loss, np.divide(a, e, out=a), np.divide(b, e, out=b)

    def train(x, y):
        w_now = state["w"]
        z = np.dot(x, w_now)
        z += np.asarray(state["b"])[None]
        loss, p, q = parts(z, y)
        prediction = np.greater(p, np.array([0.5]))
        delta = np.subtract(1.0, y)
        delta *= p
        np.multiply(y, q, out=q)
        delta -= q
        delta /= np.asarray(len(y), np.int64)[None].astype(np.float64)
        gradient = np.dot(delta, x)
        scaled = np.multiply(0.02, w_now)
        scaled += gradient
        scaled *= steps.LOGREG_RATE
        state["w"] = np.subtract(w_now, scaled, out=gradient)
        state["b"] = state["b"] - steps.LOGREG_RATE * np.add.reduce(delta, (0,))
        return prediction, loss
    return train


def without_shared_parts(x, y):
    """bench/steps.py's graphlens step compiled without `sigmoid_parts_shared` (the loss,
    sigmoid(z) and sigmoid(-z) as three ops, three exps): the program before session 7."""
    from graphlens.compile.mode import Mode
    import graphlens.tensor as T
    from graphlens import function, grad, shared
    w0 = np.random.default_rng(0).standard_normal(steps.LOGREG_FEATURES) * 0.01
    xs, ys = T.dmatrix("x"), T.dvector("y")
    w, b = shared(w0, name="w"), shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(xs, w) - b))
    xent = -ys * T.log(p_1) - (1 - ys) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = grad(cost, [w, b])
    return function([xs, ys], [p_1 > 0.5, xent], name="train",
                    mode=Mode("FAST_RUN", exclude=("sigmoid_parts_shared",)),
                    updates=[(w, w - steps.LOGREG_RATE * gw), (b, b - steps.LOGREG_RATE * gb)])


def saturated_scores(train, x, y):
    """The tutorial's formulas and the compiled step on weights 40 times bench/steps.py's."""
    w_shared, b_shared = train.shared_inputs
    start = w_shared.get_value().copy()
    w_shared.set_value(start * 40)
    _, xent = train(x, y)
    w_shared.set_value(start)
    b_shared.set_value(0.0)
    z = x @ (start * 40)
    p = 1 / (1 + np.exp(-z))
    with np.errstate(divide="ignore", invalid="ignore"):
        tutorial = -y * np.log(p) - (1 - y) * np.log(1 - p)
    exact = (1 - y) * p - y * (1 / (1 + np.exp(z)))
    zeroed = np.sum(((p - y) == 0) & (exact != 0))
    print(f"scores beyond +-37: {np.sum(np.abs(z) > 37)} of {len(z)}; tutorial loss not finite "
          f"for {np.sum(~np.isfinite(tutorial))} (graphlens: {np.sum(~np.isfinite(xent))}); "
          f"tutorial gradient 0 where the exact one is not: {zeroed}")
    return start


def main(runs=3):
    """Print the saturated examples, then `runs` pairs of ratios (CPU time, paired rounds)."""
    train, tutorial, (x, y) = steps.logreg_step_functions()
    start = saturated_scores(train, x, y)
    state, replica_state = {"w": start.copy(), "b": 0.0}, {"w": start.copy(), "b": 0.0}
    stable, replica = stable_numpy_step(state), replica_step(replica_state)
    ours, theirs, again = train(x, y), stable(x, y), replica(x, y)
    for other, other_state in ((theirs, state), (again, replica_state)):
        np.testing.assert_array_equal(ours[0], other[0])
        np.testing.assert_allclose(ours[1], other[1], rtol=1e-12)
        np.testing.assert_allclose(train.shared_inputs[0].get_value(), other_state["w"],
                                   rtol=1e-12)
    before = without_shared_parts(x, y)
    for _ in range(runs):
        ratios = [compare(lambda: train(x, y), reference, rounds=151, clock=time.process_time).ratio
                  for reference in (lambda: tutorial(x, y), lambda: stable(x, y),
                                    lambda: replica(x, y), lambda: before(x, y))]
        print("graphlens / tutorial numpy {:.3f}   / numpy with the same stable formulas {:.3f}"
              "   / numpy replica of its program {:.3f}   / itself without "
              "sigmoid_parts_shared {:.3f}".format(*ratios))


if __name__ == "__main__":
    main(*(script_arguments(__doc__)[:1] or [3]))
