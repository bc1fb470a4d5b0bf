"""Theano's `CAReduce(scalar_op, axis)`: a reduction named by the scalar operation it folds
with. graphlens gives each reduction its own class (`Sum`, `Prod`, `Max`, `Min` in
tensor/reduce.py); `CAReduce` builds the one that matches and answers isinstance for all of
them, so Theano code that builds or looks for reductions this way keeps working.
`ProdWithoutZeros` is Theano's product of the non-zero elements.

>>> from graphlens import scalar
>>> CAReduce(scalar.add, axis=(0,))(T.dmatrix())           # the same node as T.sum(x, axis=0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError
from graphlens.graph.notation import Func
from graphlens.tensor.compare import eq, switch
from graphlens.tensor.reduce import (All, Any, Max, Min, Prod, Reduce, Sum, _sum_dtype,
                                     expand_reduced)
from graphlens.tensor.scalar_logic import Maximum, Minimum
from graphlens.tensor.scalar_math import Add, Mul

# The scalar operation each reduction folds with.
_BY_SCALAR_OP = {Add: Sum, Mul: Prod, Maximum: Max, Minimum: Min}


class _CAReduceClass(type):
    """isinstance(op, CAReduce) is true of every reduction; calling builds one."""

    def __instancecheck__(cls, op):
        return isinstance(op, (Sum, Prod, Max, Min, All, Any))

    def __call__(cls, scalar_op, axis=None):
        reduction = _BY_SCALAR_OP.get(type(scalar_op))
        if reduction is None:
            raise GraphlensTypeError(
                f"CAReduce: graphlens reduces with add, mul, maximum and minimum (T.sum, T.prod, "
                f"T.max, T.min; T.all and T.any for logic), not {scalar_op}")
        # The reduction normalises None (every axis), an int and negative axes itself.
        return reduction(axis if axis is None or not isinstance(axis, int) else (axis,))


class CAReduce(metaclass=_CAReduceClass):
    """Theano's reduction by a scalar operation: `CAReduce(scalar.add, axis)(x)` is
    `T.sum(x, axis)`; `isinstance(node.op, CAReduce)` holds for every reduction."""


@dataclass(frozen=True)
class ProdWithoutZeros(Reduce):
    """The product of the non-zero elements of x over `axis` (None: every axis), Theano's
    `ProdWithoutZeros(axis)`: a slice of zeros gives 1.

    >>> ProdWithoutZeros(axis=1)(T.dmatrix('x')).eval({...: [[1.0, 0.0, 3.0]]})  # doctest: +SKIP
    array([3.])
    """

    axis: tuple = None
    notation = Func("prod_without_zeros", params=("axis",))

    def output_dtype(self, dtype):
        return _sum_dtype(dtype)

    def reduce(self, x, axis, dtype):
        return np.multiply.reduce(np.where(x == 0, 1, x), axis=axis, dtype=dtype)

    def grad(self, inputs, output_grads):
        # Away from zeros the product over x_i; a zero stands for the constant 1 (no
        # derivative there: Theano gave none at all).
        (x,), (gz,) = inputs, output_grads
        is_zero = eq(x, 0)
        product = expand_reduced(self(x), self.axis, x.ndim)
        others = switch(is_zero, 0, product / switch(is_zero, 1, x))
        return [expand_reduced(gz, self.axis, x.ndim) * others]


CAReduceDtype = CAReduce

__all__ = ["CAReduce", "CAReduceDtype", "ProdWithoutZeros", "Prod", "Reduce"]
