"""Time pp and debugprint on graphs of 10,000 and 100,000 nodes: printing must be linear.

Run from the repository root:

    PYTHONPATH=. python bench/printing.py            # sizes 10000 and 100000
    PYTHONPATH=. python bench/printing.py 5000 50000

Two graphs: a model-like one (`tanh(h * w + v)` runs, some results used twice) and the
elementwise chain `y = y + 1.0` of issue #23 (bench/big_graph.py's graph), whose goal is pp plus
debugprint in at most 2 s together at 100,000 ops. Prints, for each printer, the first call's and
the best of three CPU times at each size and the ratio of the larger to the smaller; for sizes
10x apart a linear printer shows a ratio near 10 (the goal is at most 12). CPU time, not wall
time, so that other processes on the machine blur the numbers less. The first call counts: it is
the one a user waits for.
"""

from __future__ import annotations

import time

import graphlens.tensor as T
from graphlens.render.debugprint import debugprint
from graphlens.render.pp import pp
from arguments import script_arguments

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


def elementwise_chain(n_nodes: int):
    """`y = y + 1.0`, `n_nodes` times: the chain of bench/big_graph.py."""
    y = T.dvector("x")
    for _ in range(n_nodes):
        y = y + 1.0
    return y


def cpu_seconds(print_once) -> tuple:
    """(first, least) CPU time of REPEATS runs of `print_once()`."""
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        print_once()
        times.append(time.process_time() - start)
    return times[0], min(times)


def main(sizes):
    printers = {"pp": lambda g: pp(g), "debugprint": lambda g: debugprint(g, file="str")}
    small, large = min(sizes), max(sizes)
    for kind, build in (("model-like", model_like_graph), ("chain", elementwise_chain)):
        graphs = {}
        for size in sizes:
            start = time.perf_counter()
            graphs[size] = build(size)
            print(f"{kind}: built {size:>7} nodes in {time.perf_counter() - start:5.1f} s")
        together = {size: [0.0, 0.0] for size in sizes}
        for name, printer in printers.items():
            seconds = {size: cpu_seconds(lambda: printer(graphs[size])) for size in sizes}
            for size in sizes:
                together[size][0] += seconds[size][0]
                together[size][1] += seconds[size][1]
            cells = "  ".join(f"{size:>7} nodes {seconds[size][0]:5.2f} s first "
                              f"{seconds[size][1]:5.2f} s best" for size in sizes)
            ratio = seconds[large][1] / seconds[small][1]
            print(f"  {name:<10} {cells}  ratio {large}/{small}: {ratio:4.1f}")
        cells = "  ".join(f"{size:>7} nodes {together[size][0]:5.2f} s first "
                          f"{together[size][1]:5.2f} s best" for size in sizes)
        print(f"  {'together':<10} {cells}")


if __name__ == "__main__":
    main(script_arguments(__doc__) or [10_000, 100_000])
