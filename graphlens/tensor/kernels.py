"""Kernels: an elementwise op computed into an array given by the caller (numpy's `out=`).

A fused op (rewrite/composite.py) runs its inner graph through these, so a step reuses an array
that is no longer needed instead of allocating a new one. Each op says which kernel computes it
in its own `kernel(node)` method, next to its `nfunc` and `impl`, so the kernel never restates
an op's numpy somewhere else; these are the shapes such kernels take. Where the op's numpy
function would compute in another dtype than the node's (an integer input of exp, a mixed-dtype
sum), the op returns no kernel and its own `perform` runs.

>>> ufunc_kernel(np.exp)([np.zeros(2)], np.empty(2))      # writes [1., 1.] into the out array
"""

from __future__ import annotations

import numpy as np


# {(value, dtype): the value as a read-only 0-d array of the dtype}: a cache, not state.
_CONSTANTS = {}


def constant_of(value, dtype) -> np.ndarray:
    """`value` as a read-only 0-d array of `dtype`, made once per pair: the operand a kernel
    hands numpy for a constant. numpy converts a Python float operand on every call (0.5 us
    of a 0.35 us ufunc call on a short array) and an array of the dtype not at all; the
    values are the same, as the dtype computes them either way.

    >>> constant_of(1, np.dtype("float32"))
    array(1., dtype=float32)
    """
    key = (value, dtype)
    array = _CONSTANTS.get(key)
    if array is None:
        array = np.asarray(value, dtype)
        array.setflags(write=False)         # shared by every call: nothing may write it
        array = _CONSTANTS[key] = array
    return array


# {ufunc: its kernel without leading operands}: a kernel holds nothing else, so one serves
# every step of every plan (the 10k DAG's plans made 20,000, one per step): a cache, not
# state. Kernels with leading operands (softplus's 0) are made each time: 0, 0.0 and False
# are equal keys but not the same operand.
_UFUNC_KERNELS = {}


def ufunc_kernel(ufunc, *leading):
    """run(arrays, out): `ufunc(*leading, *arrays, out=out)`, e.g. logaddexp(0, x) for softplus.

    One call of a ufunc reads each element before writing it, so `out` may be an input.
    """
    if leading:
        return _ufunc_kernel(ufunc, leading)
    run = _UFUNC_KERNELS.get(ufunc)
    if run is None:
        run = _UFUNC_KERNELS[ufunc] = _ufunc_kernel(ufunc, leading)
    return run


def _ufunc_kernel(ufunc, leading):
    def run(arrays, out):
        ufunc(*leading, *arrays, out=out)
    # What a writer of straight-line code calls instead (rewrite/composite_code.py).
    run.ufunc, run.leading = ufunc, leading
    return run


def ufunc_with_scalar_kernel(ufunc, value):
    """run(arrays, out): `ufunc(array, value, out=out)`, e.g. maximum(x, 0) for relu."""
    def run(arrays, out):
        ufunc(arrays[0], value, out=out)
    return run


def nary_kernel(ufunc):
    """run(arrays, out) folding a commutative binary `ufunc` over several arrays into `out`."""
    def run(arrays, out):
        aliased = [i for i, array in enumerate(arrays) if array is out]
        if len(aliased) > 1 and len(arrays) > 2:
            # out is read twice; writing it early would change the second read. The partial
            # total is an array of out's kind: a ufunc without out= returns a numpy scalar for
            # 0-d inputs, which cannot be written into.
            total = np.empty_like(out)
            ufunc(arrays[0], arrays[1], out=total)
            for array in arrays[2:]:
                ufunc(total, array, out=total)
            np.copyto(out, total)
            return
        if aliased:     # read the array that is also the result first (the op commutes)
            first = aliased[0]
            arrays = [arrays[first]] + [a for i, a in enumerate(arrays) if i != first]
        if len(arrays) == 1:
            np.copyto(out, arrays[0])
            return
        ufunc(arrays[0], arrays[1], out=out)
        for array in arrays[2:]:
            ufunc(out, array, out=out)
    return run


def copy_kernel(position, casting="same_kind"):
    """run(arrays, out) copying input `position` into `out` (a fill, or a cast when `casting`
    is 'unsafe')."""
    def run(arrays, out):
        np.copyto(out, arrays[position], casting=casting)
    run.copies = (position, casting)
    return run


def where_kernel(arrays, out):
    """run(arrays, out) for switch(cond, a, b): np.where, then copied into `out` (a fused
    node may hand the kernel an `out` that is the condition's or a branch's own array, so
    the choice is made whole before any of it is written)."""
    np.copyto(out, np.where(*arrays), casting="unsafe")


def same_dtypes(node) -> bool:
    """True when every input has the output's dtype: numpy then computes in that dtype."""
    dtype = node.outputs[0].type.dtype
    # A loop, not all() over a generator: asked for each of a big graph's 20,000 fused steps.
    for var in node.inputs:
        if var.type.dtype != dtype:
            return False
    return True


# {dtype name: whether it is a float or complex dtype}: np.dtype() is slow (a cache).
_FLOATING = {}


def floating(node) -> bool:
    """True when the node's output is a float or complex array."""
    name = node.outputs[0].type.dtype
    found = _FLOATING.get(name)
    if found is None:
        found = _FLOATING[name] = np.dtype(name).kind in "fc"
    return found
