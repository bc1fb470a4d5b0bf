"""Lay an overlay (styles keyed by graph objects, e.g. a gradient trace) over a built scene.

The scene's nodes and edges carry the Apply, Variable or (Apply, input position) they draw, so
an overlay needs no knowledge of how the picture numbers its nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphlens.render.scene import SceneCluster, SceneNode

# Overlay style keys written as DOT attributes; fill, tooltip and label lines are merged instead.
DOT_KEYS = ("color", "penwidth", "style")


@dataclass
class Overlay:
    """Styles keyed by graph objects; `legend` is [(label, style)] explaining the colours."""

    nodes: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    legend: list = field(default_factory=list)
    title: str = "gradient trace"     # the legend box's heading
    notes: list = field(default_factory=list)    # lines added to the picture's title
    # Its fills mean something else (time): the rewrite colours and their legend step aside,
    # so a picture never has two colour keys for one fill.
    recolours: bool = False

    def merged(self, other: "Overlay") -> "Overlay":
        """Both overlays: `other`'s attributes win, tooltip lines are kept from both."""
        result = Overlay(dict(self.nodes), dict(self.variables), dict(self.edges),
                         self.legend + [item for item in other.legend if item not in self.legend],
                         self.title, self.notes + [n for n in other.notes if n not in self.notes],
                         self.recolours or other.recolours)
        for mine, theirs in ((result.nodes, other.nodes), (result.variables, other.variables),
                             (result.edges, other.edges)):
            for key, style in theirs.items():
                mine[key] = merge_style(mine.get(key), style)
        return result


def style_node(overlay, node, style) -> None:
    """`overlay.nodes[node] = style`; a fused node is drawn open, as its inner ops, so the op
    computing its result takes the style too."""
    overlay.nodes[node] = style
    graphs = node.op.inner_graphs
    if len(graphs) == 1 and graphs[0].substitutable and graphs[0].outputs[0].owner:
        overlay.nodes[graphs[0].outputs[0].owner] = style


def merge_style(first, second) -> dict:
    """`first` with `second` laid over it: its attributes win, tooltip and label lines add up."""
    if first is None:
        return dict(second)
    lines = ("tooltip_lines", "label_lines")
    merged = dict(first, **{k: v for k, v in second.items() if k not in lines})
    for key in lines:
        if key in first or key in second:
            merged[key] = first.get(key, []) + second.get(key, [])
    return merged


def apply_overlay(scene, overlay) -> None:
    """Apply `overlay` (with `.nodes`, `.variables`, `.edges` and `.legend`) to `scene`.

    >>> apply_overlay(scene, vanishing_overlay(cost, [W1]))        # doctest: +SKIP
    """
    notes = getattr(overlay, "notes", ())
    if notes:
        scene.title = "\n".join([scene.title, *notes] if scene.title else notes)
    if getattr(overlay, "recolours", False):
        _drop_rewrite_colours(scene)
    for node in scene.nodes:
        if node.subject is None:
            continue
        style = overlay.nodes.get(node.subject) or overlay.variables.get(node.subject)
        if style:
            _style_node(node, style)
    _style_folds(scene, overlay)
    for edge in scene.edges:
        style = overlay.edges.get(edge.subject) if edge.subject is not None else None
        if style:
            edge.attrs.update({k: v for k, v in style.items() if k in DOT_KEYS})
            if style.get("tooltip_lines"):
                edge.tooltip = "\n".join(([edge.tooltip] if edge.tooltip else [])
                                         + list(style["tooltip_lines"]))
    if overlay.legend:
        key = "cluster_overlay_legend"
        scene.clusters.append(SceneCluster(key, "legend",
                                           getattr(overlay, "title", "gradient trace")))
        for number, (label, style) in enumerate(overlay.legend):
            # A swatch without its own fill stays white: only its border shows the style.
            node = SceneNode(f"overlay_legend{number}", "legend", label, label, key,
                             fill="#ffffff", info={"kind": "legend", "title": label})
            _style_node(node, style)
            scene.nodes.append(node)


def _drop_rewrite_colours(scene) -> None:
    """Plain boxes and no rewrite legend, for an overlay whose fills carry its own meaning."""
    scene.clusters = [cluster for cluster in scene.clusters if cluster.key != "cluster_legend"]
    scene.nodes = [node for node in scene.nodes if node.cluster != "cluster_legend"]
    for node in scene.nodes:
        if node.kind in ("op", "random"):
            node.fill = None
    for cluster in scene.clusters:
        if cluster.kind == "fused":
            cluster.fill = None


# A folded box lists at most this many of its members' overlay lines.
_FOLD_LINES = 4


def _style_folds(scene, overlay) -> None:
    """A folded box (render/fold_boxes.py) takes the styles of the ops inside it, so a
    blocked gradient or a NaN inside a folded layer still shows on the layer's box. Styles of
    its parameters do not: a box of identical layers holds some that are fine."""
    nodes = {node.key: node for node in scene.nodes}
    for cluster in scene.clusters:
        if not cluster.folded or cluster.node not in nodes:
            continue
        merged = None
        for subject in cluster.subjects:
            style = overlay.nodes.get(subject)
            if style:
                merged = merge_style(merged, style)
        if merged is None:
            continue
        for key in ("tooltip_lines", "label_lines"):
            lines = list(dict.fromkeys(merged.get(key, ())))
            if len(lines) > _FOLD_LINES:
                lines = lines[:_FOLD_LINES] + [f"... ({len(lines) - _FOLD_LINES} more inside)"]
            if lines:
                merged[key] = lines
        _style_node(nodes[cluster.node], merged)


def _style_node(node, style) -> None:
    # The viewer lists marked nodes (and why) so a mark far down a big picture is found.
    node.info.setdefault("marks", []).extend(style.get("tooltip_lines") or ())
    if style.get("fillcolor"):
        node.fill = style["fillcolor"]
    if style.get("tooltip_lines"):
        node.tooltip = "\n".join([node.tooltip] + list(style["tooltip_lines"]))
    if style.get("label_lines"):
        node.label = "\n".join([node.label] + list(style["label_lines"]))
    node.attrs.update({k: v for k, v in style.items() if k in DOT_KEYS})
