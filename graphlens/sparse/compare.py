"""Comparisons with a sparse operand, with Theano 1.0's result types:

| expression | result |
|---|---|
| `lt(s, s)`, `gt`, `le`, `ge`, `eq`, `neq` of two sparse matrices | sparse uint8, of x's format |
| the same with one dense matrix (either side) | dense uint8 matrix |

`s < t`, `s > t`, `s <= t`, `s >= t` on sparse variables are these (Theano's operators; `==`
stays Python's identity, as there). A comparison is true or false, so no gradient flows through
it: each op carries the tensor comparison's reason and remedy for the tracer.

>>> x = csr_matrix('x'); W = T.dmatrix('W')
>>> lt(x, x).type, (x > W).type
(SparseType(csr, uint8), TensorType(uint8, (?, ?)))
"""

from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse

import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.tensor.compare import COMPARISON_REASON, Comparison, Eq, Ge, Gt, Le, Lt, Neq
from graphlens.tensor.type import tensor_type
from graphlens.sparse.convert import _sparse_input, sparse_and_dense_operands
from graphlens.sparse.products import _as_format
from graphlens.sparse.type import (SparseType, as_sparse_or_tensor_variable,
                                   is_sparse_variable, merged_lengths, refuse_mismatch)


class _SparseComparison(Op):
    """What every sparse comparison shares: the tensor comparison it mirrors (`tensor_op`:
    its notation, and `compare`, the Python operator scipy overloads), a uint8 result and no
    gradient."""

    selector = True
    zero_gradient_reason = COMPARISON_REASON
    gradient_remedy = Comparison.gradient_remedy

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        # Honest zeros: a sparse input's zero stores nothing.
        return [x.zeros_like() if is_sparse_variable(x) else T.zeros_like(x) for x in inputs]


class _ComparisonSS(_SparseComparison):
    """x op y of two sparse matrices of one shape: a sparse uint8 matrix of x's format."""

    def make_node(self, x, y):
        x, y = _sparse_input(self, x), _sparse_input(self, y)
        refuse_mismatch(self, x, y)
        out = SparseType(x.format, "uint8", merged_lengths(x.type.shape, y.type.shape))
        return Apply(self, [x, y], [out()])

    def perform(self, node, inputs):
        x, y = inputs
        _same_shape(self, x, y)
        # scipy warns that ==, <= and >= of two sparse matrices store many entries (every
        # place both are zero is true): that is what was asked for.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", scipy.sparse.SparseEfficiencyWarning)
            result = self.compare(x, y)
        return [_as_format(result, node.outputs[0].type.format, "uint8")]


class _ComparisonSD(_SparseComparison):
    """x op y of a sparse x and a dense matrix y: a dense uint8 matrix."""

    def make_node(self, x, y):
        x, y = sparse_and_dense_operands(self, x, y)
        out = tensor_type("uint8", merged_lengths(x.type.shape, y.type.shape))
        return Apply(self, [x, y], [out()])

    def perform(self, node, inputs):
        x, y = inputs
        _same_shape(self, x, y)
        # The result is dense whatever scipy would store: compare densely, in one numpy call.
        return [np.asarray(self.compare(x.toarray(), y), dtype=np.uint8)]


def _same_shape(op, x, y):
    if x.shape != y.shape:
        raise ShapeError(f"{op.label}: the operands have shapes {x.shape} and {y.shape}")


@dataclass(frozen=True)
class LessThanSS(_ComparisonSS):
    """x < y of two sparse matrices: sparse uint8."""
    notation = Lt.notation
    compare = staticmethod(operator.lt)


@dataclass(frozen=True)
class LessThanSD(_ComparisonSD):
    """x < y of a sparse and a dense matrix: dense uint8."""
    notation = Lt.notation
    compare = staticmethod(operator.lt)


@dataclass(frozen=True)
class GreaterThanSS(_ComparisonSS):
    """x > y of two sparse matrices: sparse uint8."""
    notation = Gt.notation
    compare = staticmethod(operator.gt)


@dataclass(frozen=True)
class GreaterThanSD(_ComparisonSD):
    """x > y of a sparse and a dense matrix: dense uint8."""
    notation = Gt.notation
    compare = staticmethod(operator.gt)


