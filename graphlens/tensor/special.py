"""Special functions: erf, erfc, erfcx, erfinv, erfcinv, gamma, gammaln, psi (and its
derivatives), log2, log10, and inv, exp2, the inverse hyperbolic functions, deg2rad, rad2deg.

numpy has no vectorised error or gamma functions; scipy.special's are numpy ufuncs, so each op
here is a one-line fact like exp or log, and fuses with its neighbours the same way.

>>> x = T.dvector('x'); y = T.erf(x) + T.gammaln(x)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from graphlens.errors import InvalidArgumentError
from graphlens.graph.notation import Func
from graphlens.graph.op import shared_op
from graphlens.tensor.elemwise import (BinaryElemwise, FloatUnaryElemwise, float_dtype,
                                       unbroadcast)
from graphlens.tensor.math import exp, sqr, sqrt
from graphlens.tensor.lazy_scipy import scipy_special, special_function
from graphlens.tensor.basic import cast
from graphlens.tensor.variable import as_tensor_variable, constant

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@dataclass(frozen=True)
class RealFloatUnaryElemwise(FloatUnaryElemwise):
    """A real function with a float result: complex inputs are refused when the graph is built."""

    kinds = "biuf"
    dtype_hint = "; it is defined for real inputs only"


@dataclass(frozen=True)
class Erf(RealFloatUnaryElemwise):
    """The error function, 2 / sqrt(pi) * integral of exp(-t**2) from 0 to x."""

    nfunc = special_function("erf")
    notation = Func("erf")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * _TWO_OVER_SQRT_PI * exp(-sqr(x))]


@dataclass(frozen=True)
class Erfc(RealFloatUnaryElemwise):
    """1 - erf(x), exact where erf(x) is close to 1."""

    nfunc = special_function("erfc")
    notation = Func("erfc")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [-gz * _TWO_OVER_SQRT_PI * exp(-sqr(x))]


@dataclass(frozen=True)
class Erfinv(RealFloatUnaryElemwise):
    """The inverse of erf on (-1, 1); +-inf at +-1 and NaN outside."""

    nfunc = special_function("erfinv")
    notation = Func("erfinv")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / _TWO_OVER_SQRT_PI * exp(sqr(erfinv(x)))]


@dataclass(frozen=True)
class Erfcx(RealFloatUnaryElemwise):
    """The scaled complementary error function exp(x**2) * erfc(x), finite for large x."""

    nfunc = special_function("erfcx")
    notation = Func("erfcx")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * (2 * x * erfcx(x) - _TWO_OVER_SQRT_PI)]


@dataclass(frozen=True)
class Erfcinv(RealFloatUnaryElemwise):
    """The inverse of erfc on (0, 2); +-inf at 0 and 2 and NaN outside."""

    nfunc = special_function("erfcinv")
    notation = Func("erfcinv")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [-gz / _TWO_OVER_SQRT_PI * exp(sqr(erfcinv(x)))]


@dataclass(frozen=True)
class Gamma(RealFloatUnaryElemwise):
    """The gamma function (factorial shifted by one: gamma(n + 1) == n!)."""

    nfunc = special_function("gamma")
    notation = Func("gamma")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * gamma(x) * psi(x)]


@dataclass(frozen=True)
class Gammaln(RealFloatUnaryElemwise):
    """log(|gamma(x)|)."""

    nfunc = special_function("gammaln")
    notation = Func("gammaln")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * psi(x)]


@dataclass(frozen=True)
class Psi(RealFloatUnaryElemwise):
    """The digamma function, the derivative of gammaln."""

    nfunc = special_function("psi")
    notation = Func("psi")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * polygamma(1, x)]


@dataclass(frozen=True)
class Polygamma(RealFloatUnaryElemwise):
    """The `order`-th derivative of psi: `polygamma(1, x)` is the trigamma function."""

    # No default: every label and formula says which derivative it is (trigamma is order 1).
    order: int
    notation = Func("polygamma", leading=("order",))

    def impl(self, x):
        dtype = float_dtype(str(x.dtype))
        # scipy's polygamma is vectorised numpy (through its zeta ufunc), in float64.
        return scipy_special().polygamma(self.order, x).astype(dtype, copy=False)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * Polygamma(self.order + 1)(x)]


@dataclass(frozen=True)
class Log2(FloatUnaryElemwise):
    """Base-2 logarithm."""

    nfunc = staticmethod(np.log2)
    notation = Func("log2")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / (x * math.log(2.0))]


@dataclass(frozen=True)
class Log10(FloatUnaryElemwise):
    """Base-10 logarithm."""

    nfunc = staticmethod(np.log10)
    notation = Func("log10")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / (x * math.log(10.0))]


@dataclass(frozen=True)
class Inv(FloatUnaryElemwise):
    """1 / x (Theano's `inv`), a float for integer x."""

    nfunc = staticmethod(np.reciprocal)
    notation = Func("inv")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [-gz / sqr(x)]


@dataclass(frozen=True)
class Exp2(FloatUnaryElemwise):
    """2 ** x."""

    nfunc = staticmethod(np.exp2)
    notation = Func("exp2")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * exp2(x) * math.log(2.0)]


