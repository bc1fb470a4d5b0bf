"""Joining tensors: concatenate (join) along an axis, and stack along a new one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import (AxisError, GraphlensTypeError, InvalidArgumentError, RankError,
                              ShapeError, describe)
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.compare import eq, lt, switch
from graphlens.tensor.elemwise import call_site, common_dtype
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.basic import cast, int_scalar
from graphlens.tensor.shape import MakeVector, reshape, shape_padaxis
from graphlens.tensor.subtensor import getitem


@dataclass(frozen=True)
class Join(Op):
    """Concatenation of tensors of one rank along `axis`.

    graphlens's own form holds the axis: `Join(1)(a, b)`. Theano's form, `Join()(axis, a, b)`,
    takes it as the first input; a constant axis makes graphlens's form, a symbolic one (an int
    scalar known only when the function runs) stays an input of the node. `view` is Theano's
    (the output may alias input `view` when every other input is empty along the axis); the
    result is always a new array here.
    """

    axis: int | None = None
    view: int = -1
    notation = Func("concatenate", params=("axis",))

    @property
    def props(self) -> dict:
        # Labels stay `Join{axis=1}`: Theano's `view` shows only when given.
        return {"axis": self.axis} if self.view == -1 else {"axis": self.axis, "view": self.view}

    def make_node(self, *tensors):
        if self.axis is None:
            return self._theano_node(tensors)
        tensors = [as_tensor_variable(t) for t in tensors]
        ndim = _check_ranks(tensors)
        if not 0 <= self.axis < ndim:
            raise AxisError(f"concatenate: axis {self.axis} is out of range for rank {ndim}")
        dtype = common_dtype(tensors)
        tensors = [t if t.dtype == dtype else cast(t, dtype) for t in tensors]
        shape = []
        for axis in range(ndim):
            dims = [t.type.shape[axis] for t in tensors]
            if axis == self.axis:
                shape.append(None if None in dims else int(np.sum(dims)))
                continue
            known = set(dims) - {None}
            if len(known) > 1:
                raise ShapeError(f"concatenate: lengths {sorted(known)} differ on axis {axis}: "
                                 + ", ".join(describe(t) for t in tensors))
            shape.append(known.pop() if known else None)
        return Apply(self, tensors, [TensorType(dtype, tuple(shape))()])

    def _theano_node(self, axis_and_tensors):
        """Theano's `Join()(axis, *tensors)`: a constant axis becomes graphlens's own form."""
        if not axis_and_tensors:
            raise ShapeError("Join()(axis, *tensors) needs an axis")
        axis, *tensors = axis_and_tensors
        tensors = [as_tensor_variable(t) for t in tensors]
        ndim = _check_ranks(tensors)
        axis = int_scalar(axis, "Join: the axis")
        if isinstance(axis, Constant):
            return Join(_axis_in(int(axis.data), ndim, "concatenate"), self.view).make_node(
                *tensors)
        dtype = common_dtype(tensors)
        tensors = [t if t.dtype == dtype else cast(t, dtype) for t in tensors]
        return Apply(self, [axis, *tensors], [TensorType(dtype, (None,) * ndim)()])

    def perform(self, node, inputs):
        if self.axis is None:
            axis, *tensors = inputs
            return [np.concatenate(tensors, axis=_run_time_axis(axis, tensors[0].ndim))]
        return [np.concatenate(inputs, axis=self.axis)]

    def infer_shape(self, node, input_shapes):
        """The lengths summed on the joined axis, the first input's elsewhere."""
        if self.axis is None:
            axis, shapes = node.inputs[0], input_shapes[1:]
            ndim = len(shapes[0])
            axis = switch(lt(axis, 0), axis + ndim, axis)
            return [tuple(switch(eq(axis, d), _total([s[d] for s in shapes]), shapes[0][d])
                          for d in range(ndim))]
        return [tuple(_total([s[d] for s in input_shapes]) if d == self.axis else n
                      for d, n in enumerate(input_shapes[0]))]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        if self.axis is None:
            # The axis is known only when the function runs: Split cuts gz there.
            axis, *tensors = inputs
            lengths = stack([t.shape[axis] for t in tensors])
            pieces = Split(len(tensors))(gz, axis, lengths)
            pieces = pieces if isinstance(pieces, list) else [pieces]
            return [disconnected(axis)] + [_with_static_shape(p, t)
                                           for p, t in zip(pieces, tensors)]
        grads, start = [], 0
        for tensor in inputs:
            length = tensor.type.shape[self.axis]
            length = length if length is not None else tensor.shape[self.axis]
            stop = start + length
            index = (slice(None),) * self.axis + (slice(start, stop),)
            grads.append(_with_static_shape(getitem(gz, index), tensor))
            start = stop
        return grads


