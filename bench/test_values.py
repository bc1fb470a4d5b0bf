"""What test values cost: building a graph with `compute_test_value` on, against building it with
the flag off and then evaluating it once (compile in mode NONE, plus one call).

    OPENBLAS_NUM_THREADS=1 python bench/test_values.py [n_nodes]

The graph is a deep tanh network on a (16, 32) batch, three nodes a layer (dot, add, tanh),
so `n_nodes` / 3 layers. The ratio printed last is the issue's target: at most 1. Also printed:
what the views pay on the same graph for its static shapes (`static_shapes`, read by
debugprint, pp and pictures) and for `show --values` (`value_summaries`, one evaluation).
"""

import time

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import config
from graphlens.tensor.static_shape import static_shapes
from graphlens.trace.values import value_summaries
from arguments import script_arguments


def build(n_nodes, x, W, b):
    """The chain of n_nodes / 3 layers y = tanh(dot(y, W) + b)."""
    y = x
    for _ in range(n_nodes // 3):
        y = T.tanh(T.dot(y, W) + b)
    return y


def best_cpu(action, repeats=3):
    """The smallest CPU time of `repeats` runs of `action()`, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.process_time()
        result = action()
        times.append(time.process_time() - start)
    return min(times), result


def main(n_nodes=10_000):
    """Print the CPU seconds of each way and the ratio test values / (build + evaluate once)."""
    rng = np.random.RandomState(0)
    x_value = rng.rand(16, 32)
    x = T.dmatrix("x")
    x.tag.test_value = x_value
    W = graphlens.shared(rng.randn(32, 32) * 0.1, name="W")
    b = graphlens.shared(np.zeros(32), name="b")
    build(300, x, W, b)                                   # warm caches and imports

    built_off, y = best_cpu(lambda: build(n_nodes, x, W, b))

    def evaluate_once():
        return graphlens.function([x], y, mode="NONE")(x_value)
    evaluated, expected = best_cpu(evaluate_once)

    def build_with_test_values():
        with config.change_flags(compute_test_value="raise"):
            return build(n_nodes, x, W, b)
    built_on, y_tv = best_cpu(build_with_test_values)
    np.testing.assert_allclose(y_tv.tag.test_value, expected, rtol=1e-10)

    shapes_time, known = best_cpu(lambda: static_shapes(y))
    assert known.shape(y) == (16, 32)
    values_time, summaries = best_cpu(lambda: value_summaries(y))
    assert summaries[y].mean == float(np.mean(expected))

    print(f"{n_nodes} nodes (CPU seconds, best of 3)")
    print(f"  build, compute_test_value='off'            {built_off:7.3f}")
    print(f"  compile (mode NONE) + one call             {evaluated:7.3f}")
    print(f"  build, compute_test_value='raise'          {built_on:7.3f}")
    print(f"  ratio test values / (build + evaluate)     "
          f"{built_on / (built_off + evaluated):7.2f}")
    print(f"  views: static shapes of the graph          {shapes_time:7.3f}")
    print(f"  show --values: summaries, one evaluation   {values_time:7.3f}")


if __name__ == "__main__":
    main(*script_arguments(__doc__))
