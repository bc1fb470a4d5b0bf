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
from graphlens.scan.op import Scan, step_name
from graphlens.errors import GraphlensError
from graphlens.tensor.blas import Dot, dot
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.math import Add
from graphlens.tensor.shape import reshape


def _scan_nodes(fgraph):
    return fgraph.nodes_of(Scan)


def _replace_node(fgraph, node, new_outputs):
    for old, new in zip(node.outputs, new_outputs):
        if new is not None and fgraph.clients.get(old):
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
    # Named for what they are: computed once before the loop (`pre1`), or per step (`pre1[t]`).
    stand_ins = [var.type(var.name or f"pre{k}") for k, var in enumerate(wanted)]
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


@graph_rewrite("canonicalize", tags=("scan", "scan_dead_outputs"))
def scan_drop_unused_outputs(fgraph):
    """Loop outputs nothing reads are not computed: a per-step output without readers, or a
    final-only state (a gradient's running sum, say) that only feeds itself. Gradients through
    time compute every input's gradient; those not asked for go here."""
    for node in _scan_nodes(fgraph):
        if node not in fgraph.apply_nodes or node.op.rewritten:
            continue
        read = [bool(fgraph.clients.get(out)) for out in node.outputs]
        if all(read):
            continue
        key = ("unread", tuple(read))
        if key not in node.op.rewrite_cache:
            node.op.rewrite_cache[key] = without_outputs(node, read)
        smaller = _on_node(node, node.op.rewrite_cache[key])
        if smaller is not None:
            yield from _replace_node(fgraph, node, smaller)


def _on_node(node, plan):
    """The new node's outputs aligned with node.outputs (None where dropped), or None."""
    if plan is None:
        return None
    new_op, seq_keep, keep_states, ns_outer_keep, old_positions = plan
    outer, n_seq = node.inputs, node.op.n_sequences
    new_outputs = new_op.make_node(
        outer[0], *([outer[1 + i] for i in seq_keep] + [outer[1 + n_seq + k] for k in keep_states]
                    + [outer[i] for i in ns_outer_keep])).outputs
    aligned = [None] * len(node.outputs)
    for new, old in zip(new_outputs, old_positions):
        aligned[old] = new
    return aligned


def without_outputs(node, read):
    """How to rebuild a Scan node like `node` without the unread outputs it can drop: (new op,
    sequences kept, states kept, outer positions of non-sequences kept, old output positions
    of the new outputs), or None when none can go."""
    op = node.op
    n_seq, n_states = op.n_sequences, op.n_states
    tap_start = [n_seq + sum(len(taps) for taps in op.taps[:k]) for k in range(n_states)]
    ns_start = n_seq + op.n_tap_inputs
    # A state can go when unread outside and no other inner output reads its earlier values.
    droppable = set()
    for k in range(n_states):
        if read[k] or not op.finals[k]:
            continue
        own = set(op.inner_inputs[tap_start[k]:tap_start[k] + len(op.taps[k])])
        others = [out for j, out in enumerate(op.inner_outputs) if j != k]
        if not own & set(graph_inputs(others)):
            droppable.add(k)
    per_step_drop = {n_states + p for p in range(op.n_per_step) if not read[n_states + p]}
    if not droppable and not per_step_drop:
        return None
    keep_states = [k for k in range(n_states) if k not in droppable]
    keep_per_step = [j for j in range(n_states, n_states + op.n_per_step)
                     if j not in per_step_drop]
    outputs = [op.inner_outputs[j] for j in keep_states + keep_per_step]
    if op.has_condition:
        outputs.append(op.inner_outputs[-1])
    tap_inputs = [var for k in keep_states
                  for var in op.inner_inputs[tap_start[k]:tap_start[k] + len(op.taps[k])]]
    used = set(graph_inputs(outputs))
    seq_keep = [i for i in range(n_seq) if op.inner_inputs[i] in used]
    ns_keep = [i for i in range(ns_start, len(op.inner_inputs)) if op.inner_inputs[i] in used]
    new_op = dataclasses.replace(
        op, inner_inputs=tuple([op.inner_inputs[i] for i in seq_keep] + tap_inputs
                               + [op.inner_inputs[i] for i in ns_keep]),
        inner_outputs=tuple(outputs), n_sequences=len(seq_keep),
        taps=tuple(op.taps[k] for k in keep_states),
        finals=tuple(op.finals[k] for k in keep_states), n_per_step=len(keep_per_step))
    ns_outer_keep = [1 + n_seq + n_states + (i - ns_start) for i in ns_keep]
    return new_op, seq_keep, keep_states, ns_outer_keep, keep_states + keep_per_step


@graph_rewrite("canonicalize", tags=("scan", "scan_hoist_sequences"))
def scan_hoist_sequence_work(fgraph):
    """Step work that reads only sequence elements and non-sequences, like `x[t] @ W_in` or
    `c[t] * z ** p[t]`, runs once over the whole sequence before the loop (one large product
    instead of n small ones); the step reads its result as a sequence."""
    for node in _scan_nodes(fgraph):
        if node not in fgraph.apply_nodes or node.op.rewritten:
            continue
        hoisted = hoist_sequence_work(node)
        if hoisted is not None:
            yield from _replace_node(fgraph, node, hoisted)


