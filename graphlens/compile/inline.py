"""The rule that puts a packaged graph in place of its op: an `OpFromGraph(..., inline=True)`
node becomes the graph it holds, on the node's inputs, so the graph is optimized together with
its surroundings. Ops that may ask for it derive from `InlinableOp` and answer
`inline_outputs(node)` (None: keep the op); on a graph without such ops the rule returns at once
(the graph's index by op class), so other graphs pay nothing for it. The compiler runs it with
the rules of rewrite/ (`Mode.rule_modules`).

>>> op = OpFromGraph([x], [T.exp(x)], inline=True)     # compiled: Exp, no OpFromGraph node
"""

from __future__ import annotations

from graphlens.graph.op import Op
from graphlens.rewrite.pattern import Replacement, graph_rewrite


class InlinableOp(Op):
    """Base of ops that may be replaced by the graph they hold when compiled."""

    def inline_outputs(self, node):
        """The node's outputs rebuilt from its inputs, or None to keep the op."""
        return None


@graph_rewrite("canonicalize", tags=("fast_compile",))
def inline_packaged_graphs(fgraph):
    """op(a, b) -> the op's own graph on a and b, for ops that ask to be inlined."""
    if not fgraph.holds(InlinableOp):
        return
    for node in list(fgraph.apply_nodes):
        outputs = node.op.inline_outputs(node) if isinstance(node.op, InlinableOp) else None
        if outputs is None:
            continue
        for old, new in zip(node.outputs, outputs):
            if old in fgraph.clients:
                yield Replacement(old, new, (node,))
