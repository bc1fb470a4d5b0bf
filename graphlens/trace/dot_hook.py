"""Lay an `Overlay` over the DOT picture that `graphlens.render.dot` draws of a plain graph.

`render/dot.py` has no overlay parameter yet, so this module builds its scene, finds the scene
key of each overlaid node, variable and edge (the scene numbers ops by their position in the
view's walk, and adds each op's input edges in input order), and adds the overlay's attributes
to those DOT statements. When `to_dot(..., overlay=...)` exists, this module goes away.
"""

from __future__ import annotations


def overlay_to_dot(outputs, overlay, *, max_nodes: int | None = 1000, title: str | None = None,
                   rankdir: str = "TB") -> str:
    """DOT text of the graph of `outputs` (variables, never compiled) with `overlay` applied."""
    from graphlens.render.dot import scene_to_dot
    from graphlens.render.scene import SceneCluster, SceneNode, build_scene
    from graphlens.render.subject import views
    (view,) = views(outputs, "after")
    scene = build_scene([view], max_nodes=max_nodes, title=title)
    op_keys, root_keys = _keys(view, scene)
    edge_numbers = _edge_numbers(scene)
    by_key = {node.key: node for node in scene.nodes}
    node_attrs, edge_attrs = {}, {}
    for table, keys in ((overlay.nodes, op_keys), (overlay.variables, root_keys)):
        for obj, style in table.items():
            key = keys.get(obj)
            if key is None or key not in by_key:
                continue          # not drawn (beyond max_nodes)
            drawn = by_key[key]
            if style.get("fillcolor"):
                drawn.fill = style["fillcolor"]
            if style.get("tooltip_lines"):
                drawn.tooltip = "\n".join([drawn.tooltip] + style["tooltip_lines"])
            if style.get("label_lines"):
                drawn.label = "\n".join([drawn.label] + style["label_lines"])
            node_attrs[key] = {k: v for k, v in style.items()
                               if k in ("color", "penwidth")}
    for (node, position), style in overlay.edges.items():
        numbers = edge_numbers.get(op_keys.get(node), [])
        if position < len(numbers):
            attrs = {k: v for k, v in style.items() if k in ("color", "penwidth", "style")}
            if style.get("tooltip_lines"):
                attrs["tooltip"] = "\n".join(style["tooltip_lines"])
            edge_attrs[numbers[position]] = attrs
    if overlay.legend:
        scene.clusters.append(SceneCluster("cluster_trace_legend", "legend", "gradient trace"))
        for number, (label, style) in enumerate(overlay.legend):
            key = f"trace_legend{number}"
            scene.nodes.append(SceneNode(key, "legend", label, label, "cluster_trace_legend",
                                         style.get("fillcolor", "#ffffff"),
                                         {"kind": "legend", "title": label}))
            node_attrs[key] = {k: v for k, v in style.items() if k in ("color", "penwidth")}
    return _inject(scene_to_dot(scene, rankdir=rankdir), node_attrs, edge_attrs)


def _keys(view, scene):
    """({Apply: scene key}, {root variable: scene key}), numbered as the scene builder does."""
    from graphlens.render import labels
    nodes = view.nodes()
    op_keys = {node: f"g_n{number}" for number, node in enumerate(nodes)}
    root_keys = {}
    if any(node.kind == "summary" for node in scene.nodes):
        return op_keys, root_keys   # roots of undrawn ops are numbered first: skip them
    for var in view.inputs:
        root_keys.setdefault(var, f"g_v{len(root_keys)}")
    for node in nodes:
        for var in node.inputs:
            if var.owner is None and not labels.is_constant(var) and var not in root_keys:
                root_keys[var] = f"g_v{len(root_keys)}"
    return op_keys, root_keys


def _edge_numbers(scene) -> dict:
    """{head key: [edge numbers in order]}: an op's input edges are added in input order."""
    numbers = {}
    for number, edge in enumerate(scene.edges):
        if edge.kind == "data":
            numbers.setdefault(edge.head, []).append(number)
    return numbers


def _inject(text, node_attrs, edge_attrs) -> str:
    from graphlens.render.dot import quote
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        key = stripped.split(" ", 1)[0]
        if "->" in stripped:
            marker = stripped.rsplit('id="e', 1)
            if len(marker) == 2:
                number = int(marker[1].split('"', 1)[0])
                attrs = edge_attrs.get(number)
                if attrs:
                    lines[index] = line.replace("];", ", " + _attr_text(attrs, quote) + "];", 1) \
                        if line.endswith("];") else line
        elif key in node_attrs and node_attrs[key] and line.endswith("];"):
            lines[index] = line[:-2] + ", " + _attr_text(node_attrs[key], quote) + "];"
    return "\n".join(lines)


def _attr_text(attrs, quote) -> str:
    return ", ".join(f"{name}={quote(str(value))}" for name, value in attrs.items())
