"""Short, stable names for ops and variables in trace reports: `sgn(X @ W1)`, `cast to int32`.

Reports need a phrase a person recognises from their own code, not a full print of the graph, so
formulas are cut after a few calls (`sgn(... + b)`). Names never use `id()`: the same graph gives
the same text in every run.
"""

from __future__ import annotations

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.graph.notation import Func, Infix, Prefix
from graphlens.tensor.basic import Cast
from graphlens.tensor.elemwise import DimShuffle

_CUT = "..."


def op_title(op) -> str:
    """What a person calls the op: 'sgn', 'cast to int32', "'>'", 'Reshape'.

    >>> op_title(Sgn()), op_title(Cast('int32'))       # doctest: +SKIP
    ('sgn', 'cast to int32')
    """
    if op.title is not None:
        return op.title
    notation = getattr(op, "notation", None)
    if isinstance(notation, Func):
        return notation.name
    if isinstance(notation, (Infix, Prefix)):
        return f"'{notation.symbol}'"
    return type(op).__name__


def short_expression(var, depth: int = 3) -> str:
    """`var` as a one-line formula cut after `depth` levels: `sgn(X @ W1)`, `(... + b) > 0`.

    Named intermediates print as their name. Iterative: an explicit post-order stack.
    """
    stack = [(var, depth, False)]
    texts = []
    while stack:
        current, left, expanded = stack.pop()
        current = _through_views(current)
        if current is not var and (current.name or current.owner is None):
            texts.append(_leaf(current))
        elif current.owner is None:
            texts.append(_leaf(current))
        elif left == 0:
            texts.append(_CUT)
        elif not expanded:
            stack.append((current, left, True))
            for child in reversed(current.owner.inputs):
                stack.append((child, left - 1, False))
        else:
            count = len(current.owner.inputs)
            children = texts[len(texts) - count:]
            del texts[len(texts) - count:]
            texts.append(_apply_text(current.owner.op, children, current.owner.inputs))
    return _strip_parentheses(texts[-1])


def _through_views(var):
    # Broadcast padding (DimShuffle) is noise in a one-line formula: print what it pads.
    while var.owner is not None and isinstance(var.owner.op, DimShuffle) and \
            var.owner.op.input_ndim < var.ndim and var.name is None:
        var = var.owner.inputs[0]
    return var


def _leaf(var) -> str:
    if isinstance(var, Constant):
        data = np.asarray(var.data)
        if data.size == 1:
            value = data.reshape(()).item()
            return f"{value:g}" if isinstance(value, float) else repr(value)
        if data.ndim == 1 and data.size <= 4 and data.dtype.kind in "iu":
            return repr(data.tolist())     # a short size or index: [5, 3]
        return var.name or f"<constant {data.dtype}{list(data.shape)}>"
    return var.name or f"<{var.type}>"


def _apply_text(op, children, inputs=()) -> str:
    notation = getattr(op, "notation", None)
    if isinstance(notation, Func) and notation.keywords:
        children = _keyword_children(notation, children, inputs)
    if isinstance(notation, Infix) and len(children) >= 2:
        return "(" + f" {notation.symbol} ".join(children) + ")"
    if isinstance(notation, Prefix) and len(children) == 1:
        return f"{notation.symbol}{children[0]}"
    arguments = [_strip_parentheses(child) for child in children]
    if isinstance(op, Cast):
        return f"cast({', '.join(arguments)}, '{op.dtype}')"
    name = notation.name if isinstance(notation, Func) else type(op).__name__
    return f"{name}({', '.join(arguments)})"


def _keyword_children(notation, children, inputs) -> list:
    """`size=x.shape, p=0.7`: keyword inputs named, hidden ones and defaults left out."""
    defaults = dict(notation.defaults)
    shown = []
    for position, (child, var) in enumerate(zip(children, inputs)):
        name = notation.keywords[position] if position < len(notation.keywords) else ""
        if name is None:
            continue
        if name in defaults and isinstance(var, Constant) and np.shape(var.data) == np.shape(
                defaults[name]) and np.array_equal(var.data, defaults[name]):
            continue
        shown.append(f"{name}={_strip_parentheses(child)}" if name else child)
    return shown


def _strip_parentheses(text: str) -> str:
    """`(a > b)` -> `a > b`, only when the outer pair encloses everything."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    level = 0
    for position, char in enumerate(text):
        level += {"(": 1, ")": -1}.get(char, 0)
        if level == 0 and position < len(text) - 1:
            return text
    return text[1:-1]


def variable_title(var) -> str:
    """A variable's name, or the short formula that computes it: `W1`, `sigmoid(X @ W)`."""
    return var.name or short_expression(var)


def parameter_names(params) -> list:
    """One distinct name per parameter, told apart as pp tells them apart: a name used
    before becomes `W_2`, `W_3`, ...; an unnamed one is `<parameter 2>` (its position).

    >>> parameter_names([W, b, W_other, b_other])                     # doctest: +SKIP
    ['W', 'b', 'W_2', 'b_2']
    """
    taken = {var.name for var in params if var.name}
    seen, names = set(), []
    for position, var in enumerate(params):
        name = var.name or f"<parameter {position}>"
        if name in seen:
            number = 2
            while f"{name}_{number}" in taken or f"{name}_{number}" in seen:
                number += 1
            name = f"{name}_{number}"
        seen.add(name)
        names.append(name)
    return names
