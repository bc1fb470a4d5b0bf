"""Fused composite ops drawn open: a cluster holding the inner ops, wired to the outer graph.

A fused op (from the fusion rewrite) carries its own small graph: `op.inner_inputs` stand for
the node's inputs, in order, and `op.inner_outputs` for its outputs. The picture draws a box
labelled with the op's name around the inner ops; edges from the outer inputs go straight to the
inner ops that read them, and the users of the fused node's result connect to the inner op that
computes it. A root (a weight, an input) that the box reads but that is drawn far above enters
through a small tag inside the box, so the box stays as tall as its ops, not as the graph.

>>> add_fused(builder, node, 'a_n3', None, builder._outer_source, origin)   # doctest: +SKIP
'a_n3_2'
"""

from __future__ import annotations

from graphlens.graph.basic import toposort
from graphlens.render import labels
from graphlens.render.scene import SceneCluster


def add_fused(builder, node, key, cluster, source_of, origin) -> str:
    """Draw fused `node` as cluster `cluster_<key>` inside `cluster`; returns the key of the node
    that carries its result (the inner op computing the first inner output)."""
    op = node.op
    inner_inputs, inner_outputs = list(op.inner_inputs), list(op.inner_outputs)
    inner_nodes = toposort(inner_outputs)
    cluster_key = f"cluster_{key}"
    name = type(op).__name__
    count = len(inner_nodes)
    label = f"{labels.printable(name)}: {count} op{'s' if count != 1 else ''} fused"
    source = builder.source_line(node, origin)
    # The op's own label spells its inner formula: `Composite{(i0 * 2.0) + exp(i1)}`.
    formula = labels.printable(node.op.label, limit=200)
    tooltip = [formula, f"output: {labels.type_text(node.outputs[0])}", f"built at {source}"]
    fill = None
    info = {"source": source}
    if origin is not None:
        tooltip.extend(builder._origin_lines(origin, info))
        if origin.rule is not None:
            fill = builder.colors.get(origin.rule)
            builder.count_rule(origin.rule)
    builder.scene.clusters.append(SceneCluster(cluster_key, "fused", label, cluster,
                                               "\n".join(tooltip), fill))
    # Inner inputs stand for the node's inputs: their drawn source is the outer one.
    outer_of_inner = dict(zip(inner_inputs, node.inputs))
    inner_keys = {}

    def inner_source(var, inner_cluster):
        if var in outer_of_inner:
            # Outer values keep their own nodes; a tag standing for one goes inside the box.
            return source_of(outer_of_inner[var], inner_cluster)
        if var.owner is None:
            return builder._constant_node(var, inner_cluster)
        return inner_keys[var.owner]

    fused_info = {"fused_in": formula, **info}
    outer_flag, builder.inside_fused = builder.inside_fused, True
    for number, inner in enumerate(inner_nodes):
        inner_key = f"{key}_{number}"
        builder._add_op(inner, inner_key, cluster_key, inner_source, extra_info=fused_info)
        inner_keys[inner] = builder.op_keys[inner]
    builder.inside_fused = outer_flag
    result = inner_outputs[0]
    if result.owner is not None:
        return inner_keys[result.owner]
    return inner_source(result, cluster_key)
