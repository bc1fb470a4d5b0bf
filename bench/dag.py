"""Compile time at scale: a random DAG of elementwise ops, its gradient, compiled and called once.

    OPENBLAS_NUM_THREADS=1 python bench/dag.py            # 2,000 and 10,000 nodes, phases + growth
    OPENBLAS_NUM_THREADS=1 python bench/dag.py 10000      # one size

The graph (issue #23): `n` elementwise ops over four vectors of 100 float64, each reading one or
two of the 30 values made just before it (a constant now and then), the cost the sum of every
value nothing else reads; then `grad` of that cost with respect to the four vectors, and
`function(inputs, [cost] + grads)` in FAST_RUN. The ops keep values bounded (tanh, sin,
sigmoid, products of bounded values), so the first call computes finite numbers and checks them.

Phases, each in CPU seconds (`time.process_time`, best of `repeats` fresh builds):
build (the user's loop), grad, compile (`function`), first call, a later call, and the same
`function` call again (answered by the compile cache). The growth of
each phase from 2,000 to 10,000 nodes should stay near 5x (linear); the issue's bound is 6x.
"""

from __future__ import annotations

import gc
import random
import time

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.compile import cache
from arguments import script_arguments

VECTOR = 100
PHASES = ("build", "grad", "compile", "first call", "later call")
# Not summed into the total: the same graph compiled a second time.
EXTRA = ("compile again",)


def random_dag(n_ops: int, seed: int = 0):
    """(inputs, cost): `n_ops` elementwise ops over four vectors, cost = sum of unread values.

    >>> inputs, cost = random_dag(50)
    """
    rng = random.Random(seed)
    values = [T.dvector(name) for name in ("a", "b", "c", "d")]
    inputs = list(values)
    unread = dict.fromkeys(values)
    unary = (T.tanh, T.sin, T.nnet.sigmoid, T.neg, T.cos)
    bounded_binary = (T.mul, T.maximum, T.minimum)
    for _ in range(n_ops):
        recent = values[-30:]
        first = rng.choice(recent)
        roll = rng.random()
        if roll < 0.4:
            args, value = (first,), rng.choice(unary)(first)
        elif roll < 0.5:
            args, value = (first,), first * rng.choice((0.5, 0.9))
        else:
            second = rng.choice(recent)
            args = (first, second)
            # Sums are squashed right away (one more op) so values stay bounded along the DAG.
            if rng.random() < 0.3:
                value = T.tanh(first + second)
            else:
                value = rng.choice(bounded_binary)(first, second)
        for arg in args:
            unread.pop(arg, None)
        values.append(value)
        unread[value] = None
    cost = T.add(*[T.sum(var) for var in unread if var.owner is not None])
    return inputs, cost


def phases(n_ops: int, seed: int = 0) -> dict:
    """CPU seconds of each phase for one fresh DAG of `n_ops` ops."""
    # The graphs of earlier runs are garbage in reference cycles: collect them first, untimed,
    # or the next build pays for a full pass over them.
    gc.collect()
    seconds = {}
    start = time.process_time()
    inputs, cost = random_dag(n_ops, seed)
    seconds["build"] = time.process_time() - start
    start = time.process_time()
    grads = grad(cost, inputs)
    seconds["grad"] = time.process_time() - start
    # A fresh compile, not an answer from the compile cache: an earlier repeat's function on a
    # graph of the same structure (same seed) may still be alive and would be reused.
    cache.clear()
    start = time.process_time()
    f = function(inputs, [cost] + grads)
    seconds["compile"] = time.process_time() - start
    data = [np.random.default_rng(i).standard_normal(VECTOR) for i in range(4)]
    start = time.process_time()
    results = f(*data)
    seconds["first call"] = time.process_time() - start
    assert all(np.all(np.isfinite(r)) for r in results), "the DAG's values overflowed"
    start = time.process_time()
    f(*data)
    seconds["later call"] = time.process_time() - start
    start = time.process_time()
    again = function(inputs, [cost] + grads)           # the compile cache (compile/cache.py)
    seconds["compile again"] = time.process_time() - start
    # A hit: the same graph, or (outputs made afresh) the rewritten graph copied, not rewritten.
    assert len(again.fgraph.apply_nodes) == len(f.fgraph.apply_nodes)
    seconds["total"] = sum(seconds[p] for p in PHASES[:4])
    return seconds


def best_phases(n_ops: int, repeats: int = 3) -> dict:
    """The best (smallest) CPU seconds of each phase over `repeats` fresh builds."""
    phases(50)          # warm up: first uses of ops and caches are not the graph's cost
    runs = [phases(n_ops) for _ in range(repeats)]
    return {key: min(run[key] for run in runs) for key in runs[0]}


def growth(small: int = 2000, large: int = 10000, repeats: int = 3) -> dict:
    """{phase: (small seconds, large seconds, ratio)}; linear phases give about large/small."""
    low, high = best_phases(small, repeats), best_phases(large, repeats)
    return {key: (low[key], high[key], high[key] / low[key]) for key in low}


def main(sizes=(2000, 10000)):
    """Print each size's phases, and the growth of each phase between the first two sizes."""
    table = {n: best_phases(n) for n in sizes}
    columns = PHASES + ("total",) + EXTRA
    print(f"{'nodes':>7} " + " ".join(f"{p:>13}" for p in columns) + "  (CPU s)")
    for n, row in table.items():
        print(f"{n:>7,} " + " ".join(f"{row[p]:13.3f}" for p in columns))
    if len(sizes) >= 2:
        low, high = table[sizes[0]], table[sizes[1]]
        print(f"{'growth':>7} " + " ".join(f"{high[p] / low[p]:12.2f}x" for p in columns))


if __name__ == "__main__":
    main(tuple(script_arguments(__doc__)) or (2000, 10000))
