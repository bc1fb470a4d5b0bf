"""Theano's `theano.clone(output, replace=..., share_inputs=...)`: a copy of a graph with some
variables replaced, the user's graph left unchanged.

>>> x, y = T.dscalars('x', 'y'); z = x * 2 + 1
>>> pp(clone(z, replace={x: y}))          # doctest: +SKIP
'(y * 2.0) + 1'
"""

from __future__ import annotations

from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import Constant, Variable, clone_graph, graph_inputs


def clone(output, replace=None, strict=True, share_inputs=True):
    """A copy of the graph of `output` (a variable or a list), with `replace` applied.

    replace: {old: new} or a list of (old, new) pairs. strict: the new variable must have the
    type of the old one as Theano told types apart (dtype and broadcastable pattern: a
    constant of shape (16, 12) may replace a matrix); with False, any type its users accept. share_inputs: the copy reads
    the same root variables as `output` (True, Theano's default), or fresh copies of them
    (False); constants and shared variables are always shared.
    """
    pairs = list(replace.items()) if isinstance(replace, dict) else list(replace or [])
    memo = {}
    for old, new in pairs:
        if not isinstance(old, Variable):
            raise GraphlensTypeError(f"clone: replace keys must be variables, got {old!r:.60}")
        if strict and not _same_for_theano(old.type, getattr(new, "type", None)):
            raise GraphlensTypeError(
                f"clone: {describe(old)} cannot be replaced by {new!r:.60}"
                f"{' of type ' + str(new.type) if hasattr(new, 'type') else ''} with "
                f"strict=True: the types differ (pass strict=False to allow it)")
        memo[old] = new
    outputs = output if isinstance(output, (list, tuple)) else [output]
    if not share_inputs:
        for root in graph_inputs(outputs):
            if root not in memo and not isinstance(root, Constant) \
                    and not getattr(root, "is_shared", False):
                memo[root] = root.clone()
    cloned, _ = clone_graph(outputs, replace=memo)
    return cloned if isinstance(output, (list, tuple)) else cloned[0]


def _same_for_theano(old_type, new_type):
    """True when Theano's strict clone took `new_type` for `old_type`: equal, or tensor types
    of one dtype and broadcastable pattern that differ only in lengths graphlens knows and
    Theano had no place for (rnnrbm.py replaces a Gibbs chain's sample by a constant)."""
    if new_type == old_type:
        return True
    return (type(new_type) is type(old_type) and hasattr(old_type, "broadcastable")
            and new_type.dtype == old_type.dtype
            and new_type.broadcastable == old_type.broadcastable)
