"""A self-contained HTML viewer: the SVG picture with search, folding, a minimap and a panel.

One file, no network: the SVG, the stylesheet, the scripts (`render/viewer/`), the facts of
every node (type, shape, the user's source line, the rewrites it came from, its scope), the
legend, and, when the picture has boxes to fold, the WebAssembly Graphviz that lays the picture
out again in the browser. A Content Security Policy forbids fetching anything. Names from the
graph reach the page only as text Graphviz escaped inside the SVG, or as JSON read with
`textContent`: never as markup.

What the page does: pan (drag, one finger), zoom (wheel, pinch, + - 0), search by name, op,
scope or source line (`/`, Enter for the next match), fold and unfold name scopes and fused ops
in place (double-click, or select and press Enter), a minimap (`m`), a panel of facts that
hides (`p`), dark mode following the system (`d` to switch), and `?` lists every key.

>>> page = to_html(f, stage='both', backend='wasm')                     # doctest: +SKIP
>>> page.startswith('<!DOCTYPE html>')
True
"""

from __future__ import annotations

import html
import json
import time

from graphlens.compile.hooks import waiting
from graphlens.config import config
from graphlens.errors import LayoutError
from graphlens.render.dot import assemble_dot, dot_parts
from graphlens.render.focus_findings import with_route
from graphlens.render.html_assets import graphviz_wasm_base64, viewer_script, viewer_style
from graphlens.render.legend import legend_entries
from graphlens.render.scene import SceneNode
from graphlens.render.guard import chosen_backend, draw
from graphlens.render.layout import render_dot
from graphlens.render.page_folds import folded_page_scene

# Nothing may load from anywhere: inline style and script only, images only as data URIs;
# 'wasm-unsafe-eval' lets the page compile the Graphviz it carries (and nothing else).
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; "
                           "script-src 'unsafe-inline' 'wasm-unsafe-eval'; img-src data:")

# Boxes a reader may fold into one node and open again.
FOLDABLE_KINDS = ("scope", "fused", "loop")

def to_html(obj, *, stage: str = "after", max_nodes: int | None = 1000, rankdir: str = "TB",
            title: str | None = None, backend: str | None = None, overlay=None,
            focus=None, example_inputs=None, fold=None, expand=(), fold_rules=(),
            time_budget: float | None = None, report=None) -> str:
    """A complete HTML page showing `obj` (same options as `to_svg`).

    A graph above the `fold_threshold` flag but within `PAGE_MAX_OPS` is held whole and opens
    folded by layer in the page, each box opening in place (render/page_folds.py); a bigger
    one is the server's folded summary, whose boxes say how to draw them open (`--expand`).

    >>> open('model.html', 'w').write(to_html(f, stage='both'))          # doctest: +SKIP
    """
    return laid_out_page(obj, stage=stage, max_nodes=max_nodes, rankdir=rankdir, title=title,
                         backend=backend, overlay=with_route(obj, focus, overlay), focus=focus,
                         example_inputs=example_inputs, fold=fold, expand=expand,
                         fold_rules=fold_rules, time_budget=time_budget, report=report)


def laid_out_page(obj, *, stage, max_nodes, rankdir, title, backend, overlay, focus,
                  example_inputs, fold, expand, fold_rules, time_budget, report) -> str:
    """`to_html`'s page, with `overlay` as given (a route focus's marks already in it)."""
    opened = folded_page_scene(obj, stage=stage, max_nodes=max_nodes, title=title,
                               overlay=overlay, fold=fold, expand=expand, fold_rules=fold_rules,
                               focus=focus, example_inputs=example_inputs,
                               foldable=FOLDABLE_KINDS)
    if opened is not None:
        data = viewer_data(opened.scene, rankdir=rankdir, folded=opened.folded)
        try:
            svg = _laid_out(assemble_dot(data["dot"], opened.folded), backend, time_budget,
                            report, len(opened.scene.nodes))
        except LayoutError:
            pass            # too slow even folded: the server's summary below
        else:
            for note in opened.scene.notes:
                getattr(report, "note", lambda message: None)(note)
            return page(opened.scene, svg, rankdir=rankdir, data=data)
    picture, scene = draw(obj, format="svg", stage=stage, max_nodes=max_nodes,
                          rankdir=rankdir, title=title, backend=backend, overlay=overlay,
                          fold=fold, expand=expand, fold_rules=fold_rules,
                          time_budget=time_budget, focus=focus, example_inputs=example_inputs,
                          report=report)
    return page(scene, picture.decode("utf-8"), rankdir=rankdir)


