"""Theano's lower-level sparse products: `usmm` (alpha * x @ y + z), the structured-dot
gradient computed from a matrix's own arrays (StructuredDotGradCSC/CSR), and the ops Theano's
optimizer put in their place on a csc matrix's arrays (StructuredDotCSC, UsmmCscDense,
CSMGradC, at Theano's path `sparse.opt`). Every one computes with vectorised numpy/scipy.

>>> usmm(T.dscalar('a'), csr_matrix('x'), T.dmatrix('y'), T.dmatrix('z')).type
TensorType(float64, (?, ?))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected, undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import as_tensor_variable
from graphlens.sparse.convert import CSM, dense_from_sparse
from graphlens.sparse.products import FORMAT_FROM, dot, structured_dot
from graphlens.sparse.type import as_sparse_or_tensor_variable, is_sparse_variable


def _majors(indptr):
    """The row (csr) or column (csc) of each stored entry, from indptr."""
    return np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))


def _dense(value):
    return value.toarray() if scipy.sparse.issparse(value) else np.asarray(value)


@dataclass(frozen=True)
class Usmm(Op):
    """alpha * (x @ y) + z, dense, for a scalar alpha, x and y matrices of which at least one is
    sparse, and a dense z (Theano's `usmm`). Differentiable in all four.

    >>> Usmm()(T.dscalar('a'), T.dmatrix('x'), csc_matrix('y'), T.dmatrix('z')).type
    TensorType(float64, (?, ?))
    """

    notation = Func("usmm")

    def make_node(self, alpha, x, y, z):
        alpha, z = as_tensor_variable(alpha), as_tensor_variable(z)
        x, y = as_sparse_or_tensor_variable(x), as_sparse_or_tensor_variable(y)
        if not (is_sparse_variable(x) or is_sparse_variable(y)):
            raise GraphlensTypeError(f"{self.label}: x or y must be sparse, got {describe(x)} "
                                     f"and {describe(y)}")
        if alpha.ndim != 0 and set(alpha.type.shape) != {1}:
            raise GraphlensTypeError(f"{self.label}: alpha must be a scalar, got "
                                     f"{describe(alpha)}")
        for name, v in (("x", x), ("y", y), ("z", z)):
            if v.ndim != 2:
                raise GraphlensTypeError(f"{self.label}: {name} must be a matrix, got "
                                         f"{describe(v)}")
        dtype = upcast(alpha.dtype, x.dtype, y.dtype, z.dtype)
        return Apply(self, [alpha, x, y, z],
                     [tensor_type(dtype, (x.type.shape[0], y.type.shape[1]))()])

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[1][0], input_shapes[2][1])]

    def perform(self, node, inputs):
        alpha, x, y, z = inputs
        product = _dense(x @ y)
        return [np.asarray(np.ravel(alpha)[0] * product + z, dtype=node.outputs[0].dtype)]

    def grad(self, inputs, output_grads):
        (alpha, x, y, _), (gz,) = inputs, output_grads
        scale = alpha if alpha.ndim == 0 else alpha.reshape(())
        galpha = T.sum(gz * dot(x, y))
        gx = scale * dot(gz, y.T)
        gy = scale * dot(x.T, gz)
        gx = FORMAT_FROM[x.format](gx) if is_sparse_variable(x) else gx
        gy = FORMAT_FROM[y.format](gy) if is_sparse_variable(y) else gy
        return [galpha.reshape(alpha.shape) if alpha.ndim else galpha, gx, gy, gz]


usmm = Usmm()


@dataclass(frozen=True)
class _StructuredDotGradFromArrays(Op):
    """values[e] = g_ab[i_e] . b[j_e] for each stored entry (i_e, j_e) of the sparse a given
    by its indices and indptr: the gradient of structured_dot(a, b) in a's stored values."""

    def make_node(self, a_indices, a_indptr, b, g_ab):
        a_indices, a_indptr = as_tensor_variable(a_indices), as_tensor_variable(a_indptr)
        b, g_ab = as_sparse_or_tensor_variable(b), as_sparse_or_tensor_variable(g_ab)
        return Apply(self, [a_indices, a_indptr, b, g_ab],
                     [tensor_type(upcast(b.dtype, g_ab.dtype), (None,))()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        a_indices, a_indptr, b, g_ab = inputs
        rows, cols = self.coordinates(a_indices, a_indptr)
        b, g_ab = _dense(b), _dense(g_ab)
        values = np.einsum("ek,ek->e", g_ab[rows], b[cols])
        return [values.astype(node.outputs[0].dtype, copy=False)]

    def grad(self, inputs, output_grads):
        (indices, indptr, b, g_ab), (gvalues,) = inputs, output_grads
        # With M the sparse matrix of a's pattern holding gvalues: d/db = M^T g_ab, d/dg = M b.
        shape = T.stack([g_ab.shape[0], b.shape[0]])
        pattern = CSM(self.format)(gvalues, indices, indptr, shape)
        gb, gg = structured_dot(pattern.T, _densified(g_ab)), structured_dot(pattern,
                                                                             _densified(b))
        return [disconnected(indices), disconnected(indptr),
                FORMAT_FROM["csr"](gb) if is_sparse_variable(b) else gb,
                FORMAT_FROM["csr"](gg) if is_sparse_variable(g_ab) else gg]


def _densified(v):
    return dense_from_sparse(v) if is_sparse_variable(v) else v


@dataclass(frozen=True)
class StructuredDotGradCSC(_StructuredDotGradFromArrays):
    """The gradient of structured_dot(a, b) in the stored values of a csc matrix a, from a's
    indices and indptr, b, and the output gradient g_ab.

    >>> StructuredDotGradCSC()(T.ivector(), T.ivector(), T.dmatrix(), T.dmatrix()).type
    TensorType(float64, (?,))
    """

    format = "csc"
    notation = Func("structured_dot_grad_csc")

    @staticmethod
    def coordinates(indices, indptr):
        return indices, _majors(indptr)


@dataclass(frozen=True)
class StructuredDotGradCSR(_StructuredDotGradFromArrays):
    """The gradient of structured_dot(a, b) in the stored values of a csr matrix a, from a's
    indices and indptr, b, and the output gradient g_ab."""

    format = "csr"
    notation = Func("structured_dot_grad_csr")

    @staticmethod
    def coordinates(indices, indptr):
        return _majors(indptr), indices


def _csc(values, indices, indptr, rows):
    return scipy.sparse.csc_matrix((values, indices, indptr), shape=(int(rows), len(indptr) - 1))


_NOT_DIFFERENTIABLE = ("{} is what Theano's optimizer put in place of a product after the "
                       "gradient was built; differentiate the product (structured_dot, usmm)")


@dataclass(frozen=True)
class StructuredDotCSC(Op):
    """The csc matrix a (its values, indices, indptr and row count) times the dense b, dense:
    what Theano's optimizer put in place of structured_dot on a csc matrix."""

    notation = Func("structured_dot_csc")

    def make_node(self, a_val, a_ind, a_ptr, a_nrows, b):
        inputs = [as_tensor_variable(v) for v in (a_val, a_ind, a_ptr, a_nrows, b)]
        dtype = upcast(inputs[0].dtype, inputs[4].dtype)
        return Apply(self, inputs, [tensor_type(dtype, (None, inputs[4].type.shape[1]))()])

    def perform(self, node, inputs):
        a_val, a_ind, a_ptr, a_nrows, b = inputs
        product = _csc(a_val, a_ind, a_ptr, a_nrows) @ b
        return [np.asarray(product, dtype=node.outputs[0].dtype)]

    def grad(self, inputs, output_grads):
        return [undefined(v, _NOT_DIFFERENTIABLE.format("StructuredDotCSC")) for v in inputs]


@dataclass(frozen=True)
class UsmmCscDense(Op):
    """alpha * (x @ y) + z with x a csc matrix given by its arrays (values, indices, indptr,
    row count): what Theano's optimizer put in place of usmm. `inplace` is taken and not
    used: z is never overwritten."""

    inplace: bool = False
    notation = Func("usmm_csc_dense")

    def make_node(self, alpha, x_val, x_ind, x_ptr, x_nrows, y, z):
        inputs = [as_tensor_variable(v) for v in (alpha, x_val, x_ind, x_ptr, x_nrows, y, z)]
        dtype = upcast(*(inputs[i].dtype for i in (0, 1, 5, 6)))
        return Apply(self, inputs, [tensor_type(dtype, (None, None))()])

    def perform(self, node, inputs):
        alpha, x_val, x_ind, x_ptr, x_nrows, y, z = inputs
        product = np.asarray(_csc(x_val, x_ind, x_ptr, x_nrows) @ y)
        return [np.asarray(np.ravel(alpha)[0] * product + z, dtype=node.outputs[0].dtype)]

    def grad(self, inputs, output_grads):
        return [undefined(v, _NOT_DIFFERENTIABLE.format("UsmmCscDense")) for v in inputs]


@dataclass(frozen=True)
class CSMGradC(Op):
    """The values of the csc matrix b (its arrays) at the stored entries of the csc matrix a
    (its arrays), 0 where b stores nothing: the gradient of CSM, as Theano's optimizer put it."""

    notation = Func("csm_grad_c")

    def make_node(self, a_val, a_ind, a_ptr, a_dim, b_val, b_ind, b_ptr, b_dim):
        inputs = [as_tensor_variable(v)
                  for v in (a_val, a_ind, a_ptr, a_dim, b_val, b_ind, b_ptr, b_dim)]
        return Apply(self, inputs, [tensor_type(inputs[4].dtype, (None,))()])

    def perform(self, node, inputs):
        _, a_ind, a_ptr, a_dim, b_val, b_ind, b_ptr, b_dim = inputs
        b = scipy.sparse.csc_matrix((b_val, b_ind, b_ptr), shape=tuple(int(n) for n in b_dim))
        picked = b[a_ind, _majors(a_ptr)]
        return [np.asarray(picked, dtype=node.outputs[0].dtype).ravel()]

    def grad(self, inputs, output_grads):
        return [undefined(v, _NOT_DIFFERENTIABLE.format("CSMGradC")) for v in inputs]
