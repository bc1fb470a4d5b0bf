"""Benchmarks of the rewrites: fused elementwise chains against numpy, and compile time growth.

    python bench/rewrites.py          # prints each benchmark's times and ratio

`bench/run.py` imports `benchmarks()`. Each ratio is the median of alternating rounds'
ratios (timing.py), so that the drifting speed of a shared machine blurs it less.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from graphlens.graph.basic import toposort  # noqa: E402
from timing import compare  # noqa: E402

CHAIN_LENGTH = 200
VECTOR_LENGTH = 1_000_000


# One elementwise step each, symbolic and numpy; cycled to make a chain. Values stay bounded.
ARITHMETIC = [
    (lambda v: v * 1.0001, lambda v: v * 1.0001),
    (lambda v: v + 0.5, lambda v: v + 0.5),
    (abs, np.abs),
    (lambda v: v - 0.25, lambda v: v - 0.25),
    (lambda v: -v, np.negative),
    (lambda v: T.maximum(v, 0.1), lambda v: np.maximum(v, 0.1)),
    (lambda v: v * 0.999, lambda v: v * 0.999),
    (lambda v: T.minimum(v, 3.0), lambda v: np.minimum(v, 3.0)),
]
WITH_TANH = ARITHMETIC[:7] + [(T.tanh, np.tanh)]


def elementwise_chain(steps=ARITHMETIC):
    """A chain of 200 elementwise ops on a 1e6-element float64 vector, compiled (fused, one
    array reused) against the same numpy calls each making a new array."""
    x = T.dvector("x")
    y = x
    for i in range(CHAIN_LENGTH):
        y = steps[i % len(steps)][0](y)
    f = function([x], y)
    data = np.random.default_rng(0).standard_normal(VECTOR_LENGTH)

    def naive():
        value = data
        for i in range(CHAIN_LENGTH):
            value = steps[i % len(steps)][1](value)
        return value

    np.testing.assert_allclose(f(data), naive(), rtol=1e-12)
    return compare(lambda: f(data), naive, rounds=7)


def deep_network(n_nodes):
    """Cost and gradient of a deep tanh network on a vector: a graph of about `n_nodes` nodes
    with the usual mix (dot-free layers, sums, gradients, shared parameters)."""
    rng = np.random.default_rng(0)
    x = T.dvector("x")
    h, params, layers = x, [], 0
    while True:
        w = shared(rng.standard_normal(4), name=f"w{layers}")
        b = shared(np.zeros(4), name=f"b{layers}")
        params += [w, b]
        h = T.tanh(h * w + b) + 0.1 * h
        layers += 1
        if layers % 10 == 0:
            cost = T.sum(T.sqr(h))
            grads = grad(cost, params)
            if len(toposort([cost] + grads)) >= n_nodes:
                return [x], [cost] + grads


def compile_time_growth(small=2000, large=10000):
    """Compile time (FAST_RUN) of a 10,000-node graph against a 2,000-node one: linear
    compiling gives 5x."""
    small_graph, large_graph = deep_network(small), deep_network(large)
    return compare(lambda: function(*large_graph), lambda: function(*small_graph), rounds=5)


def benchmarks():
    """{name: callable returning (graphlens seconds, reference seconds)} for bench/run.py."""
    return {
        "chain of 200 elementwise ops, 1e6 float64 (fused) vs numpy": elementwise_chain,
        "same chain with tanh every 8th op vs numpy": lambda: elementwise_chain(WITH_TANH),
        "compile FAST_RUN: 10,000-node graph vs 2,000-node graph": compile_time_growth,
    }


def main():
    """Run each benchmark and print its times and ratio."""
    print(f"{'benchmark':58} {'graphlens':>11} {'reference':>11} {'ratio':>7}")
    for name, benchmark in benchmarks().items():
        ours, reference, ratio = benchmark()
        print(f"{name:58} {ours * 1e3:9.2f}ms {reference * 1e3:9.2f}ms {ratio:7.2f}")


if __name__ == "__main__":
    main()
