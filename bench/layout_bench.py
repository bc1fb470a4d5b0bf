"""Time the Graphviz layout backends on 1,000-node graphs: wasm (wasmtime) against system `dot`.

Run from the repository root (sizes are optional, 1000 by default):

    PYTHONPATH=. python bench/layout_bench.py 1000 3000

Prints one line per graph: the median of three renders to SVG for each backend and their ratio.
The wasm backend's one-off module load is printed separately: it is paid once per process.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time

from graphlens.render.layout import available_backends, render_dot
from arguments import script_arguments

REPEATS = 3


def chain_dot(size: int) -> str:
    """A chain of `size` labelled boxes: n0 -> n1 -> ... (the shape of a long elementwise chain)."""
    nodes = "".join(f'  n{i} [label="Elemwise{{add}} #{i}"];\n' for i in range(size))
    edges = "".join(f"  n{i} -> n{i + 1};\n" for i in range(size - 1))
    return "digraph G {\n  node [shape=box];\n" + nodes + edges + "}\n"


def tree_dot(size: int) -> str:
    """A binary tree of `size` labelled boxes, node i feeding nodes 2i+1 and 2i+2."""
    nodes = "".join(f'  n{i} [label="Elemwise{{mul}} #{i}"];\n' for i in range(size))
    edges = "".join(f"  n{(i - 1) // 2} -> n{i};\n" for i in range(1, size))
    return "digraph G {\n  node [shape=box];\n" + nodes + edges + "}\n"


def median_seconds(dot_text: str, backend: str) -> float:
    """The median wall time of REPEATS renders of `dot_text` to SVG with `backend`."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        render_dot(dot_text, backend=backend)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(sizes: list[int]) -> None:
    """Print the timings for chains and trees of each size."""
    backends = available_backends()
    if "system" in backends:
        version = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
        print(f"system: {shutil.which('dot')} ({version})")
    else:
        print("system: `dot` not on PATH, skipped")
    if "wasm" in backends:
        start = time.perf_counter()
        render_dot("digraph { a }", backend="wasm")
        print(f"wasm: module load + first tiny render {time.perf_counter() - start:.3f} s")
    print(f"{'graph':<16}{'wasm s':>10}{'system s':>10}{'system/wasm':>13}")
    for size in sizes:
        for name, make in (("chain", chain_dot), ("tree", tree_dot)):
            dot_text = make(size)
            wasm = median_seconds(dot_text, "wasm") if "wasm" in backends else None
            system = median_seconds(dot_text, "system") if "system" in backends else None
            ratio = f"{system / wasm:.2f}" if wasm and system else "-"
            cells = [f"{t:.3f}" if t is not None else "-" for t in (wasm, system)]
            print(f"{f'{name} {size}':<16}{cells[0]:>10}{cells[1]:>10}{ratio:>13}")


if __name__ == "__main__":
    main(script_arguments(__doc__) or [1000])
