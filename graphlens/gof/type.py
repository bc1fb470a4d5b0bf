"""Theano's `theano.gof.type`: `Type`, the base of variable types, for types written as Theano's
"Making the double type" tutorial writes them, and `Generic` (`generic`), the type of any
Python object (an op's `params_type = Generic()`). They live in graphlens/graph/types.py.

>>> from graphlens.gof.type import Type
"""

from graphlens.graph.types import Generic, Type, generic  # noqa: F401  (Theano's path)
