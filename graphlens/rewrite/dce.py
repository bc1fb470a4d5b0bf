"""Dead-code removal: computations whose values cannot matter are cut out of the graph.

The driver's `replace` already drops every node nothing reads any more; the rules here make more
values unread: the branch a constant condition never takes, the gradient-only half of a gradient
stop, the `x` that `fill(x, y)` reads only for its shape, and the gradient a ctc node computes
beside its cost when nothing reads it.
"""

from __future__ import annotations

import numpy as np

from graphlens.backprop import GradientStop, StraightThrough
from graphlens.rewrite.pattern import Pat, Var, constant_value, fits, rewrite
from graphlens.rewrite.shapes import shape_source
from graphlens.tensor.compare import Switch
from graphlens.graph.fg import OUTPUT
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.fill import Second
from graphlens.tensor.nnet.ctc import ConnectionistTemporalClassification

FAST = ("fast_compile", "dce")


def _constant_condition(node) -> bool:
    # Decided before the rule is called: a gradient holds a switch per maximum and minimum,
    # almost none on a constant condition.
    owner = node.inputs[0].owner
    return owner is None or isinstance(owner.op, DimShuffle)


@rewrite("canonicalize", Pat(Switch, rest="inputs", name="old", where=_constant_condition),
         tags=FAST)
def switch_constant_condition(inputs, old):
    """switch(True, a, b) -> a and switch(False, a, b) -> b: the other branch is never read."""
    cond, a, b = inputs
    value = constant_value(cond)
    if value is None or value.size == 0:
        return None
    if np.all(value):
        return fits(a, old)
    if not np.any(value):
        return fits(b, old)
    return None


@rewrite("canonicalize", Pat(ConnectionistTemporalClassification, rest="inputs", name="old"),
         tags=FAST, needs=(ConnectionistTemporalClassification,))
def ctc_cost_without_its_gradient(inputs, node, fgraph, old):
    """ctc's (cost, gradient) node whose gradient nothing reads -> a node computing the cost
    alone: the forward pass without the backward one (Theano's local_ctc_no_grad). A function
    that only evaluates the cost, as a validation step does, skips about a third of the work."""
    if not node.op.compute_grad or fgraph.clients.get(node.outputs[1]):
        return None
    return ConnectionistTemporalClassification(compute_grad=False)(*inputs)


@rewrite("canonicalize", Pat(GradientStop, Var("x"), name="old"), tags=FAST)
def remove_gradient_stop(x, old):
    """zero_grad(x), disconnected_grad(x), grad_clip(x, ...) -> x: gradients are built, only
    the value is left."""
    return fits(x, old)


@rewrite("canonicalize", Pat(StraightThrough, Var("forward"), Var("surrogate"), name="old"),
         tags=FAST)
def remove_straight_through(forward, surrogate, old):
    """straight_through(forward, surrogate) -> forward: the surrogate only carried a gradient."""
    return fits(forward, old)


@rewrite("canonicalize", Pat(Second, Var("x"), Var("y"), name="old"), tags=FAST)
def fill_without_broadcast(x, y, old):
    """fill(x, y) -> y when y already has the result's shape: x was read for nothing."""
    if y.ndim != old.ndim or any(dim == 1 and out != 1
                                 for dim, out in zip(y.type.shape, old.type.shape)):
        return None
    return fits(y, old)


@rewrite("specialize", Pat(Second, Var("x"), Var("y"), name="old"), tags=("dce", "shape"))
def fill_shape_from_input(x, y, old, fgraph):
    """fill(f(a, b), y) -> fill(a, y) (elementwise f, a of the same shape): f(a, b) may then go.

    Not while the fill's one reader is an elementwise op: fill_sink (shape_only.py) takes the
    fill into it, and when the fill stays (its shape still needed) the new fill above comes
    here in turn. A gradient's fill(x, g) (of each sum) mostly goes there: lifting it first
    was a replacement and a merge thrown away (issue #23)."""
    readers = fgraph.clients.get(old, ())
    if len(readers) == 1 and readers[0][0] != OUTPUT and isinstance(readers[0][0].op, Elemwise) \
            and not isinstance(readers[0][0].op, Second) and len(readers[0][0].outputs) == 1:
        return None
    source = shape_source(x, None, fgraph)
    if source is None:
        return None
    return fits(Second()(source, y), old)
