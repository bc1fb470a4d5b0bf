"""Sorting, at Theano's path `theano.tensor.sort`: sort and argsort along an axis.

sort's gradient puts each output gradient back where its element came from (a permutation);
argsort returns positions, so its gradient is zero, and says why.

>>> s = T.sort(x, axis=1); order = T.argsort(x)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import (GraphlensTypeError, InvalidArgumentError, RankError, ShapeError,
                              describe)
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.assertion import Assert
from graphlens.tensor.basic import cast
from graphlens.tensor.compare import eq, ge, lt
from graphlens.tensor.conditional import ifelse
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.math import mod
from graphlens.tensor.extra_ops import same_shape_as_input, single_axis
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import flatten

SORT_KINDS = ("quicksort", "mergesort", "heapsort", "stable")


def _check_kind(kind, order, name):
    if kind not in SORT_KINDS:
        raise InvalidArgumentError(f"{name} at {call_site()}: kind must be one of {SORT_KINDS}, "
                                   f"got {kind!r}")
    if order is not None:
        raise InvalidArgumentError(f"{name} at {call_site()}: order= sorts structured arrays by "
                                   f"field, and tensors have no fields; leave it None")


@dataclass(frozen=True)
class Sort(Op):
    """x sorted along `axis` (NaN last, as numpy)."""

    axis: int = -1
    kind: str = "quicksort"
    notation = Func("sort", params=("axis", "kind"))

    def make_node(self, x):
        x = as_tensor_variable(x)
        axis = single_axis(self.axis, x, "sort")
        if axis != self.axis:
            return Sort(axis, self.kind).make_node(x)
        return Apply(self, [x], [x.type()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        return [np.sort(inputs[0], axis=self.axis, kind=self.kind)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # sorted = x taken at argsort(x): each gradient goes back to its element's position.
        positions = Argsort(self.axis, self.kind)(x)
        return [ScatterAlongAxis(self.axis)(zeros_like(x), positions, gz)]


@dataclass(frozen=True)
class Argsort(Op):
    """The int64 positions that sort x along `axis`."""

    axis: int = -1
    kind: str = "quicksort"
    notation = Func("argsort", params=("axis", "kind"))
    zero_gradient_reason = ("argsort returns positions, piecewise constant in x: its derivative "
                            "is 0")
    gradient_remedy = ("let the gradient flow through values, not positions: T.sort(x), or x indexed by "
              "the positions (x[T.argsort(x)]), reaches each element")

    def make_node(self, x):
        x = as_tensor_variable(x)
        axis = single_axis(self.axis, x, "argsort")
        if axis != self.axis:
            return Argsort(axis, self.kind).make_node(x)
        return Apply(self, [x], [TensorType("int64", x.type.shape)()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        return [np.argsort(inputs[0], axis=self.axis, kind=self.kind).astype("int64",
                                                                               copy=False)]

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


def _full_index(indices, axis):
    """numpy's index tuple reaching x[..., indices[...], ...] along `axis` (open grids)."""
    grids = list(np.ogrid[tuple(slice(length) for length in indices.shape)])
    grids[axis] = indices
    return tuple(grids)


def _other_lengths(shape, axis):
    return tuple(shape[:axis]) + tuple(shape[axis + 1:])


def _check_run_time_positions(op, x, positions):
    """numpy would broadcast positions against x's other axes; the ops here declare the
    positions' shape as their result's, so the other lengths must agree exactly."""
    if _other_lengths(positions.shape, op.axis) != _other_lengths(x.shape, op.axis):
        raise ShapeError(f"{op.notation.name}: positions of shape {positions.shape} do not fit "
                         f"x of shape {x.shape}: all lengths but axis {op.axis} must agree")


def _check_positions(op, x, positions, name):
    # Positions of another rank: Theano's ValueError (RankError is also a TypeError); of a
    # dtype other than ints: a TypeError.
    error = RankError if positions.ndim != x.ndim else GraphlensTypeError
    if not is_discrete(positions.dtype) or positions.dtype == "bool" or \
            positions.ndim != x.ndim:
        raise error(f"{name} at {call_site()}: positions must be ints of the rank "
                                 f"of {describe(x)}, got {describe(positions)}")


