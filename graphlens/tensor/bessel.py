"""Bessel functions, as Theano's: j0, j1, jv (first kind) and i0, i1, iv (modified), from
scipy.special's ufuncs, with their derivatives.

>>> y = T.j0(x) + T.jv(2, x)
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.tensor.elemwise import BinaryElemwise, float_dtype, unbroadcast
from graphlens.tensor.lazy_scipy import special_function
from graphlens.tensor.special import RealFloatUnaryElemwise


@dataclass(frozen=True)
class J0(RealFloatUnaryElemwise):
    """Bessel function of the first kind of order 0."""

    nfunc = special_function("j0")
    notation = Func("j0")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [-gz * j1(x)]


@dataclass(frozen=True)
class J1(RealFloatUnaryElemwise):
    """Bessel function of the first kind of order 1."""

    nfunc = special_function("j1")
    notation = Func("j1")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * (j0(x) - jv(2, x)) / 2]


@dataclass(frozen=True)
class I0(RealFloatUnaryElemwise):
    """Modified Bessel function of the first kind of order 0."""

    nfunc = special_function("i0")
    notation = Func("i0")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * i1(x)]


@dataclass(frozen=True)
class I1(RealFloatUnaryElemwise):
    """Modified Bessel function of the first kind of order 1."""

    nfunc = special_function("i1")
    notation = Func("i1")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * (i0(x) + iv(2, x)) / 2]


@dataclass(frozen=True)
class OrderedBessel(BinaryElemwise):
    """Base of jv(v, x) and iv(v, x): a real order v and argument x, a float result."""

    kinds = "biuf"

    def output_dtype(self, dtype):
        return float_dtype(dtype)

    def impl(self, v, x):
        # Both inputs have the common dtype here (Elemwise casts them); integers compute in
        # Theano's float for them.
        return self.nfunc(v, x, dtype=float_dtype(str(x.dtype)))

    def order_gradient(self, v):
        """The undefined marker of the order: scipy has no derivative in v."""
        return undefined(v, f"{self.notation.name}'s derivative with respect to its order v is "
                            f"not implemented (only with respect to x)")


@dataclass(frozen=True)
class Jv(OrderedBessel):
    """Bessel function of the first kind of real order v."""

    nfunc = special_function("jv")
    notation = Func("jv")

    def grad(self, inputs, output_grads):
        (v, x), (gz,) = inputs, output_grads
        return [self.order_gradient(v), unbroadcast(gz * (jv(v - 1, x) - jv(v + 1, x)) / 2, x)]


@dataclass(frozen=True)
class Iv(OrderedBessel):
    """Modified Bessel function of the first kind of real order v."""

    nfunc = special_function("iv")
    notation = Func("iv")

    def grad(self, inputs, output_grads):
        (v, x), (gz,) = inputs, output_grads
        return [self.order_gradient(v), unbroadcast(gz * (iv(v - 1, x) + iv(v + 1, x)) / 2, x)]


def j0(x):
    """Bessel function of the first kind of order 0: `T.j0(x)`."""
    return J0()(x)


def j1(x):
    """Bessel function of the first kind of order 1."""
    return J1()(x)


def jv(v, x):
    """Bessel function of the first kind of order v: `T.jv(2, x)`."""
    return Jv()(v, x)


def i0(x):
    """Modified Bessel function of the first kind of order 0."""
    return I0()(x)


def i1(x):
    """Modified Bessel function of the first kind of order 1."""
    return I1()(x)


def iv(v, x):
    """Modified Bessel function of the first kind of order v."""
    return Iv()(v, x)
