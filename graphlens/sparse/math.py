"""Sums and elementwise arithmetic with sparse matrices, with Theano's result types:

| expression | result |
|---|---|
| `sp_sum(s, axis)` | dense |
| `s + s`, `s - s`, `s * s`, `s * d`, `-s` | sparse (`s * d` keeps s's pattern) |
| `s + d`, `s - d` | dense |

>>> x = csr_matrix('x'); W = T.dmatrix('W')
>>> (x * W).type, (x + W).type
(SparseType(csr, float64), TensorType(float64, (?, ?)))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import ADD, MUL, Func, Infix
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete, upcast
from graphlens.tensor.elemwise import unbroadcast
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import as_tensor_variable
from graphlens.sparse.convert import (FORMAT_CLASSES, StructuredMask, _sparse_input,
                                      dense_from_sparse, entry_coordinates, neg,
                                      sparse_and_dense_operands)
from graphlens.sparse.products import FORMAT_FROM, _as_format, _dense, _has_sparse
from graphlens.sparse.type import (SparseType, as_sparse_or_tensor_variable,
                                   is_sparse_variable, merged_lengths, refuse_mismatch)


@dataclass(frozen=True)
class SpSum(Op):
    """The sum of a sparse matrix's entries, over all of them (`axis` None, a scalar) or one
    axis (a vector); dense, of x's dtype. Its gradient is sparse: with `sparse_grad` it keeps
    x's pattern, else it holds every entry (Theano's `sp_sum(x, axis, sparse_grad)`).

    >>> SpSum(axis=1)(csr_matrix('x')).type
    TensorType(float64, (?,))
    """

    axis: int | None = None
    sparse_grad: bool = False
    notation = Func("sp_sum", params=("axis",))

    def make_node(self, x):
        x = _sparse_input(self, x)
        if self.axis not in (None, 0, 1):
            raise GraphlensTypeError(f"{self.label}: axis must be None, 0 or 1 for a sparse "
                                     f"matrix")
        shape = () if self.axis is None else (x.type.shape[1 - self.axis],)
        return Apply(self, [x], [tensor_type(x.dtype, shape)()])

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        return [() if self.axis is None else ((cols,) if self.axis == 0 else (rows,))]

    def perform(self, node, inputs):
        dtype = node.outputs[0].type.numpy_dtype
        return [np.asarray(inputs[0].sum(axis=self.axis), dtype=dtype).reshape(
            () if self.axis is None else -1)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if is_discrete(x.dtype):
            return [disconnected(x)]
        rows, cols = x.shape[0], x.shape[1]
        spread = gz if self.axis != 1 else gz.dimshuffle(0, "x")
        full = T.alloc(spread, rows, cols)
        if self.sparse_grad:
            return [StructuredMask()(x, full)]
        return [FORMAT_FROM[x.format](full)]


class _SparseSparse(Op):
    """An elementwise op of two sparse matrices of one shape: sparse, of x's format; the
    subclass says how scipy computes it (`combine`)."""

    commutative = True

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), _sparse_input(self, y)
        refuse_mismatch(self, x, y)
        shape = merged_lengths(x.type.shape, y.type.shape)
        return Apply(self, [x, y], [SparseType(x.format, upcast(x.dtype, y.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, y = inputs
        _same_shape(self, x, y)
        out_type = node.outputs[0].type
        return [_as_format(self.combine(x, y), out_type.format, out_type.numpy_dtype)]


@dataclass(frozen=True)
class AddSS(_SparseSparse):
    """x + y of two sparse matrices: sparse, of x's format."""

    notation = Infix("+", ADD)

    @staticmethod
    def combine(x, y):
        return x + y

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return [gz, gz]


