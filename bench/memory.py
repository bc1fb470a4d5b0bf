"""Peak memory of one MLP SGD step: the evaluator's schedule against a depth-first order, and
against the hand-written numpy step.

    OPENBLAS_NUM_THREADS=1 python bench/memory.py

numpy reports its array allocations to tracemalloc, so the peak traced above the start of a call
is the most memory the call's temporaries held at once (weights and inputs are not counted).
"""

from __future__ import annotations

import os
import sys
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402
from graphlens.graph.fg import FunctionGraph  # noqa: E402
from profile_step import numpy_step_in_parts  # noqa: E402


def peak_bytes(call) -> int:
    """The most memory `call()` held above what was allocated when it started."""
    call()                              # a first call, so lazy set-up is not counted
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    call()
    peak = tracemalloc.get_traced_memory()[1] - start
    tracemalloc.stop()
    return peak


def main():
    """Print the peaks of the three steps."""
    rng = np.random.default_rng(1)
    weights, biases = run._mlp_params(rng)
    data, labels = run._batch(rng)
    scheduled = run._sgd_step(run._shared_params(weights, biases))
    locality_schedule = FunctionGraph.schedule
    FunctionGraph.schedule = FunctionGraph.toposort      # compile on the plain order instead
    try:
        depth_first = run._sgd_step(run._shared_params(weights, biases))
    finally:
        FunctionGraph.schedule = locality_schedule
    params = [w.copy() for w in weights] + [b.copy() for b in biases]
    parts = dict.fromkeys(("forward", "cross-entropy", "backward and updates"), 0.0)
    steps = {
        "graphlens, locality schedule": lambda: scheduled(data, labels),
        "graphlens, depth-first order": lambda: depth_first(data, labels),
        "hand-written numpy": lambda: numpy_step_in_parts(params, data, labels, parts),
    }
    for name, call in steps.items():
        print(f"{name:30} peak {peak_bytes(call) / 2 ** 20:6.2f} MiB")


if __name__ == "__main__":
    main()
