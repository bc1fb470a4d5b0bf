"""Merge: equal constants become one constant, and equal computations one node (CSE).

Two constants are equal when their signatures (type, shape, bytes) are; two nodes when their ops
are equal and their inputs are the same variables. One walk in topological order suffices: by the
time a node is reached its inputs have already been merged. The node kept is the first in that
order, so the graph's order stays the same without the merged nodes (no walk after a merge).
"""

from __future__ import annotations

import heapq
import warnings

from graphlens.errors import GraphlensWarning
from graphlens.graph.basic import Constant
from graphlens.graph.fg import OUTPUT
from graphlens.rewrite.pattern import Replacement, graph_rewrite


def merge_near(fgraph, changed):
    """What `merge` yields on a graph it merged before, where only the `changed` nodes (new,
    or with inputs replaced) may have a twin now, in the same order: a time in proportion to
    the changes and their readers, not to the graph.

    A twin reads the very same inputs, so it is among the readers of the node's least-read
    input. Nodes are taken in topological order, as `merge` walks, and each is merged into
    its earliest twin; the readers of a merged node have new inputs, so they are taken too.
    """
    yield from _merge_constants(fgraph)
    nodes = fgraph.apply_nodes
    position = {node: i for i, node in enumerate(fgraph.toposort())}
    heap = [(position[node], node) for node in dict.fromkeys(changed) if node in nodes]
    heapq.heapify(heap)
    done = set()
    unhashable = set()
    while heap:
        at, node = heapq.heappop(heap)
        if node in done or node not in nodes or node.op.draws_random:
            continue
        done.add(node)
        try:
            hash(node.op)
        except TypeError as exc:
            _warn_unhashable(node.op, exc, unhashable)
            continue
        kept = node
        for twin in _twins(fgraph, node):
            if position[twin] < position[kept]:
                kept = twin
            elif twin not in done:
                heapq.heappush(heap, (position[twin], twin))
        if kept is node:
            continue
        for old, new in zip(node.outputs, kept.outputs):
            readers = fgraph.clients.get(old)
            if readers:
                for client, _ in readers:
                    if client != OUTPUT and client not in done:
                        heapq.heappush(heap, (position[client], client))
                yield Replacement(old, new, (node,), order="merge")


def _twins(fgraph, node) -> list:
    """The other nodes of the graph with `node`'s op on the very same inputs."""
    inputs = node.inputs
    if not inputs:
        return [other for other in fgraph.nodes_of(type(node.op))
                if other is not node and not other.inputs and other.op == node.op]
    least = min(inputs, key=lambda var: len(fgraph.clients.get(var, ())))
    twins = []
    for other, _ in fgraph.clients.get(least, ()):
        if other == OUTPUT or other is node or other in twins:
            continue
        if len(other.inputs) == len(inputs) and all(
                a is b for a, b in zip(other.inputs, inputs)) and other.op == node.op \
                and not other.op.draws_random:
            twins.append(other)
    return twins


def _merge_constants(fgraph):
    kept_constants = {}
    for var in list(fgraph.clients):
        if not isinstance(var, Constant) or not fgraph.clients.get(var):
            continue
        key = var.signature()
        kept = kept_constants.setdefault(key, var)
        if kept is not var:
            yield Replacement(var, kept, order="merge")


def _warn_unhashable(op, exc, unhashable):
    # Never merged, and said once per op class: the op's props should be hashable.
    if type(op) not in unhashable:
        unhashable.add(type(op))
        warnings.warn(f"merge: {type(op).__name__} cannot be hashed ({exc}), so "
                      f"its duplicate nodes are not merged; make its props hashable "
                      f"(tuples, not lists)", GraphlensWarning, stacklevel=3)


@graph_rewrite("merge", tags=("fast_compile",), near=merge_near)
def merge(fgraph):
    """Common sub-expressions and equal constants, computed once.

    >>> f = function([x], T.exp(x) + T.exp(x))     # one Exp node after merging
    """
    yield from _merge_constants(fgraph)
    kept_nodes = {}
    unhashable = set()
    nodes = fgraph.apply_nodes
    for node in list(fgraph.toposort()):
        if node not in nodes or node.op.draws_random:
            continue     # two draws are two independent samples, even of equal inputs
        key = (node.op, tuple(node.inputs))
        try:
            kept = kept_nodes.setdefault(key, node)
        except TypeError as exc:
            _warn_unhashable(node.op, exc, unhashable)
            continue
        if kept is not node and kept in nodes:
            # Every output of a several-output node (a loop) moves to the kept twin.
            for old, new in zip(node.outputs, kept.outputs):
                if fgraph.clients.get(old):
                    yield Replacement(old, new, (node,), order="merge")
