"""Values read only for their shapes, made unread: a matrix product with a zeros operand is
zeros of its shape (the gradient through a piecewise-constant op such as sgn), a fill that an
elementwise op reads moves up to where the shape is whole, and goes (the gradient of a mean),
and a length read from a reduction is read from what it reduces.

Like dce.py's rules, these leave values nothing reads, which the driver's `replace` drops. Last,
an alloc whose lengths are read from arrays becomes one node that reads them itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.rewrite.pattern import Pat, Var, fits, is_constant_equal, rewrite
from graphlens.rewrite.shapes import _entry_index, shape_source
from graphlens.rewrite.specialize import Dot22, Gemv
from graphlens.tensor.blas import Dot
from graphlens.tensor.elemwise import DimShuffle, Elemwise, unbroadcast
from graphlens.tensor.fill import Second
from graphlens.tensor.reduce import AxisSize, Reduce
from graphlens.tensor.shape import Alloc, Shape, alloc
from graphlens.tensor.subtensor import Subtensor
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable, constant

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
    # A plain loop: asked of every elementwise node of a pass (a generator costs twice that).
    for var in node.inputs:
        owner = var.owner
        if owner is not None and isinstance(owner.op, Second):
            return True
    return False


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


@rewrite("specialize", Pat(AxisSize, Pat(Reduce, Var("x"), op_name="reduction"), op_name="op",
                           name="old"), tags=("dce", "shape"))
def size_through_reduction(x, reduction, op, old):
    """size(sum(x, axis=1), 0) -> size(x, 0): a reduction keeps the other axes' lengths. The
    gradient of a mean of row sums divides by the rows; read from x, the row sums are read by
    the mean alone, which can then take them in (specialize.reduction_of_a_sum)."""
    kept = [a for a in range(x.ndim) if a not in reduction.axis]
    if len(kept) != old.owner.inputs[0].ndim:
        return None
    return fits(AxisSize(tuple(kept[a] for a in op.axis))(x), old)


@rewrite("specialize", Pat(AxisSize, Pat((Dot, Dot22, Gemv), rest="operands",
                                          op_name="product"),
                           op_name="op", name="old"), tags=("dce", "shape"))
def size_through_product(operands, product, op, old):
    """size(dot(a, b), 0) -> size(a, 0), size(dot(a, b), 1) -> size(b, 1) (through the
    transposes a Dot22 reads): a product's lengths are its operands' outer ones. A length read
    from a product keeps the product's array alive after its last reader, which stops the
    in-place rewrite from writing the next value into it; from an input, it costs nothing."""
    if len(op.axis) != 1 or (isinstance(product, Dot22) and product.bias):
        return None
    (axis,), (a, b) = op.axis, operands[:2]
    if isinstance(product, Dot22):
        var, axis = (a, 1 if product.transpose_a else 0) if axis == 0 else \
            (b, 0 if product.transpose_b else 1)
    elif isinstance(product, Gemv):
        var, axis = a, 1 if product.transpose_a else 0
    elif a.ndim > 2 or b.ndim > 2:
        return None
    else:
        var, axis = (a, axis) if axis < a.ndim - 1 else (b, axis - a.ndim + 2)
    return fits(AxisSize((axis,))(var), old)


@dataclass(frozen=True)
class AllocFromShapes(Op):
    """alloc(value, size(x, 1), size(y, 0)) as one node that reads the lengths from the arrays
    themselves: `AllocFromShapes((1, 0))(value, x, y)`. Each output axis has one source: an
    array whose length on `axes[i]` it takes, or (where `axes[i]` is None) an int scalar that
    is the length: `AllocFromShapes((1, None))(value, x, 3)` is alloc(value, x.shape[1], 3).

    The gradient of W1 through an sgn is zeros of (X.shape[1], h.shape[1]): three nodes (two
    lengths and the alloc), each a call, where numpy's zeros_like is one. `value` is one element
    (declared of length 1 on every axis), so it fits any shape.

    >>> AllocFromShapes((1, None))(T.constant([[0.0]]), x, 2).eval({x: np.ones((4, 3))})
    array([[0., 0.],
           [0., 0.],
           [0., 0.]])
    """

    axes: tuple
    notation = Func("alloc_from_shapes", params=("axes",))

    def make_node(self, value, *sources):
        value, sources = as_tensor_variable(value), [as_tensor_variable(v) for v in sources]
        if value.ndim != len(self.axes) or any(n != 1 for n in value.type.shape) \
                or len(sources) != len(self.axes) or any(
                    (v.ndim != 0 or v.dtype[:3] not in ("int", "uin")) if a is None
                    else not 0 <= a < v.ndim for v, a in zip(sources, self.axes)):
            raise ShapeError(f"{self.label}: a value of length 1 on each of {len(self.axes)} "
                             f"axes and one array (or int length) per axis, got "
                             f"{describe(value)}, {', '.join(map(describe, sources))}")
        shape = tuple(v.type.shape[a] if a is not None else
                      (int(v.data) if isinstance(v, Constant) else None)
                      for v, a in zip(sources, self.axes))
        return Apply(self, [value, *sources], [TensorType(value.dtype, shape)()])

    def perform(self, node, inputs):
        value, *sources = inputs
        out = np.empty(tuple(v.shape[a] if a is not None else int(v)
                             for v, a in zip(sources, self.axes)),
                       node.outputs[0].type.numpy_dtype)
        out[...] = value
        return [out]

    def direct_perform(self, node):
        """perform written out for this shape: zeros() for a constant zero value, constant
        lengths written in."""
        value, *sources = node.inputs
        zeros = isinstance(value, Constant) and not np.any(value.data)
        lengths = tuple(a if a is not None or not isinstance(v, Constant) else -int(v.data) - 1
                        for v, a in zip(sources, self.axes))
        return _written_alloc(lengths, zeros, node.outputs[0].type.numpy_dtype)

    def grad(self, inputs, output_grads):
        (value, *sources), (gz,) = inputs, output_grads
        return [unbroadcast(gz, value)] + [disconnected(v) for v in sources]


@functools.lru_cache(maxsize=64)
def _written_alloc(lengths, zeros, dtype):
    """direct(value, *sources) for AllocFromShapes: the shape tuple written out, one call.
    `lengths` holds per axis the axis read (>= 0), None (the source is the length) or -n - 1
    (the constant length n)."""
    names = [f"x{k}" for k in range(len(lengths))]
    shape = ", ".join(f"{name}.shape[{a}]" if a is not None and a >= 0 else
                      (f"int({name})" if a is None else str(-a - 1))
                      for name, a in zip(names, lengths))
    shape = f"({shape}{',' if len(lengths) == 1 else ''})"
    lines = [f"def direct(value, {', '.join(names)}):"]
    if zeros:
        lines.append(f"    return zeros({shape}, dtype)")
    else:
        lines += [f"    out = empty({shape}, dtype)", "    out[...] = value", "    return out"]
    namespace = dict(zeros=np.zeros, empty=np.empty, dtype=dtype)
    exec("\n".join(lines) + "\n", namespace)
    return namespace["direct"]


def _read_length(length):
    """(x, axis) when `length` is size(x, axis) or x.shape[axis], else None."""
    node = length.owner
    if node is not None and isinstance(node.op, AxisSize) and len(node.op.axis) == 1:
        return node.inputs[0], node.op.axis[0]
    if node is not None and isinstance(node.op, Subtensor) and _entry_index(node):
        shape = node.inputs[0].owner
        if shape is not None and isinstance(shape.op, Shape):
            x, axis = shape.inputs[0], node.op.idx[0][1]
            if -x.ndim <= axis < x.ndim:
                return x, axis % x.ndim
    return None


@rewrite("fusion", Pat(Alloc, rest="inputs", name="old"), tags=("shape",))
def alloc_of_read_lengths(inputs, old):
    """alloc(v, size(x, 1), y.shape[0], n) -> alloc_from_shapes(v, x, y, n, axes=(1, 0, None)):
    one node, not one per length read and one to allocate, for a one-element v (it fits any
    shape, as Alloc's own fast path says). Runs after 'specialize', once each length reads the
    deepest array it can."""
    value, *lengths = inputs
    if value.ndim != len(lengths) or any(n != 1 for n in value.type.shape):
        return None
    reads = [_read_length(length) for length in lengths]
    if all(read is None for read in reads):
        return None
    sources = [read[0] if read else length for read, length in zip(reads, lengths)]
    axes = tuple(read[1] if read else None for read in reads)
    return fits(AllocFromShapes(axes)(value, *sources), old)
