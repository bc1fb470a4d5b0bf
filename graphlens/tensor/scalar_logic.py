"""Theano's standard comparison, logic, rounding and selection scalar ops (`scalar.lt`,
`scalar.switch`, `scalar.floor`, ...), each the scalar face of one of graphlens's elementwise op
classes (tensor/scalar_standard.py); and the operators of scalar variables.

>>> x = scalar.float64('x'); (x < 1).type, scalar.switch(x < 1, x, 0.0).type   # doctest: +SKIP
(Scalar(bool), Scalar(float64))
"""

from graphlens.tensor import basic, compare, rounding
from graphlens.tensor.fill import Second as FillSecond
from graphlens.tensor.scalar_op import ScalarOp, bool_out
from graphlens.tensor.scalar_math import abs_, add, int_div, mod, mul, neg, pow, sub, true_div
from graphlens.tensor.scalar_standard import (StandardBinary, StandardScalarOp, StandardUnary,
                                              cast)
from graphlens.tensor.scalar_type import OPERATORS


class LT(StandardBinary):
    """x < y (bool)."""
    tensor_op = compare.Lt


class GT(StandardBinary):
    """x > y (bool)."""
    tensor_op = compare.Gt


class LE(StandardBinary):
    """x <= y (bool)."""
    tensor_op = compare.Le


class GE(StandardBinary):
    """x >= y (bool)."""
    tensor_op = compare.Ge


class EQ(StandardBinary):
    """x == y (bool)."""
    tensor_op = compare.Eq


class NEQ(StandardBinary):
    """x != y (bool)."""
    tensor_op = compare.Neq


class AND(StandardBinary):
    """x & y."""
    tensor_op = compare.And


class OR(StandardBinary):
    """x | y."""
    tensor_op = compare.Or


class XOR(StandardBinary):
    """x ^ y."""
    tensor_op = compare.Xor


class Invert(StandardUnary):
    """~x."""
    tensor_op = compare.Invert


class Maximum(StandardBinary):
    """The larger of x and y."""
    tensor_op = compare.Maximum


class Minimum(StandardBinary):
    """The smaller of x and y."""
    tensor_op = compare.Minimum


class Switch(StandardScalarOp):
    """cond ? a : b."""
    nin = 3
    tensor_op = compare.Switch


class Clip(StandardScalarOp):
    """x limited to [low, high]."""
    nin = 3
    tensor_op = compare.Clip


class Sgn(StandardUnary):
    """Sign of x."""
    tensor_op = rounding.Sgn


class Floor(StandardUnary):
    """Floor."""
    tensor_op = rounding.Floor


class Ceil(StandardUnary):
    """Ceiling."""
    tensor_op = rounding.Ceil


class Trunc(StandardUnary):
    """Towards zero."""
    tensor_op = rounding.Trunc


class RoundHalfToEven(StandardUnary):
    """Round halves to even."""
    tensor_op = rounding.Round


class RoundHalfAwayFromZero(StandardUnary):
    """Round halves away from zero."""
    tensor_op = rounding.RoundHalfAwayFromZero


class Second(StandardBinary):
    """y broadcast to x (Theano's second / fill)."""
    tensor_op = FillSecond


class Identity(StandardUnary):
    """x itself, as a new value."""
    tensor_op = basic.TensorCopy


class InRange(ScalarOp):
    """Theano's `InRange(openlow, openhi)`: whether low < x < high, each bound excluded when
    its flag is true and included otherwise; the gradient is zero, bounds included (where
    the true derivative would be infinite), as Theano's.

    >>> x, lo, hi = scalar.float64('x'), scalar.float64('lo'), scalar.float64('hi')
    >>> InRange(False, True)(x, lo, hi).eval({x: 1.0, lo: 1.0, hi: 2.0})   # doctest: +SKIP
    array(True)
    """

    nin = 3
    __props__ = ("openlow", "openhi")

    def __init__(self, openlow, openhi):
        super().__init__(bool_out)
        self.openlow, self.openhi = bool(openlow), bool(openhi)

    def impl(self, x, low, high):
        above = x > low if self.openlow else x >= low
        below = x < high if self.openhi else x <= high
        return bool(above and below)

    def grad(self, inputs, output_grads):
        # A step function: flat everywhere it has a derivative.
        return [x.zeros_like() for x in inputs]


# The instances Theano programs call, at Theano's names.
lt = LT(name='lt')
gt = GT(name='gt')
le = LE(name='le')
ge = GE(name='ge')
eq = EQ(name='eq')
neq = NEQ(name='neq')
and_ = AND(name='and_')
or_ = OR(name='or_')
xor = XOR(name='xor')
invert = Invert(name='invert')
maximum = Maximum(name='maximum')
minimum = Minimum(name='minimum')
switch = Switch(name='switch')
clip = Clip(name='clip')
sgn = Sgn(name='sgn')
floor = Floor(name='floor')
ceil = Ceil(name='ceil')
trunc = Trunc(name='trunc')
round_half_to_even = RoundHalfToEven(name='round_half_to_even')
round_half_away_from_zero = RoundHalfAwayFromZero(name='round_half_away_from_zero')
second = Second(name='second')
identity = Identity(name='identity')
inclosedrange = InRange(False, False)
inopenrange = InRange(True, True)

# What a scalar variable's operators build (tensor/scalar_type.py reads this table).
OPERATORS.update(add=add, sub=sub, mul=mul, true_div=true_div, int_div=int_div, mod=mod,
                 pow=pow, neg=neg, abs_=abs_, lt=lt, le=le, gt=gt, ge=ge, and_=and_, or_=or_,
                 xor=xor, invert=invert, cast=cast)
