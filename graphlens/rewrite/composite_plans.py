"""How a fused node's plan reads its inner graph (kernels, static lengths, fills a kernel does
itself), and plans shared by fused nodes of one structure: a big graph holds hundreds of
`tanh(i0 + i1)`, and `Composite._plan` reads only the structure (ops, types, constants, destroyed inputs), so
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
from graphlens.tensor.fill import Second

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


# {dtype name: numpy dtype}: a plan's steps each need theirs.
DTYPES = {}


def kernel_of(node, made=None):
    """The op's own kernel for `node` (tensor/kernels.py), None when only `perform` can;
    `made` ({node: kernel}) keeps the kernels made already.

    >>> kernel_of(T.exp(x).owner).ufunc is np.exp          # doctest: +SKIP
    True
    """
    if made is not None and node in made:
        return made[node]
    kernel = getattr(node.op, "kernel", None)
    kernel = kernel(node) if kernel is not None else None
    if made is not None:
        made[node] = kernel
    return kernel


def reading(kernel, slots):
    """`kernel` as run(values, out), reading its arrays from `slots` of the value list.

    >>> reading(kernel_of(T.add(x, y).owner), (0, 1))(values, out)   # doctest: +SKIP
    """
    ufunc = getattr(kernel, "ufunc", None)
    if ufunc is not None and not kernel.leading and len(slots) <= 2:
        # The ufunc the kernel would call, called here: one Python call fewer per step.
        if len(slots) == 1:
            (a,) = slots
            return lambda values, out: ufunc(values[a], out=out)
        a, b = slots
        return lambda values, out: ufunc(values[a], values[b], out=out)
    if len(slots) == 1:
        (a,) = slots
        return lambda values, out: kernel([values[a]], out)
    if len(slots) == 2:
        a, b = slots
        return lambda values, out: kernel([values[a], values[b]], out)
    return lambda values, out: kernel([values[i] for i in slots], out)


def without_fills(nodes, output, kernels=None):
    """The inner nodes without the fills a kernel can do itself, and {fill's result: value}.

    fill(x, v) only broadcasts v to x's shape. Inside a fused node every value is broadcast to
    the node's shape in the end, and x's shape is already part of it (x is an input or made
    from inputs), so where every step writes into an array of its result's shape with numpy's
    `out=` (a kernel broadcasts its inputs there), the fill can read as v: the gradient of a
    mean, fill(x, fill(s, 1.0) / n) * g, is then 1.0 / n * g, one element and one full step,
    not two arrays of x's shape. The fill of the result itself is kept (it gives the shape).

    >>> without_fills(op.inner_nodes(), op.inner_output)    # doctest: +SKIP
    ([<Apply TrueDiv>, <Apply Mul>], {<fill's result>: <TrueDiv's input>})
    """
    if not all(kernel_of(node, kernels) is not None for node in nodes):
        return nodes, {}
    alias = {}
    for node in nodes:
        if isinstance(node.op, Second) and node.outputs[0] is not output \
                and node.inputs[1].dtype == node.outputs[0].dtype:
            value = node.inputs[1]
            alias[node.outputs[0]] = alias.get(value, value)
    if not alias:
        return nodes, alias
    # A step whose value only gave a fill its shape is no longer read: drop it too.
    needed, kept = {output}, []
    for node in reversed(nodes):
        if node.outputs[0] in needed and node.outputs[0] not in alias:
            kept.append(node)
            needed.update(alias.get(var, var) for var in node.inputs)
        elif node.outputs[0] in needed:
            needed.add(alias[node.outputs[0]])
    return kept[::-1], alias


def static_lengths(inner_inputs, nodes, alias) -> dict:
    """{inner value: its static lengths}, a fill read as its value: from the inputs' types and
    the constants' shapes, each step's the broadcast of its inputs' (None: known at run time).

    >>> static_lengths(op.inner_inputs, op.inner_nodes(), {})[op.inner_output]  # doctest: +SKIP
    (None,)
    """
    lengths = {var: var.type.shape for var in inner_inputs}

    def of(var):
        var = alias.get(var, var)
        if var not in lengths:          # a constant
            lengths[var] = np.shape(var.data) if isinstance(var, Constant) else var.type.shape
        return lengths[var]

    get = lengths.get
    for node in nodes:
        shapes = []
        for var in node.inputs:         # of(var), inline: a plan reads every step's inputs
            if alias:
                var = alias.get(var, var)
            shape = get(var)
            shapes.append(of(var) if shape is None else shape)
        if shapes and shapes.count(shapes[0]) == len(shapes):
            # One shape broadcast with itself (most steps: vectors of unknown length).
            lengths[node.outputs[0]] = shapes[0]
            continue
        if len({len(shape) for shape in shapes}) != 1:
            lengths[node.outputs[0]] = node.outputs[0].type.shape
            continue
        broadcast = []
        for axis_lengths in zip(*shapes):
            known = [length for length in axis_lengths if length != 1]
            broadcast.append(1 if not known else (
                None if None in known else max(known)))
        lengths[node.outputs[0]] = tuple(broadcast) if shapes else node.outputs[0].type.shape
    for filled, value in alias.items():
        lengths[filled] = of(value)
    return lengths


def same_lengths(shape, final) -> bool:
    """True when a result of static `shape` has the `final` result's lengths at run time: it
    can differ only on an axis where it is declared of length 1 and the final one is not.

    >>> same_lengths((None,), (None,)), same_lengths((1,), (None,))
    (True, False)
    """
    return len(shape) == len(final) and all(
        dim != 1 or last == 1 for dim, last in zip(shape, final))
