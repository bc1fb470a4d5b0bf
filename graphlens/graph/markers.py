"""Gradient markers: 'no gradient flows here' and 'this gradient is undefined, because ...'.

Ops return these from `grad` for inputs their output does not depend on (`disconnected`) or whose
gradient does not exist (`undefined`); `gradient.grad` raises only when a user asks for exactly
such a gradient, with the reason the op gave.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.graph.basic import Variable
from graphlens.graph.types import Type


@dataclass(frozen=True)
class DisconnectedType(Type):
    """The type of a gradient that does not exist because the output ignores that input."""

    def __str__(self):
        return "disconnected"

    def __call__(self, name=None):
        """A marker variable: Theano's ops return `DisconnectedType()()` from their grad."""
        return Variable(self, name=name)


@dataclass(frozen=True)
class UndefinedType(Type):
    """The type of a mathematically undefined gradient; `reason` says why."""

    reason: str = ""

    def __str__(self):
        return "undefined"

    def __call__(self, name=None):
        return Variable(self, name=name)


def disconnected(var=None) -> Variable:
    """A marker: the op's output does not depend on this input at all."""
    return Variable(DisconnectedType(), creation_site_=getattr(var, "creation_site", None))


def undefined(var, reason: str) -> Variable:
    """A marker: the gradient with respect to `var` is undefined; `reason` is told to the user."""
    return Variable(UndefinedType(reason), creation_site_=getattr(var, "creation_site", None))


def is_disconnected(var) -> bool:
    """True for a `disconnected()` marker."""
    return isinstance(var.type, DisconnectedType)


def is_undefined(var) -> bool:
    """True for an `undefined()` marker."""
    return isinstance(var.type, UndefinedType)
