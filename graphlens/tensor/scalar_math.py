"""Theano's standard arithmetic and smooth scalar ops (`scalar.exp`, `scalar.Add`, ...), each
the scalar face of one of graphlens's elementwise op classes (tensor/scalar_standard.py).

>>> x = scalar.float64('x'); scalar.exp(x) * 2 + scalar.log1p(x)          # doctest: +SKIP
>>> isinstance(T.exp(v).owner.op.scalar_op, scalar.Exp)                   # doctest: +SKIP
True
"""

import math as _math

import numpy as np

from graphlens.tensor import complex_ops, math, special, trig
from graphlens.tensor.scalar_op import ScalarOp, upgrade_to_float
from graphlens.tensor.nnet import basic as nnet_basic
from graphlens.tensor.scalar_standard import StandardBinary, StandardScalarOp, StandardUnary


class Add(StandardScalarOp):
    """x + y + ...: `scalar.add(a, b)`."""
    nin = -1
    tensor_op = math.Add


class Sub(StandardBinary):
    """x - y."""
    tensor_op = math.Sub


class Mul(StandardScalarOp):
    """x * y * ...."""
    nin = -1
    tensor_op = math.Mul


class TrueDiv(StandardBinary):
    """x / y (integers divide to floatX)."""
    tensor_op = math.TrueDiv


class IntDiv(StandardBinary):
    """x // y."""
    tensor_op = math.IntDiv


class Mod(StandardBinary):
    """x % y."""
    tensor_op = math.Mod


class Pow(StandardBinary):
    """x ** y."""
    tensor_op = math.Pow


class Neg(StandardUnary):
    """-x."""
    tensor_op = math.Neg


class Abs(StandardUnary):
    """|x|."""
    tensor_op = math.Abs


class Exp(StandardUnary):
    """e ** x: `scalar.exp(scalar.float64('x'))`."""
    tensor_op = math.Exp


class Log(StandardUnary):
    """Natural logarithm."""
    tensor_op = math.Log


class Log1p(StandardUnary):
    """log(1 + x)."""
    tensor_op = math.Log1p


class Expm1(StandardUnary):
    """exp(x) - 1."""
    tensor_op = math.Expm1


class Sqrt(StandardUnary):
    """Square root."""
    tensor_op = math.Sqrt


class Sqr(StandardUnary):
    """x * x."""
    tensor_op = math.Sqr


class Tanh(StandardUnary):
    """Hyperbolic tangent."""
    tensor_op = math.Tanh


class Sin(StandardUnary):
    """Sine."""
    tensor_op = trig.Sin


class Cos(StandardUnary):
    """Cosine."""
    tensor_op = trig.Cos


class Tan(StandardUnary):
    """Tangent."""
    tensor_op = trig.Tan


class Sinh(StandardUnary):
    """Hyperbolic sine."""
    tensor_op = trig.Sinh


class Cosh(StandardUnary):
    """Hyperbolic cosine."""
    tensor_op = trig.Cosh


class ArcSin(StandardUnary):
    """Inverse sine."""
    tensor_op = trig.Arcsin


class ArcCos(StandardUnary):
    """Inverse cosine."""
    tensor_op = trig.Arccos


class ArcTan(StandardUnary):
    """Inverse tangent."""
    tensor_op = trig.Arctan


class ArcSinh(StandardUnary):
    """Inverse hyperbolic sine."""
    tensor_op = special.Arcsinh


class ArcCosh(StandardUnary):
    """Inverse hyperbolic cosine."""
    tensor_op = special.Arccosh


class ArcTanh(StandardUnary):
    """Inverse hyperbolic tangent."""
    tensor_op = special.Arctanh


class ArcTan2(StandardBinary):
    """arctan(y / x) in the right quadrant."""
    tensor_op = special.Arctan2


class Log2(StandardUnary):
    """Base-2 logarithm."""
    tensor_op = special.Log2


class Log10(StandardUnary):
    """Base-10 logarithm."""
    tensor_op = special.Log10


class Exp2(StandardUnary):
    """2 ** x."""
    tensor_op = special.Exp2


class Inv(StandardUnary):
    """1 / x."""
    tensor_op = special.Inv


class Erf(StandardUnary):
    """The error function."""
    tensor_op = special.Erf


class Erfc(StandardUnary):
    """1 - erf(x)."""
    tensor_op = special.Erfc


class Erfcx(StandardUnary):
    """exp(x ** 2) * erfc(x)."""
    tensor_op = special.Erfcx


class Erfinv(StandardUnary):
    """The inverse of erf."""
    tensor_op = special.Erfinv


