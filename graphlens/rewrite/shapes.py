"""Folding of shape computations: shapes known when the graph is built become constants, and the
shape of an elementwise result is read from an input of the same shape instead.

The second kind matters beyond speed: a value needed only for its shape (the `x` in a gradient's
`fill(x, g)` or `x.shape[0]`) stops being needed, and dead-code removal drops its computation.
Lifting runs in 'specialize', after the stabilizing rewrites have matched the forms
(`arange(p.shape[0])`) that users' code produces.
"""

from __future__ import annotations

import weakref

import numpy as np

from graphlens.rewrite.pattern import Pat, Var, fits, rewrite
from graphlens.tensor.blas import Dot
from graphlens.tensor.elemwise import Elemwise
from graphlens.tensor.nnet import LogSoftmax, Softmax
from graphlens.tensor.reduce import AxisSize
from graphlens.tensor.shape import Shape, make_vector
from graphlens.tensor.subtensor import Subtensor
from graphlens.tensor.variable import as_tensor_variable, constant
from graphlens.tensor.basic import cast
from graphlens.tensor.extra_ops import length_of

FAST = ("fast_compile", "shape")


def _entry_index(node):
    idx = node.op.idx
    return len(idx) == 1 and idx[0][0] == "int" and len(node.inputs) == 1


def _int64(value):
    return constant(np.asarray(value, dtype="int64"))


@rewrite("canonicalize", Pat(Shape, Var("x"), name="old"), tags=FAST)
def static_shape(x, old):
    """x.shape -> a constant when every length of x is known: float32[256, 784] gives [256, 784]."""
    if None in x.type.shape:
        return None
    return fits(_int64(list(x.type.shape)), old)


@rewrite("canonicalize", Pat(Subtensor, Pat(Shape, Var("x")), where=_entry_index, op_name="op",
                             name="old"), tags=FAST)
def static_shape_entry(x, op, old):
    """x.shape[k] -> a constant when the length of axis k is known."""
    length = x.type.shape[op.idx[0][1]] if -x.ndim <= op.idx[0][1] < x.ndim else None
    return None if length is None else fits(_int64(length), old)


@rewrite("canonicalize", Pat(AxisSize, Var("x"), op_name="op", name="old"), tags=FAST)
def static_axis_size(x, op, old):
    """size(x, axis) (what a mean divides by) -> a constant when those lengths are known."""
    lengths = [x.type.shape[axis] for axis in op.axis]
    if None in lengths:
        return None
    return fits(_int64(int(np.prod(lengths, dtype="int64"))), old)


def same_shape_input(var, axes=None):
    """An input of `var`'s elementwise (or softmax) node whose lengths on `axes` (all by default)
    equal `var`'s at run time, or None.

    An input equals the output on an axis unless it broadcasts there, and it can only broadcast
    on an axis it declares of length 1: the evaluator refuses undeclared broadcasting.
    """
    node = var.owner
    if node is None or not isinstance(node.op, (Elemwise, Softmax, LogSoftmax)):
        return None
    shape = var.type.shape
    axes = range(len(shape)) if axes is None else axes
    for inp in node.inputs:
        lengths = inp.type.shape
        if len(lengths) != len(shape):
            continue
        # The common case first: an input declaring no axis of length 1 never broadcasts.
        if 1 not in lengths or all(lengths[a] != 1 or shape[a] == 1 for a in axes):
            return inp
    return None


# {FunctionGraph: {(variable, axes): its deepest same-shape source}}: what one lift found, so
# the next lift through the same values jumps there (weak: it lives as long as the graph).
_SOURCES = weakref.WeakKeyDictionary()


