"""Where each node of an optimized graph came from: the rewrite that made it, and its originals.

Pictures colour a node by the rewrite that added it and list, in its tooltip and the HTML panel,
every rewrite in its ancestry and the nodes of the graph as given ("before") it descends from.
The facts come from the compiled function's RewriteLog (`graph/provenance.py`): each record
names its rule and the nodes it removed and added, and `origin_of` follows them back.

>>> origins_of(f)[node].rule              # a node made by a rewrite    # doctest: +SKIP
'log_sigmoid_to_softplus'
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.graph.basic import toposort
from graphlens.graph.provenance import origin_of
from graphlens.printer.forms import inner_graph


@dataclass(frozen=True)
class NodeOrigin:
    """How a node of the optimized graph came to be.

    rule, location: the rewrite whose replacement added this node and where that rule is
    defined; None and '' for a node no rewrite added (it is a copy of a before-graph node, or
    survived a merge). When a later rewrite only swapped the node for a variant of the same op
    class (an in-place version), `rule` stays the one that introduced it.
    rules: the rewrites in the node's ancestry, each once, in log order.
    sources: the nodes of the graph as given that it descends from, in their walk order.
    """

    rule: str | None
    location: str
    rules: tuple
    sources: tuple


def origins_of(function) -> dict:
    """{Apply of `function.fgraph`: NodeOrigin} for every node of the optimized graph.

    >>> {origin.rule for origin in origins_of(f).values()}             # doctest: +SKIP
    {None, 'local_fusion', 'merge'}
    """
    if function is None:
        return {}
    log = function.rewrite_log
    added_by = {}
    for record in log:
        # A rewrite that swaps a node for a variant of the same op class (in place, say) keeps
        # the colour of the rewrite that introduced that node: a fused op stays "fusion".
        variant_of = {type(node.op): added_by[node] for node in record.removed
                      if node in added_by}
        for node in record.added:
            added_by[node] = variant_of.get(type(node.op), record)
        if not record.added and record.by is record.replaced:
            # The rule changed a node's op to a variant of its class (in place, say; the
            # driver's change_op): the node keeps its colour, or takes this rule's if none.
            owner = getattr(record.replaced, "owner", None)
            if owner is not None:
                added_by.setdefault(owner, record)
    provenance = getattr(function, "provenance", None)
    result = {}
    for node in function.fgraph.toposort():
        found = provenance(node) if provenance is not None else origin_of(node, log)
        rules = tuple(dict.fromkeys(record.rule for record in found.rewrites))
        record = added_by.get(node)
        rule = record.rule if record is not None else None
        location = (record.location or "") if record is not None else ""
        result[node] = NodeOrigin(rule, location, rules, tuple(found.before))
    return result


def inner_origins(nodes) -> dict:
    """{inner Apply: NodeOrigin} for the inner graphs of `nodes` that went through rewrites of
    their own (graph/inner.py `InnerGraph.function`), nested ones included: a loop's rewritten
    step is coloured by its own rewrites too."""
    result = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        graph = inner_graph(node.op)
        if graph is None:
            continue
        if graph.function is not None:
            result.update(origins_of(graph.function))
        stack.extend(toposort(list(graph.outputs)))
    return result


def match_clones(nodes, clones) -> tuple[dict, dict]:
    """({node: its clone}, {variable: its clone}) for `nodes` (in topological order) among
    `clones`: a clone runs an equal op on the clones of the node's inputs. Roots match
    themselves. One pass each way."""
    index = {}
    for clone in clones:
        index.setdefault((clone.op, tuple(map(id, clone.inputs))), clone)
    node_map, var_map = {}, {}
    for node in nodes:
        inputs = tuple(id(var_map.get(var, var)) for var in node.inputs)
        clone = index.get((node.op, inputs))
        if clone is None:
            continue
        node_map[node] = clone
        var_map.update(zip(node.outputs, clone.outputs))
    return node_map, var_map
