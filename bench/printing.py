"""Time pp and debugprint on graphs of 10,000 and 100,000 nodes: printing must be linear.

Run from the repository root:

    PYTHONPATH=. python bench/printing.py            # sizes 10000 and 100000
    PYTHONPATH=. python bench/printing.py 5000 50000

Prints, for each printer, the best of three CPU times at each size and the ratio of the larger to
the smaller; for sizes 10x apart a linear printer shows a ratio near 10 (the goal is at most 12).
CPU time, not wall time, so that other processes on the machine blur the numbers less.
"""

from __future__ import annotations

import sys
import time

import graphlens.tensor as T
from graphlens.render.debugprint import debugprint
from graphlens.render.pp import pp

REPEATS = 3


def model_like_graph(n_nodes: int):
    """About `n_nodes` nodes built through the public API: runs of `tanh(h * w + v)` with every
    fourth result used twice (`h * h`), so pp binds names and debugprint marks repeats."""
    v = T.dvector("v")
    w = T.dvector("w")
    h = v
    built = 0
    while built < n_nodes:
        h = T.tanh(h * w + v)
        built += 3
        if built % 12 == 0:
            h = h * h
            built += 1
    return h


def best_cpu_seconds(print_once) -> float:
    """The least CPU time of REPEATS runs of `print_once()`."""
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        print_once()
        times.append(time.process_time() - start)
    return min(times)


def main(sizes):
    graphs = {}
    for size in sizes:
        start = time.perf_counter()
        graphs[size] = model_like_graph(size)
        print(f"built {size:>7} nodes in {time.perf_counter() - start:5.1f} s")
    printers = {"pp": lambda g: pp(g), "debugprint": lambda g: debugprint(g, file="str")}
    small, large = min(sizes), max(sizes)
    for name, printer in printers.items():
        seconds = {size: best_cpu_seconds(lambda: printer(graphs[size])) for size in sizes}
        cells = "  ".join(f"{size:>7} nodes {seconds[size]:6.2f} s" for size in sizes)
        ratio = seconds[large] / seconds[small]
        print(f"{name:<10} {cells}  ratio {large}/{small}: {ratio:4.1f}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 100_000])