def _total(lengths):
    total = lengths[0]
    for length in lengths[1:]:
        total = total + length
    return total


def _check_ranks(tensors):
    if not tensors:
        raise ShapeError("concatenate needs at least one tensor")
    ndim = tensors[0].ndim
    if ndim == 0 or any(t.ndim != ndim for t in tensors):
        raise RankError("concatenate: all tensors need one rank >= 1, got "
                         + ", ".join(describe(t) for t in tensors))
    return ndim


def _run_time_axis(axis, ndim):
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise AxisError(f"concatenate: axis {axis} is out of range for rank {ndim}")
    return axis % ndim


@dataclass(frozen=True)
class Split(Op):
    """x cut along `axis` into `len_splits` consecutive pieces of the lengths `splits` (an int
    vector), as Theano's `Split(len_splits)(x, axis, splits)`: one output per piece, each a
    copy. The lengths must be >= 0 and sum to x's length on the axis (ValueError).

    >>> a, b = Split(2)(x, 0, [2, 3])                            # doctest: +SKIP
    """

    len_splits: int
    notation = Func("split", params=("len_splits",))

    def make_node(self, x, axis, splits):
        x = as_tensor_variable(x)
        axis = int_scalar(axis, "split: the axis")
        splits = as_tensor_variable(splits)
        if splits.ndim != 1 or not is_discrete(splits.dtype) or splits.dtype == "bool":
            raise GraphlensTypeError(f"split: splits must be a vector of ints, got "
                                     f"{describe(splits)}")
        if splits.type.shape[0] not in (None, self.len_splits):
            raise InvalidArgumentError(f"split: {splits.type.shape[0]} lengths for "
                                       f"len_splits={self.len_splits}")
        if not isinstance(axis, Constant):
            shapes = [(None,) * x.ndim] * self.len_splits
        else:
            known = _axis_in(int(axis.data), x.ndim, "split")
            sizes = (splits.data if isinstance(splits, Constant)
                     else [None] * self.len_splits)
            shapes = [x.type.shape[:known] + (None if n is None or n < 0 else int(n),)
                      + x.type.shape[known + 1:] for n in sizes]
            length = x.type.shape[known]
            if isinstance(splits, Constant) and length is not None and \
                    int(np.sum(splits.data)) != length:
                raise ShapeError(f"split at {call_site()}: the lengths {[int(n) for n in splits.data]} sum "
                                 f"to {int(np.sum(splits.data))}, but axis {known} of "
                                 f"{describe(x)} has length {length}")
        return Apply(self, [x, axis, splits], [TensorType(x.dtype, s)() for s in shapes])

    def perform(self, node, inputs):
        x, axis, splits = inputs
        axis = _run_time_axis(axis, x.ndim)
        if len(splits) != self.len_splits:
            raise ShapeError(f"split: {len(splits)} lengths given for len_splits="
                             f"{self.len_splits}")
        if any(n < 0 for n in splits):
            raise ShapeError(f"split: lengths must be >= 0, got {[int(n) for n in splits]}")
        if np.sum(splits) != x.shape[axis]:
            raise ShapeError(f"split: the lengths {[int(n) for n in splits]} sum to {int(np.sum(splits))}, but "
                             f"axis {axis} of the array (shape {x.shape}) has length "
                             f"{x.shape[axis]}")
        ends = np.cumsum(splits)[:-1]
        return [piece.copy() for piece in np.split(x, ends, axis=axis)]

    def infer_shape(self, node, input_shapes):
        """x's lengths, with each piece's own length on the axis."""
        x, axis, splits = node.inputs
        lengths = list(input_shapes[0])
        shapes = []
        for i in range(self.len_splits):
            shape = [switch(eq(axis, d), splits[i], n) if not isinstance(axis, Constant)
                     else (splits[i] if d == int(axis.data) % x.ndim else n)
                     for d, n in enumerate(lengths)]
            shapes.append(tuple(shape))
        return shapes

    def grad(self, inputs, output_grads):
        # An unused piece's gradient is zeros (backprop gives zeros_like): join them all back.
        x, axis, splits = inputs
        return [Join()(axis, *output_grads), disconnected(axis), disconnected(splits)]


