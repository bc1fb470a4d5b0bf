"""Sparse matrices at Theano's path `theano.sparse`, built on scipy.sparse as Theano's were.

Types (`type.py`), conversions and a matrix's own arrays (`convert.py`), products
(`products.py`), sums and arithmetic (`math.py`), comparisons (`compare.py`), `sampling_dot`
and diagonals (`sampling.py`), functions of the stored values and
hstack/vstack (`structured.py`), indexing (`indexing.py`), shared sparse
matrices (`sharedvar.py`, which also makes `graphlens.shared(scipy_matrix)` sparse) and
`verify_grad_sparse` (`gradient_check.py`). `basic.py` is Theano's path to all of them.

>>> from graphlens import sparse
>>> x = sparse.csr_matrix('x'); W = T.dmatrix('W')
>>> y = sparse.structured_dot(x, W)            # dense; its gradient in x keeps x's pattern
"""

from graphlens.sparse.type import (ALL_DTYPES as all_dtypes, SPARSE_FORMATS as sparse_formats,
                                   SparseConstant, SparseType, SparseVariable, as_sparse,
                                   as_sparse_or_tensor_variable, as_sparse_variable,
                                   csc_matrix, csr_matrix, is_sparse_variable, matrix)
from graphlens.sparse.convert import (CSC, CSM, CSMGrad, CSMProperties, CSR, DenseFromSparse,
                                    Neg, SparseFromDense, SparseShape, StructuredMask,
                                    Transpose, ZerosLike, csc_from_dense, csm_data, csm_indices,
                                    csm_indptr, csm_properties, csm_shape, csr_from_dense,
                                    dense_from_sparse, neg, sparse_shape, transpose, zeros_like)
from graphlens.sparse.products import (Dot, StructuredDot, StructuredDotGrad, TrueDot, dot,
                                       structured_dot, true_dot)
from graphlens.sparse.math import AddSD, AddSS, MulSD, MulSS, SpSum, add, mul, sp_sum, sub
from graphlens.sparse.structured import (
    structured, structured_monoid, structured_sigmoid, structured_exp, structured_log, structured_pow,
    structured_minimum, structured_maximum, structured_add, sqr, sqrt, abs_, sgn, sin, tan,
    arcsin, arctan, sinh, tanh, arcsinh, arctanh, expm1, log1p, ceil, floor, trunc, rint,
    deg2rad, rad2deg, sp_ones_like, sp_zeros_like, cast, row_scale, col_scale, Stack, hstack,
    vstack, Remove0, EnsureSortedIndices, remove0, ensure_sorted_indices, clean,
    mul_s_v, StructuredAddSV, structured_add_s_v)
from graphlens.sparse.indexing import (GetItem, GetItem2Lists, GetItemScalar, get_item_2d,
                                       get_item_2lists, get_item_list, get_item_scalar,
                                       getitem)
from graphlens.sparse.compare import (EqualSD, EqualSS, GreaterEqualSD, GreaterEqualSS,
                                      GreaterThanSD, GreaterThanSS, LessEqualSD, LessEqualSS,
                                      LessThanSD, LessThanSS, NotEqualSD, NotEqualSS, eq, ge,
                                      gt, le, lt, neq)
from graphlens.sparse.sampling import (Diag, SamplingDot, SquareDiagonal, diag, sampling_dot,
                                       square_diagonal)
from graphlens.sparse.sharedvar import (SparseSharedVariable, SparseTensorSharedVariable,
                                        shared, sparse_constructor)
from graphlens.sparse.gradient_check import verify_grad_sparse
from graphlens.sparse import basic  # noqa: F401  (Theano's path: sparse.basic.dot)

# Theano's other names.
enable_sparse = True
csm_grad = CSMGrad
GetItem2d = GetItemList = GetItem
