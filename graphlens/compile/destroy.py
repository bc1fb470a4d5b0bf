"""Ops that overwrite their inputs, given by the user (Theano's `accept_inplace`).

Theano refused a graph holding an op with a `destroy_map` unless `function(...,
accept_inplace=True)`, and then refused what no order can make safe. graphlens does the same:
constants and the shared variables the function does not update are never overwritten, and one
value is overwritten at most once.
A function input the user's op overwrites itself is given up to it, as Theano's Supervisor
left such inputs unprotected: the argument's array is written into (the input counts as
`In(x, mutable=True)`, so an array passed for two arguments is copied first). The schedule
(graph/schedule.py) runs every other reader of an overwritten value before the op that
overwrites it.

>>> function([x], doubled_in_place(T.exp(x)), accept_inplace=True)        # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import GraphlensTypeError, InconsistencyError, describe, where
from graphlens.graph.basic import Constant
from graphlens.rewrite.inplace import aliased_input


def check_destroyers(order, inputs, shared_inputs, accept_inplace, updated=()) -> set:
    """Refuse the user's in-place ops in `order` (the graph's nodes) as Theano did; return the
    function inputs they overwrite (which the caller marks mutable).

    `inputs` are the function's In items, `shared_inputs` its shared variables, `updated` the
    shared variables it updates: Theano made those mutable, so an op may overwrite them.
    """
    destroyers = [node for node in order if node.op.destroy_map]
    if not destroyers:
        return set()
    if not accept_inplace:
        node = destroyers[0]
        raise GraphlensTypeError(
            f"function: the graph must not contain in-place operations: {node.op.label} "
            f"(built at {where(node.outputs[0])}) overwrites its input (destroy_map "
            f"{dict(node.op.destroy_map)}). Pass accept_inplace=True to compile it, as in "
            f"Theano; its other readers then run before it")
    arguments = {item.variable for item in inputs}
    overwritten = {}
    for node in destroyers:
        for positions in node.op.destroy_map.values():
            for k in positions:
                var = node.inputs[k]
                what = ("a constant" if isinstance(var, Constant) else
                        "a shared variable the function does not update"
                        if var in shared_inputs and var not in updated else None)
                if what is not None:
                    raise InconsistencyError(
                        f"{node.op.label} (built at {where(node.outputs[0])}) would overwrite "
                        f"{describe(var)}, {what}")
                if var in overwritten:
                    first = overwritten[var]
                    raise InconsistencyError(
                        f"{describe(var)} would be overwritten twice: by {first.op.label} "
                        f"(built at {where(first.outputs[0])}) and by {node.op.label} (built "
                        f"at {where(node.outputs[0])})")
                overwritten[var] = node
    return {var for var in overwritten if var in arguments}


def overwritten_inputs(fgraph) -> set:
    """The inputs of `fgraph` whose arrays a node of it overwrites, directly or through a view
    of them (`W[idx]` incremented in place writes into W).

    >>> overwritten_inputs(function([i], [], updates=[(W, T.inc_subtensor(W[i], 1.0))]).fgraph)
    {W}                                                       # doctest: +SKIP
    """
    inputs = set(fgraph.inputs)
    found = set()
    for node in fgraph.apply_nodes:
        for positions in (node.op.destroy_map or {}).values():
            for k in positions:
                var = node.inputs[k]
                # Down the chain of views to the array they live in (iterative: long chains).
                while var.owner is not None and (at := aliased_input(var.owner)) is not None:
                    var = var.owner.inputs[at]
                if var in inputs:
                    found.add(var)
    return found
