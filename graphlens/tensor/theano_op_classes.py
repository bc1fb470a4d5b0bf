"""Three op classes of Theano's `theano.tensor.extra_ops` that Theano code builds itself:
`DiffOp(n, axis)`, `FillDiagonal()` and `FillDiagonalOffset()`. graphlens's `diff`,
`fill_diagonal` and `fill_diagonal_offset` compose other ops (their pictures show the slices
and the index assignment); these are the one-node forms, with the same values and gradients.

>>> DiffOp(n=2)(T.dvector('x'))                                  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.compare import maximum
from graphlens.tensor.diagonal import diagonal, fill_diagonal
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.join import concatenate
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class DiffOp(Op):
    """The n-th discrete difference along `axis`, as numpy.diff, in one node."""

    n: int = 1
    axis: int = -1
    notation = Func("diff", params=("n", "axis"))

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not -x.ndim <= self.axis < max(x.ndim, 1):
            raise InvalidArgumentError(f"DiffOp at {call_site()}: axis {self.axis} out of range "
                                       f"for {describe(x)}")
        shape = list(x.type.shape)
        axis = self.axis % x.ndim
        if shape[axis] is not None:
            shape[axis] = max(shape[axis] - self.n, 0)
        return Apply(self, [x], [TensorType(x.dtype, tuple(shape))()])

    def perform(self, node, inputs):
        # numpy gives the input itself for n=0; an output never aliases an input here.
        return [np.diff(inputs[0], n=self.n, axis=self.axis) if self.n else inputs[0].copy()]

    def infer_shape(self, node, input_shapes):
        """The input's lengths, n fewer along the axis (none left below 0)."""
        lengths = list(input_shapes[0])
        axis = self.axis % len(lengths)
        lengths[axis] = maximum(lengths[axis] - self.n, 0)
        return [tuple(lengths)]

    def grad(self, inputs, output_grads):
        # y = x[1:] - x[:-1] has adjoint g -> -diff(g padded with a zero at both ends); n
        # differences are n adjoints in turn.
        (x,), (g,) = inputs, output_grads
        axis = self.axis % x.ndim
        for _ in range(self.n):
            edge = zeros_like(g[(slice(None),) * axis + (slice(0, 1),)])
            g = -DiffOp(1, axis)(concatenate([edge, g, edge], axis=axis))
        return [g]


@dataclass(frozen=True)
class FillDiagonal(Op):
    """A copy of `a` with its main diagonal (positions i, i, ..., i) set to the scalar val."""

    notation = Func("fill_diagonal")

    def make_node(self, a, val):
        a, val = as_tensor_variable(a), as_tensor_variable(val)
        if a.ndim < 2 or val.ndim != 0:
            raise InvalidArgumentError(f"FillDiagonal at {call_site()} takes an array of at "
                                       f"least 2 axes and a scalar, got {describe(a)} and "
                                       f"{describe(val)}")
        return Apply(self, [a, val], [a.type()])

    def perform(self, node, inputs):
        a, val = inputs
        out = a.copy()
        np.fill_diagonal(out, val)
        return [out]

    def infer_shape(self, node, input_shapes):
        """a's lengths."""
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (a, val), (g,) = inputs, output_grads
        if a.ndim != 2:
            return [fill_diagonal(g, 0), disconnected(val)]
        return [fill_diagonal(g, 0), diagonal(g).sum().astype(val.dtype)]


@dataclass(frozen=True)
class FillDiagonalOffset(Op):
    """A copy of the matrix `a` with its diagonal `offset` (an int scalar input) set to val."""

    notation = Func("fill_diagonal_offset")

    def make_node(self, a, val, offset):
        a, val, offset = (as_tensor_variable(v) for v in (a, val, offset))
        if a.ndim != 2 or val.ndim != 0 or offset.ndim != 0 or "int" not in offset.dtype:
            raise InvalidArgumentError(f"FillDiagonalOffset at {call_site()} takes a matrix, a "
                                       f"scalar and an int scalar offset, got {describe(a)}, "
                                       f"{describe(val)}, {describe(offset)}")
        return Apply(self, [a, val, offset], [a.type()])

    def perform(self, node, inputs):
        a, val, offset = inputs
        out = a.copy()
        rows, cols = out.shape
        start = (0, offset) if offset >= 0 else (-offset, 0)
        length = max(min(rows - start[0], cols - start[1]), 0)
        steps = np.arange(length)
        out[steps + start[0], steps + start[1]] = val
        return [out]

    def infer_shape(self, node, input_shapes):
        """a's lengths."""
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (a, val, offset), (g,) = inputs, output_grads
        # a: g with the diagonal zeroed; val: the sum of g on the diagonal, read through a mask
        # built by this op itself, so the offset may be symbolic.
        mask = FillDiagonalOffset()(zeros_like(g), 1, offset)
        return [FillDiagonalOffset()(g, 0, offset), (g * mask).sum().astype(val.dtype),
                disconnected(offset)]


__all__ = ["DiffOp", "FillDiagonal", "FillDiagonalOffset"]
