"""Joining sparse matrices, as scipy.sparse's hstack and vstack: Theano's HStack and VStack.

>>> x = csr_matrix('x')
>>> hstack([x, x]).type, vstack([x, x], format='csr').type
(SparseType(csc, float64), SparseType(csr, float64))
"""

from __future__ import annotations

from dataclasses import dataclass

import scipy.sparse

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.sparse.convert import FORMAT_CLASSES, _sparse_input, dense_from_sparse
from graphlens.sparse.products import FORMAT_FROM
from graphlens.sparse.type import SparseType, is_sparse_variable
from graphlens.sparse.values import Cast


@dataclass(frozen=True)
class Stack(Op):
    """Sparse matrices joined along `axis` into a matrix of `format` (Theano's default 'csc')
    and `dtype` (None: the blocks' upcast dtype), as scipy.sparse's hstack and vstack; the
    gradient of each block is its part of the output's gradient, in the block's format.
    HStack (axis 1) and VStack (axis 0) are Theano's two ops."""

    format: str = "csc"
    dtype: str | None = None
    axis = 1                                # set by each subclass; not a prop

    def make_node(self, *blocks):
        blocks = [_sparse_input(self, b) for b in blocks]
        if not blocks:
            raise GraphlensTypeError(f"{self.label}: nothing to join")
        dtype = self.dtype or upcast(*[b.dtype for b in blocks])
        joined = [b.type.shape[self.axis] for b in blocks]
        across = [b.type.shape[1 - self.axis] for b in blocks]
        length = None if None in joined else sum(joined)
        other = next((n for n in across if n is not None), None)
        shape = (length, other) if self.axis == 0 else (other, length)
        return Apply(self, blocks, [SparseType(self.format or "csc", dtype, shape)()])

    def infer_shape(self, node, input_shapes):
        joined = input_shapes[0][self.axis]
        for shape in input_shapes[1:]:
            joined = joined + shape[self.axis]
        other = input_shapes[0][1 - self.axis]
        return [(joined, other) if self.axis == 0 else (other, joined)]

    def perform(self, node, inputs):
        join = scipy.sparse.hstack if self.axis == 1 else scipy.sparse.vstack
        out_type = node.outputs[0].type
        joined = join(inputs, format=out_type.format, dtype=out_type.numpy_dtype)
        return [FORMAT_CLASSES[out_type.format](joined)]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        dense = dense_from_sparse(gz) if is_sparse_variable(gz) else gz
        grads, start = [], 0
        for block in inputs:
            length = block.shape[self.axis]
            stop = start + length
            part = dense[start:stop] if self.axis == 0 else dense[:, start:stop]
            g = FORMAT_FROM[block.format](part)
            grads.append(g if g.dtype == block.dtype else Cast(block.dtype)(g))
            start = stop
        return grads


@dataclass(frozen=True)
class HStack(Stack):
    """Sparse matrices side by side: `HStack(format='csc', dtype=None)(x, y)`.

    >>> HStack('csr', 'float64')(csr_matrix('x'), csr_matrix('y')).type
    SparseType(csr, float64)
    """

    axis = 1
    notation = Func("hstack", params=("format",))


@dataclass(frozen=True)
class VStack(Stack):
    """Sparse matrices one above the other: `VStack(format='csc', dtype=None)(x, y)`."""

    axis = 0
    notation = Func("vstack", params=("format",))


def hstack(blocks, format=None, dtype=None):
    """Sparse matrices side by side, as Theano's: `hstack([x, y], format='csr')`; the result
    is csc unless `format` says otherwise, of the blocks' upcast dtype unless `dtype` does."""
    return HStack(format or "csc", dtype)(*blocks)


def vstack(blocks, format=None, dtype=None):
    """Sparse matrices one above the other: `vstack([x, y], format='csr')` (csc by default)."""
    return VStack(format or "csc", dtype)(*blocks)
