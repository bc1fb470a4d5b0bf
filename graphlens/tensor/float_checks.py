"""Tests on float values: isnan, isinf, isclose, allclose, as Theano's (bool results).

>>> bad = T.any(T.isnan(cost) | T.isinf(cost))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import Func
from graphlens.tensor.compare import and_, eq, invert, le, or_, switch
from graphlens.tensor.elemwise import UnaryElemwise
from graphlens.tensor.math import abs as tensor_abs
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.reduce import all as tensor_all
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class FloatTest(UnaryElemwise):
    """Base of isnan and isinf: a bool result, false for integers, and a zero gradient."""

    def output_dtype(self, dtype):
        return "bool"

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


@dataclass(frozen=True)
class IsNan(FloatTest):
    """True where x is NaN."""

    nfunc = staticmethod(np.isnan)
    notation = Func("isnan")
    zero_gradient_reason = "isnan is a true/false test: its derivative is 0"


@dataclass(frozen=True)
class IsInf(FloatTest):
    """True where x is +inf or -inf."""

    nfunc = staticmethod(np.isinf)
    notation = Func("isinf")
    zero_gradient_reason = "isinf is a true/false test: its derivative is 0"


def isnan(x):
    """True where x is NaN (always false for integers): `T.isnan(x)`."""
    return IsNan()(x)


def isinf(x):
    """True where x is infinite."""
    return IsInf()(x)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where |a - b| <= atol + rtol * |b|, as numpy.isclose: infinities are close only
    to themselves, and NaNs to each other only with `equal_nan`."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    # Infinities are compared by equality alone; they are replaced by 0 in the tolerance test
    # so that it never computes inf - inf.
    infinite = or_(isinf(a), isinf(b))
    finite_a, finite_b = switch(infinite, 0, a), switch(infinite, 0, b)
    within = le(tensor_abs(finite_a - finite_b), atol + rtol * tensor_abs(finite_b))
    close = or_(and_(within, invert(infinite)), eq(a, b))
    if equal_nan:
        close = or_(close, and_(isnan(a), isnan(b)))
    return close


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element of a is close to b's (a bool scalar), as numpy.allclose."""
    return tensor_all(isclose(a, b, rtol, atol, equal_nan))
