"""What to do about a blocked gradient: one remedy per op class, as data.

The analysis (`vanishing.py`) finds where a gradient stops; this table says how people usually
make it flow again. Lookup follows the class's MRO, most specific class first, so `Lt` finds the
`Comparison` entry and a new piecewise-constant op inherits its base's advice.

>>> remedy_for(Sgn())       # doctest: +SKIP
'use the straight-through estimator: ...'
"""

from __future__ import annotations

from graphlens.gradient import DisconnectedGrad, StraightThrough, ZeroGrad
from graphlens.tensor.basic import Cast
from graphlens.tensor.compare import (Ceil, Comparison, Floor, Invert, Logical, Round, Sgn,
                                      Switch)
from graphlens.tensor.math import IntDiv, Second
from graphlens.tensor.reduce import All, Any, Argmax, Argmin, AxisSize
from graphlens.tensor.shape import Shape

_STRAIGHT_THROUGH = ("use the straight-through estimator: straight_through({call}, {arg}) (from "
                     "graphlens.gradient) keeps {name}'s value in the forward pass and passes the "
                     "gradient of {arg} backward")

REMEDIES = {
    Sgn: _STRAIGHT_THROUGH.format(call="T.sgn(h)", arg="h", name="sgn")
    + "; or a smooth surrogate such as T.tanh(k * h) with k around 5",
    Round: _STRAIGHT_THROUGH.format(call="T.round(x)", arg="x", name="round"),
    Floor: _STRAIGHT_THROUGH.format(call="T.floor(x)", arg="x", name="floor"),
    Ceil: _STRAIGHT_THROUGH.format(call="T.ceil(x)", arg="x", name="ceil"),
    Comparison: ("a comparison is true or false; if it must feed the cost, use a smooth "
                 "surrogate: T.nnet.sigmoid(k * (a - b)) instead of a > b"),
    Logical: "combine soft masks (floats in [0, 1]) by multiplication instead of & | ^",
    Invert: "use 1 - m on a soft mask m (floats in [0, 1]) instead of ~m",
    Switch: ("gradients flow only into the two branches of switch; to learn the condition, blend "
             "smoothly: g = T.nnet.sigmoid(k * c); g * a + (1 - g) * b"),
    Cast: ("keep a float dtype: drop the cast (or cast to config.floatX) where gradients must "
           "flow, and convert to integers only to evaluate, outside the cost"),
    Argmax: ("use a soft choice in the cost, T.nnet.softmax(x) (or its expected index); keep "
             "argmax for evaluation"),
    Argmin: ("use a soft choice in the cost, T.nnet.softmax(-x); keep argmin for evaluation"),
    All: "use a smooth surrogate of all(): T.min(x) or T.prod(x) on values in [0, 1]",
    Any: "use a smooth surrogate of any(): T.max(x) or 1 - T.prod(1 - x) on values in [0, 1]",
    IntDiv: "use true division x / y where gradients must flow",
    ZeroGrad: "remove zero_grad() if this parameter should learn through this path",
    DisconnectedGrad: "remove disconnected_grad() if this parameter should learn through this path",
    StraightThrough: ("straight_through(forward, surrogate) sends gradients only into its "
                      "surrogate; make the parameter reach the surrogate argument"),
    Shape: "the cost reads only the shape of this value, never its entries",
    AxisSize: "the cost reads only the size of this value, never its entries",
    Second: "fill(x, v) reads only the shape of x; use x itself if its values should matter",
}

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
    """The remedy for a block by `op`, from the most specific class with an entry.

    >>> remedy_for(Argmax((1,))).startswith('use a soft choice')
    True
    """
    own = getattr(op, "zero_gradient_remedy", None)
    if own:
        return own
    for cls in type(op).__mro__:
        if cls in REMEDIES:
            return REMEDIES[cls]
    return KIND_REMEDIES["dtype"] if _has_discrete_output(op) else (
        f"{type(op).__name__} has a zero gradient here; replace it by a differentiable "
        f"expression, or by straight_through(forward, surrogate)")


def _has_discrete_output(op) -> bool:
    dtype = getattr(op, "dtype", None)
    from graphlens.graph.types import is_discrete
    return isinstance(dtype, str) and is_discrete(dtype)
