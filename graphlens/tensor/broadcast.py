"""Theano's broadcast-pattern functions: `patternbroadcast`, `addbroadcast`, `unbroadcast`.

A broadcastable axis is one whose length is declared 1, so elementwise ops may stretch it. These
functions change only that declaration, with a check at run time where they add one.

>>> x = T.dmatrix('x'); T.addbroadcast(x, 0).broadcastable
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe, where
from graphlens.tensor.arguments import int_arguments
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class Rebroadcast(Op):
    """x with the broadcast declaration of some axes changed: `pattern` is ((axis, bool), ...).

    Declaring an axis broadcastable checks at run time that its length is 1. A view of x.
    Theano's call gives the pairs as arguments, `Rebroadcast((0, True), (1, False))(x)`;
    graphlens's own gives them as one tuple, `Rebroadcast(((0, True),))(x)`.
    """

    pattern: tuple
    notation = Func("rebroadcast", params=("pattern",))
    view_map = {0: [0]}

    def __init__(self, *axis):
        pairs = axis[0] if len(axis) == 1 and not _is_pair(axis[0]) else axis
        pattern = []
        for pair in pairs:
            if not _is_pair(pair):
                raise GraphlensTypeError(f"Rebroadcast takes (axis, broadcastable) pairs, got "
                                         f"{pair!r:.40}")
            pattern.append((int(pair[0]), bool(pair[1])))
        object.__setattr__(self, "pattern", tuple(pattern))

    @property
    def axis(self) -> dict:
        """Theano's view of the pattern: {axis: broadcastable}."""
        return dict(self.pattern)

    def make_node(self, x):
        x = as_tensor_variable(x)
        shape = list(x.type.shape)
        for axis, broadcastable in self.pattern:
            if not 0 <= axis < x.ndim:
                raise ShapeError(f"{self.label} at {call_site()}: axis {axis} is out of range "
                                 f"for {describe(x)}")
            if broadcastable:
                if shape[axis] not in (None, 1):
                    raise ShapeError(f"{self.label} at {call_site()}: axis {axis} of "
                                     f"{describe(x)} has length {shape[axis]}, not 1")
                shape[axis] = 1
            elif shape[axis] == 1:
                shape[axis] = None
        return Apply(self, [x], [TensorType(x.dtype, tuple(shape))()])

    def perform(self, node, inputs):
        (x,) = inputs
        for axis, broadcastable in self.pattern:
            if broadcastable and x.shape[axis] != 1:
                raise ShapeError(
                    f"{self.label}: axis {axis} of {describe(node.inputs[0])} was declared "
                    f"broadcastable (length 1) but has length {x.shape[axis]} at run time "
                    f"(shape {x.shape}), built at {where(node.outputs[0])}")
        return [x]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # The gradient carries the input's own declaration on the axes this op changed.
        restored = tuple((axis, x.type.shape[axis] == 1) for axis, _ in self.pattern)
        return [Rebroadcast(restored)(gz)]


def _is_pair(value) -> bool:
    return (isinstance(value, (tuple, list)) and len(value) == 2
            and isinstance(value[0], (int, np.integer)) and not isinstance(value[0], bool))


def _axes(x, axes):
    axes = int_arguments(axes, "addbroadcast/unbroadcast", "each axis")
    return [axis % x.ndim if -x.ndim <= axis < 0 else axis for axis in axes]


def _changed(x, pattern):
    """`x` itself when the pattern changes nothing (as Theano), else a Rebroadcast of it."""
    for axis, _ in pattern:
        if not 0 <= axis < x.ndim:
            raise ShapeError(f"axis {axis} is out of range for {describe(x)}, at {call_site()}")
    pattern = tuple((axis, bool(b)) for axis, b in pattern
                    if (x.type.shape[axis] == 1) != bool(b))
    return Rebroadcast(pattern)(x) if pattern else x


def addbroadcast(x, *axes):
    """x with `axes` declared broadcastable (length 1, checked when the function runs).

    >>> T.addbroadcast(T.dmatrix(), 1).broadcastable
    (False, True)
    """
    x = as_tensor_variable(x)
    return _changed(x, [(axis, True) for axis in _axes(x, axes)])


def unbroadcast(x, *axes):
    """x with `axes` no longer broadcastable: their length is treated as unknown.

    >>> T.unbroadcast(T.drow(), 0).broadcastable
    (False, False)
    """
    x = as_tensor_variable(x)
    return _changed(x, [(axis, False) for axis in _axes(x, axes)])


def patternbroadcast(x, broadcastable):
    """x with Theano's broadcast pattern `broadcastable` (one bool per axis).

    >>> T.patternbroadcast(T.dmatrix(), (True, False)).broadcastable
    (True, False)
    """
    x = as_tensor_variable(x)
    if len(broadcastable) != x.ndim:
        raise ShapeError(f"patternbroadcast at {call_site()}: pattern {tuple(broadcastable)} "
                         f"has {len(broadcastable)} entries, {describe(x)} has rank {x.ndim}")
    return _changed(x, list(enumerate(broadcastable)))
