"""What a picture is of: a variable, a list of them, a FunctionGraph or a compiled function.

`views(obj, stage)` turns any of these into one or two `GraphView`s (before and after the
rewrites), each a plain record of inputs, outputs and updates that the scene builder walks.

>>> import graphlens.tensor as T
>>> x = T.dvector('x'); [view.stage for view in views(T.exp(x), 'after')]
['graph']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Constant, Variable, graph_inputs, toposort
from graphlens.graph.fg import FunctionGraph

STAGES = ("after", "before", "both")


@dataclass
class GraphView:
    """One graph to draw: `stage` is 'before', 'after' or 'graph' (a graph never compiled).

    `updates` pairs each shared variable with the variable holding its new value. `function` is
    the compiled function the view comes from (None for plain graphs): it carries the log.
    """

    stage: str
    inputs: list
    outputs: list
    updates: list = field(default_factory=list)
    function: object = None
    fgraph: object = None

    def op_count(self) -> int:
        """How many Apply nodes the view draws, without walking it when it has a graph."""
        if self.fgraph is not None:
            return len(self.fgraph.apply_nodes)
        return len(self.nodes())

    def nodes(self) -> list:
        """The Apply nodes to draw, in a stable topological order (the FunctionGraph's own, when
        the view has one, so node numbers agree with every other view of that graph)."""
        if self.fgraph is not None:
            return list(self.fgraph.toposort())
        return toposort(list(self.outputs) + [value for _, value in self.updates])


def is_compiled_function(obj) -> bool:
    """True for a compiled function (anything with both graphs and a rewrite log)."""
    return all(hasattr(obj, name) for name in ("fgraph_before", "fgraph", "rewrite_log"))


def views(obj, stage: str) -> list[GraphView]:
    """The graphs to draw for `obj` at `stage` ('after', 'before' or 'both'), left to right."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(map(repr, STAGES))}, got {stage!r}")
    if is_compiled_function(obj):
        before, after = _function_view(obj, "before"), _function_view(obj, "after")
        return {"before": [before], "after": [after], "both": [before, after]}[stage]
    view = _plain_view(obj)
    if stage == "both":
        raise ValueError(
            f"stage='both' draws a compiled function before and after its rewrites, but "
            f"{_what(obj)} was never compiled, so it has one graph only. Compile it first "
            f"(f = graphlens.function(inputs, outputs); pydotprint(f, stage='both')) or use "
            f"stage='after'")
    return [view]


def _function_view(function, stage: str) -> GraphView:
    fgraph = function.fgraph_before if stage == "before" else function.fgraph
    n_outputs = len(function.outputs)
    values = fgraph.outputs[n_outputs:]
    updates = [(shared, value) for (shared, _), value in zip(function.updates, values)]
    return GraphView(stage, list(fgraph.inputs), list(fgraph.outputs[:n_outputs]), updates,
                     function, fgraph)


def _plain_view(obj) -> GraphView:
    if isinstance(obj, FunctionGraph):
        return GraphView("graph", list(obj.inputs), list(obj.outputs), fgraph=obj)
    items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
    for position, item in enumerate(items):
        if not isinstance(item, Variable):
            where_text = f" (item {position} of the list)" if len(items) > 1 else ""
            raise GraphlensTypeError(
                f"cannot draw {item!r:.60}{where_text}: expected a symbolic variable, a list of "
                f"them, a FunctionGraph or a compiled function")
    if not items:
        raise ValueError("cannot draw an empty list of variables: give at least one output")
    inputs = [var for var in graph_inputs(items) if not isinstance(var, Constant)
              and not getattr(var, "is_shared", False)]
    return GraphView("graph", inputs, items)


def _what(obj) -> str:
    if isinstance(obj, FunctionGraph):
        return "this FunctionGraph"
    if isinstance(obj, (list, tuple)):
        return "this list of variables"
    return f"the variable {obj!r:.40}"
