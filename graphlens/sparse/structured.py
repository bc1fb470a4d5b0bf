"""Functions of a sparse matrix's stored values, and joining sparse matrices.

A *structured* function applies to the entries x stores and leaves the others at zero, so the
result keeps x's pattern (Theano's `structured_monoid`): `structured_sigmoid(x)` is
`CSM(sigmoid(csm_data(x)), indices, indptr, shape)`. It is built from CSMProperties and CSM,
so its gradient is theirs, and any tensor op can be a structured one. The elementwise functions
whose value at 0 is 0 (`sqrt`, `sin`, `tanh`, `abs_`, ...) are structured by nature: they
equal the dense function on every entry.

>>> structured_sigmoid(csr_matrix('x')).type
SparseType(csr, float64)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.sparse.convert import (CSM, FORMAT_CLASSES, StructuredMask, _sparse_input,
                                      csm_properties, dense_from_sparse, entry_coordinates)
from graphlens.sparse.math import SpSum
from graphlens.sparse.type import SparseType, is_sparse_variable


def structured(function, x, *others):
    """`function(data, *others)` applied to the stored values of sparse `x`, the pattern kept:
    `structured(T.exp, x)`; the tensor ops' dtype rules decide the result's dtype.

    >>> structured(lambda v, p: v ** p, csr_matrix('x'), 2).type
    SparseType(csr, float64)
    """
    x = _sparse_input(CSM(), x)
    data, indices, indptr, shape = csm_properties(x)
    return CSM(x.format)(function(data, *others), indices, indptr, shape)


def structured_monoid(tensor_op):
    """Theano's decorator for a function of a sparse matrix's stored values: the decorated
    function (its body is not used) becomes `tensor_op(data, *others)` on the entries its first
    argument stores, the pattern kept, the other arguments (scalars) passed along.

    >>> @structured_monoid(T.sqr)
    ... def structured_square(x):
    ...     "x ** 2 where x stores entries."
    >>> structured_square(csr_matrix('x')).type
    SparseType(csr, float64)
    """
    def decorator(function):
        @functools.wraps(function)
        def wrapper(x, *others):
            return structured(tensor_op, x, *others)
        return wrapper
    return decorator


def structured_sigmoid(x):
    """sigmoid of the entries x stores (its zeros stay zero, not 0.5)."""
    return structured(T.nnet.sigmoid, x)


def structured_exp(x):
    """exp of the entries x stores (its zeros stay zero, not 1)."""
    return structured(T.exp, x)


def structured_log(x):
    """log of the entries x stores."""
    return structured(T.log, x)


def structured_pow(x, y):
    """The entries x stores to the power y (a scalar)."""
    return structured(T.pow, x, y)


def structured_minimum(x, y):
    """minimum(entry, y) of the entries x stores, y a scalar."""
    return structured(T.minimum, x, y)


def structured_maximum(x, y):
    """maximum(entry, y) of the entries x stores, y a scalar."""
    return structured(T.maximum, x, y)


def structured_add(x, y):
    """y (a scalar) added to the entries x stores (Theano's tutorial: zeros stay zero)."""
    return structured(T.add, x, y)


# Elementwise functions with f(0) == 0: the structured function equals the dense one on
# every entry, and the result keeps x's pattern.
def sqr(x):
    """x ** 2 of sparse x, entry by entry (0 stays 0)."""
    return structured(T.sqr, x)


def sqrt(x):
    """the square root of sparse x, entry by entry (0 stays 0)."""
    return structured(T.sqrt, x)


def abs_(x):
    """the absolute value of sparse x, entry by entry (0 stays 0)."""
    return structured(T.abs, x)


def sgn(x):
    """the sign of sparse x, entry by entry (0 stays 0)."""
    return structured(T.sgn, x)


def sin(x):
    """sin of sparse x, entry by entry (0 stays 0)."""
    return structured(T.sin, x)


def tan(x):
    """tan of sparse x, entry by entry (0 stays 0)."""
    return structured(T.tan, x)


def arcsin(x):
    """arcsin of sparse x, entry by entry (0 stays 0)."""
    return structured(T.arcsin, x)


def arctan(x):
    """arctan of sparse x, entry by entry (0 stays 0)."""
    return structured(T.arctan, x)


def sinh(x):
    """sinh of sparse x, entry by entry (0 stays 0)."""
    return structured(T.sinh, x)


def tanh(x):
    """tanh of sparse x, entry by entry (0 stays 0)."""
    return structured(T.tanh, x)


def arcsinh(x):
    """arcsinh of sparse x, entry by entry (0 stays 0)."""
    return structured(T.arcsinh, x)


def arctanh(x):
    """arctanh of sparse x, entry by entry (0 stays 0)."""
    return structured(T.arctanh, x)


def expm1(x):
    """exp(x) - 1 of sparse x, entry by entry (0 stays 0)."""
    return structured(T.expm1, x)


def log1p(x):
    """log(1 + x) of sparse x, entry by entry (0 stays 0)."""
    return structured(T.log1p, x)


def ceil(x):
    """ceil of sparse x, entry by entry (0 stays 0)."""
    return structured(T.ceil, x)


def floor(x):
    """floor of sparse x, entry by entry (0 stays 0)."""
    return structured(T.floor, x)


def trunc(x):
    """trunc of sparse x, entry by entry (0 stays 0)."""
    return structured(T.trunc, x)


def rint(x):
    """rounding to the nearest integer of sparse x, entry by entry (0 stays 0)."""
    return structured(T.round, x)


def deg2rad(x):
    """degrees to radians of sparse x, entry by entry (0 stays 0)."""
    return structured(T.deg2rad, x)


def rad2deg(x):
    """radians to degrees of sparse x, entry by entry (0 stays 0)."""
    return structured(T.rad2deg, x)


def conj(x):
    """the complex conjugate of sparse x, entry by entry (a real x is itself)."""
    return structured(T.conj, x)


def sp_ones_like(x):
    """A sparse matrix with x's pattern holding ones."""
    return structured(T.ones_like, x)


def sp_zeros_like(x):
    """A sparse matrix of x's type and shape storing nothing."""
    return _sparse_input(CSM(), x).zeros_like()


def row_scale(x, s):
    """Row i of sparse x times s[i] (a dense vector), x's pattern kept: `x * s[:, None]`."""
    return _sparse_input(CSM(), x) * T.as_tensor_variable(s).dimshuffle(0, "x")


def col_scale(x, s):
    """Column j of sparse x times s[j] (a dense vector), x's pattern kept: `x * s[None, :]`."""
    return _sparse_input(CSM(), x) * T.as_tensor_variable(s).dimshuffle("x", 0)


def mul_s_v(x, y):
    """Column j of sparse x times y[j] (Theano's mul_s_v), x's pattern kept."""
    return col_scale(x, y)


@dataclass(frozen=True)
class StructuredAddSV(Op):
    """y[j] added to each entry x stores in column j, the others left at zero (Theano's
    structured_add_s_v); y a dense vector with one value per column."""

    notation = Func("structured_add_s_v")

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), T.as_tensor_variable(y)
        if y.ndim != 1:
            raise GraphlensTypeError(f"{self.label}: y must be a vector, got {y.type}")
        out = SparseType(x.format, upcast(x.dtype, y.dtype), x.type.shape)
        return Apply(self, [x, y], [out()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, y = inputs
        if len(y) != x.shape[1]:
            raise GraphlensTypeError(f"{self.label}: y has {len(y)} values for {x.shape[1]} "
                                     f"columns")
        _, cols = entry_coordinates(x)
        values = (x.data + y[cols]).astype(node.outputs[0].type.numpy_dtype)
        return [FORMAT_CLASSES[x.format]((values, x.indices.copy(), x.indptr.copy()),
                                         shape=x.shape)]

    def grad(self, inputs, output_grads):
        (x, _), (gz,) = inputs, output_grads
        dense = dense_from_sparse(gz) if is_sparse_variable(gz) else gz
        on_pattern = StructuredMask()(x, dense)
        return [on_pattern, SpSum(axis=0)(on_pattern)]


def structured_add_s_v(x, y):
    """y[j] added to the entries sparse x stores in column j (Theano's name)."""
    return StructuredAddSV()(x, y)


@dataclass(frozen=True)
class Remove0(Op):
    """x without its stored zeros (scipy's eliminate_zeros): the same matrix, a smaller
    pattern. Its gradient passes through (Theano's)."""

    notation = Func("remove0")

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        cleaned = inputs[0].copy()
        cleaned.eliminate_zeros()
        return [cleaned]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


@dataclass(frozen=True)
class EnsureSortedIndices(Op):
    """x with the indices of each row (csr) or column (csc) in increasing order, as scipy's
    sorted_indices; the same matrix. Its gradient passes through."""

    notation = Func("ensure_sorted_indices")

    def make_node(self, x):
        x = _sparse_input(self, x)
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def perform(self, node, inputs):
        return [inputs[0].sorted_indices()]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


def remove0(x):
    """Sparse x without the zeros it stores explicitly."""
    return Remove0()(x)


def ensure_sorted_indices(x):
    """Sparse x with its indices sorted within each row (csr) or column (csc)."""
    return EnsureSortedIndices()(x)


def clean(x):
    """Sparse x with no stored zeros and sorted indices (Theano's `clean`)."""
    return ensure_sorted_indices(remove0(x))
