"""Matrix products with a sparse operand, with Theano's result types:

| expression | result |
|---|---|
| `dot(s, d)`, `dot(d, s)`, `dot(s, s)` | dense (gradient in a sparse input: dense) |
| `structured_dot(s, d)` | dense; its gradient in s keeps s's pattern |
| `true_dot(s, x)` | sparse |

>>> x = csr_matrix('x'); W = T.dmatrix('W')
>>> structured_dot(x, W).type, true_dot(x, W).type
(TensorType(float64, (?, ?)), SparseType(csr, float64))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import MUL, Func, Infix
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.blas import dot as dense_dot
from graphlens.tensor.type import tensor_type
from graphlens.sparse.convert import (FORMAT_CLASSES, SparseFromDense, StructuredMask,
                                      _sparse_input, dense_from_sparse, entry_coordinates)
from graphlens.sparse.type import (SparseType, as_sparse_or_tensor_variable,
                                   is_sparse_variable, refuse_mismatch)


def _as_format(value, format, dtype):
    """A scipy result (sparse of any format, or a dense matrix) as a `format` matrix."""
    return FORMAT_CLASSES[format](value, dtype=dtype)


def _dense(value, dtype):
    """A scipy or numpy product as an ndarray (scipy may give np.matrix or a sparse result)."""
    if scipy.sparse.issparse(value):
        value = value.toarray()
    return np.asarray(value, dtype=dtype)


@dataclass(frozen=True)
class Dot(Op):
    """x @ y when x or y (or both) is sparse; the result is dense, and so is the gradient in
    a sparse input (Theano's `sparse.dot`). A dense operand may be a vector.

    >>> Dot()(csr_matrix('x'), T.dvector('v')).type
    TensorType(float64, (?,))
    """

    notation = Infix("@", MUL)

    def make_node(self, x, y):
        x, y = as_sparse_or_tensor_variable(x), as_sparse_or_tensor_variable(y)
        if not (is_sparse_variable(x) or is_sparse_variable(y)):
            raise GraphlensTypeError(f"{self.label}: one operand must be sparse, got "
                                     f"{describe(x)} and {describe(y)}; use T.dot")
        for var in (x, y):
            if var.ndim not in (1, 2):
                raise GraphlensTypeError(f"{self.label}: expected vectors and matrices, got "
                                         f"{describe(var)}")
        refuse_mismatch(self, x, y, ((x.ndim - 1, 0),))
        shape = x.type.shape[:-1] + y.type.shape[1:]
        return Apply(self, [x, y], [tensor_type(upcast(x.dtype, y.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        x_shape, y_shape = input_shapes
        return [tuple(x_shape[:-1]) + tuple(y_shape[1:])]

    def perform(self, node, inputs):
        x, y = inputs
        _same_inner_length(self, x, y)
        return [_dense(x @ y, node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        if x.ndim == 1:
            gx, gy = dot(gz, y.T), T.outer(x, gz)
        elif y.ndim == 1:
            gx, gy = T.outer(gz, y), dot(x.T, gz)
        else:
            gx, gy = dot(gz, y.T), dot(x.T, gz)
        return [gx, gy]


@dataclass(frozen=True)
class StructuredDot(Op):
    """x @ y for sparse x and a dense (or sparse) matrix y. The gradient in x is sparse and
    keeps x's pattern: only the entries x stores are parameters (Theano's structured_dot).

    >>> StructuredDot()(csc_matrix('x'), T.dmatrix('W')).type
    TensorType(float64, (?, ?))
    """

    notation = Func("structured_dot")

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), as_sparse_or_tensor_variable(y)
        if y.ndim != 2:
            raise GraphlensTypeError(f"{self.label}: y must be a matrix, got {describe(y)} of "
                                     f"type {y.type}")
        refuse_mismatch(self, x, y, ((1, 0),))
        dtype, shape = upcast(x.dtype, y.dtype), (x.type.shape[0], y.type.shape[1])
        out = (SparseType(x.format, dtype, shape) if is_sparse_variable(y)
               else tensor_type(dtype, shape))
        return Apply(self, [x, y], [out()])

    def infer_shape(self, node, input_shapes):
        x_shape, y_shape = input_shapes
        return [tuple(x_shape[:-1]) + tuple(y_shape[1:])]

    def perform(self, node, inputs):
        x, y = inputs
        _same_inner_length(self, x, y)
        out_type = node.outputs[0].type
        if isinstance(out_type, SparseType):
            return [_as_format(x @ y, out_type.format, out_type.numpy_dtype)]
        return [_dense(x @ y, out_type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [StructuredDotGrad()(x, y, gz), structured_dot(x.T, gz)]


@dataclass(frozen=True)
class StructuredDotGrad(Op):
    """The gradient of structured_dot(x, y) in x, gz @ y.T read at the entries x stores: a
    sparse matrix of x's format and pattern. Computed per stored entry, never densely.

    >>> StructuredDotGrad()(csr_matrix('x'), T.dmatrix('W'), T.dmatrix('gz')).type
    SparseType(csr, float64)
    """

    notation = Func("structured_dot_grad")

    def make_node(self, x, y, gz):
        x = _sparse_input(self, x)
        y, gz = as_sparse_or_tensor_variable(y), as_sparse_or_tensor_variable(gz)
        out = SparseType(x.format, upcast(y.dtype, gz.dtype), x.type.shape)
        return Apply(self, [x, y, gz], [out()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, y, gz = inputs
        rows, cols = entry_coordinates(x)
        dtype = node.outputs[0].type.numpy_dtype
        if scipy.sparse.issparse(y) or scipy.sparse.issparse(gz):
            values = np.asarray((gz @ y.T)[rows, cols]).ravel()
        else:
            # One dot product per stored entry: row i of gz with row j of y.
            values = np.einsum("ek,ek->e", gz[rows], y[cols])
        return [FORMAT_CLASSES[x.format]((values.astype(dtype), x.indices.copy(),
                                          x.indptr.copy()), shape=x.shape)]

    def grad(self, inputs, output_grads):
        (x, y, gz), (g,) = inputs, output_grads
        # values[e] = gz[i_e] . y[j_e], so with G the output gradient on x's pattern:
        # d/dy = G.T @ gz, d/dgz = G @ y.
        mask = StructuredMask()(x, dense_from_sparse(g) if is_sparse_variable(g) else g)
        return [disconnected(x), structured_dot(mask.T, gz), structured_dot(mask, y)]


@dataclass(frozen=True)
class TrueDot(Op):
    """x @ y for sparse x, as a sparse matrix of x's format (Theano's `true_dot`). With
    `grad_preserves_dense`, the gradient in a dense y is dense.

    >>> TrueDot()(csr_matrix('x'), csc_matrix('y')).type
    SparseType(csr, float64)
    """

    grad_preserves_dense: bool = True
    notation = Func("true_dot")

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), as_sparse_or_tensor_variable(y)
        if y.ndim != 2:
            raise GraphlensTypeError(f"{self.label}: y must be a matrix, got {describe(y)}")
        refuse_mismatch(self, x, y, ((1, 0),))
        shape = (x.type.shape[0], y.type.shape[1])
        return Apply(self, [x, y], [SparseType(x.format, upcast(x.dtype, y.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        x_shape, y_shape = input_shapes
        return [tuple(x_shape[:-1]) + tuple(y_shape[1:])]

    def perform(self, node, inputs):
        x, y = inputs
        _same_inner_length(self, x, y)
        out_type = node.outputs[0].type
        return [_as_format(x @ y, out_type.format, out_type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        gz_sparse = gz if is_sparse_variable(gz) else FORMAT_FROM[x.format](gz)
        gx = true_dot(gz_sparse, y.T)
        gy = true_dot(x.T, gz_sparse)
        if not is_sparse_variable(y) and self.grad_preserves_dense:
            gy = dense_from_sparse(gy)
        return [gx, gy]


def _has_sparse(x, y) -> bool:
    return any(is_sparse_variable(v) or not isinstance(v, Variable) and scipy.sparse.issparse(v)
               for v in (x, y))


def dot(x, y):
    """x @ y when one operand (or both) is sparse; dense result (`sparse.dot`). Two dense
    operands give T.dot's product.

    >>> dot(csr_matrix('x'), T.dmatrix('W')).type
    TensorType(float64, (?, ?))
    """
    if not _has_sparse(x, y):
        return dense_dot(x, y)
    return Dot()(x, y)


def structured_dot(x, y):
    """x @ y with sparse x (or sparse y: computed as (y.T @ x.T).T); the gradient in the
    sparse operand keeps its pattern. A sparse y gives a sparse result.

    >>> structured_dot(csr_matrix('x'), T.dmatrix('W')).type
    TensorType(float64, (?, ?))
    """
    x, y = as_sparse_or_tensor_variable(x), as_sparse_or_tensor_variable(y)
    if is_sparse_variable(x):
        return StructuredDot()(x, y)
    if is_sparse_variable(y):
        return StructuredDot()(y.T, x.T).T
    raise GraphlensTypeError(f"structured_dot needs a sparse operand, got {describe(x)} and "
                             f"{describe(y)}")


def true_dot(x, y, grad_preserves_dense=True):
    """x @ y as a sparse matrix, x or y sparse (Theano's true_dot).

    >>> true_dot(csr_matrix('x'), T.dmatrix('W')).type
    SparseType(csr, float64)
    """
    x, y = as_sparse_or_tensor_variable(x), as_sparse_or_tensor_variable(y)
    if is_sparse_variable(x):
        return TrueDot(grad_preserves_dense)(x, y)
    if is_sparse_variable(y):
        return TrueDot(grad_preserves_dense)(y.T, x.T).T
    raise GraphlensTypeError(f"true_dot needs a sparse operand, got {describe(x)} and "
                             f"{describe(y)}")


# The conversion that makes a dense gradient sparse, by the format it should have.
FORMAT_FROM = {format: SparseFromDense(format) for format in FORMAT_CLASSES}


def _same_inner_length(op, x, y):
    """A ShapeError naming `op` when x's last length (its columns) is not y's first."""
    if x.shape[-1] != y.shape[0]:
        raise ShapeError(f"{op.label}: inner lengths differ, x has shape {x.shape} and "
                         f"y {y.shape}")
