"""Where a NaN is born and where it only travels: the forward and backward flow of non-finite
values through the user's graph, on a real batch.

A NaN (or Inf) has one birthplace and many carriers. Forward, the birthplace is an op whose
output is not finite although all its inputs are (`log(0)`); every node downstream that reads it
only carries it on. Backward, it is a variable whose gradient is not finite although the
gradients of everything that reads it are: the gradient ops of its readers made it (`d log(p)/dp
= 1/p` at `p = 0`). Pictures draw the two apart (`render/trace_overlay.py`, `nan_overlay`).

>>> flow = nan_flow(cost, {x: batch}, gradient_stats(cost, params, {x: batch}))  # doctest: +SKIP
>>> print(flow.births[0])                                                        # doctest: +SKIP
forward: Log produced 37 -inf (of 192 values) in log(p) at model.py:33, from finite inputs
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphlens.compile.function import function
from graphlens.errors import where
from graphlens.graph.basic import Constant, readers, toposort
from graphlens.graph.types import is_discrete
from graphlens.trace.nan import is_finite, summarize
from graphlens.trace.naming import short_expression
from graphlens.trace.stats import split_inputs


@dataclass(frozen=True)
class NaNBirth:
    """One birthplace: `direction` 'forward' (the op made non-finite values from finite
    inputs) or 'backward' (the gradient of `variable` became non-finite in its readers'
    gradient ops, their own gradients being finite)."""

    direction: str
    op: str                   # forward: the op's label; backward: the readers' labels
    expression: str
    where: str
    counts: str               # '37 -inf (of 192 values)'
    variable: object = field(default=None, compare=False, repr=False)

    def __str__(self):
        if self.direction == "forward":
            return (f"forward: {self.op} produced {self.counts} in {self.expression} at "
                    f"{self.where}, from finite inputs")
        return (f"backward: the gradient of {self.expression} (built at {self.where}) has "
                f"{self.counts}, made by the gradients of its readers ({self.op}), whose own "
                f"gradients are finite")


@dataclass
class NaNFlow:
    """`births` (NaNBirth, forward first), and the variables that only carry a non-finite
    value (`carried`) or gradient (`carried_gradient`) on from a birthplace."""

    births: list
    carried: list
    carried_gradient: list

    def __bool__(self):
        return bool(self.births or self.carried or self.carried_gradient)


def nan_flow(cost, inputs, stats=None) -> NaNFlow:
    """The NaN flow of `cost` on `inputs` ({variable: value}, as for `gradient_stats`); the
    backward half from `stats` (a GradientStats of the same cost and inputs) when given."""
    explicit, values, givens = split_inputs(inputs)
    nodes = toposort([cost])
    watched = [out for node in nodes for out in node.outputs if not is_discrete(out.dtype)]
    evaluate = function(explicit, watched, givens=givens, on_unused_input="ignore")
    with np.errstate(all="ignore"):
        results = evaluate(*values)
    value_of = dict(zip(watched, results))
    for var, value in zip(explicit, values):
        value_of[var] = value
    for var, given in givens.items():
        value_of[var] = given.data
    births, carried = [], []
    for node in nodes:
        for out in node.outputs:
            if out not in value_of or is_finite(value_of[out]):
                continue
            if all(is_finite(_value(var, value_of)) for var in node.inputs):
                summary = summarize(out, value_of[out])
                births.append(NaNBirth("forward", node.op.label, short_expression(out),
                                       where(out), _counts(summary), out))
            else:
                carried.append(out)
    backward, carried_gradient = _backward(nodes, stats) if stats is not None else ([], [])
    return NaNFlow(births + backward, carried, carried_gradient)


def _backward(nodes, stats):
    """Backward births and carriers from the gradient statistics: a variable whose gradient
    is non-finite while every read output's gradient is finite is a birthplace."""
    items = {item.variable: item for item in stats.parameters + stats.nodes}
    bad = {var for var, item in items.items()
           if item.gradient is not None and item.gradient.nonfinite}
    readers_of = readers(nodes)
    births, carried = [], []
    for var, item in items.items():
        if var not in bad:
            continue
        reading = readers_of.get(var, [])
        if any(out in bad for node in reading for out in node.outputs):
            carried.append(var)
            continue
        ops = ", ".join(dict.fromkeys(node.op.label for node in reading)) or "none"
        counts = f"{item.gradient.nonfinite} NaN/Inf (of {int(np.prod(item.value.shape))} values)"
        births.append(NaNBirth("backward", ops, item.name, item.where, counts, var))
    return births, carried


def _value(var, value_of):
    if isinstance(var, Constant):
        return var.data
    if var not in value_of and getattr(var, "is_shared", False):
        return var.get_value(borrow=True, return_internal_type=True)
    return value_of.get(var, 0.0)


def _counts(summary) -> str:
    produced = ", ".join(f"{n} {label}" for n, label in (
        (summary.nan, "NaN"), (summary.posinf, "+inf"), (summary.neginf, "-inf")) if n)
    return f"{produced} (of {summary.size} values)"
