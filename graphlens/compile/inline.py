"""The rule that puts a packaged graph in place of its op: an `OpFromGraph(..., inline=True)`
node becomes the graph it holds, on the node's inputs, so the graph is optimized together with
its surroundings. It asks `op.inline_outputs(node)` (None: keep the op), so it knows no op class.
The compiler runs it with the rules of rewrite/ (`Mode.rule_modules`).

>>> op = OpFromGraph([x], [T.exp(x)], inline=True)     # compiled: Exp, no OpFromGraph node
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Replacement, graph_rewrite


@graph_rewrite("canonicalize", tags=("fast_compile",))
def inline_packaged_graphs(fgraph):
    """op(a, b) -> the op's own graph on a and b, for ops that ask to be inlined."""
    for node in list(fgraph.apply_nodes):
        expand = getattr(node.op, "inline_outputs", None)
        outputs = expand(node) if expand is not None else None
        if outputs is None:
            continue
        for old, new in zip(node.outputs, outputs):
            if old in fgraph.clients:
                yield Replacement(old, new, (node,))
