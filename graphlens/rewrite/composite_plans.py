"""Plans shared by fused nodes of one structure: a big graph holds hundreds of `tanh(i0 + i1)`,
and `Composite._plan` reads only the structure (ops, types, constants, destroyed inputs), so
while the evaluator prepares a graph's nodes (`shared_plans`), each structure is planned once
and found again by `plan_key`. Afterwards the table is dropped: plans never keep the nodes of
graphs compiled earlier alive (more objects for every garbage-collector pass to scan).

>>> with shared_plans():                                        # doctest: +SKIP
...     for node in nodes: node.op.prepare()
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from graphlens.graph.basic import Constant

# A constant of at most this many elements is keyed by its value, a bigger one by itself.
SMALL_CONSTANT = 64
# This thread's {structure key: plan} while `shared_plans` runs, else None.
_LOCAL = threading.local()


@contextlib.contextmanager
def shared_plans():
    """Within it, fused nodes of one structure share one plan (nested uses share the outer
    table: a loop's inner function prepared while its outer one is); the table is dropped at
    the end of the outermost.

    >>> with shared_plans():
    ...     active_plans() == {}
    True
    """
    outer = getattr(_LOCAL, "plans", None)
    if outer is None:
        _LOCAL.plans = {}
    try:
        yield
    finally:
        if outer is None:
            _LOCAL.plans = None


def active_plans():
    """The table of plans `shared_plans` keeps now on this thread, or None outside it.

    >>> active_plans() is None                     # outside a compile
    True
    """
    return getattr(_LOCAL, "plans", None)


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
