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


# The elementwise functions are shared op instances, as Theano's T.exp is an Elemwise
# instance: T.exp(x).owner.op == T.exp, and local_optimizer([T.exp]) tracks it.
# Sine.
sin = shared_op(Sin)


# Cosine.
cos = shared_op(Cos)


# Tangent.
tan = shared_op(Tan)


# Hyperbolic sine.
sinh = shared_op(Sinh)


# Hyperbolic cosine.
cosh = shared_op(Cosh)


# Inverse sine.
arcsin = shared_op(Arcsin)


# Inverse cosine.
arccos = shared_op(Arccos)


# Inverse tangent.
arctan = shared_op(Arctan)
