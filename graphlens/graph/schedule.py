"""The order a compiled function runs its nodes in: topological, and kept local.

A plain depth-first topological order of a training step computes the whole backward chain
first (every layer's delta), then every weight gradient, then every update: each delta waits,
alive, until the end, and each is cold in the cache by the time its weight gradient reads it.
Hand-written numpy does layer by layer instead: weight gradient, update, then the next delta.

`schedule` gets that order from the graph alone. It runs nodes from a stack (Kahn's algorithm,
last ready first): a node's consumers run right after it, while its result is still in the
cache. Among nodes that one node's result makes ready, the one with the shortest path to an
output runs first, so short branches (a weight's gradient and its update) finish and free their
arrays before a long one (the next delta) starts. Ties go to the depth-first order, so the
schedule is a function of the graph's structure: the same graph gives the same schedule every run.
"""

from __future__ import annotations

from graphlens.errors import InconsistencyError, where
from graphlens.graph.basic import readers


def schedule(nodes) -> list:
    """`nodes` (a topological order of a graph's nodes) reordered to run with locality.

    An op that overwrites an input (`destroy_map`: a user's op compiled with
    `accept_inplace=True`) runs after every other reader of that input; InconsistencyError
    when no order can do that.

    >>> x = T.dvector('x'); h = T.exp(x); y = [T.sum(h), h * 2]
    >>> [n.op.label for n in schedule(toposort(y))]     # doctest: +SKIP
    ['Exp', 'Sum{axis=0}', 'Mul']
    """
    order = _ordered(nodes, ())
    # The in-place rewrite only makes twins this order already serves; a user's in-place op
    # may need its readers moved first. Checked after the fact: the usual graph pays one look
    # at each op's destroy_map.
    edges = _readers_then_destroyers(order)
    if edges:
        order = _ordered(nodes, edges)
    return order


def _readers_then_destroyers(order) -> list:
    """(reader, destroyer) pairs for the variables ops in `order` overwrite, when some reader
    runs after its destroyer in `order`; [] when the order is already safe."""
    destroyers = [node for node in order if node.op.destroy_map]
    if not destroyers:
        return []
    reading = readers(order)
    position = {node: i for i, node in enumerate(order)}
    edges, late = [], False
    for destroyer in destroyers:
        for positions in destroyer.op.destroy_map.values():
            for k in positions:
                for reader in reading.get(destroyer.inputs[k], ()):
                    if reader is not destroyer:
                        edges.append((reader, destroyer))
                        late = late or position[reader] > position[destroyer]
    return edges if late else []


def _ordered(nodes, edges) -> list:
    """Kahn's algorithm over `nodes` with locality (see the module's text), each (a, b) of
    `edges` an extra constraint that a runs before b."""
    # Nodes by their position in `nodes`: lists indexed by position cost less than dicts
    # keyed by node (a 100,000-node chain is scheduled on every compile).
    position = {node: i for i, node in enumerate(nodes)}
    get = position.get
    clients = [[] for _ in nodes]
    waiting = [0] * len(nodes)
    for i, node in enumerate(nodes):
        # Each distinct owner once (most nodes have one or two inputs: a list is cheaper to
        # search than a set is to build; a sum of 10,000 terms gets a set).
        owners = [] if len(node.inputs) <= 8 else set()
        add = owners.append if isinstance(owners, list) else owners.add
        for var in node.inputs:
            j = get(var.owner)
            if j is not None and j not in owners:
                add(j)
                clients[j].append(i)
        waiting[i] = len(owners)
    for before, after in edges:
        clients[position[before]].append(position[after])
        waiting[position[after]] += 1
    # height: the number of nodes on the longest path from a node to an output, itself included.
    height = [0] * len(nodes)
    for i in range(len(nodes) - 1, -1, -1):
        tallest = 0
        for client in clients[i]:
            if height[client] > tallest:
                tallest = height[client]
        height[i] = tallest + 1

    def priority(i):
        # The stack pops its last element: the shortest height, then the earliest position.
        return (-height[i], -i)

    # Nodes that read only the graph's inputs start on the stack in depth-first order, the
    # first on top: each then runs when the work above it has drained, close to where its
    # result is needed, rather than early and held (a height would rank one read only at the
    # end of a long chain first).
    ready = [i for i in range(len(nodes) - 1, -1, -1) if waiting[i] == 0]
    order = []
    while ready:
        i = ready.pop()
        order.append(nodes[i])
        released = []
        for client in clients[i]:
            left = waiting[client] - 1
            waiting[client] = left
            if left == 0:
                released.append(client)
        if len(released) > 1:
            released.sort(key=priority)
        ready.extend(released)
    if len(order) < len(nodes):
        _no_order(nodes, order, edges)
    return order


def _no_order(nodes, order, edges):
    """InconsistencyError: a reader of an overwritten value depends on its destroyer."""
    done = set(order)
    for reader, destroyer in edges:
        if reader not in done and destroyer not in done:
            raise InconsistencyError(
                f"{destroyer.op.label} (built at {where(destroyer.outputs[0])}) overwrites a "
                f"value that {reader.op.label} (built at {where(reader.outputs[0])}) reads, "
                f"and that reader needs the overwriting op's result: no order computes both. "
                f"Give the in-place op a copy (x.copy()) or drop its destroy_map")
    raise InconsistencyError(f"{len(nodes) - len(order)} nodes could not be ordered")


def conditional_nodes(nodes, outputs) -> set:
    """The nodes of `nodes` whose value is needed only through some op's lazy inputs (an
    ifelse's branches): the evaluator runs them on demand, never in the schedule's order.

    Empty, after one pass over the ops, for a graph without lazy ops.

    >>> conditional_nodes(toposort([y]), [y])     # y = ifelse(c, exp(x), log(x))  # doctest: +SKIP
    {<Apply Exp>, <Apply Log>}
    """
    if not any(getattr(node.op, "lazy_inputs", ()) for node in nodes):
        return set()
    eager = set()
    stack = [var.owner for var in outputs if var.owner is not None]
    while stack:
        node = stack.pop()
        if node in eager:
            continue
        eager.add(node)
        lazy = getattr(node.op, "lazy_inputs", ())
        for position, var in enumerate(node.inputs):
            if position not in lazy and var.owner is not None and var.owner not in eager:
                stack.append(var.owner)
    return {node for node in nodes if node not in eager}
