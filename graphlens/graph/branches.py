"""What a lazy choice skips: the nodes computed only for one branch of an ifelse.

A lazy op (ifelse) computes only the branch its condition picks (graph/op.py `branch_inputs`).
A node whose every use leads into one branch of such a choice runs only when that branch is
taken; one whose uses lead into several branches of it (and nowhere else) runs whenever the
choice runs, whichever branch it takes. Pictures colour both (Theano's pydotprint
`cond_highlight`), so a user sees what the lazy ifelse saves and what it does not.

>>> import graphlens.tensor as T
>>> from graphlens.ifelse import ifelse
>>> a, b = T.dscalars('a', 'b')
>>> e = T.exp(a)
>>> z = ifelse(T.lt(a, b), e, T.log(b))
>>> marks = branch_marks([z])
>>> sorted((node.op.label, branches) for node, [(_, branches)] in marks.items())
[('Exp', ('then',)), ('Log', ('else',))]
>>> [node.op.label for node in branch_marks([z, e])]   # e is an output too: it always runs
['Log']
"""

from __future__ import annotations

from graphlens.graph.basic import ancestors, toposort


def branch_marks(outputs, nodes=None) -> dict:
    """{node: [(choice node, branch names)]} for every node that runs only for some branches
    of a lazy choice in the graph of `outputs`: ('then',) only when the condition holds,
    ('then', 'else') whichever branch is taken (it is computed only when the choice runs).
    A node inside nested choices has one entry per choice, innermost first. `nodes`: the
    graph's nodes in topological order, when the caller has them.

    >>> marks = branch_marks([z])                      # doctest: +SKIP
    """
    nodes = list(nodes) if nodes is not None else toposort(list(outputs))
    uses = _uses(nodes, outputs)
    position = {node: number for number, node in enumerate(nodes)}
    marks = {}
    # Innermost first: a choice nested in another's branch comes earlier in the order.
    for choice in nodes:
        if choice.op.branch_inputs:
            for node, names in _only_for(choice, position, uses).items():
                marks.setdefault(node, []).append((choice, names))
    return marks


def _uses(nodes, outputs) -> dict:
    """{variable: [(node, input position), ...]}, a graph output used by None."""
    uses = {}
    for node in nodes:
        for position, var in enumerate(node.inputs):
            uses.setdefault(var, []).append((node, position))
    for var in outputs:
        uses.setdefault(var, []).append((None, None))
    return uses


def _only_for(choice, position, uses) -> dict:
    """{node: branch names} for the nodes every use of which leads into `choice`'s branches."""
    # Input position -> {branch name}: a use of a branch input marks that branch alone.
    branch_of = {place: frozenset((name,)) for name, places in choice.op.branch_inputs
                 for place in places}
    names_of = {}       # node -> frozenset of branch names
    # Only the branches' ancestors can be marked; they are walked from the choice upward
    # (reverse topological order), so each node's users are decided before it. Iteration,
    # not recursion, for graphs of any depth.
    above = {var.owner for var in ancestors([choice.inputs[place] for place in branch_of])
             if var.owner is not None}
    for node in sorted(above, key=position.__getitem__, reverse=True):
        names = _branches_reading(node, choice, branch_of, names_of, uses)
        if names:
            names_of[node] = names
    return {node: tuple(name for name, _ in choice.op.branch_inputs if name in names)
            for node, names in names_of.items()}


def _branches_reading(node, choice, branch_of, names_of, uses):
    """The branches every use of `node`'s outputs leads into, or None when one use leads
    elsewhere: the choice's condition, a node below it or needed elsewhere, a graph output
    (whose user is None). Then the node runs on every call."""
    found = frozenset()
    for out in node.outputs:
        for user, place in uses.get(out, ()):
            names = branch_of.get(place) if user is choice else names_of.get(user)
            if names is None:
                return None
            found |= names
    return found