class Erfcinv(StandardUnary):
    """The inverse of erfc."""
    tensor_op = special.Erfcinv


class Gamma(StandardUnary):
    """The gamma function."""
    tensor_op = special.Gamma


class GammaLn(StandardUnary):
    """log(|gamma(x)|)."""
    tensor_op = special.Gammaln


class Psi(StandardUnary):
    """The digamma function."""
    tensor_op = special.Psi


class ScalarSigmoid(StandardUnary):
    """1 / (1 + exp(-x))."""
    tensor_op = nnet_basic.Sigmoid


class ScalarSoftplus(StandardUnary):
    """log(1 + exp(x))."""
    tensor_op = nnet_basic.Softplus


class Real(StandardUnary):
    """Real part."""
    tensor_op = complex_ops.Real


class Imag(StandardUnary):
    """Imaginary part."""
    tensor_op = complex_ops.Imag


class Conj(StandardUnary):
    """Complex conjugate."""
    tensor_op = complex_ops.Conj


class Angle(StandardUnary):
    """Argument of a complex number."""
    tensor_op = complex_ops.Angle


# The instances Theano programs call, at Theano's names.
add = Add(name='add')
sub = Sub(name='sub')
mul = Mul(name='mul')
true_div = TrueDiv(name='true_div')
int_div = IntDiv(name='int_div')
mod = Mod(name='mod')
pow = Pow(name='pow')
neg = Neg(name='neg')
class _AngleScale(ScalarOp):
    """An angle converted by a constant `factor` (numpy's `nfunc_spec` function on arrays), in
    a float dtype as Theano's upgrade_to_float: int8 degrees give float32 radians."""

    nin = 1
    factor = None

    def __init__(self, name=None):
        super().__init__(upgrade_to_float, name)

    def impl(self, x):
        # In float64 (the node then rounds to its dtype): numpy would give int8 a float16.
        return getattr(np, self.nfunc_spec[0])(np.float64(x))

    def vectorized(self, node, arrays):
        # In the output's float dtype: numpy alone would convert int8 degrees in float16.
        dtype = node.outputs[0].type.numpy_dtype
        return [getattr(np, self.nfunc_spec[0])(arrays[0].astype(dtype, copy=False))]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        # The factor in the gradient's own dtype, so a float32 gradient stays float32.
        return [gz * np.asarray(self.factor, dtype=gz.dtype)]


class Deg2Rad(_AngleScale):
    """Degrees to radians: `scalar.deg2rad(x)` (T.deg2rad on tensors)."""
    nfunc_spec = ("deg2rad", 1, 1)
    factor = _math.pi / 180.0


class Rad2Deg(_AngleScale):
    """Radians to degrees: `scalar.rad2deg(x)` (T.rad2deg on tensors)."""
    nfunc_spec = ("rad2deg", 1, 1)
    factor = 180.0 / _math.pi


abs_ = Abs(name='abs_')
deg2rad = Deg2Rad(name='deg2rad')
rad2deg = Rad2Deg(name='rad2deg')
exp = Exp(name='exp')
log = Log(name='log')
log1p = Log1p(name='log1p')
expm1 = Expm1(name='expm1')
sqrt = Sqrt(name='sqrt')
sqr = Sqr(name='sqr')
tanh = Tanh(name='tanh')
sin = Sin(name='sin')
cos = Cos(name='cos')
tan = Tan(name='tan')
sinh = Sinh(name='sinh')
cosh = Cosh(name='cosh')
arcsin = ArcSin(name='arcsin')
arccos = ArcCos(name='arccos')
arctan = ArcTan(name='arctan')
arcsinh = ArcSinh(name='arcsinh')
arccosh = ArcCosh(name='arccosh')
arctanh = ArcTanh(name='arctanh')
arctan2 = ArcTan2(name='arctan2')
log2 = Log2(name='log2')
log10 = Log10(name='log10')
exp2 = Exp2(name='exp2')
inv = Inv(name='inv')
erf = Erf(name='erf')
erfc = Erfc(name='erfc')
erfcx = Erfcx(name='erfcx')
erfinv = Erfinv(name='erfinv')
erfcinv = Erfcinv(name='erfcinv')
gamma = Gamma(name='gamma')
gammaln = GammaLn(name='gammaln')
psi = Psi(name='psi')
sigmoid = ScalarSigmoid(name='sigmoid')
softplus = ScalarSoftplus(name='softplus')
real = Real(name='real')
imag = Imag(name='imag')
conj = Conj(name='conj')
angle = Angle(name='angle')
div = true_div
abs = abs_  # noqa: A001  (Theano's scalar.abs_; `abs` for T's spelling)
