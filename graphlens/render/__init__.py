"""Printers and pictures of graphs: pp, debugprint, DOT, SVG, HTML, terminal.

`to_dot`, `to_svg`, `to_html` and `pydotprint` load on first use: importing graphlens.render
stays cheap.
"""

_PICTURES = {"to_dot": "dot", "to_svg": "svg", "to_html": "html", "pydotprint": "picture"}


def __getattr__(name):
    if name in _PICTURES:
        import importlib
        module = importlib.import_module(f"graphlens.render.{_PICTURES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'graphlens.render' has no attribute {name!r}")
