"""Rewrites of loops: work that is the same at every step moves out, and the step graph itself
goes through the rewrites (merge, constant folding, stabilization, fusion, in-place).

Both replace a Scan node by a new one on the same outer inputs, every output at once; the
RewriteLog records it like any replacement, so the "after" picture colours the loop's box by
the rule that made it.
"""

from __future__ import annotations

import dataclasses

from graphlens.graph.basic import Constant, clone_graph, graph_inputs, toposort
from graphlens.rewrite.pattern import Replacement, graph_rewrite
from graphlens.scan.op import Scan


def _scan_nodes(fgraph):
    return [node for node in fgraph.toposort() if isinstance(node.op, Scan)]


def _replace_node(fgraph, node, new_outputs):
    for old, new in zip(node.outputs, new_outputs):
        if fgraph.clients.get(old):
            yield Replacement(old, new, (node,))


@graph_rewrite("canonicalize", tags=("scan", "scan_hoist"))
def scan_hoist_invariants(fgraph):
    """A step computation that reads only non-sequences (and constants), like `W.T` or
    `dot(x0, W)` on a non-sequence x0, is computed once before the loop, not at every step."""
    for node in _scan_nodes(fgraph):
        if node not in fgraph.apply_nodes or node.op.rewritten:
            continue
        hoisted = hoist_invariants(node)
        if hoisted is not None:
            yield from _replace_node(fgraph, node, hoisted)


def hoist_invariants(node):
    """The outputs of a Scan node equal to `node` with its loop-invariant work outside, or None
    when there is nothing to move."""
    op = node.op
    plan = op.hoist_plan
    if plan is None:
        return None
    new_op, wanted, kept = plan
    n_before = op.n_sequences + op.n_tap_inputs
    ns_inner = list(op.inner_inputs[n_before:])
    ns_outer = node.inputs[1 + op.n_sequences + op.n_states:]
    outer_values, _ = clone_graph(wanted, replace=dict(zip(ns_inner, ns_outer)))
    sources = list(ns_outer) + outer_values
    outer_fixed = node.inputs[:1 + op.n_sequences + op.n_states]
    return new_op.make_node(*(outer_fixed + [sources[k] for k in kept])).outputs


def hoist_plan(op):
    """(new op, invariant inner values moved out, which of [non-sequences + moved values] the
    new op reads) for a Scan op, or None when no step computation is loop-invariant."""
    n_before = op.n_sequences + op.n_tap_inputs
    ns_inner = list(op.inner_inputs[n_before:])
    invariant = set(ns_inner)
    inner_nodes = toposort(list(op.inner_outputs))
    for inner in inner_nodes:
        if inner.inputs and all(var in invariant or isinstance(var, Constant)
                                for var in inner.inputs) \
                and any(var in invariant for var in inner.inputs) \
                and not getattr(inner.op, "destroy_map", None):
            invariant.update(inner.outputs)
    # Hoist the invariant values a step-dependent node (or an output) reads.
    wanted = []
    for inner in inner_nodes:
        if inner.outputs[0] in invariant:
            continue
        for var in inner.inputs:
            if var in invariant and var.owner is not None and var not in wanted:
                wanted.append(var)
    for var in op.inner_outputs:
        if var in invariant and var.owner is not None and var not in wanted:
            wanted.append(var)
    if not wanted:
        return None
    stand_ins = [var.type(var.name) for var in wanted]
    new_outputs, _ = clone_graph(list(op.inner_outputs), replace=dict(zip(wanted, stand_ins)))
    used = set(graph_inputs(new_outputs))
    kept = [k for k, inner in enumerate(ns_inner + stand_ins) if inner in used]
    candidates = ns_inner + stand_ins
    new_op = dataclasses.replace(
        op, inner_inputs=tuple(op.inner_inputs[:n_before]) + tuple(candidates[k] for k in kept),
        inner_outputs=tuple(new_outputs))
    return new_op, wanted, kept


@graph_rewrite("specialize", tags=("scan", "scan_inner"))
def scan_rewrite_inner_graph(fgraph):
    """The step graph rewritten once, as a function of its own (its RewriteLog kept on the op):
    the loop then runs the optimized step, compiled only once."""
    for node in _scan_nodes(fgraph):
        if node not in fgraph.apply_nodes or node.op.rewritten:
            continue
        yield from _replace_node(fgraph, node, node.op.rewritten_twin.make_node(
            *node.inputs).outputs)
