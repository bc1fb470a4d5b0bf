"""Short, stable names for ops and variables in trace reports: `sgn(X @ W1)`, `cast to int32`.

Reports need a phrase a person recognises from their own code, not a full print of the graph, so
formulas are cut after a few levels (`sgn(... + b[None, :])`). The formula and the names are the
printer's (`printer/`): a report writes an expression and a parameter as pp does.
"""

from __future__ import annotations

from graphlens.graph.notation import Func, Infix, Prefix
from graphlens.printer.expression import one_line
from graphlens.printer.naming import graph_names


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


def short_expression(var, depth: int = 3, names=None) -> str:
    """`var` as a one-line formula cut after `depth` levels: `sgn(X @ W1)`, `... > 0.0`.

    The one printer writes it (printer/expression.py), so it reads as pp writes the same
    expression; named intermediates print as their name; `names` (a NameTable) names the
    unnamed roots as the report's other lines do.
    """
    return one_line(var, depth, names)


def variable_title(var, names=None) -> str:
    """A variable's name, or the short formula that computes it: `W1`, `sigmoid(X @ W)`; an
    unnamed root as `names` (the report's NameTable) calls it, so every line agrees."""
    if var.owner is None and names is not None:
        return names.name(var)
    return var.name or short_expression(var, names=names)


def parameter_names(params, cost=None) -> list:
    """One distinct name per parameter, by the naming rule of every view (printer/naming.py):
    its name, a repeated name told apart as `W_2`, an unnamed one `s1`, `s2`, ... numbered in
    the order pp meets them in `cost`'s graph, so the trace and pp agree.

    >>> parameter_names([W, b, W_other, b_other])                     # doctest: +SKIP
    ['W', 'b', 'W_2', 'b_2']
    """
    table = graph_names([cost] if cost is not None else [], params)
    return [table.name(var) for var in params]
