"""Inline pictures in Jupyter: the `_repr_svg_` and `_repr_html_` of variables and functions.

A notebook shows a variable as the picture of its graph and a compiled function as its graph
after the rewrites, coloured by the rewrite that made each node (hover a node for the rewrites
and the nodes it replaced). Jupyter prefers HTML when both exist; the HTML is the same SVG in a
scrollable box, with no script, so it also shows in notebooks that are not trusted.

>>> x = T.dvector('x'); T.exp(x)                 # in a notebook cell: draws Exp  # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.render.html import inline_svg
from graphlens.render.svg import to_svg


def repr_svg(obj) -> str:
    """The SVG Jupyter shows for `obj` (its graph, after the rewrites for a compiled function)."""
    return to_svg(obj, stage="after")


def repr_html(obj) -> str:
    """The SVG inside a scrollable <div>, for Jupyter's HTML display."""
    return ('<div class="graphlens-picture" style="max-height:600px;overflow:auto">'
            + inline_svg(repr_svg(obj)) + "</div>")
