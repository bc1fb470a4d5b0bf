"""The gradient findings drawn on a compiled function's own picture (`graphlens show`).

`trace.vanishing(cost, params)` speaks of the user's graph (the `cost` expression); a compiled
function draws copies of it: the graph as given (`fgraph_before`, a clone) and the graph as
compiled (`fgraph`, rewritten). `function_findings_overlay` carries the vanishing overlay over
to both copies, so the blocking op, its frontier edge and the dead path to the parameter are
marked in the before and the after halves alike:

- before: each node of the cost's graph is matched to its clone by op and (matched) inputs,
  in one forward pass (roots are shared, not cloned);
- after: a node takes a style when it descends from the matched before-node (its provenance,
  `origins.py`) and runs the same op; inside a fused op, the inner op that is that op does.

>>> overlay = function_findings_overlay(train, vanishing(cost, params))   # doctest: +SKIP
>>> svg = pydotprint(train, stage='both', overlay=overlay)                # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.graph.basic import toposort
from graphlens.printer.forms import inner_graph
# match_clones lives beside origins_of (both map a function's graphs onto each other); it is
# imported here too, where the findings' callers have always found it.
from graphlens.render.origins import match_clones, origins_of  # noqa: F401
from graphlens.render.overlay import Overlay
from graphlens.render.trace_overlay import vanishing_overlay


def function_findings_overlay(function, report) -> Overlay:
    """The vanishing overlay of `report` (about `report.cost_variable`'s graph), keyed by the
    nodes of `function`'s before and after graphs; empty when the report has no findings."""
    if not report.findings or report.cost_variable is None:
        return Overlay(title="gradient findings")
    base = vanishing_overlay(report)
    users = toposort([report.cost_variable])
    before_of, var_map = match_clones(users, function.fgraph_before.toposort())
    overlay = Overlay(variables=dict(base.variables), legend=list(base.legend),
                      title="gradient findings")
    for node, style in base.nodes.items():
        if node in before_of:
            overlay.nodes[before_of[node]] = style
    for (node, position), style in base.edges.items():
        if node in before_of:
            overlay.edges[(before_of[node], position)] = style
    _carry_to_after(overlay, base, function, before_of, var_map)
    return overlay


def _carry_to_after(overlay, base, function, before_of, var_map):
    """Style the after-graph nodes and edges that descend from the styled before ones."""
    origins = origins_of(function)
    wanted = {before_of[node]: node for node in list(base.nodes)
              + [node for node, _ in base.edges] if node in before_of}
    sources = {}         # after node -> the before nodes of interest it descends from
    for node, origin in origins.items():
        hits = [source for source in origin.sources if source in wanted]
        if hits:
            sources[node] = hits
    home = {}            # inner op of a fused after node -> that node
    for after in sources:
        for drawn, _ in _drawn_nodes(after)[1:]:
            home[drawn] = after
    for after, hits in sources.items():
        drawn_nodes = _drawn_nodes(after)
        for drawn, inputs in drawn_nodes:
            # An op drawn on its own may have changed class (Dot -> Dot22) and still be the
            # node the finding is about; inside a fused op, only the same op is.
            users = [wanted[before] for before in hits
                     if len(drawn_nodes) == 1 or drawn.op == wanted[before].op]
            users.sort(key=lambda user: user.op != drawn.op)
            for user in users[:1]:
                if user in base.nodes:
                    overlay.nodes[drawn] = base.nodes[user]
                for position, var in enumerate(inputs):
                    style = _edge_style(base, user, var, var_map, sources, home)
                    if style is not None:
                        overlay.edges[(drawn, position)] = style


def _edge_style(base, user, after_input, var_map, sources, home):
    """The style of the user's edge into `user` whose source the after-graph input
    `after_input` stands for, or None. An inner op of a fused node stands for a before node
    when it runs the same op and its fused node descends from that node (`home`)."""
    for (node, position), style in base.edges.items():
        if node is not user:
            continue
        before_input = var_map.get(node.inputs[position], node.inputs[position])
        if after_input is before_input:
            return style
        owner, source = after_input.owner, before_input.owner
        if source is None or owner is None:
            continue
        if owner in home:
            if owner.op == source.op and source in sources.get(home[owner], ()):
                return style
        elif source in sources.get(owner, ()):
            return style
    return None


def _drawn_nodes(node):
    """[(drawn Apply, [its inputs as outer variables where they are outer ones])]: the node,
    and for a fused op (drawn open) each inner op too."""
    result = [(node, list(node.inputs))]
    graph = inner_graph(node.op)
    if graph is None or not graph.substitutable:
        return result
    outer = {var: node.inputs[position] for var, position in zip(graph.inputs, graph.sources)}
    for inner in toposort(list(graph.outputs)):
        result.append((inner, [outer.get(var, var) for var in inner.inputs]))
    return result
