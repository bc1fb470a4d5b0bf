"""Finding a variable a person names (`W1`, `W_2`, `cost`) in a view of a graph.

A name means the variable of the view whose `name` it is. When several different variables
share a name, they are told apart the way the printers do (`printer/naming.py`'s NameTable): in
the order a walk of the graph meets them (the view's inputs, then each op's inputs and outputs
in topological order), the first is `W`, the second `W_2`, the third `W_3`. A name no variable
carries may still be one the model file binds (`cost = ...`, passed as `bindings`); that
variable, built in the user's graph, is then located in the view (a compiled function draws
copies of it: `locate`).

>>> find_variable("W_2", view)                   # the second variable named W  # doctest: +SKIP
W
"""

from __future__ import annotations

import re

from graphlens.errors import FocusError, where
from graphlens.graph.basic import Constant, Variable, toposort
from graphlens.printer.naming import graph_names
from graphlens.render.origins import match_clones, origins_of

_NUMBERED = re.compile(r"(.+)_(\d+)$")
_MAX_LISTED = 20


def named_variables(view, nodes=None) -> dict:
    """{name: [the distinct variables of `view` carrying it, in walk order]}; `nodes`: the
    view's topological order, when the caller has it.

    >>> named_variables(views(T.dvector('W') + T.dvector('W'), 'after')[0])  # doctest: +SKIP
    {'W': [W, W]}
    """
    found = {}
    seen = set()

    def meet(var):
        if var.name and var not in seen and not isinstance(var, Constant):
            seen.add(var)
            found.setdefault(var.name, []).append(var)

    for var in view.inputs:
        meet(var)
    for node in view.nodes() if nodes is None else nodes:
        for var in node.inputs:
            meet(var)
        for var in node.outputs:
            meet(var)
    for shared, _ in view.updates:
        meet(shared)
    return found


def find_variable(name: str, view, bindings=None, what: str = "the graph", nodes=None):
    """The variable of `view` that `name` means: its own name, `W_2` for the second variable
    named `W`, or a name the model file binds (`bindings`: {name: Variable}).

    Raises FocusError naming the candidates when the name is unknown or means several.

    >>> find_variable("W1", view).name                                    # doctest: +SKIP
    'W1'
    """
    named = named_variables(view, nodes)
    candidates = named.get(name)
    if candidates is not None:
        if len(candidates) == 1:
            return candidates[0]
        listed = ", ".join(f"{_numbered(name, number)} (built at {where(var)})"
                           for number, var in enumerate(candidates, 1))
        raise FocusError(
            f"{name!r} names {len(candidates)} different variables in {what}: {listed}. "
            f"Say which one: {', '.join(_numbered(name, n) for n in range(1, len(candidates)+1))}")
    numbered = _NUMBERED.fullmatch(name)
    if numbered is not None:
        # The name a picture, pp and the trace print for an input or shared variable (`W_2`,
        # numbered by the one naming rule) means that variable here too.
        printed = _printed_root(name, view)
        if printed is not None:
            return printed
        base, number = numbered.group(1), int(numbered.group(2))
        same = named.get(base, [])
        if 2 <= number <= len(same):
            return same[number - 1]
    bound = (bindings or {}).get(name)
    if isinstance(bound, Variable):
        located = locate(bound, view, view_variables(view, nodes))
        if located is not None:
            return located
        raise FocusError(f"{name!r} (the model's {name}, built at {where(bound)}) is not part "
                         f"of {what}")
    raise FocusError(f"no variable named {name!r} in {what}. {_known_names(named, bindings)}")


def _printed_root(name, view):
    """The input or shared variable of `view` that the views print as `name`, or None."""
    function = view.function
    names = (graph_names(function.fgraph_before.outputs, function.fgraph_before.inputs)
             if function is not None else graph_names(view.outputs, view.inputs))
    roots = list(view.inputs) + [shared for shared, _ in view.updates]
    for node in view.nodes():
        roots += [var for var in node.inputs if var.owner is None]
    matches = {var for var in roots if not isinstance(var, Constant) and names.name(var) == name}
    return matches.pop() if len(matches) == 1 else None


def _numbered(name, number) -> str:
    return name if number == 1 else f"{name}_{number}"


def _known_names(named, bindings) -> str:
    names = []
    for name, variables in sorted(named.items()):
        names += [_numbered(name, number) for number in range(1, len(variables) + 1)]
    text = "Its named variables: " + (", ".join(names[:_MAX_LISTED]) or "none")
    if len(names) > _MAX_LISTED:
        text += f", ... ({len(names) - _MAX_LISTED} more)"
    bound = sorted(name for name, value in (bindings or {}).items()
                   if isinstance(value, Variable) and name not in named)
    if bound:
        text += "; the model's names: " + ", ".join(bound[:_MAX_LISTED])
    return text


def view_variables(view, nodes=None) -> set:
    """Every variable `view` draws: its inputs, the inputs and outputs of its ops, and the
    shared variables it updates (`nodes`: the view's topological order, when known).

    >>> x = T.dvector('x'); len(view_variables(views(T.exp(x), 'after')[0]))  # doctest: +SKIP
    2
    """
    variables = set(view.inputs)
    for node in view.nodes() if nodes is None else nodes:
        variables.update(node.inputs)
        variables.update(node.outputs)
    variables.update(shared for shared, _ in view.updates)
    return variables


def locate(var, view, members=None):
    """`var` (of the user's graph) as drawn in `view`, or None when the view lacks it.

    A compiled function draws copies: its outputs and update values keep their positions; other
    variables of the graph as given are matched node by node (as `render/findings.py` does);
    the graph as compiled is rewritten (a function output or update
    keeps its position; another variable is the first compiled node descending from its
    original and running the same op class, else the first descending from it at all).
    """
    members = view_variables(view) if members is None else members
    if var in members:
        return var
    function = view.function
    if function is None:
        return None
    graph = function.fgraph_before if view.stage == "before" else function.fgraph
    # The user's outputs and update values keep their positions in both graphs (even when
    # givens changed what they are computed from).
    targets = ([getattr(out, "variable", out) for out in function.outputs]
               + [value for _, value in function.updates])
    for position, target in enumerate(targets):
        if target is var:
            return graph.outputs[position]
    before_graph = function.fgraph_before
    before_var = var
    if var.owner is not None and var.owner not in before_graph.apply_nodes:
        _, var_map = match_clones(toposort([var]), before_graph.toposort())
        before_var = var_map.get(var)
    if before_var is None or view.stage == "before":
        return before_var if before_var in members else None
    for position, output in enumerate(before_graph.outputs):
        if output is before_var:
            return function.fgraph.outputs[position]
    if before_var.owner is None:
        return None
    descendants = [node for node, origin in origins_of(function).items()
                   if before_var.owner in origin.sources]
    for node in descendants:
        if type(node.op) is type(before_var.owner.op):
            return node.outputs[0]
    return descendants[0].outputs[0] if descendants else None
