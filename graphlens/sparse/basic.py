"""Theano's path `theano.sparse.basic`, where Theano kept every sparse op: programs call
`sparse.basic.structured_dot`, `sparse.basic.dot`. The code lives in `type.py`, `convert.py`,
`products.py`, `math.py`, `structured.py` and `indexing.py`; the package lists what it offers
once (`graphlens/sparse/__init__.py`), and this module finds each of those names there.

>>> from graphlens.sparse import basic
>>> basic.structured_dot(basic.csr_matrix('x'), T.dmatrix('W')).type
TensorType(float64, (?, ?))
"""

import graphlens.sparse as _package
from graphlens.sparse.type import FORMAT_CLASSES, is_sparse_variable  # noqa: F401

# The helpers Theano's basic.py kept under private names that programs still call.
_is_sparse_variable = is_sparse_variable


def __getattr__(name):
    if not name.startswith("__"):
        try:
            return getattr(_package, name)
        except AttributeError:
            pass
    raise AttributeError(f"module 'graphlens.sparse.basic' has no attribute {name!r}")
