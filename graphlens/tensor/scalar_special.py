"""The scalar faces of graphlens's other elementwise ops: activations (softsign, relu, the sigmoid
approximations, sigmoid_binary_crossentropy), xlogx and xlogy0, Bessel functions, chi2sf,
isnan/isinf and the complex constructors. As in scalar_math.py, each class only names its
tensor op (`tensor_op`), the one home of its values, dtypes and gradient; its first instance
becomes the tensor op's `scalar_op`, so `T.nnet.softsign(x).owner.op.scalar_op` is
`scalar_softsign`, and `T.Elemwise(scalar_softsign)` is T.nnet.softsign's op.

Theano's names for them live at Theano's paths (`theano.tensor.nnet.sigm.scalar_sigmoid`,
`theano.tensor.xlogx.scalar_xlogx`, `theano.scalar.basic_scipy.j0`, `theano.scalar.isnan`);
those modules read them from the tensor op's `scalar_op`.

>>> T.nnet.softsign(x).owner.op.scalar_op is scalar_softsign              # doctest: +SKIP
True
"""

from graphlens.tensor import bessel, complex_ops, distributions, float_checks, xlogx
from graphlens.tensor.nnet import activations, sigm
from graphlens.tensor.nnet import basic as nnet_basic
from graphlens.tensor.scalar_standard import StandardBinary, StandardUnary


class ScalarSoftsign(StandardUnary):
    """x / (1 + |x|)."""
    tensor_op = activations.Softsign


class ScalarRelu(StandardUnary):
    """max(x, 0)."""
    tensor_op = nnet_basic.Relu


class UltraFastScalarSigmoid(StandardUnary):
    """Theano's piecewise approximation of the sigmoid."""
    tensor_op = sigm.UltraFastSigmoid


class ScalarHardSigmoid(StandardUnary):
    """clip(0.2 x + 0.5, 0, 1)."""
    tensor_op = sigm.HardSigmoid


class ScalarSigmoidBinaryCrossentropy(StandardBinary):
    """The binary crossentropy of sigmoid(output) against a target, computed stably."""
    tensor_op = nnet_basic.SigmoidBinaryCrossentropy


class XlogX(StandardUnary):
    """x log(x), 0 at 0."""
    tensor_op = xlogx.XlogX


class XlogY0(StandardBinary):
    """x log(y), 0 where x is 0."""
    tensor_op = xlogx.XlogY0


class I0(StandardUnary):
    """Modified Bessel function of the first kind, order 0."""
    tensor_op = bessel.I0


class I1(StandardUnary):
    """Modified Bessel function of the first kind, order 1."""
    tensor_op = bessel.I1


class Iv(StandardBinary):
    """Modified Bessel function of the first kind, order v: iv(v, x)."""
    tensor_op = bessel.Iv


class J0(StandardUnary):
    """Bessel function of the first kind, order 0."""
    tensor_op = bessel.J0


class J1(StandardUnary):
    """Bessel function of the first kind, order 1."""
    tensor_op = bessel.J1


class Jv(StandardBinary):
    """Bessel function of the first kind, order v: jv(v, x)."""
    tensor_op = bessel.Jv


class Chi2SF(StandardBinary):
    """The chi-squared survival function: chi2sf(x, k)."""
    tensor_op = distributions.Chi2SF


class IsNan(StandardUnary):
    """x is NaN."""
    tensor_op = float_checks.IsNan


class IsInf(StandardUnary):
    """x is +inf or -inf."""
    tensor_op = float_checks.IsInf


class Complex(StandardBinary):
    """real + 1j * imag."""
    tensor_op = complex_ops.Complex


class ComplexFromPolar(StandardBinary):
    """abs * exp(1j * angle)."""
    tensor_op = complex_ops.ComplexFromPolar


# The instances, at Theano's names (the first instance of each class is its tensor op's
# scalar_op).
scalar_softsign = ScalarSoftsign(name='scalar_softsign')
scalar_relu = ScalarRelu(name='scalar_relu')
ultra_fast_scalar_sigmoid = UltraFastScalarSigmoid(name='ultra_fast_scalar_sigmoid')
scalar_hard_sigmoid = ScalarHardSigmoid(name='scalar_hard_sigmoid')
scalar_sigmoid_binary_crossentropy = ScalarSigmoidBinaryCrossentropy(
    name='scalar_sigmoid_binary_crossentropy')
scalar_xlogx = XlogX(name='scalar_xlogx')
scalar_xlogy0 = XlogY0(name='scalar_xlogy0')
i0 = I0(name='i0')
i1 = I1(name='i1')
iv = Iv(name='iv')
j0 = J0(name='j0')
j1 = J1(name='j1')
jv = Jv(name='jv')
chi2sf = Chi2SF(name='chi2sf')
isnan = IsNan(name='isnan')
isinf = IsInf(name='isinf')
complex = Complex(name='complex')  # noqa: A001  (Theano's scalar.complex)
complex_from_polar = ComplexFromPolar(name='complex_from_polar')
