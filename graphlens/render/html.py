"""A self-contained HTML viewer: the SVG picture, pan and zoom, and a panel of node facts.

One file, no network: the SVG, the stylesheet, the script and the facts of every node (type,
shape, the user's source line, the rewrites it came from) are all inside it, and a Content
Security Policy forbids fetching anything else. Names from the graph reach the page only as
text Graphviz escaped inside the SVG, or as JSON read with `textContent`: never as markup.

>>> page = to_html(f, stage='both', backend='wasm')                     # doctest: +SKIP
>>> page.startswith('<!DOCTYPE html>')
True
"""

from __future__ import annotations

import html
import json

from graphlens.render.guard import draw
from graphlens.render.html_assets import SCRIPT, STYLE

# Nothing may load from anywhere: inline style and script only, images only as data URIs.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; "
                           "script-src 'unsafe-inline'; img-src data:")


def to_html(obj, *, stage: str = "after", max_nodes: int | None = 1000, rankdir: str = "TB",
            title: str | None = None, backend: str | None = None, overlay=None, fold=None,
            expand=(), fold_rules=(), time_budget: float | None = None) -> str:
    """A complete HTML page showing `obj` (same options as `to_svg`).

    >>> open('model.html', 'w').write(to_html(f, stage='both'))          # doctest: +SKIP
    """
    picture, scene = draw(obj, format="svg", stage=stage, max_nodes=max_nodes,
                          rankdir=rankdir, title=title, backend=backend, overlay=overlay,
                          fold=fold, expand=expand, fold_rules=fold_rules,
                          time_budget=time_budget)
    return page(scene, picture.decode("utf-8"))


def page(scene, svg: str) -> str:
    """The HTML page for a built scene and its SVG."""
    facts = {"nodes": {node.key: node.info for node in scene.nodes}}
    heading = scene.title or "graphlens picture"
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n",
        f"<title>{html.escape(heading)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        "<div id=\"toolbar\">",
        f"<h1>{html.escape(heading)}</h1>",
        "<button id=\"fit\" title=\"show everything (key 0)\">Fit</button>",
        "<button id=\"zoom-in\" title=\"zoom in (key +)\">+</button>",
        "<button id=\"zoom-out\" title=\"zoom out (key -)\">&minus;</button>",
        "<span class=\"hint\">drag to pan &middot; wheel to zoom &middot; "
        "click a node for its facts</span></div>\n",
        "<div id=\"main\">\n<div id=\"viewport\">\n",
        inline_svg(svg),
        "</div>\n<aside id=\"panel\"><h2 id=\"panel-title\">Click a node</h2>",
        "<dl id=\"panel-body\"></dl></aside>\n</div>\n",
        "<script type=\"application/json\" id=\"graphlens-data\">",
        script_json(facts),
        "</script>\n<script>", SCRIPT, "</script>\n</body>\n</html>\n",
    ])


def inline_svg(svg: str) -> str:
    """The SVG element alone, without the XML prolog and doctype that HTML does not take."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("the layout backend returned no <svg> element")
    return svg[start:]


def script_json(value) -> str:
    """`value` as JSON that is safe inside a <script> element: no '<', '>' or '&' appear raw,
    so no name can close the element (`</script>`) or open a comment."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
