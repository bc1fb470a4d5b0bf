"""Time pictures of 1,000-op graphs: DOT text, and SVG through each Graphviz layout backend.

Run from the repository root:

    PYTHONPATH=. python bench/pictures.py
    PYTHONPATH=. python bench/pictures.py --samples docs/images   # redraw the sample pictures

Two graphs of about 1,000 ops, every op drawn (max_nodes=None):
- the training step of a 48-layer MLP as given (forward pass, gradients, 96 updates): the
  shape of real graphs, and the hard case for a layered layout, since the backward pass reads
  forward values from far above;
- a deterministic random DAG of elementwise ops over four inputs, with a constant now and then.
For each it prints the time to build the DOT text and the median of three SVG renders per
backend, as wall time and CPU time (the CPU time is what to compare on a busy machine). The wasm
backend compiles its WebAssembly module once per process; the first render is also shown with
that one-off cost included, as a fresh `python -c` would see it.

`--samples DIR` instead writes the sample pictures of the gallery's logistic regression and MLP
training steps (before, after, both; SVG with the wasm backend, so the bytes are the same on
every machine, and one HTML viewer each) into DIR.
"""

from __future__ import annotations

import os
import random
import resource
import runpy
import statistics
import sys
import time

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.graph.basic import toposort
from graphlens.render.dot import to_dot
from graphlens.render.layout import available_backends, render_dot

REPEATS = 3


def random_graph(n_ops: int, seed: int = 0):
    """A DAG of at least `n_ops` elementwise ops over four vectors; returns every result that
    no op reads (so that every op built is drawn)."""
    rng = random.Random(seed)
    values = [T.dvector(name) for name in ("a", "b", "c", "d")]
    unread = dict.fromkeys(values)
    unary = (T.exp, T.tanh, T.log1p, T.sqr, T.neg, T.abs)
    binary = (T.add, T.sub, T.mul, T.maximum)
    while True:
        for _ in range(50):
            recent = values[-30:]
            first = rng.choice(recent)
            if rng.random() < 0.35:
                args = (first,)
                value = rng.choice(unary)(first)
            elif rng.random() < 0.15:
                args = (first,)
                value = rng.choice(binary)(first, rng.choice((0.5, 2.0)))
            else:
                args = (first, rng.choice(recent))
                value = rng.choice(binary)(*args)
            for arg in args:
                unread.pop(arg, None)
            values.append(value)
            unread[value] = None
        outputs = [var for var in unread if var.owner is not None]
        if len(toposort(outputs)) >= n_ops:
            return outputs


def deep_mlp_step(depth: int = 48):
    """One SGD step of a `depth`-layer tanh MLP (8 units wide), compiled without rewrites."""
    rng = np.random.default_rng(0)
    x, y = T.dmatrix("x"), T.ivector("y")
    hidden, params = x, []
    for layer in range(depth):
        W = shared(rng.normal(size=(8, 8)) * 0.3, name=f"layer{layer}/W")
        b = shared(np.zeros(8), name=f"layer{layer}/b")
        params += [W, b]
        hidden = T.tanh(T.dot(hidden, W) + b)
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(hidden), y).mean()
    grads = grad(cost, params)
    return function([x, y], cost, mode="NONE",
                    updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)])


def count_ops(dot_text: str) -> int:
    """The number of op boxes in a DOT text."""
    return dot_text.count('class="op"')


def median_seconds(work) -> tuple[float, float]:
    """The median (wall, CPU) seconds of REPEATS calls of `work()`; CPU includes children."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        wall, cpu = _timed(work)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def _timed(work) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), _cpu()
    work()
    return time.perf_counter() - start, _cpu() - start_cpu


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_graph(name: str, obj, backends) -> None:
    """Print the DOT and SVG timings of one graph."""
    start = time.perf_counter()
    dot_text = to_dot(obj, max_nodes=None)
    dot_seconds = time.perf_counter() - start
    cut = dot_text.count('class="reference"')
    print(f"{name}: {count_ops(dot_text)} ops drawn, {dot_text.count(' -> ')} edges, "
          f"{cut} long edges cut; DOT text "
          f"{len(dot_text) / 1e3:.0f} kB in {dot_seconds:.3f} s")
    if "wasm" in backends:
        cold, _ = _timed(lambda: render_dot(dot_text, backend="wasm"))
        wall, cpu = median_seconds(lambda: render_dot(dot_text, backend="wasm"))
        print(f"  wasm   SVG {wall:.3f} s (CPU {cpu:.3f} s); first render in this process "
              f"{cold:.3f} s;  DOT + SVG {dot_seconds + wall:.3f} s (target <= 3 s)")
    if "system" in backends:
        wall, cpu = median_seconds(lambda: render_dot(dot_text, backend="system"))
        print(f"  system SVG {wall:.3f} s (CPU {cpu:.3f} s)")


def write_samples(directory: str) -> None:
    """Draw gallery/logreg.py's and gallery/mlp.py's `train` into `directory`."""
    from graphlens.render.picture import pydotprint
    os.makedirs(directory, exist_ok=True)
    for model in ("logreg", "mlp"):
        train = runpy.run_path(os.path.join("gallery", f"{model}.py"))["train"]
        for stage in ("before", "after", "both"):
            path = os.path.join(directory, f"{model}_{stage}.svg")
            pydotprint(train, path, stage=stage, backend="wasm")
            print(path)
        path = os.path.join(directory, f"{model}.html")
        pydotprint(train, path, stage="both", backend="wasm")
        print(path)


def main() -> None:
    """Print the timings of both graphs."""
    backends = available_backends()
    step = deep_mlp_step()
    time_graph(f"48-layer MLP step ({len(step.fgraph.apply_nodes)} ops)", step, backends)
    outputs = random_graph(1000)
    time_graph(f"random DAG ({len(toposort(outputs))} ops)", outputs, backends)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--samples"] and len(sys.argv) == 3:
        write_samples(sys.argv[2])
    else:
        main()
