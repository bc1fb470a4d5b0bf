"""Theano's `CAReduce(scalar_op, axis)`: a reduction named by the scalar operation it folds
with. graphlens gives each reduction its own class (`Sum`, `Prod`, `Max`, `Min` in
tensor/reduce.py); `CAReduce` builds the one that matches and answers isinstance for all of
them, so Theano code that builds or looks for reductions this way keeps working.
`ProdWithoutZeros` is the product, which graphlens differentiates exactly at zeros anyway.

>>> from graphlens import scalar
>>> CAReduce(scalar.add, axis=(0,))(T.dmatrix())           # the same node as T.sum(x, axis=0)
"""

from __future__ import annotations

from graphlens.errors import GraphlensTypeError
from graphlens.tensor.reduce import All, Any, Max, Min, Prod, Reduce, Sum
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


ProdWithoutZeros = Prod
CAReduceDtype = CAReduce

__all__ = ["CAReduce", "CAReduceDtype", "ProdWithoutZeros", "Prod", "Reduce"]
