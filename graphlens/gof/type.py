"""Theano's `theano.gof.type`: `Type`, the base of variable types, for types written as Theano's
"Making the double type" tutorial writes them. It lives in graphlens/graph/types.py.

>>> from graphlens.gof.type import Type
"""

from graphlens.graph.types import Type  # noqa: F401  (Theano's path)
