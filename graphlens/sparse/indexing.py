"""Indexing a sparse matrix, as scipy indexes it: `x[a:b]`, `x[a:b, c:d]`, `x[i]` (a 1-row
matrix), `x[rows]` for an integer vector of rows (minibatches, shuffles) are sparse matrices of
x's format; `x[i, j]` is a dense scalar (Theano's GetItem2d, GetItemList, GetItemScalar).

>>> x = csr_matrix('x'); i = T.lscalar('i')
>>> x[i * 10:(i + 1) * 10].type, x[2, 3].type
(SparseType(csr, float64), TensorType(float64, ()))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func, Special
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.subtensor import build_index, parse_index
from graphlens.tensor.type import tensor_type
from graphlens.sparse.convert import (FORMAT_CLASSES, SparseFromDense, _sparse_input,
                                    dense_from_sparse)
from graphlens.sparse.type import SparseType, is_sparse_variable


def _gradient_region(x, idx, values):
    """`x`'s dense zeros indexed as the op indexed x, an integer kept as a length-1 slice (the
    sparse result keeps both axes): where the output's gradient goes."""
    zeros = T.zeros((x.shape[0], x.shape[1]), dtype=x.dtype)
    values, entries = iter(values), []
    for entry in idx:
        kind = entry[0]
        if kind == "int":
            entries.append(slice(entry[1], entry[1] + 1))
        elif kind == "sym":
            start = next(values)
            entries.append(slice(start, start + 1))
        elif kind == "slice":
            entries.append(slice(*[next(values) if b == "sym" else b for b in entry[1:]]))
        else:
            entries.append(next(values))
    return zeros[tuple(entries)]


