"""Trigonometric functions, their inverses, and the hyperbolic sine and cosine (tanh, the one
networks use, is in math.py), each with its gradient beside its evaluation.

>>> x = T.dvector('x'); y = T.sin(x) * T.cosh(x)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import Func
from graphlens.graph.op import shared_op
from graphlens.tensor.elemwise import FloatUnaryElemwise
from graphlens.tensor.math import sqr, sqrt


@dataclass(frozen=True)
class Sin(FloatUnaryElemwise):
    """Sine."""

    nfunc = staticmethod(np.sin)
    notation = Func("sin")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * cos(x)]


@dataclass(frozen=True)
class Cos(FloatUnaryElemwise):
    """Cosine."""

    nfunc = staticmethod(np.cos)
    notation = Func("cos")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [-gz * sin(x)]


@dataclass(frozen=True)
class Tan(FloatUnaryElemwise):
    """Tangent."""

    nfunc = staticmethod(np.tan)
    notation = Func("tan")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * (1 + sqr(tan(x)))]


@dataclass(frozen=True)
class Sinh(FloatUnaryElemwise):
    """Hyperbolic sine."""

    nfunc = staticmethod(np.sinh)
    notation = Func("sinh")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * cosh(x)]


@dataclass(frozen=True)
class Cosh(FloatUnaryElemwise):
    """Hyperbolic cosine."""

    nfunc = staticmethod(np.cosh)
    notation = Func("cosh")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * sinh(x)]


@dataclass(frozen=True)
class Arcsin(FloatUnaryElemwise):
    """Inverse sine."""

    nfunc = staticmethod(np.arcsin)
    notation = Func("arcsin")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / sqrt(1 - sqr(x))]


@dataclass(frozen=True)
class Arccos(FloatUnaryElemwise):
    """Inverse cosine."""

    nfunc = staticmethod(np.arccos)
    notation = Func("arccos")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [-gz / sqrt(1 - sqr(x))]


@dataclass(frozen=True)
class Arctan(FloatUnaryElemwise):
    """Inverse tangent."""

    nfunc = staticmethod(np.arctan)
    notation = Func("arctan")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / (1 + sqr(x))]


# Sine. As an op (Theano's): `T.sin(x).owner.op == T.sin`.
sin = shared_op(Sin)


# Cosine. As an op (Theano's): `T.cos(x).owner.op == T.cos`.
cos = shared_op(Cos)


# Tangent. As an op (Theano's): `T.tan(x).owner.op == T.tan`.
tan = shared_op(Tan)


# Hyperbolic sine. As an op (Theano's): `T.sinh(x).owner.op == T.sinh`.
sinh = shared_op(Sinh)


# Hyperbolic cosine. As an op (Theano's): `T.cosh(x).owner.op == T.cosh`.
cosh = shared_op(Cosh)


# Inverse sine. As an op (Theano's): `T.arcsin(x).owner.op == T.arcsin`.
arcsin = shared_op(Arcsin)


# Inverse cosine. As an op (Theano's): `T.arccos(x).owner.op == T.arccos`.
arccos = shared_op(Arccos)


# Inverse tangent. As an op (Theano's): `T.arctan(x).owner.op == T.arctan`.
arctan = shared_op(Arctan)
