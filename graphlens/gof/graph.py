"""Theano's `theano.gof.graph`: walking a graph between given inputs and outputs.

>>> x = T.dvector('x'); y = T.exp(x) + 1
>>> [node.op.label for node in io_toposort([x], [y])]
['Exp', 'Add']
"""

from __future__ import annotations

from graphlens.graph.basic import Apply, Constant, Variable, clone_graph, toposort  # noqa: F401
from graphlens.graph.basic import ancestors as basic_ancestors
from graphlens.graph.as_string import as_string  # noqa: F401,E402  (Theano's gof.graph.as_string)


def _listed(values):
    return list(values) if isinstance(values, (list, tuple)) else [values]


def ancestors(variable_list, blockers=None) -> list:
    """Every variable `variable_list` depends on, themselves included, not walking past
    `blockers` (which are included when reached).

    >>> ancestors([y], blockers=[x])                   # doctest: +SKIP
    """
    return basic_ancestors(_listed(variable_list), blockers or ())


def inputs(variable_list, blockers=None) -> list:
    """The variables without an owner (or in `blockers`) that `variable_list` depends on.

    >>> inputs([T.exp(x) + 1]) == [x, T.constant(1)]   # doctest: +SKIP
    """
    stop = set(blockers or ())
    return [var for var in ancestors(variable_list, blockers) if var.owner is None or var in stop]


def variables(i, o) -> list:
    """The variables from inputs `i` up to outputs `o`, both included."""
    return ancestors(o, blockers=i)


def io_toposort(inputs, outputs, orderings=None) -> list:
    """The Apply nodes between `inputs` and `outputs`, each after its inputs' owners
    (`orderings`, Theano's extra constraints, is accepted and not needed here)."""
    stop = set(_listed(inputs))
    if not stop:
        return toposort(_listed(outputs))
    # Nodes above the inputs only: walk down from the outputs, never past an input.
    inside = {var.owner for var in ancestors(outputs, blockers=stop)
              if var.owner is not None and var not in stop}
    return [node for node in toposort(_listed(outputs)) if node in inside]


def ops(i, o) -> list:
    """The Apply nodes between inputs `i` and outputs `o` (Theano's name)."""
    return io_toposort(i, o)


def clone(i, o, copy_inputs=True):
    """(new inputs, new outputs): a copy of the graph from `i` to `o`; with copy_inputs the
    inputs are copied too (fresh variables of the same types and names), else shared.

    >>> (x2,), (y2,) = clone([x], [y])                  # doctest: +SKIP
    """
    i, o = _listed(i), _listed(o)
    replace = {var: var.clone() for var in i} if copy_inputs else {}
    new_outputs, memo = clone_graph(o, replace=replace)
    return [memo.get(var, var) for var in i], new_outputs