@dataclass(frozen=True)
class GetItem(Op):
    """x[index] of a sparse matrix with slices, integers and at most one integer vector:
    a sparse matrix of x's format, 2-d as scipy's. `idx` is the index's structure
    (tensor/subtensor.py's), its symbolic parts are the inputs after x."""

    idx: tuple = ()
    notation = Special("index")

    def make_node(self, x, *parts):
        if not self.idx:
            # GetItem() with no index structure would return x itself, silently.
            raise GraphlensTypeError(f"{self.label}: build it with x[...] (or Theano's "
                                     f"GetItemList()(x, rows), GetItem2d()(x, index)); got "
                                     f"no index structure for {len(parts)} index inputs")
        # The lengths of a slice are not the matrix's: left unknown.
        return Apply(self, [x, *parts], [SparseType(x.format, x.dtype)()])

    def perform(self, node, inputs):
        x, *values = inputs
        taken = x[build_index(self.idx, values)]
        return [FORMAT_CLASSES[x.format](taken, dtype=node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, *parts), (gz,) = inputs, output_grads
        if is_discrete(x.dtype):
            return [disconnected(v) for v in inputs]
        dense_gz = dense_from_sparse(gz) if is_sparse_variable(gz) else gz
        # A row listed twice gets both terms: inc_subtensor sums at repeated positions.
        placed = T.inc_subtensor(_gradient_region(x, self.idx, parts), dense_gz)
        return [SparseFromDense(x.format)(placed)] + [disconnected(v) for v in parts]


class GetItemList(Op):
    """Theano's op class for x[rows] (rows an integer vector): `GetItemList()(x, rows)`
    builds the same node as `x[rows]`, a GetItem. (No node of this class is made.)

    >>> GetItemList()(csr_matrix('x'), T.lvector('rows')).owner.op
    GetItem{idx=(('adv',),)}
    """

    def make_node(self, x, index):
        return getitem(x, T.as_tensor_variable(index)).owner


class GetItem2d(Op):
    """Theano's op class for x[index], index a pair of slices or integers:
    `GetItem2d()(x, (slice(a, b), slice(c, d)))` builds the same node as `x[a:b, c:d]`."""

    def make_node(self, x, index):
        return getitem(x, tuple(index)).owner


@dataclass(frozen=True)
class GetItemScalar(Op):
    """x[i, j] of a sparse matrix: a dense scalar (zero where x stores nothing)."""

    idx: tuple = ()
    notation = Special("index")

    def make_node(self, x, *parts):
        return Apply(self, [x, *parts], [tensor_type(x.dtype, ())()])

    def perform(self, node, inputs):
        x, *values = inputs
        return [np.asarray(x[build_index(self.idx, values)],
                           dtype=node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, *parts), (gz,) = inputs, output_grads
        if is_discrete(x.dtype):
            return [disconnected(v) for v in inputs]
        placed = T.inc_subtensor(_gradient_region(x, self.idx, parts), gz)
        return [SparseFromDense(x.format)(placed)] + [disconnected(v) for v in parts]


def getitem(x, index):
    """`x[index]` for sparse `x` (what `x[...]` calls); two integer vectors give the dense
    vector of values at (rows[k], cols[k]), as Theano's GetItem2Lists; refuses what scipy's
    sparse matrices cannot index (None, a boolean mask), naming x.

    >>> csc_matrix('x')[[0, 2, 2]].type
    SparseType(csc, float64)
    """
    x = _sparse_input(GetItem(), x)
    idx, parts, advanced = parse_index(x, index)
    kinds = [entry[0] for entry in idx]
    if kinds == ["adv", "adv"] and all(p.ndim == 1 and p.dtype != "bool" for p in parts):
        # x[rows, cols], two integer vectors: the values at (rows[k], cols[k]) (Theano's).
        return GetItem2Lists()(x, *parts)
    if "new" in kinds or any(p.ndim > 1 or p.dtype == "bool" for p in parts) \
            or kinds.count("adv") > 1:
        raise GraphlensTypeError(f"sparse indexing of {describe(x)}: use slices, integers and "
                                 f"at most one integer vector (no None, masks or two vectors)")
    if len(idx) == 2 and all(kind in ("int", "sym") for kind in kinds):
        return GetItemScalar(idx)(x, *parts)
    return GetItem(idx)(x, *parts)


@dataclass(frozen=True)
class GetItem2Lists(Op):
    """x[rows[k], cols[k]] for each k: a dense vector of the values at those positions, zero
    where x stores nothing (Theano's GetItem2Lists, what numpy's x[rows, cols] gives)."""

    notation = Func("get_item_2lists")

    def make_node(self, x, ind1, ind2):         # Theano's names: the rows, the columns
        x = _sparse_input(self, x)
        rows, cols = T.as_tensor_variable(ind1), T.as_tensor_variable(ind2)
        for var in (rows, cols):
            if var.ndim != 1 or not is_discrete(var.dtype) or var.dtype == "bool":
                raise GraphlensTypeError(f"{self.label}: positions must be integer vectors, "
                                         f"got {describe(var)}")
        return Apply(self, [x, rows, cols], [tensor_type(x.dtype, (None,))()])

    def perform(self, node, inputs):
        x, rows, cols = inputs
        picked = np.asarray(x[rows, cols]).ravel()
        return [picked.astype(node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        (x, rows, cols), (gz,) = inputs, output_grads
        if is_discrete(x.dtype):
            return [disconnected(v) for v in inputs]
        zeros = T.zeros((x.shape[0], x.shape[1]), dtype=x.dtype)
        placed = T.inc_subtensor(zeros[rows, cols], gz)      # a position listed twice: summed
        return [SparseFromDense(x.format)(placed), disconnected(rows), disconnected(cols)]


def get_item_list(x, index):
    """x[index] for an integer vector of rows (Theano's function name)."""
    return getitem(x, index)


def get_item_2d(x, index):
    """x[index] for a tuple of slices (Theano's function name)."""
    return getitem(x, tuple(index))


def get_item_scalar(x, index):
    """x[i, j] as a dense scalar (Theano's function name); `index` is (i, j)."""
    return getitem(x, tuple(index))


def get_item_2lists(x, rows, cols):
    """The values of sparse x at (rows[k], cols[k]), a dense vector (Theano's function name)."""
    return GetItem2Lists()(x, rows, cols)
