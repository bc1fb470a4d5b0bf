"""Index before computing: `f(a, b)[idx]` -> `f(a[idx], b[idx])` for an elementwise f that
nothing else reads (Theano's `local_subtensor_lift`).

The deep-learning tutorials keep the labels as `T.cast(shared_y, 'int32')` and give each
minibatch through `givens={y: train_set_y[i * n:(i + 1) * n]}`: as written, every call casts
all 50,000 labels to keep 600 of them. Lifted, the cast reads the slice only. The same holds for
any elementwise value read once through a basic index (a gradient's `tanh(z)[t]`).
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Pat, fits, rewrite
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.subtensor import Subtensor


def _indexed_input(var, op, values, full, result_ndim):
    """`var` as an input of the lifted f: indexed as the result was, or, broadcast on every
    axis (a scalar-like 1 x 1 operand), laid out for the indexed result's rank unchanged.
    None when it broadcasts on some axes only (indexing it the same way would be wrong)."""
    shape = var.type.shape
    if all(dim == 1 for dim in shape):
        if all(dim == 1 for dim in full):
            return op(var, *values)        # the result itself is all ones: same indexing
        return DimShuffle(var.ndim, ("x",) * result_ndim)(var)
    if any(dim == 1 and out != 1 for dim, out in zip(shape, full)):
        return None
    return op(var, *values)


@rewrite("canonicalize", Pat(Subtensor, Pat(Elemwise, rest="inputs", op_name="elemwise"),
                             rest="values", op_name="op", name="old"), tags=("fast_compile",))
def lift_subtensor(inputs, values, elemwise, op, old, fgraph):
    """f(a, b)[idx] -> f(a[idx], b[idx]) when the elementwise result is read only there: the
    work (and the memory) is that of the indexed part, not of all of f's result."""
    value = old.owner.inputs[0]
    if len(fgraph.clients.get(value, ())) != 1 or len(value.owner.outputs) != 1:
        return None
    full = value.type.shape
    lifted = []
    for var in inputs:
        if var.ndim != len(full):
            return None
        new = _indexed_input(var, op, values, full, old.ndim)
        if new is None:
            return None
        lifted.append(new)
    return fits(elemwise(*lifted), old)
