"""Kernels: elementwise ops computed into an array given by the caller (numpy's `out=`).

A Composite runs its inner graph through these, so a step reuses an array that is no longer
needed instead of allocating a new one. A kernel is chosen once per inner node from its static
dtypes; where the op's numpy function would compute in another dtype than the node's (an
integer input of exp, a mixed-dtype sum), there is no kernel and the op's own `perform` runs.
"""

from __future__ import annotations

import numpy as np

from graphlens.tensor.elemwise import Elemwise, FloatUnaryElemwise


def _ufunc(ufunc, *leading):
    def run(arrays, out):
        ufunc(*leading, *arrays, out=out)
    return run


def _nary(ufunc):
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


def _fill(arrays, out):
    np.copyto(out, arrays[1])


def _cast(arrays, out):
    np.copyto(out, arrays[0], casting="unsafe")


def kernel_for(node):
    """`run(arrays, out)` computing `node`'s op into `out`, or None if only `perform` can.

    >>> kernel_for(T.exp(T.dvector()).owner)([np.zeros(2)], np.empty(2))   # doctest: +SKIP
    """
    from graphlens.tensor.basic import Cast
    from graphlens.tensor.compare import Comparison
    from graphlens.tensor.math import Add, Mul, Pow, Second, TrueDiv
    from graphlens.tensor.nnet import Relu, Softplus
    op = node.op
    out_dtype = node.outputs[0].type.dtype
    in_dtypes = [var.type.dtype for var in node.inputs]
    same = all(dtype == out_dtype for dtype in in_dtypes)
    floating = np.dtype(out_dtype).kind in "fc"
    if isinstance(op, Cast):
        return _cast
    if isinstance(op, Second):
        return _fill if in_dtypes[1] == out_dtype else None
    if not same and not (isinstance(op, Comparison) and out_dtype == "bool"):
        return None
    if isinstance(op, (Add, Mul)):
        ufunc = np.add if isinstance(op, Add) else np.multiply
        # One call of a binary ufunc reads each element before writing it: any aliasing is fine.
        return _ufunc(ufunc) if len(node.inputs) == 2 else _nary(ufunc)
    if isinstance(op, TrueDiv):
        return _ufunc(np.true_divide) if floating else None
    if isinstance(op, Pow):
        return _ufunc(np.power) if floating else None
    if isinstance(op, Relu):
        return lambda arrays, out: np.maximum(arrays[0], 0, out=out)
    if isinstance(op, Softplus):
        return _ufunc(np.logaddexp, 0) if floating else None
    nfunc = getattr(op, "nfunc", None)
    impl = getattr(type(op), "impl", None)
    if isinstance(op, Elemwise) and isinstance(nfunc, np.ufunc) and impl in (
            Elemwise.impl, FloatUnaryElemwise.impl):
        return _ufunc(nfunc)
    return None
