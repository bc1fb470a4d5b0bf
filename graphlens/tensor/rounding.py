"""Piecewise-constant functions: sgn, round, trunc, floor, ceil.

Their derivative is 0 wherever it exists, so a gradient through them vanishes; each says why in
`zero_gradient_reason` and offers a `gradient_remedy` (the straight-through estimator or a smooth
surrogate), which the gradient tracer reports next to the user's line that built the op.

>>> h = T.dvector('h'); code = T.sgn(h)        # forward: -1, 0, 1; backward: zero
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import Func
from graphlens.errors import InvalidArgumentError
from graphlens.graph.op import shared_op
from graphlens.tensor.elemwise import FloatUnaryElemwise, UnaryElemwise
from graphlens.tensor.kernels import ufunc_kernel
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.basic import cast
import graphlens.tensor as T


@dataclass(frozen=True)
class PiecewiseConstant(UnaryElemwise):
    """Base of sgn, round, floor, ceil: the derivative is 0 wherever it exists. `called` is the
    function users write (`T.floor`), from which the tracer's reason and remedy are worded."""

    called = ""

    @property
    def zero_gradient_reason(self):
        return f"{self.called} is piecewise constant: its derivative is 0 wherever it exists"

    @property
    def gradient_remedy(self):
        return (f"use the straight-through estimator: straight_through(T.{self.called}(x), x) "
                f"(from graphlens.gradient) keeps {self.called}'s value in the forward pass and "
                f"passes the gradient of x backward")

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


@dataclass(frozen=True)
class Sgn(PiecewiseConstant):
    """Sign of x: -1, 0 or 1."""

    nfunc = staticmethod(np.sign)
    notation = Func("sgn")
    called = "sgn"
    # Its own remedy: a sign is also approximated well by a steep tanh.
    gradient_remedy = ("use the straight-through estimator: straight_through(T.sgn(h), h) (from "
                       "graphlens.gradient) keeps sgn's value in the forward pass and passes "
                       "the gradient of h backward; or a smooth surrogate such as T.tanh(k * h) "
                       "with k around 5")

    def kernel(self, node):
        """np.sign into `out` (a fused sgn needs no array of its own); bools take perform."""
        return None if node.inputs[0].dtype == "bool" else ufunc_kernel(np.sign)

    def impl(self, x):
        # numpy has no sign of bools; a bool is its own sign (False 0, True 1).
        return x.copy() if x.dtype == np.bool_ else np.sign(x)


@dataclass(frozen=True)
class Round(PiecewiseConstant):
    """Round half to even (numpy's rule: round(0.5) == 0, round(1.5) == 2)."""

    nfunc = staticmethod(np.round)
    notation = Func("round")
    called = "round"


@dataclass(frozen=True)
class RoundHalfAwayFromZero(Round):
    """Round halves away from zero (round(0.5) == 1, round(-2.5) == -3): Theano's
    `round(x, mode='half_away_from_zero')`."""

    nfunc = None
    notation = Func("round_half_away_from_zero")

    def impl(self, x):
        if x.dtype.kind not in "fc":
            return x.copy()          # integers are already whole
        whole = np.trunc(x)
        # x - trunc(x) is exact; floor(|x| + 0.5) would round 0.49999999999999994 up.
        with np.errstate(invalid="ignore"):          # inf - inf: NaN, and inf stays inf
            half_or_more = np.abs(x - whole) >= 0.5
        return whole + np.where(half_or_more, np.sign(x), 0).astype(x.dtype)


@dataclass(frozen=True)
class ToWhole(PiecewiseConstant, FloatUnaryElemwise):
    """Base of trunc, floor, ceil: a float result, integers computed in float32 (int8, int16,
    bool) or float64 (wider), as Theano's upgrade_to_float (numpy would keep an integer)."""

    kinds = "biuf"


@dataclass(frozen=True)
class Trunc(ToWhole):
    """x rounded towards zero, as a float."""

    nfunc = staticmethod(np.trunc)
    notation = Func("trunc")
    called = "trunc"


@dataclass(frozen=True)
class Floor(ToWhole):
    """Largest integer <= x, as a float."""

    nfunc = staticmethod(np.floor)
    notation = Func("floor")
    called = "floor"


@dataclass(frozen=True)
class Ceil(ToWhole):
    """Smallest integer >= x, as a float."""

    nfunc = staticmethod(np.ceil)
    notation = Func("ceil")
    called = "ceil"


# The elementwise functions are shared op instances, as Theano's T.exp is an Elemwise
# instance: T.exp(x).owner.op == T.exp, and local_optimizer([T.exp]) tracks it.
# Sign of x: `T.sgn(x)`; its gradient is zero.
sgn = shared_op(Sgn)


ROUND_MODES = ("half_to_even", "half_away_from_zero")


def round(x, mode=None):
    """Round to whole numbers: halves to even by default (numpy's and Theano 1.0's rule), or
    `mode='half_away_from_zero'`."""
    if mode is None or mode == "half_to_even":
        return Round()(x)
    if mode == "half_away_from_zero":
        return RoundHalfAwayFromZero()(x)
    raise InvalidArgumentError(f"round: mode must be one of {ROUND_MODES}, got {mode!r}")


# Round halves to even: round(0.5) == 0, round(1.5) == 2.
round_half_to_even = shared_op(Round)


# Round halves away from zero: round(0.5) == 1, round(-0.5) == -1.
round_half_away_from_zero = shared_op(RoundHalfAwayFromZero)


def iround(x, mode=None):
    """round(x, mode) as int64 (Theano's iround)."""
    return cast(round(x, mode), "int64")


# x rounded towards zero.
trunc = shared_op(Trunc)


# Floor.
floor = shared_op(Floor)


# Ceiling.
ceil = shared_op(Ceil)


def ceil_intdiv(a, b):
    """ceil(a / b) in integer arithmetic (exact for int64, where a float division is not):
    a // b, plus 1 where the division leaves a remainder. Theano's `T.ceil_intdiv`.

    >>> T.ceil_intdiv(T.as_tensor(7), 2).eval()
    array(4)
    """
    from_division = T.int_div(a, b)
    return cast(T.neq(T.mod(a, b), 0), from_division.dtype) + from_division
