"""What to do about a blocked gradient.

The analysis (`vanishing.py`) finds where a gradient stops; the op that stops it says how people
usually make it flow again, in its class's `gradient_remedy` (so `Lt` inherits `Comparison`'s
advice, and a new piecewise-constant op brings its own). This module adds the remedies of
blocks that are no single op's fault (a constant, an integer parameter, ...).

>>> remedy_for(Sgn())       # doctest: +SKIP
'use the straight-through estimator: ...'
"""

from __future__ import annotations

from graphlens.graph.types import is_discrete

# Remedies of blocks that are not one op's fault.
KIND_REMEDIES = {
    "constant": "remove the variable from consider_constant if the parameter should learn",
    "constant_zero": "a factor is the constant 0: the product, and its gradient, vanish",
    "dtype": ("keep a float dtype along the path: integer and bool values carry no gradient"),
    "integer_parameter": ("store the parameter as floats (shared(value.astype(config.floatX)))"
                          ": an integer variable never receives a gradient"),
    "not_an_ancestor": ("the cost does not use this parameter at all: check that the expression "
                        "built from it is the one the cost reads (and not a copy or a constant)"),
}


def remedy_for(op) -> str:
    """The remedy for a block by `op`: its class's `gradient_remedy`, else a general one.

    >>> remedy_for(Argmax((1,))).startswith('use a soft choice')
    True
    """
    remedy = getattr(op, "gradient_remedy", None)
    if remedy:
        return remedy
    return KIND_REMEDIES["dtype"] if _has_discrete_output(op) else (
        f"{type(op).__name__} has a zero gradient here; replace it by a differentiable "
        f"expression, or by straight_through(forward, surrogate)")


def _has_discrete_output(op) -> bool:
    dtype = getattr(op, "dtype", None)
    return isinstance(dtype, str) and is_discrete(dtype)
