"""SVG pictures: the scene's DOT text laid out by Graphviz (`layout.py`), as text.

The layout backend is, in order: the `backend` argument, then `config.layout` when it is not
'auto', then `layout.py`'s own default ($GRAPHLENS_LAYOUT, else the system `dot` when it is on
PATH, else the WebAssembly Graphviz that `pip install graphlens` brings). Pin `backend='wasm'`
for pictures that must be byte-identical on every machine (docs, golden files).

>>> import graphlens.tensor as T
>>> to_svg(T.exp(T.dvector('x')), backend='wasm')[:5]
'<?xml'
"""

from __future__ import annotations

from graphlens.render.dot import to_dot
from graphlens.render.focus_findings import with_route
from graphlens.render.layout import render_dot
from graphlens.config import config


def chosen_backend(backend: str | None) -> str | None:
    """The backend to ask `render_dot` for: the argument, else a non-'auto' `config.layout`."""
    if backend is not None:
        return backend
    configured = getattr(config, "layout", "auto")
    return None if configured == "auto" else configured


def render(dot_text: str, format: str = "svg", backend: str | None = None) -> bytes:
    """Lay out `dot_text` into `format` (svg, png or pdf) with the chosen backend."""
    return render_dot(dot_text, format=format, backend=chosen_backend(backend))


def to_svg(obj, *, stage: str = "after", max_nodes: int | None = 1000, rankdir: str = "TB",
           title: str | None = None, backend: str | None = None, focus=None) -> str:
    """SVG text of `obj` (a variable, a list of them, a FunctionGraph or a compiled function).

    Same options as `to_dot`, plus the layout `backend` ('auto', 'system' or 'wasm').

    >>> svg = to_svg(f, stage='both', backend='wasm')                   # doctest: +SKIP
    """
    dot_text = to_dot(obj, stage=stage, max_nodes=max_nodes, rankdir=rankdir, title=title,
                      focus=focus, overlay=with_route(obj, focus, None))
    return render(dot_text, "svg", backend).decode("utf-8")