def _over_steps(inner, outer_inputs, per_step):
    """`inner` (a step node) applied to whole sequences: `outer_inputs` carry a leading steps
    axis where `per_step` is True. None for ops that are not known to map over that axis."""
    op = inner.op
    if isinstance(op, Elemwise):
        step_ndim = inner.outputs[0].ndim
        # Broadcasting aligns trailing axes: a per-step value must have the step's full rank
        # (so the steps axis lands in front), a value read whole any rank up to it.
        fits = all(var.ndim == step_ndim if per else var.ndim <= step_ndim
                   for var, per in zip(inner.inputs, per_step))
        return op.make_node(*outer_inputs).outputs[0] if fits else None
    if isinstance(op, Dot) and per_step[0] and not per_step[1]:
        return dot(*outer_inputs)
    return None


def hoist_sequence_work(node):
    """The outputs of a Scan node like `node` whose sequence-only step work runs before the
    loop, or None when there is none."""
    # From the stabilized step: a formula the stabilizing rules read whole is rewritten
    # before any of it leaves the loop.
    op = node.op.stabilized_twin
    n_seq = op.n_sequences
    ns_start = n_seq + op.n_tap_inputs
    steps = node.inputs[0]
    outer_of = {}
    for i in range(n_seq):
        outer_of[op.inner_inputs[i]] = node.inputs[1 + i][:steps]
    for i in range(ns_start, len(op.inner_inputs)):
        outer_of[op.inner_inputs[i]] = node.inputs[1 + n_seq + op.n_states + (i - ns_start)]
    per_step = {op.inner_inputs[i] for i in range(n_seq)}
    whole = {op.inner_inputs[i] for i in range(ns_start, len(op.inner_inputs))}
    moved = {}
    inner_nodes = toposort(list(op.inner_outputs))
    for inner in inner_nodes:
        flags = [var in per_step or var in moved for var in inner.inputs]
        if not any(flags) or not all(
                flag or var in whole or isinstance(var, Constant)
                for flag, var in zip(flags, inner.inputs)):
            continue
        if len(inner.outputs) != 1 or getattr(inner.op, "destroy_map", None):
            continue
        outer_inputs = [moved.get(var, outer_of.get(var, var)) for var in inner.inputs]
        try:
            outer = _over_steps(inner, outer_inputs, flags)
        except GraphlensError:
            outer = None
        if outer is not None:
            moved[inner.outputs[0]] = outer
    wanted = []
    for inner in inner_nodes:
        if inner.outputs[0] in moved:
            continue
        wanted += [var for var in inner.inputs if var in moved and var not in wanted]
    wanted += [var for var in op.inner_outputs if var in moved and var not in wanted]
    if not wanted:
        return None
    key = ("sequences", tuple(wanted))
    if key not in op.rewrite_cache:
        op.rewrite_cache[key] = _sequence_twin(op, wanted)
    new_op, seq_keep, ns_keep = op.rewrite_cache[key]
    outer = node.inputs
    return new_op.make_node(
        steps, *([outer[1 + i] for i in seq_keep] + [moved[var] for var in wanted]
                 + list(outer[1 + n_seq:1 + n_seq + op.n_states])
                 + [outer[1 + n_seq + op.n_states + (i - ns_start)] for i in ns_keep])).outputs


def _sequence_twin(op, wanted):
    """(the op reading `wanted` as new sequences, sequences kept, non-sequences kept)."""
    n_seq = op.n_sequences
    ns_start = n_seq + op.n_tap_inputs
    stand_ins = [var.type(step_name(var.name or f"seq_pre{k}", op.index))
                 for k, var in enumerate(wanted)]
    new_outputs, _ = clone_graph(list(op.inner_outputs), replace=dict(zip(wanted, stand_ins)))
    used = set(graph_inputs(new_outputs))
    seq_keep = [i for i in range(n_seq) if op.inner_inputs[i] in used]
    ns_keep = [i for i in range(ns_start, len(op.inner_inputs)) if op.inner_inputs[i] in used]
    new_op = dataclasses.replace(
        op, inner_inputs=tuple([op.inner_inputs[i] for i in seq_keep] + stand_ins
                               + list(op.inner_inputs[n_seq:ns_start])
                               + [op.inner_inputs[i] for i in ns_keep]),
        inner_outputs=tuple(new_outputs), n_sequences=len(seq_keep) + len(stand_ins))
    return new_op, seq_keep, ns_keep


