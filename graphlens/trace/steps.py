"""Gradient norms per time step: how the cost's gradient reaches each state of each loop, step by
step back in time, and a terminal plot of them (a vanishing gradient is a cliff on the left).

>>> for loop in step_gradients(cost, {x: batch}):          # doctest: +SKIP
...     print("\\n".join(loop.plot()))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from graphlens.errors import where
from graphlens.graph.basic import clone_graph, toposort
from graphlens.scan.op import Scan
from graphlens.scan.probe import probed_loop, probed_states
from graphlens.compile.function import function
from graphlens.backprop import grad

# Rows of the plot; each is one decade when the norms span at most that many.
PLOT_HEIGHT = 8
PLOT_WIDTH = 80


@dataclass(frozen=True)
class StepGradients:
    """The gradient norm of one loop state at every step (step 0 first)."""

    name: str                 # 'rnn: h[t]'
    where: str                # the user's line that built the loop
    norms: tuple
    variable: object = field(default=None, compare=False, repr=False)

    def vanishes_after(self, ratio: float = 1e-4) -> int | None:
        """How many steps back from the strongest the norm stays at least `ratio` of it; None
        when it never falls below (the gradient survives the whole sequence)."""
        if not self.norms:
            return None
        top = int(np.argmax(self.norms))
        largest = self.norms[top]
        for back, norm in enumerate(reversed(self.norms[:top + 1])):
            if norm < ratio * largest:
                return back
        return None

    def plot(self, height: int = PLOT_HEIGHT, width: int = PLOT_WIDTH) -> list[str]:
        """An ASCII chart of log10(norm) per step, step 0 at the left; steps are grouped by
        their largest norm when there are more than `width`."""
        return plot_norms(self.norms, height, width, f"gradient norm per step of {self.name}")


def plot_norms(norms, height, width, title) -> list[str]:
    """Columns of '#' on a log scale, one per step (or group of steps), with decade labels."""
    values = list(norms)
    if not values:
        return [f"{title}: no steps ran"]
    group = max(1, math.ceil(len(values) / width))
    columns = [max(values[i:i + group]) for i in range(0, len(values), group)]
    positive = [v for v in columns if v > 0]
    if not positive:
        return [f"{title}: every step's gradient is exactly 0"]
    top = math.ceil(math.log10(max(positive)) + 1e-12)
    bottom = math.floor(math.log10(min(positive)))
    bottom = min(bottom, top - 1)
    span = top - bottom
    lines = [title + (f" ({group} steps per column)" if group > 1 else "")]
    for row in range(height, 0, -1):
        level = bottom + span * (row - 0.5) / height
        cells = "".join("#" if v > 0 and math.log10(v) >= level else " " for v in columns)
        label = f"1e{bottom + span * row / height:+.0f}" if row in (height, 1) else ""
        lines.append(f"{label:>6} |{cells}")
    lines.append(f"{'':>6} +{'-' * len(columns)}")
    last = len(values) - 1
    axis = f"step 0{' ' * max(1, len(columns) - len(f'step 0') - len(str(last)))}{last}"
    lines.append(f"{'':>8}{axis}")
    return lines


def step_gradients(cost, inputs, *, givens=None, mode=None) -> list[StepGradients]:
    """The per-step gradient norms of every float state of every loop the cost depends on.

    inputs: {symbolic input: value} for the cost's inputs.
    """
    loops = [node for node in toposort([cost]) if isinstance(node.op, Scan)
             and probed_states(node.op)]
    if not loops:
        return []
    gradients, labels, lengths = [], [], []
    for node in loops:
        twin_outputs, probes = probed_loop(node)
        (probed_cost,), _ = clone_graph([cost], replace=dict(zip(node.outputs, twin_outputs)))
        found = grad(probed_cost, [probe for _, probe in probes], disconnected_inputs="ignore")
        for (state, _), g in zip(probes, found):
            gradients.append(g)
            lengths.append(twin_outputs[state])
            title = node.op.name or "scan"
            labels.append((f"{title}: {node.op.output_names()[state]}",
                           where(node.outputs[0]), node.outputs[state]))
    evaluate = function(list(inputs), gradients + [trace.shape[0] for trace in lengths],
                        givens=givens, mode=mode, on_unused_input="ignore")
    values = evaluate(*inputs.values())
    results = []
    for (name, site, variable), g, steps in zip(labels, values, values[len(gradients):]):
        g = np.asarray(g)[:int(steps)]
        norms = np.sqrt(np.sum(g.reshape(g.shape[0], -1).astype(np.float64) ** 2, axis=1))
        results.append(StepGradients(name, site, tuple(float(n) for n in norms), variable))
    return results
