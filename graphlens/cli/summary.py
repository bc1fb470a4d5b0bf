"""What a model's graphs look like before and after the rewrites: node counts, rewrites by name.

Shared by `graphlens show` (its short summary) and `graphlens diff` (the longer comparison).

>>> stages = graph_stages(train)                                    # doctest: +SKIP
>>> stages.nodes_before, stages.nodes_after, stages.rewrites
(23, 17, {'merge': 3, 'log_softmax': 1})
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class GraphStages:
    """A graph as given (`before`) and as compiled (`after`), both FunctionGraphs, and the
    RewriteLog of what turned one into the other."""

    before: object
    after: object
    log: object

    @property
    def nodes_before(self) -> int:
        """Apply nodes in the graph as given."""
        return len(self.before.apply_nodes)

    @property
    def nodes_after(self) -> int:
        """Apply nodes in the compiled graph."""
        return len(self.after.apply_nodes)

    @property
    def rewrites(self) -> dict:
        """{rule name: replacements}, in first-use order."""
        return self.log.counts()

    def op_counts(self, stage: str) -> dict:
        """{op label without props: count} in the `stage` ('before' or 'after') graph."""
        fgraph = self.before if stage == "before" else self.after
        counts = {}
        for node in fgraph.apply_nodes:
            name = type(node.op).__name__
            counts[name] = counts.get(name, 0) + 1
        return counts


def as_function(obj, name=None):
    """`obj` itself if it is a compiled function; an expression (or list of them) compiled as
    `function(its inputs, it)` would compile it, shared variables staying implicit, so that it
    has an "after" graph to draw and count.

    >>> as_function(T.exp(x)).fgraph_before.outputs                   # doctest: +SKIP
    [Exp.out]
    """
    from graphlens.compile.compiled import Function
    from graphlens.compile.function import function
    from graphlens.compile.shared import SharedVariable
    from graphlens.graph.basic import Constant, graph_inputs

    if isinstance(obj, Function):
        return obj
    outputs = list(obj) if isinstance(obj, (list, tuple)) else [obj]
    inputs = [var for var in graph_inputs(outputs)
              if not isinstance(var, (SharedVariable, Constant))]
    return function(inputs, outputs, on_unused_input="ignore", name=name)


def graph_stages(obj) -> GraphStages:
    """The before and after graphs of a compiled function, an expression or a list of them."""
    compiled = as_function(obj)
    return GraphStages(compiled.fgraph_before, compiled.fgraph, compiled.rewrite_log)


def format_rewrites(rewrites: dict) -> str:
    """`'merge ×3, log_softmax ×1'`, or `'none'`."""
    if not rewrites:
        return "none"
    return ", ".join(f"{name} ×{count}" for name, count in rewrites.items())


def wrap_items(head: str, items: list, width: int = 96, indent: str = "    ",
               separator: str = ",") -> list[str]:
    """`head` then the items joined by `separator` and a space, wrapped between items (never
    inside one).

    >>> wrap_items("  rewrites applied: ", ["merge ×3", "fold ×1"], width=30)
    ['  rewrites applied: merge ×3,', '    fold ×1']
    """
    lines, line = [], head
    for position, item in enumerate(items):
        piece = item + (separator if position < len(items) - 1 else "")
        if line not in (head, indent) and len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = indent
        line += piece + " "
    lines.append(line.rstrip())
    return lines


def short_summary(name: str, stages: GraphStages) -> list[str]:
    """Lines for `graphlens show`: nodes before and after, and the rewrites applied."""
    items = [f"{rule} ×{count}" for rule, count in stages.rewrites.items()] or ["none"]
    return [f"{name}: {stages.nodes_before} nodes before, {stages.nodes_after} after rewrites",
            *wrap_items("  rewrites applied: ", items)]


def diff_report(name: str, stages: GraphStages) -> list[str]:
    """Lines for `graphlens diff`: node counts, rewrites by name, and op counts that changed."""
    lines = [f"{name}", f"  nodes: {stages.nodes_before} before -> {stages.nodes_after} after"]
    if stages.rewrites:
        lines.append("  rewrites:")
        width = max(len(rule) for rule in stages.rewrites)
        lines += [f"    {rule:<{width}}  ×{count}" for rule, count in stages.rewrites.items()]
    else:
        lines.append("  rewrites: none")
    before, after = stages.op_counts("before"), stages.op_counts("after")
    changed = [op for op in dict.fromkeys([*before, *after]) if before.get(op) != after.get(op)]
    if changed:
        lines.append("  ops that changed (before -> after):")
        width = max(len(op) for op in changed)
        lines += [f"    {op:<{width}}  {before.get(op, 0)} -> {after.get(op, 0)}"
                  for op in changed]
    else:
        lines.append("  ops: the same before and after")
    return lines
