"""Joining tensors: concatenate (join) along an axis, and stack along a new one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import AxisError, InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import common_dtype
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.basic import cast
from graphlens.tensor.extra_ops import cumsum
from graphlens.tensor.shape import reshape, shape_padaxis
from graphlens.tensor.subtensor import getitem


@dataclass(frozen=True)
class Join(Op):
    """Concatenation of tensors of one rank along `axis`."""

    axis: int
    notation = Func("concatenate", params=("axis",))

    def make_node(self, *tensors):
        tensors = [as_tensor_variable(t) for t in tensors]
        if not tensors:
            raise ShapeError("concatenate needs at least one tensor")
        ndim = tensors[0].ndim
        if ndim == 0 or any(t.ndim != ndim for t in tensors):
            raise ShapeError("concatenate: all tensors need one rank >= 1, got "
                             + ", ".join(describe(t) for t in tensors))
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

    def perform(self, node, inputs):
        return [np.concatenate(inputs, axis=self.axis)]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        grads, start = [], 0
        for tensor in inputs:
            length = tensor.type.shape[self.axis]
            length = length if length is not None else tensor.shape[self.axis]
            stop = start + length
            index = (slice(None),) * self.axis + (slice(start, stop),)
            grads.append(_with_static_shape(getitem(gz, index), tensor))
            start = stop
        return grads


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
    """Tensors joined along an existing axis: `T.concatenate([a, b], axis=1)`."""
    tensors = [as_tensor_variable(t) for t in tensors]
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
    (ints or an int vector), as Theano's split: a list of tensors.

    >>> a, b = T.split(x, [2, 3], 2, axis=1)      # x[:, :2], x[:, 2:5]      # doctest: +SKIP
    """
    x = as_tensor_variable(x)
    axis = _axis_in(axis, x.ndim, "split")
    if not isinstance(n_splits, (int, np.integer)) or n_splits < 1:
        raise InvalidArgumentError(f"split: n_splits must be an int >= 1, got {n_splits!r}")
    sizes = as_tensor_variable(splits_size)
    if sizes.ndim != 1 or sizes.dtype.startswith(("float", "complex", "bool")):
        raise InvalidArgumentError(f"split: splits_size must be a vector of ints, got "
                                   f"{sizes.type}")
    if sizes.type.shape[0] not in (None, n_splits):
        raise InvalidArgumentError(f"split: {sizes.type.shape[0]} sizes for n_splits={n_splits}")
    if isinstance(splits_size, (list, tuple)) and all(
            isinstance(n, (int, np.integer)) for n in splits_size):
        ends = [int(n) for n in np.cumsum(splits_size)]     # literal sizes: static lengths
    else:
        ends = cumsum(sizes)
    before = (slice(None),) * axis
    pieces = []
    for i in range(int(n_splits)):
        start = 0 if i == 0 else ends[i - 1]
        pieces.append(x[before + (slice(start, ends[i]),)])
    return pieces


def stacklists(arg):
    """A tensor from nested lists of tensors (or numbers) of one shape, as Theano's stacklists:
    `stacklists([[a, b], [c, d]])` is a 2 x 2 grid of a's shape."""
    if isinstance(arg, (list, tuple)):
        # The nesting is the user's Python lists, not the graph: its depth is small.
        return stack([stacklists(item) for item in arg])
    return as_tensor_variable(arg)
