"""What users import as T: `import graphlens.tensor as T`.

>>> x = T.dscalar('x'); y = T.dscalar('y'); z = x + y
"""

from graphlens.tensor import nnet
# Theano's module `theano.tensor.var` shares its name with the function `T.var`: the module is
# loaded first, so that the function bound below keeps the name (a later `import
# graphlens.tensor.var` finds the module loaded and leaves `T.var` alone).
from graphlens.tensor import var as _var_module  # noqa: F401
from graphlens.tensor import norm  # noqa: F401  (x.norm(L) calls norm.norm)
from graphlens.tensor.basic import (_float_x, arange, cast, col, eye, matrix, row,
                                    scalar, tensor, tensor3, tensor4, tensor5, tensor_copy,
                                    vector)
from graphlens.tensor.constant_value import (extract_constant, get_scalar_constant_value,
                                             get_vector_length)
from graphlens.errors import AsTensorError, NotScalarConstantError
from graphlens.tensor.blas import dot
from graphlens.tensor.broadcast import addbroadcast, patternbroadcast, unbroadcast
from graphlens.tensor.compare import (and_, clip, eq, ge, gt, invert, le, lt, maximum, minimum,
                                      neq, or_, switch, xor)
from graphlens.tensor.join import concatenate, join, stack
from graphlens.tensor.math import (abs, add, exp, expm1, int_div, log, log1p, mod, mul, neg, pow,
                                   sqr, sqrt, square, sub, tanh, true_div)
from graphlens.tensor.fill import fill, ones_like, zeros_like
from graphlens.tensor.rounding import ceil, floor, round, sgn
from graphlens.tensor.trig import arccos, arcsin, arctan, cos, cosh, sin, sinh, tan
from graphlens.tensor.reduce import (all, any, argmax, argmin, max, mean, min, prod, std, sum,
                                     var)
from graphlens.tensor.shape import (alloc, dimshuffle, flatten, make_vector, reshape, shape,
                                    shape_padaxis, shape_padleft, shape_padright, squeeze,
                                    transpose)
from graphlens.tensor.subtensor import getitem, inc_subtensor, set_subtensor
# theano.tensor re-exported gof's graph classes: Lasagne checks `isinstance(size, T.Variable)`.
from graphlens.graph.basic import Apply, Constant, Variable  # noqa: F401
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import (TensorConstant, TensorVariable, as_tensor_variable,
                                       constant, transfer)

# Theano's constructors by prefix and rank, each a TensorType (T.dmatrix('x'), x.type == T.dmatrix),
# and the plurals (T.dscalars('a', 'b'), T.matrices('a', 'b') in floatX).
from graphlens.tensor.constructors import (
    bscalar, wscalar, iscalar, lscalar, fscalar, dscalar, cscalar, zscalar, scalars, bscalars,
    wscalars, iscalars, lscalars, fscalars, dscalars, cscalars, zscalars, bvector, wvector,
    ivector, lvector, fvector, dvector, cvector, zvector, vectors, bvectors, wvectors,
    ivectors, lvectors, fvectors, dvectors, cvectors, zvectors, brow, wrow, irow, lrow, frow,
    drow, crow, zrow, rows, brows, wrows, irows, lrows, frows, drows, crows, zrows, bcol, wcol,
    icol, lcol, fcol, dcol, ccol, zcol, cols, bcols, wcols, icols, lcols, fcols, dcols, ccols,
    zcols, bmatrix, wmatrix, imatrix, lmatrix, fmatrix, dmatrix, cmatrix, zmatrix, matrices,
    bmatrices, wmatrices, imatrices, lmatrices, fmatrices, dmatrices, cmatrices, zmatrices,
    btensor3, wtensor3, itensor3, ltensor3, ftensor3, dtensor3, ctensor3, ztensor3, tensor3s,
    btensor3s, wtensor3s, itensor3s, ltensor3s, ftensor3s, dtensor3s, ctensor3s, ztensor3s,
    btensor4, wtensor4, itensor4, ltensor4, ftensor4, dtensor4, ctensor4, ztensor4, tensor4s,
    btensor4s, wtensor4s, itensor4s, ltensor4s, ftensor4s, dtensor4s, ctensor4s, ztensor4s,
    btensor5, wtensor5, itensor5, ltensor5, ftensor5, dtensor5, ctensor5, ztensor5, tensor5s,
    btensor5s, wtensor5s, itensor5s, ltensor5s, ftensor5s, dtensor5s, ctensor5s, ztensor5s)

as_tensor = as_tensor_variable
concat = concatenate
true_divide = true_div
sigmoid = nnet.sigmoid
softplus = nnet.softplus
relu = nnet.relu
softmax = nnet.softmax


def zeros(shape, dtype=None):
    """A tensor of zeros: `T.zeros((n, 3))`."""
    shape = shape if isinstance(shape, (list, tuple, TensorVariable)) else [shape]  # Theano's
    return alloc(constant(0, dtype=dtype or _float_x()), *shape)


