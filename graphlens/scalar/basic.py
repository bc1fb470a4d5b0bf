"""`theano.scalar.basic` at its path: Theano's scalar types, variables, ops and output-type
rules. The code lives in the tensor room (a scalar variable is a rank-0 tensor: see
docs/architecture.md, "Scalar variables"); this module only re-exports it.

>>> import graphlens.scalar as scal
>>> x = scal.float64('x'); y = scal.exp(x) * 2
>>> isinstance(y.owner.inputs[0].owner.op, scal.Exp), y.type
(True, Scalar(float64))
"""

# flake8: noqa: F401  (re-exports at Theano's path)
import numpy as _np

from graphlens.errors import ComplexError
from graphlens.graph.types import AUTOCAST_FLOAT, upcast
from graphlens.tensor.scalar_type import (
    Scalar, ScalarVariable, ScalarConstant, get_scalar_type, constant, as_scalar,
    TensorFromScalar, ScalarFromTensor, tensor_from_scalar, scalar_from_tensor,
    bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64,
    complex64, complex128, int_types, uint_types, float_types, complex_types, discrete_types,
    continuous_types, all_types)
from graphlens.tensor.scalar_op import (
    ScalarOp, UnaryScalarOp, BinaryScalarOp, upcast_out, upcast_out_nobool,
    upcast_out_no_complex, same_out, same_out_nocomplex, same_out_float_only, upgrade_to_float,
    upgrade_to_float64, upgrade_to_float_no_complex, float_out, int_out, bool_out,
    transfer_type, specific_out)
from graphlens.tensor.scalar_standard import (
    Cast, cast, convert_to_bool, convert_to_int8, convert_to_int16, convert_to_int32,
    convert_to_int64, convert_to_uint8, convert_to_uint16, convert_to_uint32, convert_to_uint64,
    convert_to_float16, convert_to_float32, convert_to_float64, convert_to_complex64,
    convert_to_complex128)
from graphlens.tensor.scalar_composite import Composite
from graphlens.tensor.scalar_math import (Add, Sub, Mul, TrueDiv, IntDiv, Mod, Pow, Neg, Abs,
                                          Exp, Log, Log1p, Expm1, Sqrt, Sqr, Tanh, Sin, Cos, Tan,
                                          Sinh, Cosh, ArcSin, ArcCos, ArcTan, ArcSinh, ArcCosh,
                                          ArcTanh, ArcTan2, Log2, Log10, Exp2, Inv, Erf, Erfc,
                                          Erfcx, Erfinv, Erfcinv, Gamma, GammaLn, Psi,
                                          ScalarSigmoid, ScalarSoftplus, Real, Imag, Conj, Angle,
                                          Deg2Rad, Rad2Deg, deg2rad, rad2deg)
from graphlens.tensor.scalar_math import (add, sub, mul, true_div, int_div, mod, pow, neg, abs_,
                                          exp, log, log1p, expm1, sqrt, sqr, tanh, sin, cos, tan,
                                          sinh, cosh, arcsin, arccos, arctan, arcsinh, arccosh,
                                          arctanh, arctan2, log2, log10, exp2, inv, erf, erfc,
                                          erfcx, erfinv, erfcinv, gamma, gammaln, psi, sigmoid,
                                          softplus, real, imag, conj, angle, div, abs)
from graphlens.tensor.scalar_special import (IsNan, IsInf, Complex, ComplexFromPolar, isnan,
                                             isinf, complex, complex_from_polar)
from graphlens.tensor.scalar_logic import (LT, GT, LE, GE, EQ, NEQ, AND, OR, XOR, Invert,
                                           Maximum, Minimum, Switch, Clip, Sgn, Floor, Ceil,
                                           Trunc, RoundHalfToEven, RoundHalfAwayFromZero, Second,
                                           Identity, InRange, inclosedrange, inopenrange)
from graphlens.tensor.scalar_logic import (lt, gt, le, ge, eq, neq, and_, or_, xor, invert,
                                           maximum, minimum, switch, clip, sgn, floor, ceil,
                                           trunc, round_half_to_even, round_half_away_from_zero,
                                           second, identity)

# Theano's other spellings.
ScalarType = Scalar
Sigmoid, sigmoid_op = ScalarSigmoid, sigmoid

def _several(make, spelling):
    """Theano's `floats`/`ints`/`complexs`: one variable per letter of `names` (a list), or one
    variable when `names` has a single letter (that variable itself)."""
    def several(names):
        if len(names) == 1:
            return make(names)
        return [make(name) for name in names]
    several.__doc__ = (f"Variables of type {make.dtype} named by the letters of `names`: "
                       f"`x, y = {spelling}('xy')`; one letter gives the variable itself.")
    return several


floats = _several(float64, "floats")
ints = _several(int64, "ints")
complexs = _several(complex128, "complexs")


def div_proxy(x, y):
    """Theano's `div_proxy`: x / y as the `/` operator divides (true division; two integers
    give a float, Python 3's rule).

    >>> div_proxy(int32('a'), int32('b')).type
    Scalar(float64)
    """
    return true_div(x, y)


# Theano's autocasting of Python float literals: `autocast_float.dtypes` are the dtypes tried,
# and `with autocast_float_as('float32'):` narrows them for a while (graph/types.py).
autocast_float = AUTOCAST_FLOAT


class autocast_float_as:
    """For the `with` block, Python float literals take the first of `dtypes` that holds them
    exactly (the last otherwise), as Theano's.

    >>> with autocast_float_as('float32'):
    ...     (T.fvector() + 1.1).dtype
    'float32'
    """

    def __init__(self, *dtypes):
        self.dtypes = dtypes

    def __enter__(self):
        self.old_dtypes = autocast_float.dtypes
        autocast_float.dtypes = self.dtypes

    def __exit__(self, *args):
        autocast_float.dtypes = self.old_dtypes


def round_half_away_from_zero_vec(a):
    """numpy's reference for `round_half_away_from_zero` (Theano's helper of that name):
    halves rounded away from 0, float32 kept, anything else computed in float64.

    >>> round_half_away_from_zero_vec(np.array([-2.5, 0.5, 1.4]))
    array([-3.,  1.,  1.])
    """
    a = _np.asarray(a)
    dtype = _np.dtype(_np.float32 if a.dtype == _np.float32 else _np.float64)
    a = a.astype(dtype)
    return _np.where(a >= 0, _np.floor(a + dtype.type(0.5)), _np.ceil(a - dtype.type(0.5)))


__all__ = [name for name in dir() if not name.startswith("_")]
