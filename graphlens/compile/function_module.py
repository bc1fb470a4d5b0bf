"""Theano's `theano.compile.function_module`: the names Theano code imports from it.

>>> from graphlens.compile.function_module import UnusedInputError
"""

from graphlens.compile.compiled import Function  # noqa: F401
from graphlens.compile.function import function  # noqa: F401
from graphlens.errors import MissingInputError, UnusedInputError  # noqa: F401
