"""Moving between sparse and dense, and a sparse matrix's own arrays: DenseFromSparse,
SparseFromDense (csr_from_dense, csc_from_dense), CSM (a matrix from data, indices, indptr and
shape), CSMProperties (those arrays of a matrix), Transpose and the symbolic shape.

Each op copies what it returns out of its input's arrays: the evaluator may overwrite a dense
result in place (rewrite/inplace.py), and it must never overwrite a sparse input's storage.

>>> x = csr_matrix('x'); d = dense_from_sparse(x); s = csr_from_dense(d)
>>> data, indices, indptr, shape = csm_properties(x)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected, is_disconnected
from graphlens.graph.notation import Func, Prefix, Special
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.shape import Shape
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import as_tensor_variable
from graphlens.sparse.type import (FORMAT_CLASSES, SparseType, as_sparse_variable,
                                   is_sparse_variable, merged_lengths, refuse_mismatch)

# Theano's dtype of indices, indptr and shape in a compressed sparse matrix.
INDEX_DTYPE = "int32"


def _sparse_input(op, x):
    """`x` as a sparse variable, or a GraphlensTypeError naming the op and the input."""
    try:
        return as_sparse_variable(x)
    except GraphlensTypeError as exc:
        raise GraphlensTypeError(f"{op.label}: {exc}") from None


def sparse_and_dense_operands(op, x, y):
    """(x, y) for an op of a sparse x and a dense matrix y of the same lengths (x + y, x < y):
    each converted, or an error naming the op and what does not fit."""
    x, y = _sparse_input(op, x), as_tensor_variable(y)
    if y.ndim != 2:
        raise GraphlensTypeError(f"{op.label}: the dense operand must be a matrix, got "
                                 f"{describe(y)}")
    refuse_mismatch(op, x, y)
    return x, y


@dataclass(frozen=True)
class DenseFromSparse(Op):
    """The dense matrix of a sparse one: `dense_from_sparse(x)` (Theano's name; `x.toarray()`).

    Its gradient is sparse: with `structured` (Theano's default and keyword) it keeps x's
    pattern (the entries x stores), else it holds every entry of the dense gradient.

    >>> dense_from_sparse(csr_matrix('x')).type
    TensorType(float64, (?, ?))
    """

    structured: bool = True
    notation = Func("dense_from_sparse")

    @property
    def sparse_grad(self) -> bool:
        """Theano's attribute name for `structured`."""
        return self.structured

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [tensor_type(x.dtype, x.type.shape)()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0].toarray(), dtype=node.outputs[0].type.numpy_dtype)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if is_discrete(x.dtype):
            return [disconnected(x)]
        if self.structured:
            return [StructuredMask()(x, gz)]
        return [SparseFromDense(x.format)(gz)]


@dataclass(frozen=True)
class SparseFromDense(Op):
    """A dense matrix as a sparse one of `format`, storing its nonzero entries:
    `csr_from_dense(d)`, `csc_from_dense(d)` (a vector becomes one row, a scalar 1x1). Its gradient is the dense matrix of the output's.

    >>> csc_from_dense(T.dmatrix('d')).type
    SparseType(csc, float64)
    """

    format: str = "csr"
    notation = Func("sparse_from_dense", params=("format",))

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim > 2:
            raise GraphlensTypeError(f"{self.label}: expected a matrix (or a vector or a "
                                     f"scalar), got {describe(x)} of type {x.type}")
        if x.ndim < 2:              # as scipy and Theano: a vector is one row, a scalar 1x1
            x = x.dimshuffle(*(["x"] * (2 - x.ndim) + list(range(x.ndim))))
        return Apply(self, [x], [SparseType(self.format, x.dtype, x.type.shape)()])

    def perform(self, node, inputs):
        return [FORMAT_CLASSES[self.format](inputs[0], dtype=node.outputs[0].type.numpy_dtype)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return [dense_from_sparse(gz) if is_sparse_variable(gz) else gz]


@dataclass(frozen=True)
class StructuredMask(Op):
    """The dense matrix g read at the entries x stores, as a sparse matrix of x's format and
    pattern: the structured gradient of DenseFromSparse (Theano builds it as sp_ones_like(x)
    * g). Its gradient in g is the dense matrix of the output's gradient on that pattern.

    >>> StructuredMask()(csr_matrix('x'), T.dmatrix('g')).type
    SparseType(csr, float64)
    """

    notation = Func("structured_mask")

    def make_node(self, x, g):
        x, g = _sparse_input(self, x), as_tensor_variable(g)
        if g.ndim != 2:
            raise GraphlensTypeError(f"{self.label}: expected a dense matrix, got {describe(g)}")
        shape = merged_lengths(x.type.shape, g.type.shape)
        return Apply(self, [x, g], [SparseType(x.format, g.dtype, shape)()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, g = inputs
        if x.shape != g.shape:
            raise ShapeError(f"{self.label}: the sparse matrix has shape {x.shape}, the dense "
                             f"one {g.shape}")
        rows, cols = entry_coordinates(x)
        values = np.asarray(g[rows, cols], dtype=node.outputs[0].type.numpy_dtype)
        return [FORMAT_CLASSES[x.format]((values, x.indices.copy(), x.indptr.copy()),
                                         shape=x.shape)]

    def grad(self, inputs, output_grads):
        (x, _), (gz,) = inputs, output_grads
        return [disconnected(x), StructuredMask.dense_of(x, gz)]

    @staticmethod
    def dense_of(x, gz):
        """gz (sparse or dense) as a dense matrix, restricted to x's pattern when dense."""
        if is_sparse_variable(gz):
            return dense_from_sparse(StructuredMask()(x, dense_from_sparse(gz)))
        return dense_from_sparse(StructuredMask()(x, gz))


def entry_coordinates(matrix) -> tuple:
    """(rows, cols) of each stored entry of a csr or csc matrix, in storage order.

    >>> entry_coordinates(scipy.sparse.csr_matrix(np.eye(2)))
    (array([0, 1]), array([0, 1], dtype=int32))
    """
    major = np.repeat(np.arange(len(matrix.indptr) - 1), np.diff(matrix.indptr))
    if matrix.format == "csr":
        return major, matrix.indices
    return matrix.indices, major


@dataclass(frozen=True)
class CSM(Op):
    """A sparse matrix of `format` made of its arrays: `CSM('csr')(data, indices, indptr,
    shape)`, as scipy's `csr_matrix((data, indices, indptr), shape)`. Its gradient in `data`
    is the output gradient read at the same entries; the integer arrays get none.

    >>> CSM('csc')(T.dvector('d'), T.ivector('i'), T.ivector('p'), T.ivector('s')).type
    SparseType(csc, float64)
    """

    format: str = "csr"
    notation = Func("CSM", params=("format",))

    def make_node(self, data, indices, indptr, shape):
        data = as_tensor_variable(data)
        others = [as_tensor_variable(v) for v in (indices, indptr, shape)]
        if data.ndim != 1:
            raise GraphlensTypeError(f"{self.label}: data must be a vector, got {describe(data)}")
        for label, var in zip(("indices", "indptr", "shape"), others):
            if var.ndim != 1 or not var.dtype.startswith(("int", "uint")):
                raise GraphlensTypeError(f"{self.label}: {label} must be an integer vector, got "
                                         f"{describe(var)}")
        return Apply(self, [data] + others, [SparseType(self.format, data.dtype)()])

    def infer_shape(self, node, input_shapes):
        shape = node.inputs[3]              # the lengths are the `shape` input's values
        return [(shape[0], shape[1])]

    def perform(self, node, inputs):
        data, indices, indptr, shape = inputs
        if len(shape) != 2:
            raise ShapeError(f"{self.label}: shape must hold two lengths, got {list(shape)}")
        if len(indices) != len(data) or len(indptr) == 0 or indptr[-1] != len(data):
            raise ShapeError(f"{self.label}: {len(data)} values, {len(indices)} indices and an "
                             f"indptr ending at {indptr[-1] if len(indptr) else None} disagree")
        # Copies: the result must not share the arrays the graph computed (or the user passed).
        made = FORMAT_CLASSES[self.format](
            (data.copy(), indices.copy(), indptr.copy()), shape=tuple(int(n) for n in shape))
        return [made]

    def grad(self, inputs, output_grads):
        (_, indices, indptr, shape), (gz,) = inputs, output_grads
        values = CSMGrad(self.format)(indices, indptr, shape, gz)
        return [values] + [disconnected(v) for v in (indices, indptr, shape)]


@dataclass(frozen=True)
class CSMGrad(Op):
    """The values of g (a sparse or dense matrix) at the entries given by indices and indptr
    of a `format` matrix: the gradient of CSM in its data (zero where g stores nothing)."""

    format: str = "csr"
    notation = Func("csm_grad", params=("format",))

    def make_node(self, indices, indptr, shape, g):
        g = g if is_sparse_variable(g) else as_tensor_variable(g)
        indices, indptr, shape = (as_tensor_variable(v) for v in (indices, indptr, shape))
        return Apply(self, [indices, indptr, shape, g], [tensor_type(g.dtype, (None,))()])

    def perform(self, node, inputs):
        indices, indptr, shape, g = inputs
        pattern = FORMAT_CLASSES[self.format](
            (np.zeros(len(indices)), indices, indptr), shape=tuple(int(n) for n in shape))
        rows, cols = entry_coordinates(pattern)
        picked = g[rows, cols]
        return [np.asarray(picked, dtype=node.outputs[0].type.numpy_dtype).ravel()]

    def grad(self, inputs, output_grads):
        return [disconnected(v) for v in inputs]


@dataclass(frozen=True)
class CSMProperties(Op):
    """The arrays of a sparse matrix: (data, indices, indptr, shape), as scipy stores them;
    indices, indptr and shape are int32 (Theano's). `csm_properties(x)`; one at a time:
    `csm_data(x)`, `csm_indices(x)`, `csm_indptr(x)`, `csm_shape(x)`.

    >>> [v.type for v in csm_properties(csr_matrix('x'))][0]
    TensorType(float64, (?,))
    """

    notation = Func("csm_properties")

    def make_node(self, x):
        x = _sparse_input(self, x)
        index = tensor_type(INDEX_DTYPE, (None,))
        return Apply(self, [x], [tensor_type(x.dtype, (None,))(), index(), index(),
                                 tensor_type(INDEX_DTYPE, (2,))()])

    def perform(self, node, inputs):
        (x,) = inputs
        # Copies: a dense result may be overwritten in place by a later step.
        return [x.data.copy(), x.indices.astype(INDEX_DTYPE), x.indptr.astype(INDEX_DTYPE),
                np.asarray(x.shape, dtype=INDEX_DTYPE)]

    def grad(self, inputs, output_grads):
        (x,), (g_data, *_) = inputs, output_grads
        if g_data is None or is_disconnected(g_data):
            return [zeros_like(x)]
        _, indices, indptr, shape = csm_properties(x)
        return [CSM(x.format)(g_data, indices, indptr, shape)]


@dataclass(frozen=True)
class Transpose(Op):
    """The transpose of a sparse matrix: csr becomes csc and back (`x.T`)."""

    notation = Func("transpose")

    def make_node(self, x):
        x = _sparse_input(self, x)
        other = "csc" if x.format == "csr" else "csr"
        return Apply(self, [x], [SparseType(other, x.dtype, x.type.shape[::-1])()])

    def perform(self, node, inputs):
        # scipy's transpose shares the arrays: a copy, so the result never aliases the input.
        return [inputs[0].transpose().copy()]

    def infer_shape(self, node, input_shapes):
        return [tuple(reversed(input_shapes[0]))]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return [transpose(gz) if is_sparse_variable(gz) else gz.T]


@dataclass(frozen=True)
class Neg(Op):
    """-x of a sparse matrix: the same pattern, values negated."""

    notation = Prefix("-")

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        return [-inputs[0]]

    def grad(self, inputs, output_grads):
        return [-output_grads[0]]


@dataclass(frozen=True)
class SparseShape(Shape):
    """The shape of a sparse matrix, an int64 vector of two lengths (`x.shape`). A kind of
    tensor Shape, so the shape rewrites (a static length, an op's infer_shape) answer it
    without running the op that made x."""

    notation = Special("shape")
    reads_only_shape = True

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [tensor_type("int64", (2,))()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0].shape, dtype="int64")]

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]


@dataclass(frozen=True)
class ZerosLike(Op):
    """A sparse matrix of x's type and shape that stores nothing (a gradient's honest zero)."""

    notation = Func("zeros_like")
    reads_only_shape = True
    zero_gradient_reason = "the result is zero whatever x holds"

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [node.outputs[0].type.value_zeros(inputs[0].shape)]

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]


