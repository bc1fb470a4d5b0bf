"""Copies of a tensor laid out anew: tile and roll, as numpy's and Theano's.

>>> t = T.tile(x, (2, 3)); r = T.roll(v, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import (integer_gradient, length_of, same_shape_as_input,
                                        single_axis, static_or_symbolic)
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.compare import clip, lt, maximum, switch
from graphlens.tensor.basic import int_scalar
from graphlens.tensor.shape import flatten, reshape


@dataclass(frozen=True)
class Tile(Op):
    """x repeated reps[i] times along each axis i, as numpy.tile; the counts are int scalars
    after x, one per axis of the result (x is padded with leading axes of length 1).

    Theano's form `Tile(ndim)(x, reps)` takes the counts as one int vector (or list) and
    makes a result of rank `ndim`, which must be max(x.ndim, len(reps)) as Theano checked.
    """

    ndim: int | None = None
    notation = Func("tile")

    @property
    def props(self) -> dict:
        return {} if self.ndim is None else {"ndim": self.ndim}

    def make_node(self, x, *reps):
        x = as_tensor_variable(x)
        if self.ndim is not None:
            return self._theano_node(x, reps)
        reps = [int_scalar(r, "tile: each entry of reps") for r in reps]
        if len(reps) < x.ndim:
            raise InvalidArgumentError(f"tile at {call_site()}: {len(reps)} counts for "
                                       f"{describe(x)}; give one per axis")
        lengths = (1,) * (len(reps) - x.ndim) + x.type.shape
        shape = []
        for length, count in zip(lengths, reps):
            known = int(count.data) if isinstance(count, Constant) else None
            if known is not None and known < 0:
                raise InvalidArgumentError(f"tile at {call_site()}: counts must be >= 0, got "
                                           f"{known}")
            shape.append(None if known is None or length is None else length * known)
        return Apply(self, [x, *reps], [TensorType(x.dtype, tuple(shape))()])

    def _theano_node(self, x, reps):
        if len(reps) != 1:
            raise InvalidArgumentError(f"Tile({self.ndim}) at {call_site()} takes x and one "
                                       f"vector of counts, got {len(reps)} arguments after x")
        (reps,) = reps
        counts = list(reps) if isinstance(reps, (list, tuple)) else as_tensor_variable(reps)
        length = len(counts) if isinstance(counts, list) else (
            counts.type.shape[0] if counts.ndim == 1 else 1)
        if length is not None and max(x.ndim, length) != self.ndim:
            raise InvalidArgumentError(f"Tile({self.ndim}) at {call_site()}: {length} counts "
                                       f"for {describe(x)} make a result of rank "
                                       f"{max(x.ndim, length)}, not ndim={self.ndim}")
        return tile(x, counts, self.ndim).owner

    def infer_shape(self, node, input_shapes):
        """Each length of x (1 for the padded axes) times its count."""
        reps = [static_or_symbolic(r) for r in node.inputs[1:]]
        lengths = (1,) * (len(reps) - node.inputs[0].ndim) + tuple(input_shapes[0])
        return [tuple(length * count for length, count in zip(lengths, reps))]

    def perform(self, node, inputs):
        x, *reps = inputs
        try:
            return [np.tile(x, tuple(int(r) for r in reps))]
        except ValueError as exc:
            raise ShapeError(f"tile: cannot tile an array of shape {x.shape} by "
                             f"{tuple(int(r) for r in reps)}: {exc}") from exc

    def grad(self, inputs, output_grads):
        (x, *reps), (gz,) = inputs, output_grads
        padding = len(reps) - x.ndim
        lengths = [1] * padding + [length_of(x, axis) for axis in range(x.ndim)]
        # Axis i of the result is reps[i] copies of x's axis: split it in two, sum the copies.
        split = [part for pair in zip(reps, lengths) for part in pair]
        summed = reshape(gz, split, ndim=2 * len(reps)).sum(axis=tuple(range(0, len(split), 2)))
        gx = reshape(summed, x.shape, ndim=x.ndim) if padding else summed
        return [gx] + [integer_gradient(self, r) for r in reps]


def tile(x, reps, ndim=None):
    """x repeated along each axis, as numpy.tile: `T.tile(x, (2, 3))`.

    `reps` is an int, an int scalar variable, a list of those, or an int vector variable (then
    `ndim`, the rank of the result, is required). `ndim` defaults to max(len(reps), x.ndim).
    """
    x = as_tensor_variable(x)
    if ndim is not None and ndim < x.ndim:
        raise InvalidArgumentError(f"tile at {call_site()}: ndim={ndim} is less than the rank of "
                                   f"{describe(x)}")
    if isinstance(reps, (list, tuple)):
        reps = list(reps)
        if ndim is not None and len(reps) > ndim:
            raise InvalidArgumentError(f"tile at {call_site()}: {len(reps)} counts for a result "
                                       f"of rank ndim={ndim}")
    else:
        reps = _reps_entries(as_tensor_variable(reps), ndim)
    for count in reps:
        if not (isinstance(count, (int, np.integer)) or isinstance(count, Variable)
                and is_discrete(count.dtype) and count.ndim == 0):
            raise InvalidArgumentError(f"tile at {call_site()}: reps must hold ints or int "
                                       f"scalars, got {count!r}")
    ndim = ndim if ndim is not None else max(len(reps), x.ndim)
    return Tile()(x, *([1] * (ndim - len(reps)) + reps))


def _reps_entries(reps, ndim):
    """The entries of a reps tensor (a scalar or a vector) as a list of int scalars."""
    if not is_discrete(reps.dtype) or reps.dtype == "bool":
        raise InvalidArgumentError(f"tile at {call_site()}: reps must be integers, got "
                                   f"{describe(reps)}")
    if reps.ndim == 0:
        return [reps]
    if reps.ndim > 1:
        raise InvalidArgumentError(f"tile at {call_site()}: reps must be a scalar or a vector, "
                                   f"got {describe(reps)}")
    if reps.type.shape[0] is not None:
        if ndim is not None and reps.type.shape[0] > ndim:
            raise InvalidArgumentError(f"tile at {call_site()}: {reps.type.shape[0]} counts for "
                                       f"a result of rank ndim={ndim}")
        return [reps[i] for i in range(reps.type.shape[0])]
    if ndim is None:
        raise InvalidArgumentError(f"tile at {call_site()}: reps {describe(reps)} is a vector "
                                   f"of unknown length; pass ndim, the rank of the result")
    # The vector fills the last axes; the axes before it are tiled once.
    offset = ndim - reps.shape[0]
    return [switch(lt(i, offset), 1, reps[maximum(i - offset, 0)]) for i in range(ndim)]


@dataclass(frozen=True)
class Roll(Op):
    """x shifted by `shift` positions along `axis`, wrapping around, as numpy.roll."""

    axis: int
    notation = Func("roll", params=("axis",))

    def make_node(self, x, shift):
        x = as_tensor_variable(x)
        shift = int_scalar(shift, "roll: shift")
        axis = single_axis(self.axis, x, "roll")
        if axis != self.axis:
            return Roll(axis).make_node(x, shift)
        return Apply(self, [x, shift], [x.type()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        x, shift = inputs
        return [np.roll(x, int(shift), axis=self.axis)]

    def grad(self, inputs, output_grads):
        (x, shift), (gz,) = inputs, output_grads
        return [Roll(self.axis)(gz, -shift), integer_gradient(self, shift)]


def roll(x, shift, axis=None):
    """x rolled by `shift` (an int or int scalar) along `axis`; for None, the flattened x is
    rolled and the result has x's shape, as numpy.roll.

    >>> T.roll(v, 1)       # [1, 2, 3] -> [3, 1, 2]      # doctest: +SKIP
    """
    x = as_tensor_variable(x)
    if axis is None:
        if x.ndim <= 1:
            return Roll(0)(x, shift) if x.ndim else x
        return reshape(Roll(0)(flatten(x), shift), x.shape, ndim=x.ndim)
    return Roll(single_axis(axis, x, "roll"))(x, shift)


def swapaxes(x, axis1, axis2):
    """x with axes `axis1` and `axis2` exchanged (a view), as numpy.swapaxes."""
    x = as_tensor_variable(x)
    order = list(range(x.ndim))
    first, second = single_axis(axis1, x, "swapaxes"), single_axis(axis2, x, "swapaxes")
    order[first], order[second] = order[second], order[first]
    return x.transpose(order)


TAKE_MODES = ("raise", "wrap", "clip")


def take(a, indices, axis=None, mode="raise"):
    """a's elements at `indices` along `axis` (of the flattened a for None), as numpy.take.

    mode: 'raise' refuses an index out of range when the function runs, 'wrap' wraps it around,
    'clip' moves it to the nearest end. The gradient reaches the elements taken.
    """
    a = as_tensor_variable(a)
    if mode not in TAKE_MODES:
        raise InvalidArgumentError(f"take at {call_site()}: mode must be one of {TAKE_MODES}, "
                                   f"got {mode!r}")
    if axis is None:
        a, axis = (flatten(a) if a.ndim != 1 else a), 0
    axis = single_axis(axis, a, "take")
    indices = as_tensor_variable(indices)
    if not is_discrete(indices.dtype) or indices.dtype == "bool":
        raise GraphlensTypeError(f"take at {call_site()}: indices must be integers, got "
                                 f"{describe(indices)}")
    length = length_of(a, axis)
    if mode == "wrap":
        indices = indices % length
    elif mode == "clip":
        indices = clip(indices, 0, length - 1)
    return a[(slice(None),) * axis + (indices,)]
