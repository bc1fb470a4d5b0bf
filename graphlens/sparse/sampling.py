"""A product computed only where a sparse pattern asks (`sampling_dot`), and diagonals
(`square_diagonal`: a dense vector onto a sparse diagonal; `diag`: back), as Theano's:

| expression | result |
|---|---|
| `sampling_dot(x, y, p)` (x: m×k, y: n×k, p: m×n sparse) | `p * (x @ y.T)` at p's entries |
| `square_diagonal(v)` | sparse csc, v on the diagonal |
| `diag(s)` (s square sparse) | dense vector |

>>> x, y = T.dmatrices('x', 'y'); p = csr_matrix('p')
>>> sampling_dot(x, y, p).type, square_diagonal(T.dvector('v')).type
(SparseType(csr, float64), SparseType(csc, float64))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import as_tensor_variable
from graphlens.sparse.convert import FORMAT_CLASSES, _sparse_input, entry_coordinates
from graphlens.sparse.math import mul
from graphlens.sparse.products import dot
from graphlens.sparse.type import SparseType, is_sparse_variable, refuse_mismatch


@dataclass(frozen=True)
class SamplingDot(Op):
    """`p * (x @ y.T)` computed only at p's stored entries (Theano's `sampling_dot`): x is
    m×k, y is n×k (note: y, not y.T), p an m×n sparse pattern or weights. The result is sparse,
    with p's format and pattern, of the operands' upcast dtype. The gradient is regular in x
    and y; in p it is gz * (x @ y.T) at gz's entries (Theano left it unimplemented).

    >>> SamplingDot()(T.dmatrix('x'), T.dmatrix('y'), csr_matrix('p')).type
    SparseType(csr, float64)
    """

    notation = Func("sampling_dot")

    def make_node(self, x, y, p):
        for name, operand in (("x", x), ("y", y)):
            if is_sparse_variable(operand) or as_tensor_variable(operand).ndim != 2:
                raise GraphlensTypeError(f"{self.label}: {name} must be a dense matrix, got "
                                         f"{describe(operand)}")
        x, y, p = as_tensor_variable(x), as_tensor_variable(y), _sparse_input(self, p)
        refuse_mismatch(self, x, y, axes=((1, 1),))           # both have k columns
        refuse_mismatch(self, p, x, axes=((0, 0),))           # p has x's m rows
        refuse_mismatch(self, p, y, axes=((1, 0),))           # and y's n rows as columns
        out = SparseType(p.format, upcast(x.dtype, y.dtype, p.dtype),
                         (x.type.shape[0], y.type.shape[0]))
        return Apply(self, [x, y, p], [out()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[2]]

    def perform(self, node, inputs):
        x, y, p = inputs
        if x.shape[1] != y.shape[1] or p.shape != (x.shape[0], y.shape[0]):
            raise ShapeError(f"{self.label}: x {x.shape} and y {y.shape} need the same number "
                             f"of columns, and p {p.shape} must be x's rows by y's rows "
                             f"(sampling_dot takes y, not y.T)")
        dtype = node.outputs[0].type.numpy_dtype
        rows, cols = entry_coordinates(p)
        # One row of x times one row of y per stored entry: nnz * k work, never m * n.
        values = p.data * np.einsum("ij,ij->i", x[rows], y[cols])
        return [FORMAT_CLASSES[p.format]((values.astype(dtype), p.indices.copy(),
                                          p.indptr.copy()), shape=p.shape)]

    def grad(self, inputs, output_grads):
        (x, y, p), (gz,) = inputs, output_grads
        weighted = mul(p, gz)
        return [dot(weighted, y), dot(weighted.T, x), SamplingDot()(x, y, gz)]


@dataclass(frozen=True)
class SquareDiagonal(Op):
    """The square sparse csc matrix with the dense vector `diag` on its diagonal (Theano's
    `square_diagonal`); its gradient is the diagonal of the output's gradient.

    >>> SquareDiagonal()(T.dvector('v')).type
    SparseType(csc, float64)
    """

    notation = Func("square_diagonal")

    def make_node(self, diag):
        diag = as_tensor_variable(diag)
        if diag.ndim != 1:
            raise GraphlensTypeError(f"{self.label}: the diagonal must be a vector, got "
                                     f"{describe(diag)}")
        length = diag.type.shape[0]
        return Apply(self, [diag], [SparseType("csc", diag.dtype, (length, length))()])

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0], input_shapes[0][0])]

    def perform(self, node, inputs):
        (diag,) = inputs
        n = len(diag)
        positions = np.arange(n, dtype=np.int32)
        return [scipy.sparse.csc_matrix((diag.copy(), positions, np.arange(n + 1,
                                                                           dtype=np.int32)),
                                        shape=(n, n))]

    def grad(self, inputs, output_grads):
        return [Diag()(output_grads[0])]


@dataclass(frozen=True)
class Diag(Op):
    """The diagonal of a square sparse matrix as a dense vector (Theano's `sparse.diag`); its
    gradient is `square_diagonal` of the vector's gradient.

    >>> Diag()(csc_matrix('s')).type
    TensorType(float64, (?,))
    """

    notation = Func("diag")

    def make_node(self, x):
        x = _sparse_input(self, x)
        refuse_mismatch(self, x, x, axes=((0, 1),))
        length = x.type.shape[0] if x.type.shape[0] is not None else x.type.shape[1]
        return Apply(self, [x], [tensor_type(x.dtype, (length,))()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0][:1]]

    def perform(self, node, inputs):
        (x,) = inputs
        if x.shape[0] != x.shape[1]:
            raise ShapeError(f"{self.label}: the matrix must be square, got shape {x.shape}")
        return [np.asarray(x.diagonal(), dtype=node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        return [SquareDiagonal()(output_grads[0])]


def sampling_dot(x, y, p):
    """`p * (x @ y.T)` only at p's stored entries: sparse, p's format (see SamplingDot).

    >>> sampling_dot(T.dmatrix('x'), T.dmatrix('y'), csr_matrix('p')).type
    SparseType(csr, float64)
    """
    return SamplingDot()(x, y, p)


def square_diagonal(diag):
    """A square sparse csc matrix with the vector `diag` on its diagonal.

    >>> square_diagonal(T.dvector('v')).type
    SparseType(csc, float64)
    """
    return SquareDiagonal()(diag)


def diag(x):
    """The diagonal of square sparse `x` as a dense vector.

    >>> diag(csc_matrix('s')).type
    TensorType(float64, (?,))
    """
    return Diag()(x)
