"""Rules for the lazy ifelse: a condition known at compile time picks its branch, and an ifelse
whose two branches are the same value is that value. Neither makes a branch eager that was not
needed: the branch kept is the one every call would take.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Const, Pat, Var, constant_value, fits, rewrite
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
