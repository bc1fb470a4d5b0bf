"""The branches of a lazy ifelse on the picture (Theano's pydotprint `cond_highlight`).

Each op that runs only when an ifelse takes its 'then' branch gets a green border, only for its
'else' branch a purple one, and an op that only the choice reads, from both branches, an orange
one (it runs whenever the ifelse runs, whichever way it goes). Unmarked ops run on every call.
The tooltip says which ifelse and where the user built it. graph/branches.py finds the ops;
this module only draws.

>>> svg = pydotprint(f, cond_highlight=True)                          # doctest: +SKIP
"""

from __future__ import annotations

import logging

from graphlens.errors import where
from graphlens.graph.basic import toposort
from graphlens.graph.branches import branch_marks
from graphlens.render.overlay import Overlay, style_node
from graphlens.render.subject import views

_logger = logging.getLogger("graphlens.printing")

# (branch names, border colour, legend text): the colours are borders, so the rewrite
# colours that fill the boxes stay readable. Colour-blind safe against each other.
KINDS = ((("then",), "#1a9850", "runs only when the condition holds (then)"),
         (("else",), "#7b3294", "runs only when the condition fails (else)"),
         (("then", "else"), "#e08214", "read by both branches: runs whenever the ifelse does"))
PENWIDTH = "2.6"


def branch_overlay(obj, stage="after", name=True) -> Overlay | None:
    """The ops each ifelse of `obj` runs lazily, for its branches, as an Overlay keyed by the
    nodes of the graph(s) drawn at `stage`. `name`: True for every ifelse, or a string: only the
    ifelse of that name (`ifelse(..., name='gate')`, as Theano's cond_highlight). None, with a
    warning on the 'graphlens.printing' logger as Theano gave, when there is no such ifelse.

    >>> overlay = branch_overlay(f)                                      # doctest: +SKIP
    """
    overlay = Overlay(title="ifelse branches")
    found = False
    for nodes, outputs in drawn_graphs(obj, stage):
        for node, choices in branch_marks(outputs, nodes).items():
            chosen = [(choice, names) for choice, names in choices
                      if name is True or choice.op.name == name]
            if not chosen:
                continue
            found = True
            choice, names = chosen[0]        # the innermost choice decides the colour
            style_node(overlay, node, {
                "color": _colour(choice, names), "penwidth": PENWIDTH,
                "tooltip_lines": [_line(choice, names) for choice, names in chosen]})
        found = found or any(node.op.branch_inputs and (name is True or node.op.name == name)
                             for node in nodes)
    if not found:
        wanted = "IfElse node" if name is True else f"IfElse node named {name!r}"
        _logger.warning("pydotprint: cond_highlight is set but there is no %s in the graph",
                        wanted)
        return None
    # Only the kinds drawn: a legend entry nothing wears would send the reader looking for it.
    used = {style["color"] for style in overlay.nodes.values()}
    overlay.legend.extend((text, {"color": colour, "penwidth": PENWIDTH})
                          for _, colour, text in KINDS if colour in used)
    return overlay


def holds_choice(obj) -> bool:
    """True when a graph of `obj` (or one inside its ops, a loop's step) holds an ifelse.

    >>> holds_choice(f)                                                  # doctest: +SKIP
    True
    """
    return any(node.op.branch_inputs for nodes, _ in drawn_graphs(obj, "both") for node in nodes)


def drawn_graphs(obj, stage):
    """(nodes, outputs) of each graph drawn at `stage`, then of every graph inside their ops
    (a loop's step, drawn in its box), nested ones too: an ifelse in a step is marked there."""
    stack = []
    for view in views(obj, stage):
        stack.append((view.nodes(), list(view.outputs) + [value for _, value in view.updates]))
    while stack:
        nodes, outputs = stack.pop()
        yield nodes, outputs
        for node in nodes:
            for inner in node.op.inner_graphs:
                if not inner.substitutable:      # a fused kernel holds no ifelse
                    stack.append((toposort(list(inner.outputs)), list(inner.outputs)))


def _colour(choice, names) -> str:
    """Several branches: orange; the first (then): green; another: purple."""
    if len(names) > 1:
        return KINDS[2][1]
    return KINDS[0][1] if names[0] == choice.op.branch_inputs[0][0] else KINDS[1][1]


def _line(choice, names) -> str:
    """`only for the then branch of ifelse 'gate' (model.py:12)`."""
    label = f"ifelse {choice.op.name!r}" if choice.op.name else "the ifelse"
    site = where(choice.outputs[0])
    if len(names) > 1:
        return f"read by both branches of {label} ({site}): runs whenever it does"
    return f"only for the {names[0]} branch of {label} ({site})"
