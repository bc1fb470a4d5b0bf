"""Where the MLP SGD step spends its time: each node of the compiled step, against the parts of
the hand-written numpy step, in the same process and interleaved.

    OPENBLAS_NUM_THREADS=1 python bench/profile_step.py [steps]
    OPENBLAS_NUM_THREADS=1 python bench/profile_step.py [steps] --logreg   # bench/steps.py's
    OPENBLAS_NUM_THREADS=1 python bench/profile_step.py [steps] --sgn      # bench/steps.py's

Each node's `perform` is timed (mean µs per step); the numpy step is timed in three parts
(forward, cross-entropy with its gradient, backward with the updates). Small nodes cost more
here than run alone: the matrix products between them evict the interpreter's working set.
The timed program runs every node through `perform` and a timing wrapper; a real call runs the
straight-line code (compile/straight.py), where small nodes are direct calls or inline
expressions, so the sum of the nodes here is more than a call costs (compare `bench/run.py`).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402
import steps  # noqa: E402

CROSS_ENTROPY = ("Crossentropy", "Mean", "AxisSize", "DimShuffle", "Composite{fill")


def _timed_program(program, totals):
    """The VM program with each perform timed into `totals[i]`."""
    def timed(i, perform):
        def perform_and_time(node, inputs):
            start = time.perf_counter()
            result = perform(node, inputs)
            totals[i] += time.perf_counter() - start
            return result
        return perform_and_time
    return [(timed(i, step[0]),) + step[1:] for i, step in enumerate(program)]


def numpy_step_in_parts(params, data, labels, parts):
    """The hand-written step of bench/run.py, adding each part's seconds into `parts`."""
    n_layers = len(params) // 2
    weights, biases = params[:n_layers], params[n_layers:]
    start = time.perf_counter()
    activations, out = [data], data
    for i in range(n_layers):
        out = out @ weights[i] + biases[i]
        if i < n_layers - 1:
            out = np.tanh(out)
        activations.append(out)
    middle = time.perf_counter()
    parts["forward"] += middle - start
    probs = np.exp(out - out.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = -np.log(probs[rows, labels]).mean()
    delta = probs
    delta[rows, labels] -= 1
    delta /= len(labels)
    start, middle = middle, time.perf_counter()
    parts["cross-entropy"] += middle - start
    for i in reversed(range(n_layers)):
        grad_w, grad_b = activations[i].T @ delta, delta.sum(axis=0)
        if i > 0:
            delta = (delta @ weights[i].T) * (1 - activations[i] ** 2)
        weights[i] -= run.RATE * grad_w
        biases[i] -= run.RATE * grad_b
    parts["backward and updates"] += time.perf_counter() - middle
    return loss


def logreg_numpy_in_parts(state, x, y, parts):
    """bench/steps.py's numpy logistic-regression step, adding each part's seconds to `parts`."""
    start = time.perf_counter()
    scores = x @ state["w"]
    middle = time.perf_counter()
    parts["x @ w"] += middle - start
    p = 1 / (1 + np.exp(-scores - state["b"]))
    xent = -y * np.log(p) - (1 - y) * np.log(1 - p)
    delta = (p - y) / len(y)
    prediction = p > 0.5
    start, middle = middle, time.perf_counter()
    parts["sigmoid, cross-entropy, its gradient"] += middle - start
    grad_w = x.T @ delta
    start, middle = middle, time.perf_counter()
    parts["x.T @ delta"] += middle - start
    state["w"] = state["w"] - steps.LOGREG_RATE * (grad_w + 0.02 * state["w"])
    state["b"] = state["b"] - steps.LOGREG_RATE * delta.sum()
    parts["updates"] += time.perf_counter() - middle
    return prediction, xent


def sgn_numpy_in_parts(w1, w2, x, parts):
    """bench/steps.py's numpy sgn-autoencoder gradient, adding each part's seconds to `parts`."""
    start = time.perf_counter()
    code = np.sign(x @ w1)
    error = code @ w2 - x
    middle = time.perf_counter()
    parts["code, error"] += middle - start
    cost = (error ** 2).sum(axis=1).mean()
    start, middle = middle, time.perf_counter()
    parts["cost"] += middle - start
    grads = np.zeros_like(w1), code.T @ (error * (2 / len(x)))
    parts["gradients"] += time.perf_counter() - middle
    return cost, grads


def _profile(step, args, numpy_in_parts, part_names, steps_count, marked=()):
    """Print each node's mean µs per step, interleaved with the numpy step's parts."""
    program = list(step.vm.program)
    totals = [0.0] * len(program)
    step.vm.set_program(_timed_program(program, totals))
    step._build_call()
    parts = dict.fromkeys(part_names, 0.0)
    for _ in range(steps_count):
        step(*args)
        numpy_in_parts(parts)
    step.vm.set_program(program)
    step._build_call()
    print(f"{'µs/step':>8}  node of the compiled step, in the order it runs")
    in_marked = 0.0
    for seconds, (_, node, *_) in zip(totals, program):
        print(f"{seconds / steps_count * 1e6:8.1f}  {node.op.label}")
        if marked and node.op.label.startswith(marked):
            in_marked += seconds
    print(f"{sum(totals) / steps_count * 1e6:8.1f}  all nodes" + (
        f" (cross-entropy nodes: {in_marked / steps_count * 1e6:.1f})" if marked else ""))
    print(f"\n{'µs/step':>8}  part of the hand-written numpy step")
    for name, seconds in parts.items():
        print(f"{seconds / steps_count * 1e6:8.1f}  {name}")
    print(f"{sum(parts.values()) / steps_count * 1e6:8.1f}  all parts")


def main(steps_count=300, model="mlp"):
    """Print each node's mean time per step and the numpy parts', for the MLP SGD step or
    (model 'logreg', 'sgn') the logistic-regression step or sgn-autoencoder gradient of
    bench/steps.py."""
    if model == "logreg":
        step, _, args = steps.logreg_step_functions()
        state = {"w": step.shared_inputs[0].get_value(), "b": 0.0}
        names = ("x @ w", "sigmoid, cross-entropy, its gradient", "x.T @ delta", "updates")
        _profile(step, args, lambda parts: logreg_numpy_in_parts(state, *args, parts), names,
                 steps_count)
        return
    if model == "sgn":
        step, _, data = steps.sgn_autoencoder_functions()
        w1, w2 = (var.get_value() for var in step.shared_inputs)
        _profile(step, (data,), lambda parts: sgn_numpy_in_parts(w1, w2, data, parts),
                 ("code, error", "cost", "gradients"), steps_count)
        return
    rng = np.random.default_rng(1)
    weights, biases = run._mlp_params(rng)
    data, labels = run._batch(rng)
    step = run._sgd_step(run._shared_params(weights, biases))
    params = [w.copy() for w in weights] + [b.copy() for b in biases]
    _profile(step, (data, labels),
             lambda parts: numpy_step_in_parts(params, data, labels, parts),
             ("forward", "cross-entropy", "backward and updates"), steps_count, CROSS_ENTROPY)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(arguments[0]) if arguments else 300,
         "logreg" if "--logreg" in sys.argv[1:] else "sgn" if "--sgn" in sys.argv[1:] else "mlp")
