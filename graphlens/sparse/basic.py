"""Theano's path `theano.sparse.basic`, where Theano kept every sparse op: programs call
`sparse.basic.structured_dot`, `sparse.basic.dot`. The code lives in `type.py`, `convert.py`,
`products.py`, `math.py`, `structured.py` and `indexing.py`; this module only re-exports it.

>>> from graphlens.sparse import basic
>>> basic.structured_dot(basic.csr_matrix('x'), T.dmatrix('W')).type
TensorType(float64, (?, ?))
"""

from graphlens.sparse.type import (  # noqa: F401
    FORMAT_CLASSES, SparseConstant, SparseType, SparseVariable, as_sparse, as_sparse_variable,
    as_sparse_or_tensor_variable, csc_matrix, csr_matrix, is_sparse_variable, matrix)
from graphlens.sparse.convert import (  # noqa: F401
    CSC, CSM, CSMGrad, CSMProperties, CSR, DenseFromSparse, Neg, SparseFromDense, SparseShape,
    StructuredMask, Transpose, ZerosLike, csc_from_dense, csm_data, csm_indices, csm_indptr,
    csm_properties, csm_shape, csr_from_dense, dense_from_sparse, neg, sparse_shape, transpose,
    zeros_like)
from graphlens.sparse.products import (  # noqa: F401
    Dot, StructuredDot, StructuredDotGrad, TrueDot, dot, structured_dot, true_dot)
from graphlens.sparse.math import (  # noqa: F401
    AddSD, AddSS, MulSD, MulSS, SpSum, add, mul, sp_sum, sub)
from graphlens.sparse.structured import (  # noqa: F401
    structured, structured_sigmoid, structured_exp, structured_log, structured_pow,
    structured_minimum, structured_maximum, structured_add, sqr, sqrt, abs_, sgn, sin, tan,
    arcsin, arctan, sinh, tanh, arcsinh, arctanh, expm1, log1p, ceil, floor, trunc, rint,
    deg2rad, rad2deg, sp_ones_like, sp_zeros_like, cast, row_scale, col_scale, Stack, hstack,
    vstack, Remove0, EnsureSortedIndices, remove0, ensure_sorted_indices, clean,
    mul_s_v, StructuredAddSV, structured_add_s_v)
from graphlens.sparse.indexing import (  # noqa: F401
    GetItem, GetItem2Lists, GetItemScalar, get_item_2d, get_item_2lists, get_item_list,
    get_item_scalar, getitem)

# Theano's names for the same things.
GetItem2d = GetItemList = GetItem
csm_grad = CSMGrad
_is_sparse_variable = is_sparse_variable
