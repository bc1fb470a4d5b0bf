"""graphlens benchmarks: ratios against hand-written numpy and against the previous version.

    python bench/run.py            # run, print ratios, compare with bench/results.json
    python bench/run.py --save     # ... and store these figures as the new previous version

Each line: the graphlens time, the hand-written numpy time (medians per call), their ratio (lower
is better; 1.00 means as fast as numpy: the median of the ratios of alternating rounds, see
timing.py), and the ratio's change against the stored previous run. Sections that
other modules of bench/ provide (rewrites, printing, pictures) are run when present.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import graphlens.tensor as T  # noqa: E402
from graphlens import function, grad, shared  # noqa: E402
from timing import compare  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")
SIZES = (784, 256, 256, 10)
BATCH = 256
RATE = np.float32(0.01)


def call_overhead():
    """f(x, y) = x + y on two float64 scalars, against numpy's own add of two scalars."""
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y)
    a, b = np.float64(1.5), np.float64(2.5)
    # Short rounds (0.2 ms a side) and many of them: on a shared machine a round that another
    # process interrupts is an outlier the median of the ratios drops.
    return compare(lambda: f(a, b), lambda: np.add(a, b), number=200, rounds=201)


def _mlp_params(rng):
    weights, biases = [], []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        weights.append((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype("float32"))
        biases.append(np.zeros(n_out, dtype="float32"))
    return weights, biases


def mlp_forward():
    """One forward pass of a 784-256-256-10 tanh MLP, batch 256, float32."""
    rng = np.random.default_rng(0)
    weights, biases = _mlp_params(rng)
    data = rng.standard_normal((BATCH, SIZES[0])).astype("float32")
    x = T.fmatrix("x")
    h = x
    for i, (w, b) in enumerate(zip(weights, biases)):
        h = T.dot(h, shared(w, name=f"W{i}")) + shared(b, name=f"b{i}")
        if i < len(weights) - 1:
            h = T.tanh(h)
    f = function([x], h)

    def numpy_forward():
        out = data
        for i, (w, b) in enumerate(zip(weights, biases)):
            out = out @ w + b
            if i < len(weights) - 1:
                out = np.tanh(out)
        return out

    np.testing.assert_allclose(f(data), numpy_forward(), rtol=1e-4, atol=1e-5)
    return compare(lambda: f(data), numpy_forward, number=5)


def _sgd_step(params, mode="FAST_RUN"):
    """The compiled SGD step (softmax cross-entropy, rate 0.01) of the MLP on `params`."""
    n_layers = len(params) // 2
    x, y = T.fmatrix("x"), T.lvector("y")
    h = x
    for i in range(n_layers):
        h = T.dot(h, params[i]) + params[n_layers + i]
        if i < n_layers - 1:
            h = T.tanh(h)
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(h), y).mean()
    grads = grad(cost, params)
    return function([x, y], cost, updates=[(p, p - RATE * g) for p, g in zip(params, grads)],
                    mode=mode)


def _shared_params(weights, biases):
    return ([shared(w.copy(), name=f"W{i}") for i, w in enumerate(weights)]
            + [shared(b.copy(), name=f"b{i}") for i, b in enumerate(biases)])


def _batch(rng):
    return (rng.standard_normal((BATCH, SIZES[0])).astype("float32"),
            rng.integers(0, SIZES[-1], BATCH).astype("int64"))


def mlp_sgd_step():
    """One SGD step (softmax cross-entropy) of the MLP, against hand-written numpy backprop."""
    rng = np.random.default_rng(1)
    weights, biases = _mlp_params(rng)
    data, labels = _batch(rng)
    step = _sgd_step(_shared_params(weights, biases))
    np_weights = [w.copy() for w in weights]
    np_biases = [b.copy() for b in biases]

    def numpy_step():
        activations = [data]
        out = data
        for i, (w, b) in enumerate(zip(np_weights, np_biases)):
            out = out @ w + b
            if i < len(np_weights) - 1:
                out = np.tanh(out)
            activations.append(out)
        shifted = out - out.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(BATCH), labels]).mean()
        delta = probs
        delta[np.arange(BATCH), labels] -= 1
        delta /= BATCH
        for i in reversed(range(len(np_weights))):
            grad_w = activations[i].T @ delta
            grad_b = delta.sum(axis=0)
            if i > 0:
                delta = (delta @ np_weights[i].T) * (1 - activations[i] ** 2)
            np_weights[i] -= RATE * grad_w
            np_biases[i] -= RATE * grad_b
        return loss

    first_ours, first_numpy = float(step(data, labels)), float(numpy_step())
    assert abs(first_ours - first_numpy) < 1e-4, (first_ours, first_numpy)
    return compare(lambda: step(data, labels), numpy_step, number=5, rounds=61)


