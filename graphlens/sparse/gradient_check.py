"""`verify_grad_sparse`: Theano's finite-difference check of an op with sparse inputs or output.

The check perturbs dense arrays, so each sparse point is stood in for by a dense one that the
graph turns back into a sparse matrix: its whole dense matrix (`csr_from_dense`), or, with
`structured`, only its stored values (`CSM` on the point's own indices), which checks a
structured gradient on the entries it promises. A sparse output is read densely.

>>> verify_grad_sparse(sparse.transpose, [scipy.sparse.random(3, 4, 0.5, 'csr')])  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from graphlens.errors import GraphlensTypeError
from graphlens.gradient_check import verify_grad
from graphlens.tensor.variable import constant
from graphlens.sparse.convert import CSM, DenseFromSparse, SparseFromDense
from graphlens.sparse.type import as_sparse_or_tensor_variable, is_sparse_variable


def verify_grad_sparse(op, pt, structured=False, *args, **kwargs):
    """Check the gradient of `op` (an op or a function of variables, one output) at the
    points `pt` (numpy arrays and scipy.sparse matrices) by finite differences; the other
    arguments are verify_grad's. With `structured`, only the stored entries of the sparse
    points move. Raises GradientCheckError on a mismatch.

    >>> verify_grad_sparse(sparse.structured_dot, [x_csr, W], structured=True)  # doctest: +SKIP
    """
    stand_ins, rebuild = [], []
    for point in pt:
        if scipy.sparse.issparse(point):
            point = point.tocsr() if point.format not in ("csr", "csc") else point
            if structured:
                stand_ins.append(np.array(point.data))
                rebuild.append(_from_values(point))
            else:
                stand_ins.append(point.toarray())
                rebuild.append(SparseFromDense(point.format))
        else:
            stand_ins.append(np.asarray(point))
            rebuild.append(None)
    symbolic = op(*[as_sparse_or_tensor_variable(p) for p in pt])
    if isinstance(symbolic, (list, tuple)):
        raise GraphlensTypeError("verify_grad_sparse checks ops of one output; pick one with "
                                 "a function returning it")
    read = DenseFromSparse(structured=False) if is_sparse_variable(symbolic) else None

    def dense_function(*inputs):
        rebuilt = [inp if make is None else make(inp) for inp, make in zip(inputs, rebuild)]
        out = op(*rebuilt)
        return out if read is None else read(out)
    verify_grad(dense_function, stand_ins, *args, **kwargs)


def _from_values(point):
    """values -> the sparse matrix of `point`'s format and pattern holding them."""
    indices = constant(np.asarray(point.indices, dtype="int32"))
    indptr = constant(np.asarray(point.indptr, dtype="int32"))
    shape = constant(np.asarray(point.shape, dtype="int32"))
    build = CSM(point.format)
    return lambda values: build(values, indices, indptr, shape)
