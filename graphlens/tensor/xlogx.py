"""`theano.tensor.xlogx`: x * log(x) and x * log(y), taken as 0 where x is 0 (the limit), as
entropies and cross-entropies of binary units need (rnnrbm.py's pseudo-likelihood monitor
xlogy0(v, p) + xlogy0(1 - v, 1 - p) on 0/1 visible units).

>>> import graphlens.tensor as T
>>> v, p = T.dvector('v'), T.dvector('p')
>>> monitor = T.xlogx.xlogy0(v, p) + T.xlogx.xlogy0(1 - v, 1 - p)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import Func
from graphlens.tensor.elemwise import BinaryElemwise, FloatUnaryElemwise, float_dtype, unbroadcast
from graphlens.tensor.math import log
from graphlens.tensor.scalar_standard import scalar_op_lookup


def _zero_where_x_is_zero(x, product):
    # 0 * log(0) is nan in numpy; its limit, and Theano's value, is 0.
    return np.where(x == 0, 0, product)


@dataclass(frozen=True)
class XlogX(FloatUnaryElemwise):
    """x * log(x), 0 at x = 0; nan for x < 0 as log's."""

    notation = Func("xlogx")
    kinds = "biuf"
    dtype_hint = "; it is defined for real inputs only"

    def impl(self, x):
        x = np.asarray(x, dtype=float_dtype(str(x.dtype)))
        with np.errstate(divide="ignore", invalid="ignore"):
            return _zero_where_x_is_zero(x, x * np.log(x))

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * (1 + log(x))]


@dataclass(frozen=True)
class XlogY0(BinaryElemwise):
    """x * log(y), 0 where x = 0 (whatever y, even 0)."""

    notation = Func("xlogy0")
    kinds = "biuf"
    dtype_hint = "; it is defined for real inputs only"

    def output_dtype(self, dtype):
        return float_dtype(dtype)

    def impl(self, x, y):
        dtype = float_dtype(str(np.result_type(x, y)))
        x, y = np.asarray(x, dtype=dtype), np.asarray(y, dtype=dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _zero_where_x_is_zero(x, x * np.log(y))

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [unbroadcast(gz * log(y), x), unbroadcast(gz * x / y, y)]


def xlogx(x):
    """x * log(x), elementwise, with 0 * log(0) = 0: `T.xlogx.xlogx(p)`."""
    return XlogX()(x)


def xlogy0(x, y):
    """x * log(y), elementwise, 0 where x is 0: `T.xlogx.xlogy0(v, p)`."""
    return XlogY0()(x, y)


# Theano's scalar ops at this path (Theano's `XlogX` was the scalar op class; here `XlogX` is
# the elementwise op and `scalar_xlogx` its scalar op, made by tensor/scalar_special.py).
__getattr__ = scalar_op_lookup(__name__, {"scalar_xlogx": XlogX, "scalar_xlogy0": XlogY0})