@dataclass(frozen=True)
class LessEqualSS(_ComparisonSS):
    """x <= y of two sparse matrices: sparse uint8."""
    notation = Le.notation
    compare = staticmethod(operator.le)


@dataclass(frozen=True)
class LessEqualSD(_ComparisonSD):
    """x <= y of a sparse and a dense matrix: dense uint8."""
    notation = Le.notation
    compare = staticmethod(operator.le)


@dataclass(frozen=True)
class GreaterEqualSS(_ComparisonSS):
    """x >= y of two sparse matrices: sparse uint8."""
    notation = Ge.notation
    compare = staticmethod(operator.ge)


@dataclass(frozen=True)
class GreaterEqualSD(_ComparisonSD):
    """x >= y of a sparse and a dense matrix: dense uint8."""
    notation = Ge.notation
    compare = staticmethod(operator.ge)


@dataclass(frozen=True)
class EqualSS(_ComparisonSS):
    """x == y of two sparse matrices: sparse uint8."""
    notation = Eq.notation
    compare = staticmethod(operator.eq)


@dataclass(frozen=True)
class EqualSD(_ComparisonSD):
    """x == y of a sparse and a dense matrix: dense uint8."""
    notation = Eq.notation
    compare = staticmethod(operator.eq)


@dataclass(frozen=True)
class NotEqualSS(_ComparisonSS):
    """x != y of two sparse matrices: sparse uint8."""
    notation = Neq.notation
    compare = staticmethod(operator.ne)


@dataclass(frozen=True)
class NotEqualSD(_ComparisonSD):
    """x != y of a sparse and a dense matrix: dense uint8."""
    notation = Neq.notation
    compare = staticmethod(operator.ne)


def _switch(name, x, y, both_sparse, sparse_dense, dense_sparse):
    """The op for x op y by which operands are sparse; a dense x is compared from y's side
    with the mirrored op (x < y is y > x), as Theano did."""
    x, y = as_sparse_or_tensor_variable(x), as_sparse_or_tensor_variable(y)
    if is_sparse_variable(x) and is_sparse_variable(y):
        return both_sparse()(x, y)
    if is_sparse_variable(x):
        return sparse_dense()(x, y)
    if is_sparse_variable(y):
        return dense_sparse()(y, x)
    raise GraphlensTypeError(f"sparse.{name}: one operand must be sparse, got {describe(x)} "
                             f"and {describe(y)} (use T.{name} for dense ones)")


def lt(x, y):
    """x < y with a sparse operand: sparse uint8 if both are sparse, else dense uint8.

    >>> lt(csr_matrix('x'), T.dmatrix('W')).type
    TensorType(uint8, (?, ?))
    """
    return _switch("lt", x, y, LessThanSS, LessThanSD, GreaterThanSD)


def gt(x, y):
    """x > y with a sparse operand: sparse uint8 if both are sparse, else dense uint8.

    >>> gt(csr_matrix('x'), csr_matrix('y')).type
    SparseType(csr, uint8)
    """
    return _switch("gt", x, y, GreaterThanSS, GreaterThanSD, LessThanSD)


def le(x, y):
    """x <= y with a sparse operand: sparse uint8 if both are sparse, else dense uint8.

    >>> le(csr_matrix('x'), csr_matrix('y')).type
    SparseType(csr, uint8)
    """
    return _switch("le", x, y, LessEqualSS, LessEqualSD, GreaterEqualSD)


def ge(x, y):
    """x >= y with a sparse operand: sparse uint8 if both are sparse, else dense uint8.

    >>> ge(csr_matrix('x'), csr_matrix('y')).type
    SparseType(csr, uint8)
    """
    return _switch("ge", x, y, GreaterEqualSS, GreaterEqualSD, LessEqualSD)


def eq(x, y):
    """x == y with a sparse operand: sparse uint8 if both are sparse, else dense uint8.

    >>> eq(csr_matrix('x'), csr_matrix('y')).type
    SparseType(csr, uint8)
    """
    return _switch("eq", x, y, EqualSS, EqualSD, EqualSD)


def neq(x, y):
    """x != y with a sparse operand: sparse uint8 if both are sparse, else dense uint8.

    >>> neq(csr_matrix('x'), csr_matrix('y')).type
    SparseType(csr, uint8)
    """
    return _switch("neq", x, y, NotEqualSS, NotEqualSD, NotEqualSD)
