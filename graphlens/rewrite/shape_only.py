"""Values read only for their shapes, made unread: a matrix product with a zeros operand is
zeros of its shape (the gradient through a piecewise-constant op such as sgn), and a fill that an
elementwise op reads moves up to where the shape is whole, and goes (the gradient of a mean).

Like dce.py's rules, these leave values nothing reads, which the driver's `replace` drops.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Pat, Var, fits, is_constant_equal, rewrite
from graphlens.rewrite.shapes import shape_source
from graphlens.tensor.blas import Dot
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.fill import Second
from graphlens.tensor.reduce import AxisSize, Reduce
from graphlens.tensor.shape import Alloc, alloc
from graphlens.tensor.variable import constant

FAST = ("fast_compile", "dce")


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


def _reads_a_fill(node) -> bool:
    # Most elementwise nodes read no fill: they are passed over before the rule is called.
    return any(var.owner is not None and isinstance(var.owner.op, Second) for var in node.inputs)


@rewrite("specialize", Pat(Elemwise, rest="inputs", name="old", where=_reads_a_fill),
         tags=("dce", "shape"))
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
