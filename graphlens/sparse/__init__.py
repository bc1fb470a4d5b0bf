"""Sparse matrices at Theano's path `theano.sparse`, built on scipy.sparse as Theano's were.

Types (`type.py`), conversions and a matrix's own arrays (`convert.py`), products
(`products.py`), sums and arithmetic (`math.py`), comparisons (`compare.py`), `sampling_dot`
and diagonals (`sampling.py`), functions of the stored values (`structured.py`), casts and
matrices built from values (`values.py`), hstack/vstack (`stack.py`), usmm and the products
on a matrix's own arrays (`csc_products.py`; `opt.py` is Theano's path to three of them), indexing (`indexing.py`), shared sparse
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
    deg2rad, rad2deg, conj, sp_ones_like, sp_zeros_like, row_scale, col_scale, Remove0, EnsureSortedIndices, remove0, ensure_sorted_indices, clean,
    mul_s_v, StructuredAddSV, structured_add_s_v)
from graphlens.sparse.stack import HStack, Stack, VStack, hstack, vstack
from graphlens.sparse.values import (AddSSData, Cast, ConstructSparseFromList,
                                     SparseGradSubtensor1, add_s_s_data, cast,
                                     construct_sparse_from_list, sparse_grad)
from graphlens.sparse.csc_products import (StructuredDotGradCSC, StructuredDotGradCSR, Usmm,
                                           usmm)
from graphlens.sparse.indexing import (GetItem, GetItem2d, GetItem2Lists, GetItemList,
                                       GetItemScalar, get_item_2d,
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
# The dtype families of sparse values (Theano's sparse.basic lists; no bool, no float16).
complex_dtypes = [t for t in all_dtypes if t.startswith("complex")]
float_dtypes = [t for t in all_dtypes if t.startswith("float")]
int_dtypes = [t for t in all_dtypes if t.startswith("int")]
uint_dtypes = [t for t in all_dtypes if t.startswith("uint")]
integer_dtypes = int_dtypes + uint_dtypes
discrete_dtypes = integer_dtypes
continuous_dtypes = complex_dtypes + float_dtypes
enable_sparse = True
csm_grad = CSMGrad