def _laid_out(dot_text, backend, time_budget, report, count) -> str:
    """The page's first picture, laid out under the time budget (guard.py's rules)."""
    budget = config.layout_time_budget if time_budget is None else time_budget
    start = time.perf_counter()
    with waiting("laying out the folded page", {"nodes held": count}):
        svg = render_dot(dot_text, format="svg", backend=chosen_backend(backend),
                         time_budget=float(budget) or None)
    if report is not None:
        report(f"laid out the folded page: {count:,} nodes held, in "
               f"{time.perf_counter() - start:.1f} s")
    return svg.decode("utf-8")


def page(scene, svg: str, *, rankdir: str = "TB", fold: bool = True, data=None) -> str:
    """The HTML page for a built scene and its SVG (laid out from `scene_to_dot(scene)`).

    `fold=False` leaves out what folding needs (the WebAssembly Graphviz, about 500 kB, and
    the DOT in pieces), for a page that must stay small, such as a notebook cell's view; the
    page then pans, zooms, searches and shows facts as before, and draws every box open.

    >>> small = page(scene, svg, fold=False)                              # doctest: +SKIP
    """
    if data is None:
        data = viewer_data(scene, rankdir=rankdir, fold=fold)
    heading = scene.title or "graphlens picture"
    wasm = ""
    if data["dot"]["folds"]:
        wasm = ("<script type=\"application/octet-stream\" id=\"graphlens-wasm\">"
                + graphviz_wasm_base64() + "</script>\n")
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n",
        f"<title>{html.escape(heading)}</title>\n<style>{viewer_style()}</style>\n</head>\n",
        "<body>\n<div id=\"toolbar\">",
        f"<h1 title=\"{html.escape(heading)}\">{html.escape(heading)}</h1>",
        "<div id=\"search-box\"><input id=\"search\" type=\"search\" autocomplete=\"off\" "
        "spellcheck=\"false\" placeholder=\"search name, op, scope, line  ( / )\" "
        "aria-label=\"search the graph\">",
        "<span id=\"search-count\" aria-live=\"polite\"></span>",
        "<button id=\"search-prev\" title=\"previous match (Shift+Enter, N)\">&#8593;</button>",
        "<button id=\"search-next\" title=\"next match (Enter, n)\">&#8595;</button></div>",
        "<button id=\"fit\" title=\"show everything (0)\">Fit</button>",
        "<button id=\"zoom-in\" title=\"zoom in (+)\">+</button>",
        "<button id=\"zoom-out\" title=\"zoom out (-)\">&minus;</button>",
        "<button id=\"fold-all\" title=\"fold every scope and fused op (c)\">Fold all</button>",
        "<button id=\"unfold-all\" title=\"open every folded box (e)\">Unfold all</button>",
        "<button id=\"theme\" title=\"switch light / dark (d)\">&#9680;</button>",
        "<button id=\"toggle-panel\" title=\"show or hide the panel (p)\" "
        "aria-controls=\"panel\">Panel</button>",
        "<button id=\"help\" title=\"keyboard shortcuts (?)\">?</button></div>\n",
        "<div id=\"main\">\n<div id=\"viewport\" tabindex=\"0\">\n",
        inline_svg(svg),
        "<div id=\"minimap\" title=\"the whole picture: click or drag to move the view (m)\">"
        "<img id=\"minimap-image\" alt=\"\"><div id=\"minimap-view\"></div></div>",
        "<div id=\"status\" role=\"status\"></div>",
        "</div>\n<aside id=\"panel\" aria-label=\"details\">",
        "<h2 id=\"panel-title\">Click a node</h2><dl id=\"panel-body\"></dl>",
        "<div id=\"panel-actions\"></div>",
        "<details id=\"marks-section\" open><summary>Marked nodes</summary>"
        "<ul id=\"marks\"></ul></details>",
        "<details id=\"legend-section\" open><summary>Legend</summary>"
        "<div id=\"legend\"></div></details></aside>\n</div>\n",
        "<div id=\"help-overlay\" hidden><div id=\"help-card\" role=\"dialog\" "
        "aria-label=\"keyboard shortcuts\"><h2>Keyboard and mouse</h2><dl id=\"help-keys\">"
        "</dl><p>Press any key or click to close.</p></div></div>\n",
        "<script type=\"application/json\" id=\"graphlens-data\">",
        script_json(data),
        "</script>\n", wasm, "<script>", viewer_script(), "</script>\n</body>\n</html>\n",
    ])


