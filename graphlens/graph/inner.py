"""`InnerGraph`: a graph an op carries inside it (a fused kernel, a loop's step function).

An op exposes its inner graphs as `op.inner_graphs` (a tuple, empty for almost every op), and
printers and pictures read only that: `pp` prints the inner formula, `debugprint` the inner tree
under the node, pictures a nested cluster. None of them knows which op it is drawing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InnerGraph:
    """`inputs` -> `outputs`, where inner input i stands for the node's input `sources[i]`.

    title: the name the cluster and the tree show ('scan rnn', 'Composite').
    substitutable: True when the outer arguments may be written in place of the inner inputs
    (an elementwise kernel); False for a loop, whose inner inputs are per-step values.
    name: how a formula calls it ('scan'); keywords: (keyword, node input position) for node
    inputs no inner input stands for (('steps', 0)); output_names: how the inner outputs print
    ('h[t]'). function: the compiled function whose optimized graph this is, when it went
    through rewrites of its own (its RewriteLog gives the inner nodes' provenance). relation:
    what the box's title says of the inner ops ('fused', 'per step', 'inside').
    """

    inputs: tuple
    outputs: tuple
    sources: tuple
    title: str = ""
    substitutable: bool = True
    name: str = ""
    keywords: tuple = ()
    output_names: tuple = ()
    function: object = None
    # What the inner ops are to the node, after their count in a box's title: 'fused' for a
    # kernel, 'per step' for a loop; a packaged graph (OpFromGraph) says 'inside'.
    relation: str = ""

    def ops_text(self, count: int) -> str:
        """'3 ops fused', '1 op per step', '2 ops inside': the count a box's title gives."""
        what = self.relation or ("fused" if self.substitutable else "per step")
        return f"{count:,} op{'s' if count != 1 else ''} {what}"


def inner_graphs(op) -> tuple:
    """The inner graphs `op` exposes (empty for an op without any)."""
    return getattr(op, "inner_graphs", ()) or ()