@graph_rewrite("canonicalize", tags=("scan", "scan_sum_of_products"))
def scan_sum_of_products_after_loop(fgraph):
    """A running sum of products `acc + x[t].T @ v[t]` (how a gradient through time adds up a
    weight's gradient) becomes one product after the loop, X.T @ V over every step at once: the
    step only emits v[t]. Theano's scan did the same ("push out dot")."""
    for node in _scan_nodes(fgraph):
        if node not in fgraph.apply_nodes or node.op.rewritten:
            continue
        key = ("sum_of_products",)
        if key not in node.op.rewrite_cache:
            node.op.rewrite_cache[key] = sum_of_products_plan(node.op)
        plan = node.op.rewrite_cache[key]
        if plan is not None:
            yield from _replace_node(fgraph, node, _sum_after_loop(node, plan))


def _product_operands(var, sequences):
    """(sequence stand-in s, per-step value v) when `var` is s.T @ v (matrices) or the outer
    product s[:, None] @ v[None, :] (vectors), with s one of `sequences`; else None."""
    node = var.owner
    if node is None or not isinstance(node.op, Dot):
        return None
    left, right = node.inputs
    shuffle = left.owner
    if shuffle is None or not isinstance(shuffle.op, DimShuffle):
        return None
    s = shuffle.inputs[0]
    if s not in sequences:
        return None
    if shuffle.op.new_order == (1, 0) and s.ndim == 2 and right.ndim == 2:
        return s, right
    pad = right.owner
    if shuffle.op.new_order == (0, "x") and s.ndim == 1 and pad is not None and isinstance(
            pad.op, DimShuffle) and pad.op.new_order == ("x", 0):
        return s, pad.inputs[0]
    return None


def sum_of_products_plan(op):
    """(new op, {state: (sequence position, per-step output position)}, old output positions
    of the new op's outputs) for the running sums of products of a Scan op, or None."""
    n_seq, n_states = op.n_sequences, op.n_states
    tap_start = [n_seq + sum(len(taps) for taps in op.taps[:k]) for k in range(n_states)]
    sequences = set(op.inner_inputs[:n_seq])
    references = {}
    for inner in toposort(list(op.inner_outputs)):
        for var in inner.inputs:
            references[var] = references.get(var, 0) + 1
    found = {}
    for k in range(n_states):
        out = op.inner_outputs[k]
        if not op.finals[k] or op.taps[k] != (-1,) or out.owner is None \
                or not isinstance(out.owner.op, Add) or len(out.owner.inputs) != 2:
            continue
        running = op.inner_inputs[tap_start[k]]
        first, second = out.owner.inputs
        product = second if first is running else first if second is running else None
        if product is None or references.get(running, 0) != 1 or running in op.inner_outputs:
            continue
        operands = _product_operands(product, sequences)
        if operands is not None:
            found[k] = operands
    if not found:
        return None
    keep_states = [k for k in range(n_states) if k not in found]
    per_step = list(op.inner_outputs[n_states:n_states + op.n_per_step])
    emitted = []            # each per-step value once, though several sums may read it
    for k in sorted(found):
        if found[k][1] not in emitted:
            emitted.append(found[k][1])
    outputs = [op.inner_outputs[k] for k in keep_states] + per_step + emitted
    if op.has_condition:
        outputs.append(op.inner_outputs[-1])
    tap_inputs = [var for k in keep_states
                  for var in op.inner_inputs[tap_start[k]:tap_start[k] + len(op.taps[k])]]
    new_op = dataclasses.replace(
        op, inner_inputs=tuple(op.inner_inputs[:n_seq]) + tuple(tap_inputs)
        + tuple(op.inner_inputs[n_seq + op.n_tap_inputs:]), inner_outputs=tuple(outputs),
        taps=tuple(op.taps[k] for k in keep_states),
        finals=tuple(op.finals[k] for k in keep_states), n_per_step=len(per_step) + len(emitted))
    sums = {k: (list(op.inner_inputs).index(found[k][0]),
                len(keep_states) + len(per_step) + emitted.index(found[k][1]))
            for k in sorted(found)}
    old_positions = keep_states + list(range(n_states, n_states + op.n_per_step))
    return new_op, keep_states, sums, old_positions


def _sum_after_loop(node, plan):
    """The node's outputs with each running sum of products computed after the loop."""
    new_op, keep_states, sums, old_positions = plan
    op, outer = node.op, node.inputs
    n_seq, n_states = op.n_sequences, op.n_states
    new_outputs = new_op.make_node(
        outer[0], *(outer[1:1 + n_seq] + [outer[1 + n_seq + k] for k in keep_states]
                    + outer[1 + n_seq + n_states:])).outputs
    aligned = [None] * len(node.outputs)
    for new, old in zip(new_outputs, old_positions):
        aligned[old] = new
    for k, (sequence, emitted) in sums.items():
        values = new_outputs[emitted]
        steps = outer[1 + sequence][:values.shape[0]]
        left = reshape(steps, (-1, steps.shape[-1]))
        right = reshape(values, (-1, values.shape[-1]))
        aligned[k] = outer[1 + n_seq + k] + dot(left.T, right)    # the starting value + sum
    return aligned
