"""Rules for Theano's topk family (tensor/topk.py): topk(x, k) and argtopk(x, k) of one x and
k become one node computing both, so the selection is made once. The pair is common: the
gradient of topk reads the positions of the values it chose.
"""

from __future__ import annotations

from graphlens.graph.fg import OUTPUT
from graphlens.rewrite.pattern import Pat, Var, fits, rewrite
from graphlens.tensor.topk import TopKOp


def _same_selection(op, other) -> bool:
    return (op.axis, op.sorted, op.idx_dtype) == (other.axis, other.sorted, other.idx_dtype)


@rewrite("specialize", Pat(TopKOp, Var("x"), Var("kth"), op_name="op", name="old"),
         tags=("topk",), needs=(TopKOp,))
def topk_share_selection(x, kth, op, old, fgraph):
    """topk(x, k), argtopk(x, k) -> topk_and_argtopk(x, k): one selection for both."""
    if op.return_values and op.return_indices:
        return None
    wanted = 0 if op.return_values else 1
    for client, _ in fgraph.clients.get(x, ()):
        if client == OUTPUT or client is old.owner or not isinstance(client.op, TopKOp):
            continue
        other = client.op
        if client.inputs[0] is not x or client.inputs[1] is not kth or \
                not _same_selection(op, other):
            continue
        if other.return_values and other.return_indices:       # the pair is made already
            return fits(client.outputs[wanted], old)
        if other.return_values != op.return_values:             # the other half
            both = TopKOp(op.axis, op.sorted, op.idx_dtype)(x, kth)
            return fits(both[wanted], old)
    return None
