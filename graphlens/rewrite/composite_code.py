"""A fused node's call written out as Python: the steps of its fixed plan one line each.

`Composite._perform_fixed` walks its plan in a loop: per step a tuple unpack, a list of the
arrays read, a call through a reading closure, a store. On the small arrays of a training step
(64x8) that loop and the shape checks around it cost as much as the ufuncs themselves. So, like
compile/straight.py does for a whole function, the plan is written once as the code a person
would write: each value a local, each step one kernel call with its arrays listed, the arrays
chosen at planning time. What a call computes is unchanged: the same kernels into the same
arrays, the same broadcast check (numpy's error for a mismatch, graphlens's for an undeclared
broadcast), and a destroyed input that cannot be overwritten sends the call to the general path.

>>> direct = written_direct(plan, op, node, broadcast_shape, check)   # doctest: +SKIP
>>> direct(np.ones(3), np.ones(3))                                    # doctest: +SKIP
"""

from __future__ import annotations

import functools

import numpy as np


def written_direct(plan, op, node, broadcast_shape, check_runtime_broadcast):
    """direct(*inputs) -> the node's value: `op.perform` along `plan.fixed`, written out.

    `plan.fixed` must not be None (every step has a kernel and a known kind of array)."""
    n_inputs = len(op.inner_inputs)
    names = [f"x{i}" for i in range(n_inputs)]
    namespace = dict(ndarray=np.ndarray, empty=np.empty, copyto=np.copyto,
                     broadcast_shape=broadcast_shape,
                     check=check_runtime_broadcast, node=node, perform=op.perform,
                     constant_shapes=list(plan.constant_shapes),
                     single=(1,) * node.outputs[0].ndim)
    lines = [f"def direct({', '.join(names)}):"]
    # An input declared of length 1 on every axis has that shape at run time and cannot make
    # the result longer: only the others' shapes are broadcast (one of them: its own shape).
    shaped = [f"{name}.shape" for name, var in zip(names, op.inner_inputs)
              if any(length != 1 for length in var.type.shape)]
    if plan.constant_shapes or len(shaped) > 1:
        extra = " + constant_shapes" if plan.constant_shapes else ""
        lines.append(f"    final = broadcast_shape([{', '.join(shaped)}]{extra})")
    else:
        lines.append(f"    final = {shaped[0] if shaped else 'single'}")
    # Only an input that declares some axis not of length 1 can broadcast it undeclared.
    checked = [name for name, var in zip(names, op.inner_inputs)
               if any(length != 1 for length in var.type.shape)]
    checked = [name for name in checked if f"{name}.shape" != lines[-1][len("    final = "):]]
    if checked:
        lines.append(f"    if {' or '.join(f'{name}.shape != final' for name in checked)}:")
        lines.append(f"        check(node, [{', '.join(names)}], final)")
    for number, position in enumerate(op.destroyed):
        name = names[position]
        lines += [f"    if type({name}) is not ndarray or {name}.shape != final "
                  f"or not {name}.flags.writeable:",
                  f"        return perform(node, [{', '.join(names)}])[0]",
                  f"    a{number} = {name}"]
    value = {}
    for slot, constant in enumerate(plan.fixed_template):
        if slot < n_inputs:
            value[slot] = names[slot]
        elif constant is not None:
            namespace[f"c{slot}"] = constant
            value[slot] = f"c{slot}"
    made = set(range(len(op.destroyed)))
    # One-element steps compute on numpy scalars (numpy's own arithmetic, the same IEEE
    # operations as the ufunc) when every step is a ufunc or a copy that takes such a value.
    plain = all(hasattr(step.kernel, "ufunc") or hasattr(step.kernel, "copies")
                for step in plan.steps)
    namespace["z"] = (0,) * node.outputs[0].ndim
    for k, (step, (_, write, number, dtype, full)) in enumerate(zip(plan.steps, plan.fixed)):
        reads = [f"{value[slot]}[z]" if slot < n_inputs else value[slot] for slot in step.inputs]
        scalar = None if full or not plain or write == plan.output or dtype.kind != "f" \
            else _scalar_expression(k, step, reads, namespace)
        if scalar is not None:
            value[write] = f"v{write}"
            lines.append(f"    v{write} = {scalar}")
            continue
        if number not in made:
            made.add(number)
            namespace[f"t{number}"] = dtype
            lines.append(f"    a{number} = empty({'final' if full else 'single'}, t{number})")
        lines.append(_kernel_line(k, step, [value[slot] for slot in step.inputs],
                                  f"a{number}", namespace))
        value[write] = f"v{write}"
        lines.append(f"    v{write} = a{number}")
    lines.append(f"    return {value[plan.output]}")
    exec(_code("\n".join(lines) + "\n"), namespace)
    return namespace["direct"]


_OPERATORS = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/"}


def _scalar_expression(k, step, reads, namespace):
    """One-element step `k` as an expression of numpy scalars, or None: + - * / of two values
    of the step's dtype, and casts and fills (a copy, as the dtype's own constructor)."""
    kernel = step.kernel
    operator = _OPERATORS.get(getattr(kernel, "ufunc", None))
    if operator is not None and not kernel.leading and len(reads) == 2:
        return f"{reads[0]} {operator} {reads[1]}"
    copies = getattr(kernel, "copies", None)
    if copies is not None:
        namespace[f"t{k}_"] = step.dtype.type
        return f"t{k}_({reads[copies[0]]})"
    return None


def _kernel_line(k, step, reads, out, namespace):
    """Step `k` as one line: the kernel's ufunc or copy called directly where the kernel says
    which (tensor/kernels.py), else the kernel itself with its arrays listed."""
    kernel = step.kernel
    ufunc = getattr(kernel, "ufunc", None)
    if ufunc is not None:
        namespace[f"u{k}"] = ufunc
        leading = []
        for j, value in enumerate(kernel.leading):
            namespace[f"l{k}_{j}"] = value
            leading.append(f"l{k}_{j}")
        return f"    u{k}({', '.join(leading + reads)}, out={out})"
    copies = getattr(kernel, "copies", None)
    if copies is not None:
        position, casting = copies
        return f"    copyto({out}, {reads[position]}, casting={casting!r})"
    namespace[f"k{k}"] = kernel
    return f"    k{k}([{', '.join(reads)}], {out})"


@functools.lru_cache(maxsize=1024)
def _code(source):
    """Python's compilation of `source`: the source names kernels and constants by step and
    slot, the namespace binds them, so fused nodes of one structure share the compiled code."""
    return compile(source, "<written composite>", "exec")
