"""In-place evaluation: an elementwise node, or a set/inc_subtensor, may write its result into
an input's array when nothing reads that array afterwards.

The rule decides on the schedule the evaluator will run (`fgraph.schedule()`, which replacing a
node by its in-place twin does not change: the twin has the same inputs and clients). An input's
array is reused only if it is not an input, shared variable or constant of the graph (nor a view
of one), not an output, and every other reader of it, or of any view of the same array, runs
earlier.
"""

from __future__ import annotations

import dataclasses

from graphlens.graph.schedule import conditional_nodes
from graphlens.rewrite.composite import Composite
from graphlens.rewrite.pattern import Replacement, graph_rewrite
from graphlens.tensor.elemwise import Elemwise
from graphlens.tensor.subtensor import IncSubtensor


def aliased_input(node):
    """The position of the input whose array `node`'s output may be (a view of), or None."""
    view_map = getattr(node.op, "view_map", None) or {}
    # Gradient stops and straight_through declare theirs too: each returns its input itself.
    return view_map[0][0] if view_map.get(0) else None


class ArrayOwners:
    """For each variable, the variable whose array it lives in (itself, unless it is a view)."""

    def __init__(self):
        self.base = {}

    def __call__(self, var):
        chain = []
        while var not in self.base:
            node = var.owner
            position = aliased_input(node) if node is not None else None
            if position is None:
                self.base[var] = var
                break
            chain.append(var)
            var = node.inputs[position]
        base = self.base[var]
        for link in chain:
            self.base[link] = base
        return base


def _candidates(node):
    """The input positions whose array `node` could take over for its result."""
    op = node.op
    if isinstance(op, IncSubtensor):
        return () if op.inplace else (0,)
    if isinstance(op, (Elemwise, Composite)) and not getattr(op, "destroyed", ()):
        return range(len(node.inputs))
    return ()


def destroyable_inputs(fgraph) -> list:
    """[(node, input position)] of nodes that may overwrite that input's array: elementwise
    nodes (any input of the result's dtype and shape) and set/inc_subtensor (the x it copies)."""
    order = fgraph.schedule()
    step = {node: i for i, node in enumerate(order)}
    never = len(order) + 1
    owner_of = ArrayOwners()
    # For each array: the last step that reads it, and how many reads happen at that step.
    last = {}

    def read(base, at):
        latest, count = last.get(base, (-1, 0))
        if at > latest:
            last[base] = (at, 1)
        elif at == latest:
            last[base] = (latest, count + 1)

    # A node an ifelse runs on demand runs when that ifelse does, not at its place in the
    # schedule: its reads count as last (nothing before may overwrite what it reads) and it
    # overwrites nothing itself (compile/lazy.py).
    conditional = conditional_nodes(order, fgraph.outputs)
    for node in order:
        at = never if node in conditional else step[node]
        for var in node.inputs:
            read(owner_of(var), at)
    for var in fgraph.outputs:
        read(owner_of(var), never)
    chosen = []
    for node in order:
        if node in conditional:
            continue
        out = node.outputs[0]
        for position in _candidates(node):
            var = node.inputs[position]
            base = owner_of(var)
            if base.owner is None or var.dtype != out.dtype or var.ndim != out.ndim:
                continue
            if any(dim == 1 and out_dim != 1 for dim, out_dim in zip(var.type.shape,
                                                                        out.type.shape)):
                continue        # it broadcasts: its array is smaller than the result
            if sum(1 for other in node.inputs if other is var) > 1:
                continue
            if last.get(base) == (step[node], 1):
                chosen.append((node, position))
                break
    return chosen


def inplace_twin(node, position):
    """`node` as its in-place twin: a set/inc_subtensor writing into x, or a Composite that may
    overwrite input `position`."""
    op = node.op
    if isinstance(op, IncSubtensor):
        return dataclasses.replace(op, inplace=True)(*node.inputs)
    if isinstance(op, Composite):
        # The same inner graph: its order is the fused op's, not walked again.
        return Composite.of_nodes(op.inner_inputs, op.inner_nodes(), (position,))(*node.inputs)
    inner_inputs = tuple(var.type(var.name) for var in node.inputs)
    inner = node.clone_with_new_inputs(list(inner_inputs))
    return Composite.of_nodes(inner_inputs, [inner], (position,))(*node.inputs)


@graph_rewrite("inplace", tags=("inplace",))
def elementwise_inplace(fgraph):
    """An elementwise or set/inc_subtensor result written into an input's array that nothing
    reads any more."""
    for node, position in destroyable_inputs(fgraph):
        # The twin reads the same inputs: it takes the node's place in the order and schedule.
        yield Replacement(node.outputs[0], inplace_twin(node, position), (node,), order="twin")
