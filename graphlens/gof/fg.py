"""Theano's `theano.gof.fg`: `FunctionGraph` and the errors Theano code catches from it.

>>> from graphlens.gof.fg import FunctionGraph, MissingInputError
"""

from graphlens.errors import MissingInputError  # noqa: F401
from graphlens.graph.fg import FunctionGraph  # noqa: F401
