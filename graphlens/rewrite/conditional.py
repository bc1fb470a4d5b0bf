"""Rules for the lazy ifelse: a condition known at compile time picks its branch, an ifelse
whose two branches are the same value is that value, and an ifelse of several pairs becomes one
per pair. Neither makes a branch eager that was not
needed: the branch kept is the one every call would take.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import (Const, Pat, Replacement, Var, constant_value, fits,
                                       graph_rewrite, rewrite)
from graphlens.tensor.conditional import IfElse

FAST = ("fast_compile", "ifelse")


@rewrite("canonicalize", Pat(IfElse, Const("condition"), Var("then_branch"), Var("else_branch"),
                             name="old"), tags=FAST)
def ifelse_constant_condition(condition, then_branch, else_branch, old):
    """ifelse(1, a, b) -> a; ifelse(0, a, b) -> b."""
    return fits(then_branch if constant_value(condition) else else_branch, old)


@rewrite("canonicalize", Pat(IfElse, Var("condition"), Var("branch"), Var("branch"), name="old"),
         tags=FAST)
def ifelse_same_branches(condition, branch, old):
    """ifelse(c, a, a) -> a (after merging, equal branches are one variable)."""
    return fits(branch, old)


@graph_rewrite("canonicalize", tags=FAST)
def ifelse_split(fgraph):
    """An ifelse of several pairs -> one ifelse per pair: each result then needs only its own
    branches (an unused pair's branches go away), and the rules above apply pair by pair."""
    for node in fgraph.nodes_of(IfElse):
        op = node.op
        if op.n_outs == 1:
            continue
        condition, branches = node.inputs[0], node.inputs[1:]
        single = IfElse(name=op.name)
        for k, old in enumerate(node.outputs):
            # The graph changes between replacements: once its last read result is replaced,
            # the node (and its unread results) leave the graph.
            if fgraph.clients.get(old):
                new = single(condition, branches[k], branches[op.n_outs + k])
                yield Replacement(old, new, (node,))
