"""Theano's `theano.gof.null_type`: `NullType`, the type of an undefined gradient
(`NullType(why_null)()`, what `grad_undefined` returns). Here graphlens's undefined marker type
(graph/markers.py), also `graphlens.gradient.NullType`.

>>> from graphlens.gof.null_type import NullType
"""

from graphlens.graph.markers import UndefinedType as NullType  # noqa: F401

null_type = NullType()     # an instance, as Theano's

__all__ = ["NullType", "null_type"]
