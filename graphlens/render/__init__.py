"""Printers and pictures of graphs: pp, debugprint, DOT, SVG, HTML, terminal.

`to_dot`, `to_svg`, `to_html`, `pydotprint` and `Focus` (draw part of a graph) load on first
use: importing graphlens.render stays cheap.

>>> from graphlens.render import Focus, pydotprint
>>> svg = pydotprint(train, focus=Focus.route(cost, W1))                 # doctest: +SKIP
"""

_PICTURES = {"to_dot": "dot", "to_svg": "svg", "to_html": "html", "pydotprint": "picture",
             "Focus": "focus"}


def __getattr__(name):
    if name in _PICTURES:
        import importlib
        module = importlib.import_module(f"graphlens.render.{_PICTURES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'graphlens.render' has no attribute {name!r}")
