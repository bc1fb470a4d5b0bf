"""Theano's `theano.misc.may_share_memory`: whether two values (numpy arrays, or scipy sparse
matrices) may share memory, the test Theano's aliasing rules were checked with.

>>> a = np.zeros(4); may_share_memory(a, a[1:]), may_share_memory(a, np.zeros(4))
(True, False)
"""

import sys

import numpy as np


def _parts(value):
    """The arrays holding a value's numbers: itself, or a sparse matrix's data and indices."""
    if isinstance(value, np.ndarray):
        return [value]
    return [getattr(value, name) for name in ("data", "indices", "indptr", "row", "col")
            if isinstance(getattr(value, name, None), np.ndarray)]


def _is_sparse(value) -> bool:
    """Whether `value` is a scipy sparse matrix; no value can be one before scipy.sparse is
    loaded, so this module does not load it (0.1 s) for users who never make one.

    >>> _is_sparse(np.zeros(2))
    False
    """
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(value)


def may_share_memory(a, b, raise_other_type=True):
    """True when arrays `a` and `b` may overlap in memory (numpy's may_share_memory), or a
    sparse matrix shares its data, indices or pointers with the other. Other kinds of values
    raise TypeError, or give False with `raise_other_type=False`, as Theano's.

    >>> may_share_memory(np.zeros(2), [0, 0], raise_other_type=False)
    False
    """
    known = [isinstance(v, np.ndarray) or _is_sparse(v) for v in (a, b)]
    if not all(known):
        if raise_other_type:
            raise TypeError("may_share_memory takes numpy arrays and scipy.sparse matrices, "
                            f"got {type(a).__name__} and {type(b).__name__}")
        return False
    return any(np.may_share_memory(x, y) for x in _parts(a) for y in _parts(b))


__all__ = ["may_share_memory"]
