"""Elementwise fusion: connected elementwise nodes become one Composite node.

Groups grow from a node towards its inputs: an elementwise input joins its reader's group when
every reader of it is in that group (its value is needed nowhere else), so each group computes one
value and the graph of groups has no cycles. One walk over the nodes, outputs first: linear.
"""

from __future__ import annotations

from graphlens.config import config
from graphlens.errors import BULK
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.fg import OUTPUT
from graphlens.rewrite.composite import Composite
from graphlens.rewrite.pattern import Replacement, graph_rewrite
from graphlens.tensor.elemwise import Elemwise

_new_object = object.__new__


def fusion_groups(fgraph) -> list:
    """Lists of nodes (inputs first) to fuse; each list's last node computes the group's value."""
    order = fgraph.toposort()
    root_of, members, clients = {}, {}, fgraph.clients
    get_root = root_of.get
    for node in reversed(order):
        if not isinstance(node.op, Elemwise) or len(node.outputs) != 1:   # fusable(node)
            continue
        # The group every reader is in, or None (an output, an unfused reader, two groups).
        root = None
        for client, _ in clients[node.outputs[0]]:
            group = None if client == OUTPUT else get_root(client)
            if group is None or (root is not None and group is not root):
                root = None
                break
            root = group
        if root is None:
            root = node
            members[node] = [node]
        else:
            members[root].append(node)
        root_of[node] = root
    # Roots were met outputs first: reversed, they come in the order's order (no walk again).
    return [group[::-1] for group in reversed(members.values()) if len(group) > 1]


def build_composite(nodes, sited=None):
    """The Composite computing `nodes` (inputs first, the last one the value) on outer inputs."""
    inside = set(nodes)
    outer = {}
    for node in nodes:
        for var in node.inputs:
            if var not in outer and var.owner not in inside and not isinstance(var, Constant):
                outer[var] = None
    memo = dict(zip(outer, sited_variables(outer, sited)))
    inner_inputs = tuple(memo.values())
    get = memo.get
    clones = []
    for node in nodes:
        # Apply.clone_with_new_inputs, its slots filled here: a big graph fuses tens of
        # thousands of nodes, and each inner node is an Elemwise with one output.
        clone = _new_object(Apply)
        clone.op, clone.inputs = node.op, [get(var, var) for var in node.inputs]
        outputs = clone.outputs = [out.clone() for out in node.outputs]
        for index, out in enumerate(outputs):
            out.owner, out.index = clone, index
        memo[node.outputs[0]] = outputs[0]
        clones.append(clone)
    # `nodes` come in the graph's topological order: the inner graph keeps it (no new walk).
    # The outer inputs have the inner inputs' very types: the node needs no make_node checks.
    return Composite.of_nodes(inner_inputs, clones).node_on(
        list(outer), like=nodes[-1].outputs[0]).outputs[0]


def sited_variables(variables, sited=None) -> list:
    """A fresh variable of each one's type and name, made as `var.type(var.name)` makes them,
    but that walks to the compiling line's site and scope for each (a fused group reads five
    or so): after the first, the others take its site and scope. In a compile (BULK.frame)
    that is one for every group: `sited` ({} per pass) keeps the first. Example:
    `[v.name for v in sited_variables([x, y], {})] == ['x', 'y']`."""
    carried = sited is not None and getattr(BULK, "frame", None) is not None
    made, first = [], sited.get("first") if carried else None
    check = config.warn_float64 != "ignore"         # Variable.__init__'s check, kept
    for var in variables:
        cls = var.type.variable_class
        if first is None or check or type(first) is not cls or cls.__init__ is not \
                Variable.__init__:
            inner = first = var.type(var.name)
        else:
            inner = _new_object(cls)
            inner.type, inner.owner, inner.index, inner.name = var.type, None, None, var.name
            inner.creation_site, inner.scope = first.creation_site, first.scope
        made.append(inner)
    if carried and first is not None:
        sited["first"] = first
    return made


@graph_rewrite("fusion", tags=("fusion",), idempotent=True)
def fuse_elementwise(fgraph):
    """Chains and trees of elementwise ops -> one Composite that runs them with few arrays.

    >>> f = function([x], T.tanh(x * 2 + 1) - x)    # one Composite{(tanh(...) - i0)}
    """
    # The first inner input made in this pass, whose site and scope (the compiling line) every
    # later group's inner inputs take (sited_variables): 5,027 groups on the 10k DAG, one walk.
    sited = {}
    for nodes in fusion_groups(fgraph):
        yield Replacement(nodes[-1].outputs[0], build_composite(nodes, sited), tuple(nodes))


def fusable(node) -> bool:
    """True for a node fusion may put in a Composite: an elementwise op with one output."""
    return isinstance(node.op, Elemwise) and len(node.outputs) == 1
