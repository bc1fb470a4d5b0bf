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


def sin(x):
    """Sine."""
    return shared_op(Sin)(x)


def cos(x):
    """Cosine."""
    return shared_op(Cos)(x)


def tan(x):
    """Tangent."""
    return shared_op(Tan)(x)


def sinh(x):
    """Hyperbolic sine."""
    return shared_op(Sinh)(x)


def cosh(x):
    """Hyperbolic cosine."""
    return shared_op(Cosh)(x)


def arcsin(x):
    """Inverse sine."""
    return shared_op(Arcsin)(x)


def arccos(x):
    """Inverse cosine."""
    return shared_op(Arccos)(x)


def arctan(x):
    """Inverse tangent."""
    return shared_op(Arctan)(x)
