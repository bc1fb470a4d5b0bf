"""Ops with an inner graph drawn open: a cluster holding the inner ops, wired to the outer graph.

An op exposes its inner graphs as `op.inner_graphs` (graph/inner.py): inner input i stands for
the node's input `sources[i]`. The picture draws a box labelled with the graph's title around the
inner ops; edges from the outer inputs go straight to the inner ops that read them. For a fused
kernel, the users of the node's result connect to the inner op that computes it. For a loop,
a box for the node itself closes the cluster: the inner results flow into it (labelled `h[t]`),
the inputs no inner input stands for (the number of steps) enter it, and the node's users read
from it. A root (a weight, an input) that the box reads but that is drawn far above enters
through a small tag inside the box, so the box stays as tall as its ops, not as the graph.

>>> add_fused(builder, node, 'a_n3', None, builder._outer_source, origin)   # doctest: +SKIP
'a_n3_2'
"""

from __future__ import annotations

from graphlens.graph.basic import toposort
from graphlens.render import labels
from graphlens.printer.forms import inner_graph
from graphlens.render.scene import SceneCluster, SceneEdge, SceneNode
from graphlens.tensor.static_shape import static_shapes


def add_fused(builder, node, key, cluster, source_of, origin) -> str:
    """Draw `node` as cluster `cluster_<key>` inside `cluster`; returns the key of the node
    that carries its result (the inner op computing the first inner output, or for a loop the
    box closing the cluster)."""
    op = node.op
    graph = inner_graph(op)
    inner_inputs, inner_outputs = list(graph.inputs), list(graph.outputs)
    inner_nodes = toposort(inner_outputs)
    cluster_key = f"cluster_{key}"
    name = graph.title or type(op).__name__
    count = len(inner_nodes)
    label = f"{labels.printable(name)}: {graph.ops_text(count)}"
    destroyed = getattr(op, "destroyed", ())
    if graph.substitutable and count == 1 and destroyed:
        # The in-place rewrite wraps a lone op so that it may write into an input's array:
        # the box says so, rather than "1 op fused" (nothing was fused).
        label = "in place: writes into input " + ", ".join(map(str, destroyed))
    source = builder.source_line(node, origin)
    # A fused op's label spells its inner formula: `Composite{(i0 * 2.0) + exp(i1)}`.
    formula = labels.printable(op.label, limit=200)
    tooltip = [formula, f"output: {builder.type_text(node.outputs[0])}", f"built at {source}"]
    # The inner ops run on the outer arguments (a kernel) or on one step of them (a loop: x[t]
    # of a sequence x, h[t-1] of a state's buffer, one axis less): they take those lengths.
    outer_shapes = {}
    for var, position in zip(inner_inputs, graph.sources):
        shape = builder.shapes.shape(node.inputs[position])
        rank = len(getattr(var.type, "shape", ()) or ())
        if shape is not None and (len(shape) == rank or not graph.substitutable
                                  and len(shape) == rank + 1):
            outer_shapes[var] = shape[len(shape) - rank:]
    builder.shapes.shapes.update(static_shapes(inner_outputs, known_shapes=outer_shapes).shapes)
    fill = None
    info = {"source": source}
    if origin is not None:
        tooltip.extend(builder._origin_lines(origin, info))
        if origin.rule is not None:
            fill = builder.colors.get(origin.rule)
            builder.count_rule(origin.rule)
    kind = "fused" if graph.substitutable else "loop"
    builder.scene.clusters.append(SceneCluster(cluster_key, kind, label, cluster,
                                               "\n".join(tooltip), fill))
    # Inner inputs stand for the node's inputs: their drawn source is the outer one.
    outer_of_inner = {var: node.inputs[position]
                      for var, position in zip(inner_inputs, graph.sources)}
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
    outer_values, step_inputs = builder.outer_values, builder.step_inputs
    builder.outer_values = {**outer_values, **outer_of_inner}
    if not graph.substitutable:
        # A step reads one step's slice of a sequence or a state's buffer (x[t], h[t-1], one
        # axis less than the outer value): its edges say which. Values read whole (weights)
        # need no word.
        builder.step_inputs = {**step_inputs, **{
            var: labels.printable(var.name)
            for var, position in zip(inner_inputs, graph.sources)
            if var.name and _rank(node.inputs[position]) == _rank(var) + 1}}
    for number, inner in enumerate(inner_nodes):
        inner_key = f"{key}_{number}"
        builder._add_op(inner, inner_key, cluster_key, inner_source, extra_info=fused_info)
        inner_keys[inner] = builder.op_keys[inner]
    builder.outer_values, builder.step_inputs = outer_values, step_inputs
    if graph.substitutable:
        builder.inside_fused = outer_flag
        result = inner_outputs[0]
        if result.owner is not None:
            return inner_keys[result.owner]
        return inner_source(result, cluster_key)
    # A loop: one box stands for the node; its step's results flow into it.
    result_key = f"{key}_out"
    text = builder.op_text(op)
    types = ", ".join(builder.type_text(out) for out in node.outputs)
    names = list(graph.output_names) or [None] * len(inner_outputs)
    # Several outputs leave from ports named as the step's results that flow in (`h[t]`):
    # node output k is the trace of the step's output k.
    ports = (tuple(labels.printable(name) for name in names[:len(node.outputs)])
             if len(node.outputs) > 1 and all(names[:len(node.outputs)]) else ())
    # What flows in ends at a cell of its own, named: each step result, then the keywords
    # (`steps`), rather than head labels crowded along the box's top.
    keywords = [keyword for keyword, _ in graph.keywords]
    in_ports = (tuple(labels.printable(name) for name in names) + tuple(keywords)
                if all(names) else ())
    builder.scene.add_node(SceneNode(
        result_key, "op", "\n".join(labels.wrap(labels.cut(text)) + [types]),
        "\n".join([text, f"outputs: {types}", f"built at {source}"]), cluster_key, fill,
        {"kind": "op", "title": text, "type": types, "source": source}, subject=node,
        ports=ports, in_ports=in_ports))
    builder.scene_titles[result_key] = text
    for number, (var, title) in enumerate(zip(inner_outputs, names)):
        builder.scene.edges.append(SceneEdge(inner_source(var, cluster_key), result_key, "data",
                                             labels.printable(title) if title else None,
                                             input=number))
    builder.inside_fused = outer_flag
    for number, (keyword, position) in enumerate(graph.keywords, start=len(names)):
        builder.scene.edges.append(SceneEdge(source_of(node.inputs[position], cluster),
                                             result_key, "data", keyword, input=number))
    return result_key


def _rank(var) -> int:
    return len(getattr(var.type, "shape", ()) or ())