def shape_source(var, axes, fgraph):
    """The deepest variable below `var`, through elementwise (and softmax) inputs, whose lengths
    on `axes` (None: all) equal `var`'s at run time; None if not even `var`'s own inputs qualify.

    Lifting a shape read all the way down lets the values above go when nothing else reads
    them, and lets fusion take them in (a size() reading a value keeps it out of a Composite).
    Each walk remembers its answer for every value it passed, and a later walk reaching one of
    them jumps to that answer (while it is still in the graph: rewrites keep values, so it
    still has the same lengths): a gradient's fill(x, g) at every depth of a deep graph costs
    linear time in all, where walking each down the whole depth was quadratic.
    """
    memo = _SOURCES.get(fgraph)
    if memo is None:
        memo = _SOURCES[fgraph] = {}
    in_graph = fgraph.clients
    found, passed = None, []
    while True:
        known = memo.get((var, axes))
        if known is not None and known in in_graph:
            found = known
            break
        source = same_shape_input(var, axes)
        if source is None:
            break
        passed.append(var)
        found = var = source
    for var in passed:
        memo[(var, axes)] = found
    return found


@rewrite("specialize", Pat(Shape, Var("x"), name="old"), tags=("shape",))
def lift_shape(x, old, fgraph):
    """shape(f(a, b)) -> shape(a) for elementwise f when a does not broadcast."""
    source = shape_source(x, None, fgraph)
    return None if source is None else fits(Shape()(source), old)


@rewrite("specialize", Pat(Subtensor, Pat(Shape, Var("x")), where=_entry_index, op_name="op",
                           name="old"), tags=("shape",))
def lift_shape_entry(x, op, old, fgraph):
    """f(a, b).shape[k] -> a.shape[k] (elementwise f, a not broadcast on k); dot(a, b).shape[0]
    -> a.shape[0]."""
    axis = op.idx[0][1] % x.ndim if x.ndim else None
    if axis is None:
        return None
    source = shape_source(x, (axis,), fgraph)
    node = x.owner
    if source is None and node is not None and isinstance(node.op, Dot):
        a, b = node.inputs
        source, axis = (a, axis) if axis < a.ndim - 1 else (b, axis - a.ndim + 2)
    if source is None:
        return None
    return fits(Subtensor(((("int", axis),)))(Shape()(source)), old)


@rewrite("specialize", Pat(AxisSize, Var("x"), op_name="op", name="old"), tags=("shape",))
def lift_axis_size(x, op, old, fgraph):
    """size(f(a, b), axis) -> size(a, axis) for elementwise f, a not broadcast on those axes."""
    source = shape_source(x, op.axis, fgraph)
    return None if source is None else fits(AxisSize(op.axis)(source), old)


def inferred_lengths(var):
    """`var`'s lengths from its op's `infer_shape` (ints or int scalars computed from the
    inputs' lengths, never from their values), or None when the op has none."""
    node = var.owner
    infer = getattr(node.op, "infer_shape", None) if node is not None else None
    if infer is None:
        return None
    input_shapes = [tuple(length_of(inp, axis) for axis in range(inp.ndim))
                    for inp in node.inputs]
    return infer(node, input_shapes)[node.outputs.index(var)]


@rewrite("specialize", Pat(Shape, Var("x"), name="old"), tags=("shape",))
def infer_shape(x, old):
    """shape(op(a)) -> the lengths the op's `infer_shape` computes from a's lengths:
    sort(a).shape is a.shape, found without sorting."""
    lengths = inferred_lengths(x)
    if lengths is None:
        return None
    return fits(make_vector(*lengths) if lengths else _int64(np.zeros(0)), old)


@rewrite("specialize", Pat(Subtensor, Pat(Shape, Var("x")), where=_entry_index, op_name="op",
                           name="old"), tags=("shape",))
def infer_shape_entry(x, op, old):
    """op(a).shape[k] -> the k-th length of the op's `infer_shape`."""
    lengths = inferred_lengths(x)
    if lengths is None or not -x.ndim <= op.idx[0][1] < x.ndim:
        return None
    length = as_tensor_variable(lengths[op.idx[0][1]])
    return fits(length if length.dtype == "int64" else cast(length, "int64"), old)