@dataclass(frozen=True)
class Arcsinh(FloatUnaryElemwise):
    """Inverse hyperbolic sine."""

    nfunc = staticmethod(np.arcsinh)
    notation = Func("arcsinh")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / sqrt(sqr(x) + 1)]


@dataclass(frozen=True)
class Arccosh(FloatUnaryElemwise):
    """Inverse hyperbolic cosine, defined for x >= 1."""

    nfunc = staticmethod(np.arccosh)
    notation = Func("arccosh")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / sqrt(sqr(x) - 1)]


@dataclass(frozen=True)
class Arctanh(FloatUnaryElemwise):
    """Inverse hyperbolic tangent, defined on (-1, 1)."""

    nfunc = staticmethod(np.arctanh)
    notation = Func("arctanh")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / (1 - sqr(x))]


@dataclass(frozen=True)
class Arctan2(BinaryElemwise):
    """The angle of the point (x, y) from the x axis, in (-pi, pi]: arctan2(y, x)."""

    nfunc = staticmethod(np.arctan2)
    notation = Func("arctan2")
    kinds = "biuf"

    def output_dtype(self, dtype):
        return float_dtype(dtype)

    def impl(self, y, x):
        dtype = float_dtype(str(np.result_type(y, x)))
        return np.arctan2(y, x, dtype=dtype)

    def grad(self, inputs, output_grads):
        (y, x), (gz,) = inputs, output_grads
        radius = sqr(x) + sqr(y)
        return [unbroadcast(gz * x / radius, y), unbroadcast(-gz * y / radius, x)]


# The elementwise functions are shared op instances, as Theano's T.exp is an Elemwise
# instance: T.exp(x).owner.op == T.exp, and local_optimizer([T.exp]) tracks it.
# The angle of (x, y), elementwise, as numpy.arctan2(y, x).
arctan2 = shared_op(Arctan2)


# 1 / x: `T.inv(x)`.
inv = shared_op(Inv)


# 2 ** x.
exp2 = shared_op(Exp2)


# Inverse hyperbolic sine.
arcsinh = shared_op(Arcsinh)


# Inverse hyperbolic cosine.
arccosh = shared_op(Arccosh)


# Inverse hyperbolic tangent.
arctanh = shared_op(Arctanh)


def deg2rad(x):
    """Degrees to radians: x * pi / 180, in x's float dtype (integers in float32 or float64, as
    Theano's upgrade_to_float).

    >>> T.deg2rad(T.fvector('a')).dtype, T.deg2rad(T.bvector('b')).dtype
    ('float32', 'float32')
    """
    return _times_in_float(x, math.pi / 180.0)


def rad2deg(x):
    """Radians to degrees: x * 180 / pi, in x's float dtype (as deg2rad).

    >>> T.rad2deg(T.ivector('a')).dtype
    'float64'
    """
    return _times_in_float(x, 180.0 / math.pi)


def _times_in_float(x, factor):
    # A Python float would be a float64 literal and lift a float32 x to float64; Theano's op
    # kept float32, so the factor is a constant of x's own float dtype.
    x = as_tensor_variable(x)
    dtype = float_dtype(x.dtype)
    return cast(x, dtype) * constant(np.asarray(factor, dtype=dtype))


# The error function: `T.erf(x)`.
erf = shared_op(Erf)


# The complementary error function 1 - erf(x).
erfc = shared_op(Erfc)


# The inverse error function, defined on [-1, 1].
erfinv = shared_op(Erfinv)


# exp(x ** 2) * erfc(x), without overflow for large x.
erfcx = shared_op(Erfcx)


# The inverse complementary error function, defined on [0, 2].
erfcinv = shared_op(Erfcinv)


# The gamma function: `T.gamma(x)`.
gamma = shared_op(Gamma)


# log(|gamma(x)|): `T.gammaln(x)`.
gammaln = shared_op(Gammaln)


# The digamma function d/dx gammaln(x).
psi = shared_op(Psi)


def polygamma(order, x):
    """The `order`-th derivative of psi (order >= 1): `polygamma(1, x)` is trigamma."""
    if not isinstance(order, (int, np.integer)) or order < 1:
        raise InvalidArgumentError(f"polygamma: order must be an int >= 1 (psi is order 0), "
                                   f"got {order!r}")
    return Polygamma(int(order))(x)


def tri_gamma(x):
    """The trigamma function, the derivative of psi (scipy_special().polygamma(1, x)), as
    Theano's `T.tri_gamma`; its gradient is polygamma(2, x). It is the node psi's gradient
    builds, so the two merge.

    >>> T.tri_gamma(T.dvector('x')).dtype
    'float64'
    """
    return Polygamma(1)(x)


# Base-2 logarithm.
log2 = shared_op(Log2)


# Base-10 logarithm.
log10 = shared_op(Log10)


__all__ = ["erf", "erfc", "erfcx", "erfinv", "erfcinv", "gamma", "gammaln", "psi", "polygamma",
           "tri_gamma", "log2", "log10", "arctan2", "inv", "exp2", "arcsinh", "arccosh", "arctanh", "deg2rad",
           "rad2deg"]
