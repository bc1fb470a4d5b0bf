"""Theano's `theano.tensor.type_other` names for "no value": `NoneTypeT` and `NoneConst`.

Theano code passes `NoneConst` where a symbolic argument may be absent, as the axis of
`max_and_argmax` (`T.max_and_argmax(x, NoneConst)` reduces over every axis).

>>> from graphlens.tensor.type_other import NoneConst
>>> NoneConst.data is None
True
"""

from __future__ import annotations

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Constant
from graphlens.graph.types import Type


class NoneTypeT(Type):
    """The type whose only value is None."""

    array_values = False

    def filter(self, value, strict=False, allow_downcast=None):
        """None itself; any other value is refused (TypeError)."""
        if value is None:
            return None
        raise GraphlensTypeError(f"{self} holds only None, got {type(value).__name__}")

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "none"


none_type_t = NoneTypeT()
NoneConst = Constant(none_type_t, None, name="NoneConst")


def is_none_constant(value) -> bool:
    """True for `NoneConst` (or a clone of it): a symbolic None."""
    return isinstance(value, Constant) and isinstance(value.type, NoneTypeT)
