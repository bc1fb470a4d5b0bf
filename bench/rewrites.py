"""Benchmarks of the rewrites: fused elementwise chains against numpy, and compile time growth.

    python bench/rewrites.py          # prints each benchmark's times and ratio

`bench/run.py` imports `benchmarks()`. Times are CPU seconds of this process (time.process_time),
the best of several interleaved rounds: on a shared machine wall-clock time mostly measures the
neighbours.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from graphlens.graph.basic import toposort  # noqa: E402

CHAIN_LENGTH = 200
VECTOR_LENGTH = 1_000_000


def best_cpu_times(calls, rounds=7):
    """The best CPU time of each call in `calls`, over `rounds` rounds that alternate them."""
    best = [float("inf")] * len(calls)
    for _ in range(rounds):
        for i, call in enumerate(calls):
            start = time.process_time()
            call()
            best[i] = min(best[i], time.process_time() - start)
    return best


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
    ours, numpy_time = best_cpu_times([lambda: f(data), naive], rounds=5)
    return ours, numpy_time


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
    graphs = [deep_network(small), deep_network(large)]
    times = best_cpu_times([lambda g=g: function(*g) for g in graphs], rounds=3)
    return times[1], times[0]


MLP_SIZES = (784, 256, 256, 10)
BATCH = 256
RATE = np.float32(0.01)


def _mlp_weights(seed=1):
    rng = np.random.default_rng(seed)
    weights = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype("float32")
               for a, b in zip(MLP_SIZES[:-1], MLP_SIZES[1:])]
    return weights + [np.zeros(b, dtype="float32") for b in MLP_SIZES[1:]]


def _mlp_step(mode):
    """The compiled SGD step of a 784-256-256-10 tanh MLP with softmax cross-entropy."""
    params = [shared(value) for value in _mlp_weights()]
    x, y = T.fmatrix("x"), T.lvector("y")
    h = x
    for i in range(3):
        h = T.dot(h, params[i]) + params[3 + i]
        h = T.tanh(h) if i < 2 else h
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(h), y).mean()
    updates = [(p, p - RATE * g) for p, g in zip(params, grad(cost, params))]
    return function([x, y], cost, updates=updates, mode=mode)


def _numpy_step(params, data, labels):
    """The same SGD step written by hand in numpy (weights and biases updated in place)."""
    weights, biases = params[:3], params[3:]
    activations, out = [data], data
    for i in range(3):
        out = out @ weights[i] + biases[i]
        if i < 2:
            out = np.tanh(out)
        activations.append(out)
    probs = np.exp(out - out.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = -np.log(probs[rows, labels]).mean()
    delta = probs
    delta[rows, labels] -= 1
    delta /= len(labels)
    for i in reversed(range(3)):
        grad_w, grad_b = activations[i].T @ delta, delta.sum(axis=0)
        if i > 0:
            delta = (delta @ weights[i].T) * (1 - activations[i] ** 2)
        weights[i] -= RATE * grad_w
        biases[i] -= RATE * grad_b
    return loss


def _mlp_data():
    rng = np.random.default_rng(2)
    return (rng.standard_normal((BATCH, MLP_SIZES[0])).astype("float32"),
            rng.integers(0, MLP_SIZES[-1], BATCH))


def mlp_step_against_numpy():
    """One SGD step of the MLP (batch 256, float32), compiled in FAST_RUN, against hand-written
    numpy. CPU time: run with OPENBLAS_NUM_THREADS=1, or BLAS threads spinning count too."""
    data, labels = _mlp_data()
    step, params = _mlp_step("FAST_RUN"), _mlp_weights()
    assert abs(float(step(data, labels)) - float(_numpy_step(params, data, labels))) < 1e-4
    return tuple(best_cpu_times([lambda: step(data, labels),
                                 lambda: _numpy_step(params, data, labels)], rounds=30))


def mlp_step_modes():
    """One SGD step of the MLP, FAST_RUN against NONE."""
    data, labels = _mlp_data()
    steps = [_mlp_step("FAST_RUN"), _mlp_step("NONE")]
    return tuple(best_cpu_times([lambda s=s: s(data, labels) for s in steps], rounds=10))


def benchmarks():
    """{name: callable returning (graphlens seconds, reference seconds)} for bench/run.py."""
    return {
        "chain of 200 elementwise ops, 1e6 float64 (fused) vs numpy": elementwise_chain,
        "same chain with tanh every 8th op vs numpy": lambda: elementwise_chain(WITH_TANH),
        "compile FAST_RUN: 10,000-node graph vs 2,000-node graph": compile_time_growth,
        "MLP SGD step, FAST_RUN vs hand-written numpy (CPU time)": mlp_step_against_numpy,
        "MLP SGD step, FAST_RUN vs NONE": mlp_step_modes,
    }


def main():
    """Run each benchmark and print its times and ratio."""
    print(f"{'benchmark':58} {'graphlens':>11} {'reference':>11} {'ratio':>7}")
    for name, benchmark in benchmarks().items():
        ours, reference = benchmark()
        print(f"{name:58} {ours * 1e3:9.2f}ms {reference * 1e3:9.2f}ms {ours / reference:7.2f}")


if __name__ == "__main__":
    main()
