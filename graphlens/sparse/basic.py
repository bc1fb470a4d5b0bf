"""Theano's path `theano.sparse.basic`, where Theano kept every sparse op: programs call
`sparse.basic.structured_dot`, `sparse.basic.dot`. The code lives in `type.py`, `convert.py`,
`products.py`, `math.py`, `structured.py` and `indexing.py`; the package lists what it offers
once (`graphlens/sparse/__init__.py`), and this module finds each of those names there.

>>> from graphlens.sparse import basic
>>> basic.structured_dot(basic.csr_matrix('x'), T.dmatrix('W')).type
TensorType(float64, (?, ?))
"""

import numpy as np
import scipy.sparse

import graphlens.sparse as _package
from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Variable
from graphlens.sparse.type import FORMAT_CLASSES, is_sparse_variable  # noqa: F401
from graphlens.tensor.type import TensorType

# The helpers Theano's basic.py kept under private names that programs still call.
_is_sparse_variable = is_sparse_variable
# The scipy classes a sparse variable's values are (Theano's `_mtypes`).
_mtypes = [scipy.sparse.csc_matrix, scipy.sparse.csr_matrix]


def _is_dense_variable(x) -> bool:
    """True for a variable of a TensorType (not a sparse one): Theano's private helper.

    >>> _is_dense_variable(T.dmatrix('x')), _is_dense_variable(csr_matrix('y'))
    (True, False)
    """
    if not isinstance(x, Variable):
        raise GraphlensTypeError(f"_is_dense_variable takes a variable, got {x!r:.60}")
    return isinstance(x.type, TensorType)


def _is_dense(x) -> bool:
    """True for a numpy array, False for a scipy sparse matrix (Theano's private helper).

    >>> _is_dense(np.zeros(2)), _is_dense(scipy.sparse.eye(2, format='csr'))
    (True, False)
    """
    if not (isinstance(x, np.ndarray) or scipy.sparse.issparse(x)):
        raise GraphlensTypeError(f"_is_dense takes a numpy array or a scipy sparse matrix, "
                                 f"got {type(x).__name__}")
    return isinstance(x, np.ndarray)


def _is_sparse(x) -> bool:
    """True for a scipy sparse matrix, False for a numpy array (Theano's private helper)."""
    return not _is_dense(x)


def __getattr__(name):
    if not name.startswith("__"):
        try:
            return getattr(_package, name)
        except AttributeError:
            pass
    raise AttributeError(f"module 'graphlens.sparse.basic' has no attribute {name!r}")
