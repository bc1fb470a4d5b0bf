"""Dead-code removal: computations whose values cannot matter are cut out of the graph.

The driver's `replace` already drops every node nothing reads any more; the rules here make more
values unread: the branch a constant condition never takes, the gradient-only half of a gradient
stop, the `x` that `fill(x, y)` reads only for its shape, and both operands of a matrix product
one of which is known to be zeros (the gradient through a piecewise-constant op such as sgn).
"""

from __future__ import annotations

import numpy as np

from graphlens.backprop import GradientStop, StraightThrough
from graphlens.rewrite.pattern import (Pat, Var, constant_value, fits, is_constant_equal,
                                       rewrite)
from graphlens.rewrite.shapes import shape_source
from graphlens.tensor.blas import Dot
from graphlens.tensor.compare import Switch
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.fill import Second
from graphlens.tensor.reduce import AxisSize, Reduce
from graphlens.tensor.shape import Alloc, alloc
from graphlens.tensor.variable import constant

FAST = ("fast_compile", "dce")


@rewrite("canonicalize", Pat(Switch, Var("cond"), Var("a"), Var("b"), name="old"), tags=FAST)
def switch_constant_condition(cond, a, b, old):
    """switch(True, a, b) -> a and switch(False, a, b) -> b: the other branch is never read."""
    value = constant_value(cond)
    if value is None or value.size == 0:
        return None
    if np.all(value):
        return fits(a, old)
    if not np.any(value):
        return fits(b, old)
    return None


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
    """fill(f(a, b), y) -> fill(a, y) (elementwise f, a of the same shape): f(a, b) may then go."""
    source = shape_source(x, None, fgraph)
    if source is None:
        return None
    return fits(Second()(source, y), old)


def known_zeros(var) -> bool:
    """True when every entry of `var` is 0 whatever the inputs: a zero constant, fill(x, 0)
    (what zeros_like builds: a gradient through sgn, round, a comparison) or alloc(0, ...).

    >>> known_zeros(T.zeros_like(T.dmatrix()))
    True
    """
    if is_constant_equal(var, 0):
        return True
    node = var.owner
    if node is not None and isinstance(node.op, (Second, Alloc)):
        return is_constant_equal(node.inputs[1 if isinstance(node.op, Second) else 0], 0)
    return False


@rewrite("canonicalize", Pat(Dot, Var("a"), Var("b"), name="old"), tags=FAST)
def dot_of_zeros(a, b, old):
    """dot(a, zeros) and dot(zeros, b) -> zeros of the product's shape (lengths read from the
    operands' shapes, not their values): dL/dW1 = X.T @ zeros through an sgn is no product.
    Kept for a non-finite other operand only in the sense numpy's 0 * inf = nan is not: that
    NaN would be read as a bug, like x - x -> 0 (canonicalize.sub_self)."""
    if not (known_zeros(a) or known_zeros(b)) or a.ndim > 2 or b.ndim > 2:
        return None
    axes = ([(a, 0)] if a.ndim == 2 else []) + ([(b, 1)] if b.ndim == 2 else [])
    lengths = [static if static is not None else _length(var, axis)
               for (var, axis), static in zip(axes, old.type.shape)]
    return fits(alloc(constant(0, dtype=old.dtype), *lengths), old)


def _length(var, axis):
    """The length of `var` on `axis` as one int scalar node, read through transposes (a
    gradient's X.T) from the value they move: size(X, 1), not X.T.shape[0]."""
    while var.owner is not None and isinstance(var.owner.op, DimShuffle) \
            and var.owner.op.new_order[axis] != "x":
        var, axis = var.owner.inputs[0], var.owner.op.new_order[axis]
    static = var.type.shape[axis]
    return static if static is not None else AxisSize((axis,))(var)


def _axis_origin(var, axis, fgraph):
    """(value, axis) where `var`'s length on `axis` comes from, through elementwise ops whose
    input has that length, transposes and reductions (which keep the other axes' lengths)."""
    while True:
        source = shape_source(var, (axis,), fgraph)
        if source is not None:
            var = source
        node = var.owner
        if node is not None and isinstance(node.op, DimShuffle) \
                and node.op.new_order[axis] != "x":
            var, axis = node.inputs[0], node.op.new_order[axis]
        elif node is not None and isinstance(node.op, Reduce):
            kept = [i for i in range(node.inputs[0].ndim) if i not in node.op.axis]
            var, axis = node.inputs[0], kept[axis]
        else:
            return var, axis


def _covers(var, model, fgraph) -> bool:
    """True when `var`'s lengths are, at run time, `model`'s wherever `model` is not declared
    of length 1: both read them from the same value's axis. fill(model, var) is then var."""
    return var.ndim == model.ndim and all(
        length == 1 or _axis_origin(var, axis, fgraph) == _axis_origin(model, axis, fgraph)
        for axis, length in enumerate(model.type.shape))


@rewrite("specialize", Pat(Elemwise, rest="inputs", name="old"), tags=("dce", "shape"))
def fill_sink(inputs, old, node, fgraph):
    """f(fill(a, v), w) -> f(v, w) when f(v, w) is proven to have a's lengths already, else
    fill(a, f(v, w)): a fill an elementwise op reads only broadcasts, so it can move up to where
    the shape is whole, and go. The gradient of a mean, fill(x, fill(s, 1) / n) * 2 * e, is
    1 / n * 2 * e: x and s (a reduction's result, kept only for its shape) are read for nothing.
    A fill whose lengths nothing else is proven to have stays, so a mismatch still raises.
    """
    if isinstance(node.op, Second) or len(node.outputs) != 1:
        return None
    for position, var in enumerate(inputs):
        filled = var.owner
        if filled is None or not isinstance(filled.op, Second) \
                or len(fgraph.clients.get(var, ())) != 1:
            continue
        model, value = filled.inputs
        try:
            moved = node.op(*inputs[:position], value, *inputs[position + 1:])
        except Exception:           # the op refuses v's rank or dtype: keep the fill
            continue
        if moved.dtype != old.dtype:
            continue
        return fits(moved if _covers(moved, model, fgraph) else Second()(model, moved), old)
    return None
