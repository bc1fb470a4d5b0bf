"""Plans shared by fused nodes of one structure: a big graph holds hundreds of `tanh(i0 + i1)`,
and `Composite._plan` reads only the structure (ops, types, constants, destroyed inputs), so the
plan is made once per structure and found again by `plan_key`.

>>> plan_key(composite) == plan_key(same_structure_elsewhere)      # doctest: +SKIP
True
"""

from __future__ import annotations

import numpy as np

from graphlens.graph.basic import Constant

# {structure key: plan} of the fused nodes planned so far; cleared when it holds MAX_PLANS.
PLANS = {}
MAX_PLANS = 8192
# A constant of at most this many elements is keyed by its value, a bigger one by itself.
SMALL_CONSTANT = 64


def plan_key(op):
    """What `Composite._make_plan` reads, as one hashable tuple: the destroyed inputs, the
    inputs' and each step's types, each step's op and where its inputs come from (an inner
    input or an earlier step by number, a constant by value); None when it cannot be keyed.

    >>> plan_key(Composite.of_nodes((x,), [T.exp(x).owner]))   # doctest: +SKIP
    ((), TensorType(float64, (None,)), ..., Exp(), 1, 0, TensorType(float64, (None,)))
    """
    slot = {var: i for i, var in enumerate(op.inner_inputs)}
    parts = [op.destroyed]
    parts.extend(var.type for var in op.inner_inputs)
    get = slot.get
    step = 0
    for node in op.__dict__.get("_inner_order") or op.inner_nodes():
        inputs = node.inputs
        parts.append(node.op)
        parts.append(len(inputs))
        for var in inputs:
            ref = get(var)
            if ref is None:
                if not isinstance(var, Constant):
                    return None
                data = var.data
                if type(data) is not np.ndarray:
                    data = np.asarray(data)
                # A tagged tuple: never equal to a slot or step number.
                ref = slot[var] = (("constant", var.type, data.shape, data.tobytes())
                                   if data.size <= SMALL_CONSTANT else ("constant", var))
            parts.append(ref)
        out = node.outputs[0]
        parts.append(out.type)
        step -= 1
        slot[out] = step
    if not step or out is not op.inner_output:
        return None
    return tuple(parts)
