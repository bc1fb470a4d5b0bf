"""Compile time of a long sum, `x0 + x1 + ... + x(n-1)` over n distinct vectors, as users write it.

The chain flattens into one n-ary Add in a single rewrite at its top; flattening link by link
rebuilt it once per link (quadratic). Prints seconds per size and the growth per doubling.

    OPENBLAS_NUM_THREADS=1 python bench/long_sum.py
"""

import time

import graphlens.tensor as T
from graphlens import function


def compile_seconds(n: int) -> float:
    """CPU seconds to compile the chained sum of n vectors."""
    xs = [T.dvector(f"x{i}") for i in range(n)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    start = time.process_time()
    function(xs, total)
    return time.process_time() - start


def main():
    previous = None
    for n in (1000, 2000, 4000, 10000):
        seconds = min(compile_seconds(n) for _ in range(2))
        growth = f"  x{seconds / previous:.2f} from the size before" if previous else ""
        print(f"sum of {n:>6,} terms: compile {seconds:6.2f} s CPU{growth}")
        previous = seconds


if __name__ == "__main__":
    main()