def ones(shape, dtype=None):
    """A tensor of ones: `T.ones((n, 3))`."""
    shape = shape if isinstance(shape, (list, tuple, TensorVariable)) else [shape]  # Theano's
    return alloc(constant(1, dtype=dtype or _float_x()), *shape)


def __getattr__(name):
    # T.grad, T.jacobian, ...: Theano users find them here; gradient.py imports this package,
    # so it loads on first use (and only for these names: `from graphlens.tensor import
    # extra_ops` asks this function first, while the package is still loading).
    if name in ("grad", "jacobian", "hessian", "zero_grad", "disconnected_grad",
                "consider_constant", "straight_through", "verify_grad", "Rop", "Lop",
                "numeric_grad"):
        from graphlens import gradient
        return getattr(gradient, name)
    # T.shared_randomstreams.RandomStreams, T.sharedvar.TensorSharedVariable, ...: `import
    # theano` had loaded these submodules; here one loads the first time it is asked for.
    import importlib
    import importlib.util
    if name in ("advanced_subtensor1", "advanced_subtensor", "advanced_inc_subtensor1",
                "advanced_set_subtensor1", "advanced_inc_subtensor", "advanced_set_subtensor",
                "get_canonical_form_slice"):      # Theano's tensor.subtensor functions at T
        return getattr(importlib.import_module("graphlens.tensor.theano_indexing"), name)
    if name == "scal":        # Theano's tensor modules call theano.scalar `scal`
        return importlib.import_module("graphlens.scalar")
    if name == "_shared":     # Theano's T._shared: shared() for tensors (tensor/sharedvar.py)
        return importlib.import_module("graphlens.tensor.sharedvar").tensor_constructor
    if not name.startswith("_") and importlib.util.find_spec(f"graphlens.tensor.{name}"):
        return importlib.import_module(f"graphlens.tensor.{name}")
    raise AttributeError(f"module 'graphlens.tensor' has no attribute {name!r}")


# Theano's names beyond the basics (issue 13): special functions, extra_ops, sorting, products.
from graphlens.tensor import extra_ops  # noqa: E402  (theano.tensor.extra_ops)
from graphlens.tensor.rounding import RoundHalfAwayFromZero  # noqa: E402,F401
from graphlens.tensor.diagonal import diag, diagonal, fill_diagonal  # noqa: E402,F401
from graphlens.tensor.extra_ops import (bincount, cumprod, cumsum, diff,  # noqa: E402,F401
                                        repeat)
from graphlens.tensor.nonzero import flatnonzero, nonzero, nonzero_values  # noqa: E402,F401
from graphlens.tensor.rearrange import roll, swapaxes, take, tile  # noqa: E402,F401
from graphlens.tensor.reduce import ptp  # noqa: E402,F401
from graphlens.tensor.sort import (argsort, argtopk, inverse_permutation, sort,  # noqa: E402,F401
                                   topk, topk_and_argtopk)
from graphlens.tensor.special import (erf, erfc, erfcinv, erfcx, erfinv,  # noqa: E402,F401
                                      gamma, gammaln, log2, log10, polygamma, psi)
from graphlens.tensor.tensordot import (batched_dot, batched_tensordot,  # noqa: E402,F401
                                        outer, tensordot)
from graphlens.tensor.diagonal import identity_like, tri, tril, triu  # noqa: E402,F401
from graphlens.tensor.float_checks import allclose, isclose, isinf, isnan  # noqa: E402,F401
from graphlens.tensor.join import horizontal_stack, vertical_stack  # noqa: E402,F401
from graphlens.tensor.reduce import largest, smallest  # noqa: E402,F401
from graphlens.tensor.max_and_argmax import max_and_argmax  # noqa: E402,F401
from graphlens.tensor.special import (arccosh, arcsinh, arctanh, deg2rad,  # noqa: E402,F401
                                      exp2, inv, rad2deg)

abs_ = abs                # Theano's names for abs and switch
where = switch
from graphlens.tensor.rounding import (iround, round_half_away_from_zero,  # noqa: E402,F401
                                       round_half_to_even, trunc)
from graphlens.tensor.join import split, stacklists  # noqa: E402,F401
from graphlens.tensor.specify_shape import specify_shape  # noqa: E402,F401
from graphlens.tensor.special import arctan2  # noqa: E402,F401

bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert   # Theano's names
floor_div = int_div
second = fill
from graphlens.tensor.bessel import i0, i1, iv, j0, j1, jv  # noqa: E402,F401
from graphlens.tensor.distributions import chi2sf  # noqa: E402,F401
from graphlens.tensor import nlinalg  # noqa: E402,F401  (T.nlinalg, as Theano's tensor package)
from graphlens.tensor.grids import mgrid, ogrid  # noqa: E402,F401
from graphlens.tensor.choose import choose  # noqa: E402,F401
from graphlens.tensor.index_ops import ravel_multi_index, unravel_index  # noqa: E402,F401
from graphlens.tensor import fft  # noqa: E402,F401  (theano.tensor.fft)
from graphlens.tensor.complex_ops import (angle, complex, complex_from_polar,  # noqa: E402,F401
                                          conj, imag, real)
