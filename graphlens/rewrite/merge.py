"""Merge: equal constants become one constant, and equal computations one node (CSE).

Two constants are equal when their signatures (type, shape, bytes) are; two nodes when their ops
are equal and their inputs are the same variables. One walk in topological order suffices: by the
time a node is reached its inputs have already been merged. The node kept is the first in that
order, so the graph's order stays the same without the merged nodes (no walk after a merge).
"""

from __future__ import annotations

import warnings

from graphlens.errors import GraphlensWarning
from graphlens.graph.basic import Constant
from graphlens.rewrite.pattern import Replacement, graph_rewrite


@graph_rewrite("merge", tags=("fast_compile",))
def merge(fgraph):
    """Common sub-expressions and equal constants, computed once.

    >>> f = function([x], T.exp(x) + T.exp(x))     # one Exp node after merging
    """
    kept_constants = {}
    for var in list(fgraph.clients):
        if not isinstance(var, Constant) or not fgraph.clients.get(var):
            continue
        key = var.signature()
        kept = kept_constants.setdefault(key, var)
        if kept is not var:
            yield Replacement(var, kept, order="merge")
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
            # Never merged, and said once per op class: the op's props should be hashable.
            if type(node.op) not in unhashable:
                unhashable.add(type(node.op))
                warnings.warn(f"merge: {type(node.op).__name__} cannot be hashed ({exc}), so "
                              f"its duplicate nodes are not merged; make its props hashable "
                              f"(tuples, not lists)", GraphlensWarning, stacklevel=2)
            continue
        if kept is not node and kept in nodes:
            # Every output of a several-output node (a loop) moves to the kept twin.
            for old, new in zip(node.outputs, kept.outputs):
                if fgraph.clients.get(old):
                    yield Replacement(old, new, (node,), order="merge")
