"""Sparse matrices made from, or changed in, their values: Theano's Cast (a sparse matrix's
values in another dtype), AddSSData (two matrices of one pattern, their values added) and
ConstructSparseFromList (rows of a dense matrix placed at given rows of a sparse one, the
gradient of `m[idx]` that stays sparse).

>>> x = csr_matrix('x')
>>> Cast('float32')(x).type, add_s_s_data(x, x).type
(SparseType(csr, float32), SparseType(csr, float64))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import as_tensor_variable
from graphlens.sparse.convert import (FORMAT_CLASSES, StructuredMask, _sparse_input,
                                      dense_from_sparse, zeros_like)
from graphlens.sparse.products import FORMAT_FROM
from graphlens.sparse.type import SparseType, is_sparse_variable


def _dense(g):
    return dense_from_sparse(g) if is_sparse_variable(g) else g


@dataclass(frozen=True)
class Cast(Op):
    """Sparse x with its stored values cast to `out_type` (a dtype name), pattern and format
    kept. The gradient (every entry of the output's) casts back; a discrete x gets zeros.

    >>> Cast('int32')(csc_matrix('x')).type
    SparseType(csc, int32)
    """

    out_type: str
    notation = Func("sparse_cast", params=("out_type",))

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [SparseType(x.format, self.out_type, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        return [inputs[0].astype(node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if is_discrete(x.dtype) or is_discrete(gz.dtype):
            return [zeros_like(x)]
        # The regular gradient, as Theano's: every entry of gz, cast back to x's dtype.
        g = gz if is_sparse_variable(gz) else FORMAT_FROM[x.format](gz)
        return [g if g.dtype == x.dtype else Cast(x.dtype)(g)]


def cast(x, dtype):
    """Sparse `x` with its stored values cast to `dtype` (Theano's `sparse.cast`).

    >>> cast(csr_matrix('x'), 'float32').type
    SparseType(csr, float32)
    """
    return Cast(str(np.dtype(dtype)))(x)


@dataclass(frozen=True)
class AddSSData(Op):
    """x + y for two sparse matrices of one format, dtype and pattern: their stored values
    added, the pattern kept (Theano's add_s_s_data). A different pattern is refused when the
    function runs (scipy would not notice a different order of the same count)."""

    notation = Func("add_s_s_data")

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), _sparse_input(self, y)
        if x.dtype != y.dtype or x.format != y.format:
            raise GraphlensTypeError(f"{self.label}: x and y must share format and dtype, got "
                                     f"{x.type} and {y.type}")
        return Apply(self, [x, y], [SparseType(x.format, x.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, y = inputs
        if x.shape != y.shape or not (np.array_equal(x.indptr, y.indptr)
                                      and np.array_equal(x.indices, y.indices)):
            raise ShapeError(f"{self.label}: x ({x.shape}, {x.nnz} stored) and y ({y.shape}, "
                             f"{y.nnz} stored) do not share one pattern")
        return [FORMAT_CLASSES[x.format]((x.data + y.data, x.indices.copy(), x.indptr.copy()),
                                         shape=x.shape)]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        grads = []
        for v in (x, y):
            grads.append(zeros_like(v) if is_discrete(v.dtype)
                         else StructuredMask()(v, _dense(gz)))
        return grads


add_s_s_data = AddSSData()


@dataclass(frozen=True)
class ConstructSparseFromList(Op):
    """A csc matrix shaped like the dense matrix x whose row ilist[k] holds row k of `values`
    (rows named twice are summed): the sparse gradient of `x[ilist]`. Built from x's shape only.

    >>> construct_sparse_from_list(T.dmatrix('x'), T.dmatrix('g'), T.lvector('i')).type
    SparseType(csc, float64)
    """

    notation = Func("construct_sparse_from_list")

    def make_node(self, x, values, ilist):
        x, values, ilist = (as_tensor_variable(v) for v in (x, values, ilist))
        if not is_discrete(ilist.dtype) or ilist.ndim != 1:
            raise GraphlensTypeError(f"{self.label}: ilist must be an integer vector, got "
                                     f"{describe(ilist)}")
        for name, v in (("x", x), ("values", values)):
            if v.ndim != 2:
                raise GraphlensTypeError(f"{self.label}: {name} must be a matrix, got "
                                         f"{describe(v)}")
        return Apply(self, [x.shape, values, ilist],
                     [SparseType("csc", x.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        shape = node.inputs[0]
        return [(shape[0], shape[1])]

    def perform(self, node, inputs):
        shape, values, ilist = inputs
        rows, cols = values.shape
        if rows != len(ilist):
            raise ShapeError(f"{self.label}: {rows} rows of values for {len(ilist)} indices")
        if cols != shape[1]:
            raise ShapeError(f"{self.label}: values have {cols} columns, x has {shape[1]}")
        # Column j stores values[:, j] at rows ilist: one block of len(ilist) per column.
        indptr = np.arange(cols + 1) * rows
        indices = np.tile(np.asarray(ilist), cols)
        matrix = scipy.sparse.csc_matrix((values.T.ravel(), indices, indptr),
                                         shape=tuple(int(n) for n in shape),
                                         dtype=node.outputs[0].type.numpy_dtype)
        matrix.sum_duplicates()
        return [matrix]

    def grad(self, inputs, output_grads):
        (shape, _, ilist), (gz,) = inputs, output_grads
        return [disconnected(shape), _dense(gz)[ilist], disconnected(ilist)]


construct_sparse_from_list = ConstructSparseFromList()


@dataclass(frozen=True)
class SparseGradSubtensor1(Op):
    """x[ilist] for a dense matrix x and an integer vector ilist (rows), whose gradient in x
    is sparse: construct_sparse_from_list of the output's gradient, storing only the rows
    read (Theano's AdvancedSubtensor1(sparse_grad=True), made by `sparse_grad(x[ilist])`).

    >>> SparseGradSubtensor1()(T.dmatrix('W'), T.lvector('i')).type
    TensorType(float64, (?, ?))
    """

    notation = Func("sparse_grad_take")

    def make_node(self, x, ilist):
        x, ilist = as_tensor_variable(x), as_tensor_variable(ilist)
        if x.ndim != 2:
            raise GraphlensTypeError(f"{self.label}: a sparse gradient needs a matrix, got "
                                     f"{describe(x)}")
        if ilist.ndim != 1 or not is_discrete(ilist.dtype) or ilist.dtype == "bool":
            raise GraphlensTypeError(f"{self.label}: the rows must be an integer vector, got "
                                     f"{describe(ilist)}")
        return Apply(self, [x, ilist],
                     [tensor_type(x.dtype, (ilist.type.shape[0], x.type.shape[1]))()])

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[1][0], input_shapes[0][1])]

    def perform(self, node, inputs):
        x, ilist = inputs
        return [x[ilist]]               # numpy's take of rows: a copy, IndexError out of range

    def grad(self, inputs, output_grads):
        (x, ilist), (gz,) = inputs, output_grads
        return [construct_sparse_from_list(x, gz, ilist), disconnected(ilist)]


def sparse_grad(var):
    """`var` = x[rows] (a matrix indexed by one integer vector) rebuilt so that its gradient
    in x is a sparse matrix holding only the rows read (Theano's `theano.sparse_grad`): the
    gradient of a word-embedding lookup without a dense matrix of zeros.

    >>> g = graphlens.grad(sparse_grad(W[idx]).sum(), W)     # a csc matrix   # doctest: +SKIP
    """
    node = getattr(var, "owner", None)
    idx = getattr(getattr(node, "op", None), "idx", None)
    if node is None or idx is None or len(node.inputs) != 2 or idx[0] != ("adv",) or \
            any(entry != ("slice", None, None, None) for entry in idx[1:]):
        raise GraphlensTypeError(f"sparse_grad at {call_site()} takes x[rows] for a matrix x and "
                                 f"an integer vector of rows, got {describe(var)}")
    return SparseGradSubtensor1()(*node.inputs)
