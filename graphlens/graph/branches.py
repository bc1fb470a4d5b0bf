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

from graphlens.graph.basic import toposort


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
    branch_of = {place: name for name, places in choice.op.branch_inputs for place in places}
    order = list(choice.op.branch_inputs)
    names_of = {}       # node -> frozenset of branch names
    # Only the branches' ancestors can be marked; they are walked from the choice upward
    # (reverse topological order), so each node's users are decided before it. Iteration,
    # not recursion, for graphs of any depth.
    for node in sorted(_ancestors(choice, branch_of), key=position.__getitem__, reverse=True):
        found = set()
        for out in node.outputs:
            for user, position in uses.get(out, ()):
                if user is choice:
                    name = branch_of.get(position)
                else:
                    # A user below the choice, or one of no branch: needed elsewhere.
                    names = names_of.get(user)
                    name = None if names is None else names
                if name is None:
                    found = None
                    break
                if isinstance(name, str):
                    found.add(name)
                else:
                    found |= name
            if found is None:
                break
        if found:
            names_of[node] = frozenset(found)
    return {node: tuple(name for name, _ in order if name in names)
            for node, names in names_of.items()}


def _ancestors(choice, branch_of) -> set:
    """The nodes that the branch inputs of `choice` are computed from."""
    found = set()
    stack = [choice.inputs[place].owner for place in branch_of]
    while stack:
        node = stack.pop()
        if node is None or node in found:
            continue
        found.add(node)
        stack.extend(var.owner for var in node.inputs)
    return found
