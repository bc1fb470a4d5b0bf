"""Why a parameter's gradient is exactly zero on a batch: an op, or the values?

Two different troubles give the same number:
- structural: an op blocks the gradient for every input (`sgn`, a comparison, a cast to int).
  The static tracer (`trace/vanishing.py`) finds it, with the op's own remedy;
- value: the graph lets a gradient through, but this batch's values make it 0: weights that
  are all zeros (an output layer initialised with `np.zeros` stops the gradient to every layer
  below it), ReLU units dead on the whole batch, saturated sigmoid/tanh units.

`zero_gradient_cause` tells them apart and names the value behind a value zero: it finds where
the gradient dies on the way from the cost to the parameter (a reader whose output's gradient
is not zero but whose gradient into the parameter's side is) and looks at that reader.

>>> cause = zero_gradient_cause(W1, 0, context)       # doctest: +SKIP
>>> cause.kind, cause.remedy[:30]                     # doctest: +SKIP
('zero_weights', 'initialise W2 with small random')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.trace.naming import op_title, short_expression, variable_title


@dataclass(frozen=True)
class ZeroCause:
    """What makes a gradient exactly zero: `kind` is 'structural', 'zero_weights',
    'dead_units', 'saturated' or 'value'; `message` says what, `remedy` what to do."""

    kind: str
    message: str
    remedy: str

    def __str__(self):
        return f"{self.message}; fix: {self.remedy}"


@dataclass
class ZeroContext:
    """What `zero_gradient_cause` reads: the forward nodes, each variable's dependency mask on
    the parameters, run-time values and gradients, the NodeStats by variable, and the static
    report (`trace.vanishing`) of the same cost and parameters."""

    nodes: list
    depends: dict
    value_of: dict
    grad_of: dict
    stats_of: dict
    report: object
    names: object = None    # the report's NameTable (printer/naming.py), for unnamed roots


def zero_gradient_cause(param, position, context) -> ZeroCause:
    """The cause of `param`'s all-zero gradient (`position`: its index among the parameters)."""
    for finding in getattr(context.report, "findings", ()):
        if finding.variable is not param:
            continue
        if finding.blockers:
            blocker = finding.blockers[0]
            return ZeroCause(
                "structural", f"structural zero: {blocker.title} at {blocker.where} blocks it "
                f"for every input ({blocker.reason})", blocker.remedy)
        return ZeroCause("structural", f"structural zero: {finding.status.replace('_', ' ')} "
                         f"for every input (graphlens trace says why)", finding.remedy)
    frontier = _frontier(param, position, context)
    causes = [_classify(node, var, context) for node, var in frontier]
    for kind in ("zero_weights", "dead_units", "saturated", "value"):
        for cause in causes:
            if cause.kind == kind:
                return cause
    return ZeroCause(
        "value", "value zero: no op blocks it (graphlens trace finds none), but on this batch "
        "the gradient reaching the cost is already 0",
        "check the cost on this batch: a cost at an exact minimum or a constant cost has a "
        "zero gradient")


def _all_zero(value) -> bool:
    return value is not None and not np.any(np.asarray(value))


def _frontier(param, position, context) -> list:
    """[(reader node, input variable)] where the gradient dies: the input depends on the
    parameter and its gradient is all zeros, while a gradient not all zero reaches an output
    of the reader."""
    bit = 1 << position
    found = []
    for node in context.nodes:
        alive = any(out in context.grad_of and not _all_zero(context.grad_of[out])
                    for out in node.outputs)
        if not alive:
            continue
        for var in node.inputs:
            if context.depends.get(var, 0) & bit and _all_zero(context.grad_of.get(var)):
                found.append((node, var))
    return found


def _value(var, context):
    if isinstance(var, Constant):
        return var.data
    if var in context.value_of:
        return context.value_of[var]
    if getattr(var, "is_shared", False):
        return var.get_value(borrow=True, return_internal_type=True)
    return None


def _classify(node, var, context) -> ZeroCause:
    title, reader = variable_title(var, context.names), op_title(node.op)
    for other in node.inputs:
        if other is var or not _all_zero(_value(other, context)) or \
                np.size(_value(other, context)) < 2:
            continue
        name = variable_title(other, context.names)
        if not getattr(other, "is_shared", False):
            # All-zero activations: dead units upstream, or another value.
            dead = _dead(other, reader, context)
            if dead is not None:
                return dead
            return ZeroCause(
                "value", f"value zero: {name} is all zeros on this batch, so {reader} passes "
                f"no gradient back to {title}",
                f"find why {name} is all zeros: the graph lets a gradient through, these "
                f"values make it 0")
        reading = short_expression(node.outputs[0], depth=1, names=context.names)
        return ZeroCause(
            "zero_weights", f"value zero: {name} is all zeros, so `{reading}` passes no "
            f"gradient back to {title} (nor to anything below it)",
            f"initialise {name} with small random values (e.g. rng.normal(0, 0.01, shape), "
            f"or uniform in +-sqrt(6 / (fan_in + fan_out))): all-zero weights stop the "
            f"gradient to every layer below them")
    dead = _dead(node.outputs[0], reader, context)
    if dead is not None:
        return dead
    stats = context.stats_of.get(node.outputs[0])
    if stats is not None and stats.saturated is not None and stats.saturated >= 1.0:
        return ZeroCause(
            "saturated", f"value zero: every {reader} output of "
            f"{variable_title(node.outputs[0], context.names)} is saturated, where its "
            f"derivative is 0",
            "scale the inputs or the initial weights down so the units start in their linear "
            "range (or normalise the pre-activations)")
    return ZeroCause(
        "value", f"value zero: on this batch {reader} passes exactly 0 back to {title}",
        f"look at the values reaching {reader}: the graph lets a gradient through, these "
        f"values make it 0")


def _dead(var, reader, context) -> ZeroCause | None:
    """A dead-units cause when every unit of `var` (a relu's output) is 0 on the batch."""
    stats = context.stats_of.get(var)
    if stats is None or not stats.units or stats.dead_units != stats.units:
        return None
    return ZeroCause(
        "dead_units", f"value zero: every unit of {variable_title(var, context.names)} is 0 on "
        f"the whole batch (dead relu units pass no gradient to {reader}'s inputs)",
        "start the biases slightly positive, lower the learning rate, or use a leaky relu "
        "(T.nnet.relu(x, alpha=0.01))")
