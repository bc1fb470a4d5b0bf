"""Big graphs: build, compile and run a 100,000-node chain; draw big models folded.

    python bench/big_graph.py [n_nodes]       # the chain: CPU seconds to build, compile, run
    python bench/big_graph.py pictures        # big pictures, wall seconds (wasm layout)

`pictures` measures what issue #20 asks of big graphs, with the pip-only layout
(backend='wasm'), wall time from the built graph to the SVG text:

- a 20-layer MLP's training function (gallery/deep_mlp.py's HiddenLayer stacked 20 deep, with
  its gradient and updates) drawn folded by layer, and the same expanded fully;
- a 100,000-op graph (the same layers stacked 5,000 deep, forward, gradient and updates,
  never compiled) drawn as its folded summary, and expanded fully with every op asked for
  under a 5 s time budget: the layout is stopped and the folded summary drawn instead;
- `graphlens show` on the model with 900 layers (18,037 ops as given), wall time of the
  whole command (running the model file, compiling it, tracing gradients, drawing).
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from arguments import script_arguments

HERE = os.path.dirname(os.path.abspath(__file__))
FOLD_CLASS = 'class="node fold"'
DEEP_MLP = os.path.join(HERE, "..", "gallery", "deep_mlp.py")


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


class HiddenLayer:
    """The tutorial's layer (gallery/deep_mlp.py), small weights: the graph is what counts."""

    def __init__(self, inp, n_in, n_out, rng):
        self.W = shared(rng.standard_normal((n_in, n_out)) * 0.1, name="W")
        self.b = shared(np.zeros(n_out), name="b")
        self.output = T.tanh(T.dot(inp, self.W) + self.b)


def deep_mlp(n_layers):
    """(x, cost, updates) of `n_layers` hidden layers, a softmax and one SGD step."""
    rng = np.random.default_rng(0)
    x, y = T.dmatrix("x"), T.ivector("y")
    h, params = x, []
    for _ in range(n_layers):
        layer = HiddenLayer(h, 16, 16, rng)
        params += [layer.W, layer.b]
        h = layer.output
    V = shared(np.zeros((16, 3)), name="V")
    p_y = T.nnet.softmax(T.dot(h, V))
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    params.append(V)
    updates = [(p, p - 0.1 * g) for p, g in zip(params, grad(cost, params))]
    return x, y, cost, updates


def timed(what, work):
    start = time.perf_counter()
    result = work()
    print(f"  {what}: {time.perf_counter() - start:.2f} s")
    return result


def pictures():
    from graphlens.render.picture import pydotprint
    from graphlens.render.layout import render_dot

    render_dot("digraph { a }", backend="wasm")      # load Graphviz's module once
    print("20-layer MLP training function")
    x, y, cost, updates = deep_mlp(20)
    train = function([x, y], cost, updates=updates, name="train")
    print(f"  {len(train.fgraph_before.apply_nodes):,} ops as given, "
          f"{len(train.fgraph.apply_nodes):,} after rewrites")
    folded = timed("folded by layer, both stages, SVG", lambda: pydotprint(
        train, stage="both", backend="wasm"))
    print(f"    {folded.count(FOLD_CLASS)} folded boxes")
    timed("expanded fully (--expand all), both stages, every op, SVG", lambda: pydotprint(
        train, stage="both", backend="wasm", expand=["all"], max_nodes=None,
        time_budget=0))

    print("100,000-op graph")
    start = time.perf_counter()
    x, y, cost, updates = deep_mlp(5000)
    # Mode NONE: the graph as given, with its updates, without rewriting 100,000 ops.
    step = function([x, y], cost, updates=updates, mode="NONE")
    ops = len(step.fgraph_before.apply_nodes)
    print(f"  {ops:,} ops built (with gradient and updates) and wrapped in "
          f"{time.perf_counter() - start:.1f} s")
    summary = timed("folded summary, SVG", lambda: pydotprint(step, stage="before",
                                                                backend="wasm"))
    print(f"    {summary.count(FOLD_CLASS)} folded boxes")
    fallback = timed("every op asked for (expand all, max_nodes=None), 5 s budget", lambda:
                     pydotprint(step, stage="before", backend="wasm", expand=["all"],
                                max_nodes=None, time_budget=5))
    print(f"    fell back to the folded summary: {'this is the folded summary' in fallback}")

    print("graphlens show, 900 layers")
    env = dict(os.environ, N_LAYERS="900", GRAPHLENS_LAYOUT="wasm")
    start = time.perf_counter()
    out = os.path.join(tempfile.mkdtemp(), "deep_mlp_900.svg")
    subprocess.run([sys.executable, "-m", "graphlens.cli.main", "show", DEEP_MLP, "-o", out],
                   env=env, check=True, capture_output=True)
    print(f"  whole command: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    if script_arguments(__doc__, None) == ["pictures"]:
        pictures()
    else:
        main(*script_arguments(__doc__))