def dense_from_sparse(x):
    """The dense matrix of sparse `x`: `T.sum(dense_from_sparse(x) ** 2)`."""
    return DenseFromSparse()(x)


def csr_from_dense(x):
    """Dense matrix `x` as a csr sparse matrix of its nonzero entries."""
    return SparseFromDense("csr")(x)


def csc_from_dense(x):
    """Dense matrix `x` as a csc sparse matrix of its nonzero entries."""
    return SparseFromDense("csc")(x)


def csm_properties(x):
    """[data, indices, indptr, shape] of sparse `x`: `data, _, _, _ = csm_properties(x)`."""
    return CSMProperties()(x)


def csm_data(x):
    """The stored values of sparse `x`, a vector (differentiable: its gradient keeps x's
    pattern): `T.sum(csm_data(x) ** 2)`."""
    return csm_properties(x)[0]


def csm_indices(x):
    """The column (csr) or row (csc) index of each stored value of `x`, int32."""
    return csm_properties(x)[1]


def csm_indptr(x):
    """Where each row (csr) or column (csc) of `x` starts in data and indices, int32."""
    return csm_properties(x)[2]


def csm_shape(x):
    """The shape of sparse `x` as an int32 vector of two lengths."""
    return csm_properties(x)[3]


def transpose(x):
    """The transpose of sparse `x` (csr becomes csc): `transpose(x)` or `x.T`."""
    return Transpose()(x)


def neg(x):
    """-x of sparse `x`."""
    return Neg()(x)


def sparse_shape(x):
    """The symbolic shape of sparse `x` (int64): `x.shape[0]`."""
    return SparseShape()(x)


def zeros_like(x):
    """A sparse matrix like `x` storing no entries."""
    return ZerosLike()(x)


# Theano's instances: `sparse.CSR(data, indices, indptr, shape)`.
CSC = CSM("csc")
CSR = CSM("csr")
