"""In-place evaluation: an elementwise node, or a set/inc_subtensor, may write its result into
an input's array when nothing reads that array afterwards.

The rule decides on the schedule the evaluator will run (`fgraph.schedule()`, which making a
node in place does not change: the node stays, only its op changes, `change_op`). An input's
array is reused only if it is not an input (unless given as `In(x, mutable=True)`), shared
variable or constant of the graph (nor a view of one; a set/inc_subtensor may write into a
shared variable the function updates, as Theano's), not an output, and every other reader of
it, or of any view of the same array, runs earlier.
"""

from __future__ import annotations

import dataclasses

from graphlens.graph.schedule import conditional_nodes
from graphlens.rewrite.composite import Composite
from graphlens.rewrite.fusion import sited_variables
from graphlens.rewrite.pattern import Replacement, graph_rewrite
from graphlens.tensor.elemwise import Elemwise
from graphlens.tensor.subtensor import IncSubtensor


def aliased_input(node):
    """The position of the input whose array `node`'s output may be (a view of), or None."""
    view_map = getattr(node.op, "view_map", None)        # (no dict made for an op without)
    # Gradient stops and straight_through declare theirs too: each returns its input itself.
    return view_map[0][0] if view_map and view_map.get(0) else None


class ArrayOwners:
    """For each variable, the variable whose array it lives in (itself, unless it is a view)."""

    def __init__(self):
        self.base = {}

    def __call__(self, var):
        base = self.base.get(var)
        if base is not None:
            return base
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


def destroyable_inputs(fgraph) -> list:
    """[(node, input position)] of nodes that may overwrite that input's array: elementwise
    nodes (any input of the result's dtype and shape) and set/inc_subtensor (the x it copies).

    >>> destroyable_inputs(fgraph)          # y = exp(x) * 2: the product may write into exp's
    [(<Apply Mul>, 0)]                      # doctest: +SKIP
    """
    order = fgraph.schedule()
    never = len(order) + 1
    owner_of = ArrayOwners()
    bases = owner_of.base
    # For each array: 2 x the last step that reads it, + 1 if that step reads it twice or more
    # (one dict, one read and at most one store per input: 35,000 reads on the 10k DAG).
    last = {}
    # A node an ifelse runs on demand runs when that ifelse does, not at its place in the
    # schedule: its reads count as last (nothing before may overwrite what it reads) and it
    # overwrites nothing itself (compile/lazy.py).
    conditional = conditional_nodes(order, fgraph.outputs)
    # (step, node, positions): nodes that could overwrite an input; {op class: _kind}.
    candidates, kinds = [], {}
    for step, node in enumerate(order):
        at = never if conditional and node in conditional else step
        inputs = node.inputs
        for var in inputs:
            if (base := bases.get(var)) is None:    # owner_of(var), inline for a non-view:
                view = (owner := var.owner) is not None and getattr(owner.op, "view_map", None)
                base = owner_of(var) if view else bases.setdefault(var, var)
            latest, twice = last.get(base, -2), at + at
            if twice > latest:          # a later step than the last seen
                last[base] = twice
            elif twice == latest:       # the same step, a second read
                last[base] = twice + 1
        if at != step:
            continue
        kind = kinds.get(type(op := node.op))
        if kind is None:
            kind = kinds[type(op)] = _kind(type(op))
        if kind == 1 or kind == 2 and not op.destroyed:
            if len(node.outputs) == 1:
                candidates.append((step, node, range(len(inputs)), False))
        elif kind == 3 and not op.inplace:
            candidates.append((step, node, (0,), True))
    # An output's array (or the one it is a view of) is read after the last step, by the
    # caller: set, not counted, as only an entry of exactly 2 x a step (below `never`) lets a
    # step overwrite an array, so how often it is read then changes nothing.
    for var in fgraph.outputs:
        last[owner_of(var)] = never + never
    # The arguments the caller gave up (In(x, mutable=True)) may be overwritten like any
    # array made inside; other inputs, shared values and constants never are.
    mutable = getattr(fgraph, "mutable_inputs", ())
    # A shared variable the function updates is written into by a set/inc_subtensor only: it
    # keeps the region it overwrites, so a call failing later puts it back (the journal of
    # graph/overwrites.py); an elementwise op would have to keep all of the array.
    updated = getattr(fgraph, "updated_shared", ())
    chosen = []
    for step, node, positions, keeps_region in candidates:
        out_type = node.outputs[0].type
        inputs = node.inputs
        for position in positions:
            var = inputs[position]
            base = bases[var]           # every input was read above
            # Read by this step alone, once, and never later (an input read twice by the
            # node counts twice here: overwriting it would change the other read): its entry
            # is exactly 2 x this step; a graph input, shared variable or constant (an array
            # the caller owns) has no owner, and is overwritten only if the caller gave it up.
            if last.get(base) != step + step or (
                    base.owner is None and base not in mutable
                    and not (keeps_region and base in updated)):
                continue
            var_type = var.type
            if var_type is not out_type:
                if var_type.dtype != out_type.dtype or var_type.ndim != out_type.ndim:
                    continue
                if any(dim == 1 and out_dim != 1
                       for dim, out_dim in zip(var_type.shape, out_type.shape)):
                    continue        # it broadcasts: its array is smaller than the result
            chosen.append((node, position))
            break
    return chosen


def inplace_op(node, position, sited=None):
    """The op `node` runs to overwrite input `position`: a set/inc_subtensor writing into x, or
    a Composite that may overwrite that input (an elementwise op becomes one of one node).

    >>> inplace_op(T.exp(T.dot(x, w)).owner, 0).label        # doctest: +SKIP
    'Composite{exp(i0)}{destroyed=0}'
    """
    op = node.op
    if isinstance(op, IncSubtensor):
        return dataclasses.replace(op, inplace=True)
    if isinstance(op, Composite):       # its inner graph, in its order (not walked again)
        return Composite.of_nodes(op.inner_inputs, op.inner_nodes(), (position,))
    inner = node.clone_with_new_inputs(inner_inputs := sited_variables(node.inputs, sited))
    return Composite.of_nodes(inner_inputs, [inner], (position,))


@graph_rewrite("inplace", tags=("inplace",))
def elementwise_inplace(fgraph):
    """An elementwise or set/inc_subtensor result written into an input's array that nothing
    reads any more."""
    sited = {}      # the first inner input made, whose site every later one takes
    for node, position in destroyable_inputs(fgraph):
        # The node itself runs the in-place op: its inputs, outputs, clients and place in the
        # order and schedule stay (no twin node to import and swap in, 4,453 on the 10k DAG).
        out = node.outputs[0]
        yield Replacement(out, out, (node,), op=inplace_op(node, position, sited))


def _kind(cls) -> int:
    """What a node of op class `cls` may overwrite: 1 any input (elementwise), 2 any input
    unless it does already (a Composite), 3 x (a set/inc_subtensor not in place yet), 0 none."""
    if issubclass(cls, IncSubtensor):
        return 3
    if issubclass(cls, Composite):
        return 2
    return 1 if issubclass(cls, Elemwise) else 0