@dataclass(frozen=True)
class TakeAlongAxis(Op):
    """x at `positions` along `axis`, as numpy.take_along_axis: the forward of a permutation."""

    axis: int
    notation = Func("take_along_axis", params=("axis",))

    def make_node(self, x, positions):
        x, positions = as_tensor_variable(x), as_tensor_variable(positions)
        _check_positions(self, x, positions, "take_along_axis")
        return Apply(self, [x, positions], [TensorType(x.dtype, positions.type.shape)()])

    infer_shape = same_shape_as_input(1)

    def perform(self, node, inputs):
        x, positions = inputs
        _check_run_time_positions(self, x, positions)
        try:
            return [np.take_along_axis(x, positions, axis=self.axis)]
        except (IndexError, ValueError) as exc:
            raise ShapeError(f"take_along_axis: positions of shape {positions.shape} do not fit "
                             f"x of shape {x.shape} on axis {self.axis}: {exc}") from exc

    def grad(self, inputs, output_grads):
        (x, positions), (gz,) = inputs, output_grads
        return [ScatterAlongAxis(self.axis)(zeros_like(x), positions, gz),
                _position_gradient(self, positions)]


@dataclass(frozen=True)
class ScatterAlongAxis(Op):
    """A copy of x with `values` added at `positions` along `axis` (repeats accumulate): the
    gradient of take_along_axis, and so of sort."""

    axis: int
    notation = Func("scatter_along_axis", params=("axis",))

    def make_node(self, x, positions, values):
        x, positions = as_tensor_variable(x), as_tensor_variable(positions)
        values = as_tensor_variable(values)
        _check_positions(self, x, positions, "scatter_along_axis")
        if values.ndim != positions.ndim:
            raise ShapeError(f"scatter_along_axis at {call_site()}: values {describe(values)} "
                             f"must have the rank of the positions {describe(positions)}")
        return Apply(self, [x, positions, values], [x.type()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        x, positions, values = inputs
        _check_run_time_positions(self, x, positions)
        out = np.array(x, dtype=node.outputs[0].type.numpy_dtype, copy=True)
        try:
            np.add.at(out, _full_index(positions, self.axis), values)
        except (IndexError, ValueError) as exc:
            raise ShapeError(f"scatter_along_axis: cannot add values of shape {values.shape} "
                             f"at positions of shape {positions.shape} into shape {x.shape} "
                             f"on axis {self.axis}: {exc}") from exc
        return [out]

    def grad(self, inputs, output_grads):
        (x, positions, values), (gz,) = inputs, output_grads
        return [gz, _position_gradient(self, positions),
                TakeAlongAxis(self.axis)(gz, positions)]


def _position_gradient(op, var):
    return undefined(var, f"it holds integer positions (used by {type(op).__name__}); a "
                          f"derivative with respect to a position does not exist")


def _flattened(a, axis):
    a = as_tensor_variable(a)
    if axis is None:
        return (flatten(a) if a.ndim != 1 else a), 0
    return a, axis


def sort(a, axis=-1, kind="quicksort", order=None):
    """A sorted copy of a along `axis` (the flattened a for None), as numpy.sort. `axis` may
    be a symbolic scalar, as Theano's, read when the function runs.

    >>> T.sort(T.dvector('v'))       # [3, 1, 2] -> [1, 2, 3]      # doctest: +SKIP
    """
    _check_kind(kind, order, "sort")
    a, axis = _flattened(a, axis)
    if isinstance(axis, Variable):
        return _along_symbolic_axis(lambda k: Sort(k, kind)(a), a, axis, "sort")
    return Sort(single_axis(axis, a, "sort"), kind)(a)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """The int64 positions that sort a along `axis` (the flattened a for None; a symbolic
    scalar read when the function runs, as Theano's)."""
    _check_kind(kind, order, "argsort")
    a, axis = _flattened(a, axis)
    if isinstance(axis, Variable):
        return _along_symbolic_axis(lambda k: Argsort(k, kind)(a), a, axis, "argsort")
    return Argsort(single_axis(axis, a, "argsort"), kind)(a)


def _along_symbolic_axis(build, a, axis, name):
    """`build(k)` for the axis k that the scalar variable `axis` holds when the function runs:
    a constant is read now; otherwise one lazy ifelse per axis of a, so only the sort asked for
    runs (and its gradient is that sort's). An axis out of range, or a float one that is not a
    whole number, fails the call (Theano's sort read its axis input so)."""
    if isinstance(axis, Constant):
        return build(single_axis(int(np.asarray(axis.data)), a, name))
    if axis.ndim != 0 or not (is_discrete(axis.dtype) or axis.dtype.startswith("float")):
        raise GraphlensTypeError(f"{name} at {call_site()}: axis must be an int, None or a "
                                 f"scalar variable, got {describe(axis)}")
    whole = cast(axis, "int64")
    checked = Assert(f"{name}: the axis must be a whole number in [-{a.ndim}, {a.ndim})")(
        whole, ge(whole, -a.ndim), lt(whole, a.ndim), eq(whole, axis))
    position = mod(checked, max(a.ndim, 1))
    result = build(a.ndim - 1 if a.ndim else 0)
    for k in reversed(range(a.ndim - 1)):
        result = ifelse(eq(position, k), build(k), result)
    return result


@dataclass(frozen=True)
class Searchsorted(Op):
    """Where each value of v would be inserted into the sorted vector x to keep it sorted, as
    numpy.searchsorted (int64 positions); an optional `sorter` gives the order of an unsorted x."""

    side: str = "left"
    notation = Func("searchsorted", params=("side",))
    zero_gradient_reason = ("searchsorted returns positions, piecewise constant in its inputs: "
                            "its derivative is 0")

    def make_node(self, x, v, sorter=None):
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.ndim != 1:
            raise ShapeError(f"searchsorted at {call_site()}: x must be a sorted vector, got "
                             f"{describe(x)}")
        inputs = [x, v]
        if sorter is not None:
            sorter = as_tensor_variable(sorter)
            _check_positions(self, x, sorter, "searchsorted")
            inputs.append(sorter)
        return Apply(self, inputs, [TensorType("int64", v.type.shape)()])

    infer_shape = same_shape_as_input(1)

    def perform(self, node, inputs):
        x, v, *sorter = inputs
        positions = np.searchsorted(x, v, side=self.side, sorter=sorter[0] if sorter else None)
        return [np.asarray(positions, dtype="int64")]

    def grad(self, inputs, output_grads):
        x, v, *sorter = inputs
        return [zeros_like(x), zeros_like(v)] + [_position_gradient(self, s) for s in sorter]


def searchsorted(x, v, side="left", sorter=None):
    """Insertion positions of v's values in the sorted vector x, as numpy.searchsorted.

    >>> T.extra_ops.searchsorted([1, 2, 3], [2.5, 0])     # [2, 0]      # doctest: +SKIP
    """
    if side not in ("left", "right"):
        raise InvalidArgumentError(f"searchsorted at {call_site()}: side must be 'left' or "
                                   f"'right', got {side!r}")
    op = Searchsorted(side)
    return op(x, v) if sorter is None else op(x, v, sorter)


# Theano 1.0's topk family lives at this path; its module (tensor/topk.py) reads the scatter
# above for its gradient, so it is imported last, once everything it needs here is defined.
def inverse_permutation(perm):
    """The inverse of each permutation in the rows (last axis) of the int tensor `perm`:
    out[..., perm[..., i]] = i, in perm's dtype, as Theano's `T.inverse_permutation`.

    >>> T.inverse_permutation(T.as_tensor([2, 0, 1])).eval()
    array([1, 2, 0])
    """
    perm = as_tensor_variable(perm)
    if perm.ndim == 0 or perm.dtype[0] not in "iu":
        raise GraphlensTypeError(f"inverse_permutation takes int tensors of permutations, got "
                                 f"{perm.type}")
    # For a permutation, the positions that sort it are its inverse.
    return argsort(perm, axis=-1).astype(perm.dtype)


from graphlens.tensor.topk import TopKOp, argtopk, topk, topk_and_argtopk  # noqa: E402,F401


# Theano's class names (its SortOp(kind, order) took the axis as an input; here the axis is
# the op's, so build them with sort() and argsort() and use the names for isinstance checks).
SortOp, ArgSortOp, SearchsortedOp = Sort, Argsort, Searchsorted
