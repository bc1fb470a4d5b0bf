"""Elementwise fusion: connected elementwise nodes become one Composite node.

Groups grow from a node towards its inputs: an elementwise input joins its reader's group when
every reader of it is in that group (its value is needed nowhere else), so each group computes one
value and the graph of groups has no cycles. One walk over the nodes, outputs first: linear.
"""

from __future__ import annotations

from graphlens.graph.basic import Constant
from graphlens.graph.fg import OUTPUT
from graphlens.rewrite.composite import Composite
from graphlens.rewrite.pattern import Replacement, graph_rewrite
from graphlens.tensor.elemwise import Elemwise


def fusable(node) -> bool:
    """True for a node fusion may put in a Composite: an elementwise op."""
    return isinstance(node.op, Elemwise)


def fusion_groups(fgraph) -> list:
    """Lists of nodes (inputs first) to fuse; each list's last node computes the group's value."""
    order = fgraph.toposort()
    root_of, members, clients = {}, {}, fgraph.clients
    for node in reversed(order):
        if not fusable(node):
            continue
        # The group every reader is in, or None (an output, an unfused reader, two groups).
        root = None
        for client, _ in clients.get(node.outputs[0], ()):
            group = None if client == OUTPUT else root_of.get(client)
            if group is None or (root is not None and group is not root):
                root = None
                break
            root = group
        if root is None:
            root = node
            members[node] = []
        root_of[node] = root
        members[root].append(node)
    return [members[node][::-1] for node in order if len(members.get(node, ())) > 1]


def build_composite(nodes):
    """The Composite computing `nodes` (inputs first, the last one the value) on outer inputs."""
    inside = set(nodes)
    outer = {}
    for node in nodes:
        for var in node.inputs:
            if var.owner not in inside and not isinstance(var, Constant) and var not in outer:
                outer[var] = var.type(var.name)
    memo = dict(outer)
    clones = []
    for node in nodes:
        clone = node.clone_with_new_inputs([memo.get(var, var) for var in node.inputs])
        memo[node.outputs[0]] = clone.outputs[0]
        clones.append(clone)
    # `nodes` come in the graph's topological order: the inner graph keeps it (no new walk).
    return Composite.of_nodes(tuple(outer.values()), clones)(*outer)


@graph_rewrite("fusion", tags=("fusion",))
def fuse_elementwise(fgraph):
    """Chains and trees of elementwise ops -> one Composite that runs them with few arrays.

    >>> f = function([x], T.tanh(x * 2 + 1) - x)    # one Composite{(tanh(...) - i0)}
    """
    for nodes in fusion_groups(fgraph):
        yield Replacement(nodes[-1].outputs[0], build_composite(nodes), tuple(nodes))
