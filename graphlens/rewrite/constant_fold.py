"""Constant folding: a node whose inputs are all constants becomes the constant it computes.

Folding runs the op's own `perform` once, at compile time, so the folded value is exactly what the
unoptimized function would compute. Ops that make big arrays out of small constants (alloc, eye,
arange of a large length) are left alone: folding them would move work into memory for nothing.
"""

from __future__ import annotations

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.graph.op import Op
from graphlens.rewrite.pattern import Pat, rewrite
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorConstant

# A folded value larger than this (in elements) and than its inputs together stays computed.
MAX_FOLDED_SIZE = 4096


def _all_inputs_constant(node) -> bool:
    # A plain loop: asked of every node in two phases, it mostly answers at the first input.
    inputs = node.inputs
    if not inputs:
        return False
    for var in inputs:
        if not isinstance(var, Constant):
            return False
    return True


def _fold(out, node):
    """An op of constants, computed once: `2 * 3` becomes `6`, `exp(0.0)` becomes `1.0`."""
    if getattr(node.op, "destroy_map", None) or type(out.type) is not TensorType:
        return None     # (a value of another type, a sparse matrix, stays computed)
    if not node.op.do_constant_folding(node):
        return None     # a draw changes every call; a Print must print when the function runs
    # A constant of another type (a scipy.sparse matrix) is handed to perform as it is.
    inputs = [np.asarray(var.data) if isinstance(var, TensorConstant) else var.data
              for var in node.inputs]
    try:
        (value,) = node.op.perform(node, inputs)
    except Exception:       # an error at run time is the user's to see, with their line
        return None
    value = np.asarray(value, dtype=out.type.dtype)
    if value.size > MAX_FOLDED_SIZE and value.size > sum(v.size for v in inputs):
        return None
    if not out.type.is_compatible_shape(value.shape):
        return None
    if any(isinstance(v, np.ndarray) and np.shares_memory(value, v) for v in inputs):
        value = value.copy()
    value.setflags(write=False)     # a constant is shared by every call: nothing may write it
    return TensorConstant(out.type, value)


constant_fold = rewrite("canonicalize", Pat(Op, where=_all_inputs_constant, name="out"),
                        name="constant_fold", tags=("fast_compile", "constant_fold"))(_fold)
# Specialize makes constant-only nodes of its own (a fill sunk into a product leaves
# mul(4.0, 1.0) behind, a power of 0 becomes ones): they are folded there too.
constant_fold_late = rewrite("specialize", Pat(Op, where=_all_inputs_constant, name="out"),
                             name="constant_fold_late", tags=("constant_fold",))(_fold)

# What the driver checks before calling the rules' `where` (Rule.gate): the first input is a
# Constant. Set here, below the rules, so that their lines (which the RewriteLog and the
# gallery's pictures show) stay where they were.
_all_inputs_constant.input_gate = ((0, (), True),)
