"""Shared sparse matrices: `sparse.shared(scipy_matrix)`, and `graphlens.shared` of a scipy
matrix (the composition root, graphlens/__init__.py, plugs a constructor into
compile/shared.py that loads this module on the first scipy.sparse value).

>>> W = graphlens.shared(scipy.sparse.eye(3, format='csr'), name='W'); W.type
SparseType(csr, float64)
"""

from __future__ import annotations

import scipy.sparse

from graphlens.compile.shared import SharedVariable
from graphlens.errors import GraphlensTypeError
from graphlens.sparse.type import FORMAT_CLASSES, SparseType, _SparseOperators


class SparseSharedVariable(_SparseOperators, SharedVariable):
    """A shared variable holding a scipy.sparse matrix (Theano's SparseTensorSharedVariable).

    Its value keeps its type's format and dtype: `set_value` converts another format as a
    function's argument is converted, and refuses a dense array.
    """

    __slots__ = ()
    __hash__ = object.__hash__


SparseTensorSharedVariable = SparseSharedVariable


def sparse_constructor(value, name=None, borrow=False, dtype=None, strict=False,
                       allow_downcast=None, format=None, **options):
    """The shared variable of a scipy.sparse `value` (csr or csc; another format is stored as
    `format`, csr by default), or NotImplemented for other values.

    >>> sparse_constructor(scipy.sparse.eye(2, format='csc')).type
    SparseType(csc, float64)
    """
    if not scipy.sparse.issparse(value):
        return NotImplemented
    if options:
        raise GraphlensTypeError(f"shared: unexpected keyword arguments {sorted(options)} for "
                                 f"a sparse value")
    if format is None:
        format = value.format if value.format in FORMAT_CLASSES else "csr"
    sparse_type = SparseType(format, dtype or str(value.dtype))
    what = f"the value of shared variable {name or '<unnamed>'}"
    held = sparse_type.filter(value, strict=strict, allow_downcast=bool(allow_downcast),
                              what=what)
    if not borrow and held is value:
        held = held.copy()
    return SparseSharedVariable(sparse_type, held, name=name)


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False, format=None):
    """A shared variable holding the scipy.sparse matrix `value` (Theano's `sparse.shared`).

    >>> W = shared(scipy.sparse.random(5, 3, 0.2, 'csc'), name='W')     # doctest: +SKIP
    """
    made = sparse_constructor(value, name=name, strict=strict, allow_downcast=allow_downcast,
                              borrow=borrow, format=format)
    if made is NotImplemented:
        raise GraphlensTypeError(f"sparse.shared: expected a scipy.sparse matrix, got "
                                 f"{type(value).__name__}")
    return made
