"""Theano's standard comparison, logic, rounding and selection scalar ops (`scalar.lt`,
`scalar.switch`, `scalar.floor`, ...), each the scalar face of one of graphlens's elementwise op
classes (tensor/scalar_standard.py); and the operators of scalar variables.

>>> x = scalar.float64('x'); (x < 1).type, scalar.switch(x < 1, x, 0.0).type   # doctest: +SKIP
(Scalar(bool), Scalar(float64))
"""

from graphlens.tensor import basic, compare, rounding
from graphlens.tensor.fill import Second as FillSecond
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

# What a scalar variable's operators build (tensor/scalar_type.py reads this table).
OPERATORS.update(add=add, sub=sub, mul=mul, true_div=true_div, int_div=int_div, mod=mod,
                 pow=pow, neg=neg, abs_=abs_, lt=lt, le=le, gt=gt, ge=ge, and_=and_, or_=or_,
                 xor=xor, invert=invert, cast=cast)
