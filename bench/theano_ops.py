"""CPU time of Theano's extra ops (sort, cumsum, repeat, tile, erf chain, batched_dot) compiled by
graphlens against the same numpy/scipy calls made directly: the ratio is graphlens's overhead.

    python bench/theano_ops.py [n]        # arrays of n x 256 (n = 2000 by default)
"""

import time

import numpy as np
import scipy.special

import graphlens.tensor as T
from graphlens import function
from arguments import script_arguments


def best_time(run, repeats=20):
    """The fastest of `repeats` CPU timings of run()."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main(n=2000):
    """Print graphlens's time / numpy's time for each op on an n x 256 float64 array."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(n, 256))
    stack = rng.normal(size=(n // 8, 16, 32))
    x, s = T.dmatrix("x"), T.dtensor3("s")
    cases = {
        "sort(axis=1)": (function([x], T.sort(x, axis=1)), a, lambda: np.sort(a, axis=1)),
        "cumsum(axis=0)": (function([x], T.cumsum(x, axis=0)), a, lambda: np.cumsum(a, axis=0)),
        "repeat(3, axis=1)": (function([x], T.repeat(x, 3, axis=1)), a,
                              lambda: np.repeat(a, 3, axis=1)),
        "tile((2, 2))": (function([x], T.tile(x, (2, 2))), a, lambda: np.tile(a, (2, 2))),
        "erf(x) * 2 + gammaln(|x| + 1)": (
            function([x], T.erf(x) * 2 + T.gammaln(abs(x) + 1)), a,
            lambda: scipy.special.erf(a) * 2 + scipy.special.gammaln(np.abs(a) + 1)),
        "batched_dot(s, s^T)": (function([s], T.batched_dot(s, s.dimshuffle(0, 2, 1))), stack,
                                lambda: np.matmul(stack, stack.transpose(0, 2, 1))),
    }
    for name, (compiled, value, reference) in cases.items():
        ours = best_time(lambda: compiled(value))
        theirs = best_time(reference)
        print(f"{name:32s} graphlens {ours * 1e3:8.2f} ms   numpy {theirs * 1e3:8.2f} ms   "
              f"ratio {ours / theirs:5.2f}")


if __name__ == "__main__":
    main(*script_arguments(__doc__))