def viewer_data(scene, *, rankdir: str = "TB", fold: bool = True, folded=()) -> dict:
    """What the page's scripts read: node and cluster facts, the drawing order, the trace
    marks, the legend, and (with `fold`) the DOT in pieces for laying the picture out again
    when folded; `folded`: the boxes the page starts with folded (its SVG drawn so)."""
    clusters = {cluster.key: cluster for cluster in scene.clusters}
    nodes, order, marks = {}, [], []
    members = {}
    for node in scene.nodes:
        info = dict(node.info)
        scope, stage = _scope_of(node.cluster, clusters), _stage_of(node.cluster, clusters)
        if scope:
            info["scope"] = scope
        if stage:
            info["stage"] = stage
        info["cluster"] = node.cluster
        nodes[node.key] = info
        order.append(node.key)
        if "marks" in info and info.get("kind") != "legend":
            marks.append(node.key)
        cluster = node.cluster
        while cluster is not None and node.kind in ("op", "random"):
            members[cluster] = members.get(cluster, 0) + 1
            cluster = clusters[cluster].parent
    folds, cluster_facts = {}, {}
    for cluster in scene.clusters:
        first_line = cluster.label.split("\n")[0]
        cluster_facts[cluster.key] = {
            "kind": cluster.kind, "title": first_line, "parent": cluster.parent,
            "tooltip": cluster.tooltip, "ops": members.get(cluster.key, 0),
            "scope": _scope_of(cluster.key, clusters)}
        if fold and cluster.kind in FOLDABLE_KINDS:
            count = members.get(cluster.key, 0)
            what = f"{count} op{'' if count == 1 else 's'} inside"
            # A fused op's label already counts its ops ("Composite: 3 ops fused").
            label = first_line if cluster.kind != "scope" else f"{first_line}\n{what}"
            folds[cluster.key] = SceneNode(
                f"{cluster.key}_fold", "folded", label,
                f"{cluster.tooltip or first_line}\nfolded: {what}; double-click to open",
                cluster.parent, fill=cluster.fill)
    foldable = sorted({cluster.kind for cluster in scene.clusters} & set(FOLDABLE_KINDS))
    return {"nodes": nodes, "order": order, "clusters": cluster_facts, "marks": marks,
            "legend": legend_entries(scene, foldable if folds else ()),
            "folded": [cluster.key for cluster in scene.clusters
                       if getattr(cluster, "folded", False)] + list(folded),
            # Without folds the page never lays out again: the pieces would be dead weight.
            "dot": dot_parts(scene, rankdir=rankdir, folds=folds) if folds else {"folds": {}}}


def _scope_of(cluster_key, clusters) -> str:
    """The name scope a cluster sits in, as the user wrote it (`enc/layer1`)."""
    parts = []
    while cluster_key is not None:
        cluster = clusters[cluster_key]
        if cluster.kind == "scope":
            parts.append(cluster.label)
        cluster_key = cluster.parent
    return "/".join(reversed(parts))


def _stage_of(cluster_key, clusters) -> str:
    """'before rewrites' or 'after rewrites' in a side-by-side picture, else ''."""
    while cluster_key is not None:
        cluster = clusters[cluster_key]
        if cluster.kind == "stage":
            return cluster.label.split(":")[0]
        cluster_key = cluster.parent
    return ""


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
