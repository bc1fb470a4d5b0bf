"""Lay an overlay (styles keyed by graph objects, e.g. a gradient trace) over a built scene.

The scene's nodes and edges carry the Apply, Variable or (Apply, input position) they draw, so
an overlay needs no knowledge of how the picture numbers its nodes.
"""

from __future__ import annotations

from graphlens.render.scene import SceneCluster, SceneNode

# Overlay style keys written as DOT attributes; fill, tooltip and label lines are merged instead.
DOT_KEYS = ("color", "penwidth", "style")


def apply_overlay(scene, overlay) -> None:
    """Apply `overlay` (with `.nodes`, `.variables`, `.edges` and `.legend`) to `scene`.

    >>> apply_overlay(scene, vanishing_overlay(cost, [W1]))        # doctest: +SKIP
    """
    for node in scene.nodes:
        if node.subject is None:
            continue
        style = overlay.nodes.get(node.subject) or overlay.variables.get(node.subject)
        if style:
            _style_node(node, style)
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


def _style_node(node, style) -> None:
    if style.get("fillcolor"):
        node.fill = style["fillcolor"]
    if style.get("tooltip_lines"):
        node.tooltip = "\n".join([node.tooltip] + list(style["tooltip_lines"]))
    if style.get("label_lines"):
        node.label = "\n".join([node.label] + list(style["label_lines"]))
    node.attrs.update({k: v for k, v in style.items() if k in DOT_KEYS})
