"""Theano's `theano.gof.utils`: `MethodNotDefined`, which an op raises for a method it does not
offer (Theano's C code methods, most often).

>>> raise MethodNotDefined("c_code", type(op), op.__class__.__name__)    # doctest: +SKIP
"""

from graphlens.errors import GraphlensError


class MethodNotDefined(GraphlensError, NotImplementedError):
    """An op does not define this method (Theano's name)."""