@dataclass(frozen=True)
class AddSD(Op):
    """x + y of a sparse x and a dense matrix y: dense. The gradient in x keeps its pattern."""

    notation = Infix("+", ADD)
    commutative = True

    def make_node(self, x, y):
        x, y = sparse_and_dense_operands(self, x, y)
        shape = merged_lengths(x.type.shape, y.type.shape)
        return Apply(self, [x, y], [tensor_type(upcast(x.dtype, y.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, y = inputs
        _same_shape(self, x, y)
        return [_dense(x + y, node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, _), (gz,) = inputs, output_grads
        return [StructuredMask()(x, gz), gz]


@dataclass(frozen=True)
class MulSS(_SparseSparse):
    """x * y, elementwise, of two sparse matrices: sparse, of x's format."""

    notation = Infix("*", MUL)

    @staticmethod
    def combine(x, y):
        return x.multiply(y)

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [mul(y, gz), mul(x, gz)]


@dataclass(frozen=True)
class MulSD(Op):
    """x * y, elementwise, of a sparse x and a dense scalar or matrix y: sparse, with x's
    pattern (what x does not store stays zero). y broadcasts along its static length-1 axes:
    `x * s[:, None]` scales the rows of x (`row_scale`)."""

    notation = Infix("*", MUL)
    commutative = True

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), as_tensor_variable(y)
        if y.ndim not in (0, 2):
            raise GraphlensTypeError(f"{self.label}: the dense operand must be a scalar or a "
                                     f"matrix, got {describe(y)}")
        if y.ndim == 2:
            refuse_mismatch(self, x, y, broadcast=True)
        out = SparseType(x.format, upcast(x.dtype, y.dtype), x.type.shape)
        return Apply(self, [x, y], [out()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, y = inputs
        dtype = node.outputs[0].type.numpy_dtype
        if y.ndim == 0:
            values = x.data * y
        else:
            static = node.inputs[1].type.shape
            if any(n != m and not (s == 1 and n == 1) for n, m, s in zip(y.shape, x.shape,
                                                                          static)):
                raise ShapeError(f"{self.label}: the operands have shapes {x.shape} and "
                                 f"{y.shape}")
            rows, cols = entry_coordinates(x)
            # A broadcast view, never a dense copy: only the stored entries are read.
            values = x.data * np.broadcast_to(y, x.shape)[rows, cols]
        return [FORMAT_CLASSES[x.format]((values.astype(dtype), x.indices.copy(),
                                          x.indptr.copy()), shape=x.shape)]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        product = mul(x, gz)
        gy = sp_sum(product) if y.ndim == 0 else unbroadcast(dense_from_sparse(product), y)
        return [mul(gz, y), gy]


def _same_shape(op, x, y):
    if x.shape != y.shape:
        raise ShapeError(f"{op.label}: the operands have shapes {x.shape} and {y.shape}")


def _operands(name, x, y):
    x, y = as_sparse_or_tensor_variable(x), as_sparse_or_tensor_variable(y)
    if not (is_sparse_variable(x) or is_sparse_variable(y)):
        raise GraphlensTypeError(f"sparse.{name}: one operand must be sparse, got "
                                 f"{describe(x)} and {describe(y)}")
    return x, y


def add(x, y):
    """x + y with a sparse operand: sparse + sparse is sparse, sparse + dense is dense."""
    if not _has_sparse(x, y):
        return T.add(x, y)
    x, y = _operands("add", x, y)
    if is_sparse_variable(x) and is_sparse_variable(y):
        return AddSS()(x, y)
    return AddSD()(x, y) if is_sparse_variable(x) else AddSD()(y, x)


def sub(x, y):
    """x - y with a sparse operand, as x + (-y) (Theano's rule for the result's type)."""
    if not _has_sparse(x, y):
        return T.sub(x, y)
    x, y = _operands("sub", x, y)
    return add(x, neg(y) if is_sparse_variable(y) else -y)


def mul(x, y):
    """x * y elementwise with a sparse operand: sparse, keeping the sparse operand's pattern.

    >>> (csr_matrix('x') * 2.0).type
    SparseType(csr, float64)
    """
    if not _has_sparse(x, y):
        return T.mul(x, y)
    x, y = _operands("mul", x, y)
    if is_sparse_variable(x) and is_sparse_variable(y):
        return MulSS()(x, y)
    return MulSD()(x, y) if is_sparse_variable(x) else MulSD()(y, x)


def sp_sum(x, axis=None, sparse_grad=False):
    """The sum of sparse `x`'s entries (over `axis` 0 or 1, or all): dense. With
    `sparse_grad`, the gradient keeps x's pattern.

    >>> sp_sum(csr_matrix('x'), axis=0).type
    TensorType(float64, (?,))
    """
    return SpSum(axis=axis, sparse_grad=bool(sparse_grad))(x)