def _with_static_shape(grad, tensor):
    """`grad` reshaped to carry `tensor`'s static lengths, which symbolic slice bounds lose.

    A later DimShuffle gradient may need to know that an axis has length 1 (a stacked scalar).
    """
    if all(g is not None or t is None for g, t in zip(grad.type.shape, tensor.type.shape)):
        return grad
    lengths = [t if t is not None else tensor.shape[i] for i, t in enumerate(tensor.type.shape)]
    return reshape(grad, lengths, ndim=tensor.ndim)


def _axis_in(axis, ndim, what):
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise AxisError(f"{what}: axis {axis} is out of range for rank {ndim}")
    return int(axis) % ndim


def concatenate(tensors, axis=0):
    """Tensors joined along an existing axis: `T.concatenate([a, b], axis=1)`; `axis` may be
    an int scalar variable (Theano's), known when the function runs."""
    tensors = [as_tensor_variable(t) for t in tensors]
    if len(tensors) == 1 and tensors[0].ndim > 0:
        return tensors[0]          # Theano's join of one tensor is that tensor
    if not isinstance(axis, (int, np.integer)):
        return Join()(axis, *tensors)
    if not tensors or tensors[0].ndim == 0:
        return Join(axis)(*tensors)          # make_node says what is wrong
    return Join(_axis_in(axis, tensors[0].ndim, "concatenate"))(*tensors)


def join(axis, *tensors):
    """Theano's spelling of concatenate: `T.join(0, a, b)`."""
    return concatenate(tensors, axis=axis)


def stack(*tensors, axis=0):
    """Tensors of one shape stacked along a new axis: `T.stack([x, y])`, `T.stack([x, y], 1)`,
    or Theano's older `T.stack(x, y, z)` (tensors as arguments, stacked along axis 0)."""
    if tensors and isinstance(tensors[0], (list, tuple)):
        if len(tensors) > 2:
            raise ShapeError("stack takes a list of tensors and an axis: stack([x, y], axis)")
        tensors, axis = tensors[0], (tensors[1] if len(tensors) == 2 else axis)
    tensors = [as_tensor_variable(t) for t in tensors]
    if not tensors:
        raise ShapeError("stack needs at least one tensor")
    axis = _axis_in(axis, tensors[0].ndim + 1, "stack")
    if all(t.ndim == 0 for t in tensors):
        # Scalars make a vector, as Theano's stack did (MakeVector, in their common dtype).
        return MakeVector(common_dtype(tensors))(*tensors)
    return Join(axis)(*[shape_padaxis(t, axis) for t in tensors])


def horizontal_stack(*matrices):
    """Matrices side by side (joined along axis 1), as Theano's horizontal_stack."""
    return _stack_matrices(matrices, 1, "horizontal_stack")


def vertical_stack(*matrices):
    """Matrices one above the other (joined along axis 0), as Theano's vertical_stack."""
    return _stack_matrices(matrices, 0, "vertical_stack")


def _stack_matrices(matrices, axis, name):
    matrices = [as_tensor_variable(m) for m in matrices]
    for m in matrices:
        if m.ndim != 2:
            raise ShapeError(f"{name} joins matrices, got {describe(m)}")
    return concatenate(matrices, axis=axis)


def split(x, splits_size, n_splits, axis=0):
    """x cut along `axis` into `n_splits` consecutive pieces of the lengths in `splits_size`
    (ints or an int vector), as Theano's split: a list of tensors, one `Split` node. The
    lengths must sum to x's length on the axis (ValueError when the function runs).

    >>> a, b = T.split(x, [2, 3], 2, axis=1)      # x[:, :2], x[:, 2:5]      # doctest: +SKIP
    """
    x = as_tensor_variable(x)
    if isinstance(axis, (int, np.integer)):
        axis = _axis_in(axis, x.ndim, "split")
    if not isinstance(n_splits, (int, np.integer)) or n_splits < 1:
        raise InvalidArgumentError(f"split: n_splits must be an int >= 1, got {n_splits!r}")
    sizes = as_tensor_variable(splits_size)
    if sizes.ndim != 1 or sizes.dtype.startswith(("float", "complex", "bool")):
        raise InvalidArgumentError(f"split: splits_size must be a vector of ints, got "
                                   f"{sizes.type}")
    pieces = Split(int(n_splits))(x, axis, sizes)
    return list(pieces) if isinstance(pieces, (list, tuple)) else [pieces]


def stacklists(arg):
    """A tensor from nested lists of tensors (or numbers) of one shape, as Theano's stacklists:
    `stacklists([[a, b], [c, d]])` is a 2 x 2 grid of a's shape."""
    if isinstance(arg, (list, tuple)):
        # The nesting is the user's Python lists, not the graph: its depth is small.
        return stack([stacklists(item) for item in arg])
    return as_tensor_variable(arg)