from graphlens.tensor.special import tri_gamma  # noqa: E402,F401
# Theano's scalar layer (theano.scalar lives at graphlens.scalar): T.Elemwise(scalar_op), the
# scalar <-> rank-0 tensor conversions, and each elementwise op's `scalar_op`.
from graphlens.tensor.elemwise import DimShuffle, Elemwise  # noqa: E402,F401
from graphlens.tensor import scalar_elemwise, scalar_logic, scalar_composite  # noqa: E402,F401
from graphlens.tensor import scalar_special  # noqa: E402,F401  (softsign, xlogx, j0, ...)
from graphlens.tensor.scalar_type import scalar_from_tensor, tensor_from_scalar  # noqa: E402,F401
# Theano's op classes of indexing, for isinstance checks on compiled graphs. graphlens has one
# class for every advanced index; Theano's AdvancedSubtensor1 (an integer vector on axis 0) and
# AdvancedIncSubtensor1 are it.
from graphlens.tensor.subtensor import (AdvancedIncSubtensor, AdvancedSubtensor,  # noqa: E402
                                        IncSubtensor, Subtensor)
AdvancedSubtensor1, AdvancedIncSubtensor1 = AdvancedSubtensor, AdvancedIncSubtensor
AdvancedBooleanSubtensor, AdvancedBooleanIncSubtensor = AdvancedSubtensor, AdvancedIncSubtensor
Tensor = TensorType       # Theano's older name of TensorType
# Theano's dtype groups (theano.tensor.integer_dtypes, ...), as lists of names.
int_dtypes = ["int8", "int16", "int32", "int64"]
uint_dtypes = ["uint8", "uint16", "uint32", "uint64"]
float_dtypes = ["float16", "float32", "float64"]
complex_dtypes = ["complex64", "complex128"]
integer_dtypes = int_dtypes + uint_dtypes
discrete_dtypes = ["bool"] + integer_dtypes
continuous_dtypes = float_dtypes + complex_dtypes
all_dtypes = discrete_dtypes + continuous_dtypes
# Theano's op classes at T whose constructors are Theano's (T.ARange('int64')(0, 5, 1), for
# isinstance checks on compiled graphs and ops built by hand), and Theano's T.power.
from graphlens.tensor.basic import ARange, Eye  # noqa: E402,F401
from graphlens.tensor.shape import Alloc, Reshape, Shape  # noqa: E402,F401
from graphlens.tensor.specify_shape import SpecifyShape  # noqa: E402,F401
from graphlens.tensor.reduce import Argmax, Mean  # noqa: E402,F401
from graphlens.tensor.choose import Choose  # noqa: E402,F401
from graphlens.tensor.diagonal import AllocDiag  # noqa: E402,F401
from graphlens.tensor.blas import Dot  # noqa: E402,F401
from graphlens.tensor.scalar_type import ScalarFromTensor, TensorFromScalar  # noqa: E402,F401
power = pow
from graphlens.tensor.rounding import ceil_intdiv  # noqa: E402,F401
from graphlens.tensor.covariance import cov  # noqa: E402,F401
# Theano's op classes of tensor/basic.py with Theano's constructors and calls (issue: Theano's
# test_basic): Join()(axis, *tensors), Split(n)(x, axis, splits), Rebroadcast(*pairs),
# Tile(ndim)(x, reps), MaxAndArgmax(axis), Tri(dtype), PermuteRowElements()(x, y, inverse),
# AllocEmpty(dtype)(*shape), Default and default, and NoneConst.
from graphlens.tensor.join import Join, Split  # noqa: E402,F401
from graphlens.tensor.broadcast import Rebroadcast  # noqa: E402,F401
from graphlens.tensor.rearrange import Tile  # noqa: E402,F401
from graphlens.tensor.max_and_argmax import MaxAndArgmax  # noqa: E402,F401
from graphlens.tensor.diagonal import ExtractDiag, Tri  # noqa: E402,F401
from graphlens.tensor.permute import PermuteRowElements, permute_row_elements  # noqa: E402,F401
from graphlens.tensor.shape import AllocEmpty  # noqa: E402,F401
from graphlens.tensor.basic import Default, default, setdefault  # noqa: E402,F401
from graphlens.tensor.type_other import NoneConst  # noqa: E402,F401
from graphlens.tensor import type_other  # noqa: E402,F401  (theano.tensor.type_other)
from graphlens.tensor.shape import is_flat  # noqa: E402,F401
from graphlens.tensor.io import load  # noqa: E402,F401  (theano.tensor.load)
isnan_, isinf_ = isnan, isinf      # Theano's names of the plain elementwise tests


def divmod(x, y):
    """(x // y, x % y), as Python's divmod and Theano's T.divmod.

    >>> q, r = T.divmod(T.ivector(), 3)                                # doctest: +SKIP
    """
    return int_div(x, y), mod(x, y)
