"""The key to a picture: every shape, colour and edge style a scene uses, in words.

`legend_entries(scene)` reads a built scene (and the styles in `style.py`, the one home of how
things look) and lists what the picture shows: each kind of node drawn (inputs, shared
variables, constants, outputs, ops, random draws, reference tags), each kind of box (name
scopes, fused ops, loops), each kind of edge (data, argument positions, updates), the rewrite
colours and the trace marks an overlay laid on. The HTML viewer draws each entry's swatch next
to its words; nothing in the picture is left for the reader to guess.

>>> scene = build_scene(views(T.exp(x), 'after'))                       # doctest: +SKIP
>>> [entry['label'] for entry in legend_entries(scene)][:4]
['input', 'op', 'output', 'data flow']
"""

from __future__ import annotations

from graphlens.render.style import CLUSTER_ATTRS, EDGE_ATTRS, EDGE_KIND_ATTRS, KIND_ATTRS

# What each kind of node means, in the order a reader meets them.
NODE_WORDS = {
    "input": ("input", "a value passed in on every call (its name, dtype and shape)"),
    "shared": ("shared variable", "state kept between calls: weights, a random stream"),
    "constant": ("constant", "a fixed value, drawn once per use next to its reader"),
    "op": ("op", "an operation and the type of its result; a fill colour: the rewrite "
                 "that made it"),
    "random": ("random draw", "new samples on every call"),
    "output": ("output", "a value the function returns"),
    "reference": ("reference tag", "stands for a node drawn far away; click it to go there"),
    "summary": ("ops not drawn", "the part of a big graph left out (max_nodes)"),
    "folded": ("folded box", "a scope or fused op closed up; double-click (or Enter) opens it"),
}
CLUSTER_WORDS = {
    "scope": ("name scope", "the ops and variables of a `name_scope`, named `scope/...` "
                            "(layer1/W), or built by one function or class of the model "
                            "(HiddenLayer_2); drawn whole, the forward ops only: gradients "
                            "and update steps stand outside"),
    "fused": ("fused op", "one kernel running the ops inside; a fill colour: the rewrite "
                          "that fused them"),
    "loop": ("loop step", "the ops run once per step of a scan"),
    "stage": ("stage", "the graph as written (before) or as run (after rewrites)"),
}
EDGE_WORDS = {
    "data": ("data flow", "a value from the op above into the op below"),
    "update": ("update", "the new value written to a shared variable after each call"),
    "update_tag": ("update", "the new value written to a shared variable after each call"),
    "summary": ("into ops not drawn", "inputs read by the part of the graph left out"),
}
# Marks the viewer itself draws, not Graphviz.
VIEWER_MARKS = [
    {"group": "viewer", "label": "selected", "words": "the node whose facts the panel shows",
     "swatch": {"shape": "box", "fill": "#ffffff", "stroke": "#d62728", "width": 3}},
    {"group": "viewer", "label": "came from", "words": "before-graph nodes the selected "
     "node was rewritten from", "swatch": {"shape": "box", "fill": "#ffffff",
                                           "stroke": "#9467bd", "width": 3, "dash": "4 2"}},
    {"group": "viewer", "label": "into / out of the selected node",
     "words": "edges bringing its inputs blue, edges to its readers pink",
     "swatch": {"edge": True, "stroke": "#1f77b4", "width": 2.4}},
    {"group": "viewer", "label": "search match", "words": "a node matching the search; the "
     "current one glows", "swatch": {"shape": "box", "fill": "#ffffff", "stroke": "#f0b400",
                                     "width": 4}},
]


def legend_entries(scene, foldable=()) -> list:
    """[{group, label, words, swatch}] for everything `scene` draws; `foldable` cluster kinds
    add the folded box (the viewer can draw one). A swatch is plain data: shape, fill, stroke,
    width, dash, and for edges `edge: True`."""
    kinds = {node.kind for node in scene.nodes if node.cluster is None
             or not node.cluster.startswith("cluster_") or "legend" not in node.cluster}
    entries = []
    for kind, (label, words) in NODE_WORDS.items():
        if kind in kinds or (kind == "folded" and foldable):
            entries.append({"group": "shapes", "label": label, "words": words,
                            "swatch": _node_swatch(KIND_ATTRS[kind])})
    cluster_kinds = {cluster.kind for cluster in scene.clusters}
    for kind, (label, words) in CLUSTER_WORDS.items():
        if kind in cluster_kinds:
            entries.append({"group": "boxes", "label": label, "words": words,
                            "swatch": _node_swatch(CLUSTER_ATTRS[kind], cluster=True)})
    edge_kinds = {edge.kind for edge in scene.edges}
    seen = set()
    for kind, (label, words) in EDGE_WORDS.items():
        if kind in edge_kinds and label not in seen:
            seen.add(label)
            entries.append({"group": "edges", "label": label, "words": words,
                            "swatch": _edge_swatch(EDGE_KIND_ATTRS[kind])})
    if any(edge.label is not None for edge in scene.edges):
        entries.append({"group": "edges", "label": "0, 1, ... on an edge",
                        "words": "which argument of the op the value is, where order matters "
                                 "(Sub, Dot; not Add)",
                        "swatch": _edge_swatch({}, text="0")})
    entries.extend(_picture_legends(scene))
    return entries + VIEWER_MARKS


def _picture_legends(scene) -> list:
    """The rewrite colours and trace marks: the legend nodes the scene already carries."""
    entries = []
    for node in scene.nodes:
        if node.kind != "legend" or node.cluster == "cluster_random_legend":
            continue
        group = "trace" if node.cluster == "cluster_overlay_legend" else "rewrites"
        label = node.label.replace("\n", " ")
        if group == "rewrites":
            label = node.info.get("title", label)
        attrs = dict(KIND_ATTRS["legend"], **node.attrs)
        if node.fill:
            attrs["fillcolor"] = node.fill
        # The tooltip starts "rewrite NAME: made ..."; the label already names the rule.
        words = node.tooltip.split(": ", 1)[-1] if group == "rewrites" else ""
        entries.append({"group": group, "label": label, "words": words,
                        "swatch": _node_swatch(attrs)})
    return entries


def _node_swatch(attrs, cluster=False) -> dict:
    style = attrs.get("style", "")
    filled = "filled" in style
    return {"shape": attrs.get("shape", "box"),
            "fill": attrs.get("fillcolor", "#ffffff") if filled or not cluster else "none",
            "stroke": attrs.get("color", "#000000"),
            "text": attrs.get("fontcolor"),
            "width": float(attrs.get("penwidth", 1)) + (1 if "bold" in style else 0),
            "dash": "4 2" if "dashed" in style else ("1 2" if "dotted" in style else None),
            "double": attrs.get("peripheries") == "2", "rounded": "rounded" in style}


def _edge_swatch(attrs, text=None) -> dict:
    style = attrs.get("style", "")
    return {"edge": True, "stroke": attrs.get("color", EDGE_ATTRS["color"]), "text": text,
            "width": float(attrs.get("penwidth", EDGE_ATTRS["penwidth"])),
            "dash": "4 2" if "dashed" in style else ("1 2" if "dotted" in style else None)}