def mlp_step_modes():
    """The same SGD step compiled in FAST_RUN against mode NONE (no rewrites)."""
    rng = np.random.default_rng(1)
    weights, biases = _mlp_params(rng)
    data, labels = _batch(rng)
    fast = _sgd_step(_shared_params(weights, biases))
    plain = _sgd_step(_shared_params(weights, biases), mode="NONE")
    assert abs(float(fast(data, labels)) - float(plain(data, labels))) < 1e-5
    return compare(lambda: fast(data, labels), lambda: plain(data, labels), number=5)


_DAG_RUNS = {}


def _dag(n_ops):
    """bench/dag.py's phases of an `n_ops` random DAG, measured once per run of this script."""
    import dag
    if n_ops not in _DAG_RUNS:
        _DAG_RUNS[n_ops] = dag.best_phases(n_ops, repeats=1)
    return _DAG_RUNS[n_ops]


def dag_phases():
    """The 10,000-node random DAG (bench/dag.py): build + grad + compile + first call, CPU
    seconds, against the issue's bound of 1 s (the 'reference' column). Prints each phase."""
    import dag
    phases = _dag(10000)
    print("    10k DAG phases (CPU s): " + ", ".join(f"{name} {phases[name]:.3f}"
                                                     for name in dag.PHASES))
    return phases["total"], 1.0


def dag_growth():
    """Growth of each phase of the random DAG from 2,000 to 10,000 nodes (linear: about 5x,
    bound 6x); returns the slowest-growing phase's (10k seconds, 2k seconds)."""
    import dag
    small, large = _dag(2000), _dag(10000)
    print("    2k -> 10k growth: " + ", ".join(f"{name} {large[name] / small[name]:.2f}x"
                                               for name in dag.PHASES[:4]))
    worst = max(dag.PHASES[:4], key=lambda name: large[name] / small[name])
    return large[worst], small[worst]


# Compile time at scale (issue #23), in their own entries so that sections merge cleanly.
SCALE = {
    "10k random DAG: build+grad+compile+1st call vs 1 s": dag_phases,
    "random DAG, fastest-growing phase, 10k vs 2k (<= 6)": dag_growth,
}


CORE = {
    "call overhead, f(x, y) = x + y on scalars": call_overhead,
    "MLP 784-256-256-10 forward, batch 256, float32": mlp_forward,
    "MLP 784-256-256-10 SGD step, batch 256, float32": mlp_sgd_step,
    "MLP SGD step, FAST_RUN vs NONE": mlp_step_modes,
}
# Other bench modules contribute sections with a `benchmarks()` -> {name: callable} function,
# each callable returning a timing.Comparison, or (graphlens seconds, reference seconds).
# "steps": the small training steps (logistic regression, the sgn autoencoder's
# gradient); "dag": the 10,000-node random DAG and its phases; "sparse_update": a word2vec-style
# step writing 64 rows of a big shared embedding in place; "givens_minibatch": the tutorials'
# minibatch step over shared data and cast labels.
SECTIONS = ("steps", "dag", "rewrites", "printing", "pictures", "lenet", "sparse_update",
            "givens_minibatch")


def collect():
    """{name: benchmark} of the core and every section module present in bench/."""
    benchmarks = dict(CORE)
    benchmarks.update(SCALE)
    for section in SECTIONS:
        try:
            module = importlib.import_module(section)
        except ImportError:
            continue
        if hasattr(module, "benchmarks"):
            benchmarks.update(module.benchmarks())
    return benchmarks


def _shown(seconds) -> str:
    """A time in 11 columns: microseconds below a millisecond (a call's overhead), else ms."""
    return f"{seconds * 1e6:9.2f}us" if seconds < 1e-3 else f"{seconds * 1e3:9.3f}ms"


def main():
    """Run every benchmark and print its ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="store results as the baseline")
    parser.add_argument("--only", default="", help="run benchmarks whose name has this text "
                        "(or one of these texts, separated by commas)")
    args = parser.parse_args()
    previous = json.load(open(RESULTS)) if os.path.exists(RESULTS) else {}
    results = {}
    print(f"{'benchmark':58} {'graphlens':>11} {'reference':>11} {'ratio':>7} {'vs prev':>8}")
    for name, benchmark in collect().items():
        if not any(part in name for part in args.only.split(",")):
            continue
        result = benchmark()
        ours, reference = result[0], result[1]
        ratio = result.ratio if hasattr(result, "ratio") else ours / reference
        before = previous.get(name, {}).get("ratio")
        change = f"{ratio / before:7.2f}x" if before else "    new"
        print(f"{name:58} {_shown(ours)} {_shown(reference)} {ratio:7.2f} {change}")
        results[name] = {"ours_s": ours, "reference_s": reference, "ratio": ratio}
    if args.save:
        previous.update(results)
        with open(RESULTS, "w") as handle:
            json.dump(previous, handle, indent=2, sort_keys=True)
            handle.write("\n")


if __name__ == "__main__":
    main()
