"""Inline pictures in Jupyter: one `_repr_mimebundle_` for variables and compiled functions.

A notebook shows a variable as the picture of its graph and a compiled function as its graph
after the rewrites, coloured by the rewrite that made each node. The graph is laid out once and
the cell receives three forms of it:

- ``text/html``: the static SVG in a scrollable box, followed by a small script that, where
  scripts run (a trusted notebook, VS Code), swaps the box for the interactive viewer of
  `render/html.py` (pan, zoom, a panel of node facts) in a sandboxed iframe as wide as the cell.
  Where scripts are stripped (an untrusted notebook, a sanitizing renderer) the static SVG stays.
  The SVG is stored once in this form: the script rebuilds the viewer page around the SVG
  element already in the cell, so the page carries only the viewer's text around it.
- ``image/svg+xml``: the same picture for renderers that show no HTML (nbconvert to LaTeX or
  PDF; JupyterLab shows it as an image), less the hover texts and comments none of them can
  show: about a fifth of the SVG's bytes.
- ``text/plain``: the `pp` formula, what a console or a text-only viewer shows.

>>> x = T.dvector('x'); T.exp(x)                 # in a notebook cell: draws Exp  # doctest: +SKIP
>>> sorted(mimebundle(T.exp(T.dvector('x'))))                              # doctest: +SKIP
['image/svg+xml', 'text/html', 'text/plain']
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
import warnings

from graphlens.errors import GraphlensWarning, LayoutBackendError, LayoutError
from graphlens.render.dot import scene_to_dot
from graphlens.render.html import inline_svg, page, script_json
from graphlens.render.pp import pp
from graphlens.render.subject import views
from graphlens.render.svg import render
from graphlens.render.viewbuilder import build_scene

MIME_TYPES = ("text/plain", "text/html", "image/svg+xml")

# Cell height bounds, in CSS pixels: tall enough to work in, short enough to scroll past.
MIN_HEIGHT, MAX_HEIGHT = 320, 640
# The viewer's toolbar above the picture.
TOOLBAR_HEIGHT = 40

# Each display gets its own element ids, so the same graph shown twice upgrades both cells.
_display_numbers = itertools.count(1)

_SVG_SIZE = re.compile(r'<svg[^>]*?\sheight="([\d.]+)pt"')
_HOVER_TEXT = re.compile(r'<title>[^<]*</title>\n?|\sxlink:title="[^"]*"|<!--.*?-->\n?',
                         re.DOTALL)


def mimebundle(obj, include=None, exclude=None) -> dict:
    """The display data of `obj` for Jupyter, keyed by MIME type (see the module docstring).

    `include` and `exclude` are IPython's: MIME types wanted or not (None: all). The layout runs
    only when a picture is wanted; when it fails (no layout backend), the cell shows the formula
    and a warning says why.

    >>> bundle = mimebundle(T.exp(T.dvector('x')))                        # doctest: +SKIP
    >>> bundle['text/plain']                                              # doctest: +SKIP
    'exp(x)'
    """
    wanted = [mime for mime in MIME_TYPES
              if (include is None or mime in include) and (exclude is None or mime not in exclude)]
    bundle = {}
    if "text/plain" in wanted:
        bundle["text/plain"] = pp(obj)
    if "text/html" not in wanted and "image/svg+xml" not in wanted:
        return bundle
    try:
        scene = build_scene(views(obj, "after"))
        svg = render(scene_to_dot(scene), "svg").decode("utf-8")
    except (LayoutBackendError, LayoutError) as exc:
        warnings.warn(f"graphlens: the picture of this graph was not drawn: {exc}",
                      GraphlensWarning, stacklevel=3)
        return bundle
    if "image/svg+xml" in wanted:
        bundle["image/svg+xml"] = without_hover_text(svg)
    if "text/html" in wanted:
        bundle["text/html"] = cell_html(scene, svg)
    return bundle


def cell_html(scene, svg: str) -> str:
    """The HTML of one cell: the static SVG, upgraded in place to the viewer where scripts run.

    >>> cell_html(scene, svg).startswith('<div class="graphlens-cell"')  # doctest: +SKIP
    True
    """
    element = inline_svg(svg)
    full_page = page(scene, svg)
    digest = hashlib.sha1(element.encode("utf-8")).hexdigest()[:10]
    ident = f"graphlens-{digest}-{next(_display_numbers)}"
    # The page around the SVG, so the SVG is stored once. Should the viewer ever rewrite the
    # SVG it embeds, the page is carried whole instead: larger, never wrong.
    if full_page.count(element) == 1:
        head, tail = full_page.split(element)
        parts = {"head": head, "tail": tail}
    else:
        parts = {"page": full_page}
    title = html.escape(scene.title or "graphlens picture", quote=True)
    return "".join([
        f'<div class="graphlens-cell" id="{ident}" style="max-height:{MAX_HEIGHT}px;'
        f'overflow:auto" data-height="{frame_height(svg)}" data-title="{title}">',
        element,
        "</div>\n",
        f'<script type="application/json" id="{ident}-page">{script_json(parts)}</script>\n',
        f"<script>{_UPGRADE.replace('__ID__', ident)}</script>\n",
    ])


def without_hover_text(svg: str) -> str:
    """`svg` less its tooltips (`<title>`, `xlink:title`) and comments: an SVG shown as an
    image, or printed, shows neither. Graphviz escapes '"' and '<' inside them, so the
    patterns cannot end early.

    >>> without_hover_text('<g><title>a_n1</title><a xlink:title="Exp"><!-- x --></a></g>')
    '<g><a></a></g>'
    """
    return _HOVER_TEXT.sub("", svg)


def frame_height(svg: str) -> int:
    """The viewer's height in the cell: the picture's own height plus the toolbar, bounded.

    >>> frame_height('<svg width="80pt" height="300pt">')
    440
    """
    match = _SVG_SIZE.search(svg)
    natural = float(match.group(1)) * 4 / 3 + TOOLBAR_HEIGHT if match else MAX_HEIGHT
    return int(min(max(natural, MIN_HEIGHT), MAX_HEIGHT))


# Runs once where the cell's scripts run. The iframe is sandboxed with scripts only: the viewer
# cannot reach the notebook, and its Content Security Policy forbids any fetch. The box is
# looked up beside the script first: a frontend may run the script before the output is in the
# page (then `document` does not find it yet), and ids stay a fallback where `currentScript`
# is not set (scripts evaluated as text, as the classic notebook does).
_UPGRADE = """(function () {
  var here = document.currentScript && document.currentScript.parentNode;
  function find(id) {
    return (here && here.querySelector("[id='" + id + "']")) || document.getElementById(id);
  }
  var box = find("__ID__");
  var data = find("__ID__-page");
  if (!box || !data || box.getAttribute("data-viewer")) return;
  var svg = box.querySelector("svg");
  var parts = JSON.parse(data.textContent);
  var frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts");
  frame.setAttribute("title", box.getAttribute("data-title"));
  frame.style.cssText = "width:100%;border:1px solid #ccc;border-radius:4px;display:block;"
    + "height:" + box.getAttribute("data-height") + "px";
  frame.srcdoc = parts.page || (parts.head + svg.outerHTML + parts.tail);
  box.setAttribute("data-viewer", "1");
  box.style.maxHeight = "none";
  box.style.overflow = "visible";
  box.replaceChildren(frame);
})();"""
