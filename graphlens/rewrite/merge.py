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


def merge_near(fgraph, changed, index):
    """What `merge` yields, in the same order, on a graph where only the `changed` nodes (new,
    or with inputs replaced) may have a twin since `index` was filled; `changed` None: the
    whole graph is walked (as `merge`) and `index` filled, {(op, inputs): the node kept}.

    A time in proportion to the changes and their readers, not to the graph: the nodes are
    taken in topological order, as `merge` walks; each is merged into its twin if that comes
    first, and the readers of a merged node (their inputs changed) are taken too. An entry of
    `index` whose node has gone or reads other inputs by now is stale and ignored.
    """
    yield from _merge_constants(fgraph)
    nodes = fgraph.apply_nodes
    unhashable = set()
    if changed is None:
        index.clear()
        for node in list(fgraph.toposort()):
            if node not in nodes or node.op.draws_random:
                continue     # two draws are two independent samples, even of equal inputs
            key = (node.op, tuple(node.inputs))
            try:
                kept = index.setdefault(key, node)
            except TypeError as exc:
                _warn_unhashable(node.op, exc, unhashable)
                continue
            if kept is not node and kept in nodes:
                # Every output of a several-output node (a loop) moves to the kept twin.
                for old, new in zip(node.outputs, kept.outputs):
                    if fgraph.clients.get(old):
                        yield Replacement(old, new, (node,), order="merge")
        return
    position = {node: i for i, node in enumerate(fgraph.toposort())}
    # The changed nodes sorted once, a heap only for those pushed on the way (readers of a
    # merged node, a later twin; each after its pusher): the order of one heap of all of them
    # (positions are distinct), without a heap pop per changed node (17,000 after fusion).
    first = sorted([(position[node], node) for node in set(changed) if node in nodes])
    heap = []
    done = set()
    at, end = 0, len(first)
    while at < end or heap:
        if heap and (at == end or heap[0][0] < first[at][0]):
            _, node = heapq.heappop(heap)
        else:
            node = first[at][1]
            at += 1
        if node in done or node not in nodes or node.op.draws_random:
            continue
        done.add(node)
        key = (node.op, tuple(node.inputs))
        try:
            # One hash of the key (a fused op's hashes its fields) to look up and to enter.
            twin = index.setdefault(key, node)
        except TypeError as exc:
            _warn_unhashable(node.op, exc, unhashable)
            continue
        if twin is node:
            continue
        if twin not in nodes or not _reads(twin, key[1]):
            index[key] = node
            continue
        if position[twin] > position[node]:
            # The twin comes later: it is merged into this node when its turn comes.
            index[key] = node
            heapq.heappush(heap, (position[twin], twin))
            continue
        for old, new in zip(node.outputs, twin.outputs):
            readers = fgraph.clients.get(old)
            if readers:
                for client, _ in readers:
                    if client != OUTPUT and client not in done:
                        heapq.heappush(heap, (position[client], client))
                yield Replacement(old, new, (node,), order="merge")


def _reads(node, inputs) -> bool:
    """True when `node` reads the very variables `inputs`, in that order."""
    return len(node.inputs) == len(inputs) and all(a is b for a, b in zip(node.inputs, inputs))


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
    return merge_near(fgraph, None, {})


# Below the rule, so that its line (in every RewriteRecord and the gallery's pictures) stays.
def _merge_constants(fgraph):
    """A Replacement of each constant by the first equal one (by signature) in the client map."""
    kept_constants = {}
    for var in list(fgraph.clients):
        if not isinstance(var, Constant) or not fgraph.clients.get(var):
            continue
        key = var.signature()
        kept = kept_constants.setdefault(key, var)
        if kept is not var:
            yield Replacement(var, kept, order="merge")
