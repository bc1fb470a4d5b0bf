"""CPU time to build, compile (mode NONE) and run a chain of 100,000 elementwise nodes.

    python bench/big_graph.py [n_nodes]
"""

import sys
import time

import graphlens.tensor as T
from graphlens import function


def main(n_nodes=100_000):
    """Print the CPU seconds of each stage for a chain y = y + 1.0 of `n_nodes` nodes."""
    x = T.dscalar("x")
    y = x
    start = time.process_time()
    for _ in range(n_nodes):
        y = y + 1.0
    built = time.process_time()
    f = function([x], y, mode="NONE")
    compiled = time.process_time()
    assert f(0.0) == n_nodes
    ran = time.process_time()
    print(f"{n_nodes} nodes: build {built - start:.2f} s, compile {compiled - built:.2f} s, "
          f"run {ran - compiled:.2f} s (CPU)")


if __name__ == "__main__":
    main(*[int(arg) for arg in sys.argv[1:]])
