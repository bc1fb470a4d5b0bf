"""Approximations of the sigmoid, at Theano's path `theano.tensor.nnet.sigm`.

`ultra_fast_sigmoid` is Theano's piecewise approximation (a rational function of x near 0, a line
further out, then constant), `hard_sigmoid` the three-piece line clip(0.2 * x + 0.5, 0, 1). Both
are single elementwise ops here, so they print under their own names and fuse like sigmoid.

>>> h = T.nnet.hard_sigmoid(T.dot(x, W) + b)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import Func
from graphlens.graph.op import shared_op
from graphlens.tensor.compare import and_, ge, le, lt, switch
from graphlens.tensor.elemwise import FloatUnaryElemwise, float_dtype
from graphlens.tensor.nnet.basic import sigmoid  # noqa: F401  (theano.tensor.nnet.sigm.sigmoid)
from graphlens.tensor.nnet.basic import softplus  # noqa: F401
from graphlens.tensor.nnet.basic import Sigmoid, Softplus
from graphlens.tensor.scalar_standard import scalar_op_lookup
from graphlens.tensor.inplace import InplaceElemwise

# Theano's constants: tanh(t) is approximated by 1.5 t / (1 + t) for t < 1.7, by a line up to
# t = 3, and by a constant beyond; sigmoid(x) = (1 + tanh(x / 2)) / 2.
_KNEE = 1.7
_FLAT = 3.0
_LINE_AT_KNEE = 0.935409070603099
_LINE_SLOPE = 0.0458812946797165
_CEILING = 0.99505475368673

_HARD_SLOPE = 0.2
_HARD_SHIFT = 0.5


def _as_float(x):
    return x if x.dtype.kind == "f" else x.astype(float_dtype(str(x.dtype)))


@dataclass(frozen=True)
class UltraFastSigmoid(FloatUnaryElemwise):
    """Theano's fast approximation of sigmoid (absolute error below 0.028).

    Its gradient is the derivative of the approximation itself, so it agrees with finite
    differences: 0.375 / (1 + |x|/2)**2 near 0, a small constant slope for 3.4 <= |x| < 6, and 0
    beyond |x| = 6, where the approximation is constant. (Theano 1.0 defined no gradient.)
    """

    notation = Func("ultra_fast_sigmoid")
    kinds = "biuf"

    def impl(self, x):
        x = _as_float(x)
        t = np.abs(x) * x.dtype.type(0.5)
        tanh_t = np.where(t < _KNEE, 1.5 * t / (1 + t),
                          np.where(t < _FLAT, _LINE_AT_KNEE + _LINE_SLOPE * (t - _KNEE), _CEILING))
        return (0.5 * (np.copysign(tanh_t, x) + 1)).astype(x.dtype, copy=False)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        t = abs(x) * 0.5
        # d/dx of 0.5 * (tanh_approx(x / 2) + 1) = 0.25 * tanh_approx'(|x| / 2).
        slope = switch(lt(t, _KNEE), 0.375 / ((1 + t) * (1 + t)),
                       switch(lt(t, _FLAT), 0.25 * _LINE_SLOPE, 0.0))
        return [gz * slope]


@dataclass(frozen=True)
class HardSigmoid(FloatUnaryElemwise):
    """clip(0.2 * x + 0.5, 0, 1): 0 below -2.5, 1 above 2.5, a line between.

    The gradient is 0.2 on [-2.5, 2.5] (the ends included, as Theano's clip) and 0 outside.
    """

    notation = Func("hard_sigmoid")
    kinds = "biuf"

    def impl(self, x):
        x = _as_float(x)
        scalar = x.dtype.type
        # Computed in x's own float dtype, as Theano's float32 constants keep float32 in float32.
        return np.clip(x * scalar(_HARD_SLOPE) + scalar(_HARD_SHIFT), 0, 1).astype(
            x.dtype, copy=False)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        inside = and_(ge(x, -_HARD_SHIFT / _HARD_SLOPE), le(x, _HARD_SHIFT / _HARD_SLOPE))
        return [switch(inside, gz * _HARD_SLOPE, 0)]


def ultra_fast_sigmoid(x):
    """Theano's fast approximation of sigmoid: `T.nnet.ultra_fast_sigmoid(x)`."""
    return shared_op(UltraFastSigmoid)(x)


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1): `T.nnet.hard_sigmoid(x)`."""
    return shared_op(HardSigmoid)(x)


# Theano's scalar ops at this path (`scalar_sigmoid`, `ScalarSigmoid`, ...): made by
# tensor/scalar_math.py and scalar_special.py, read from each op's `scalar_op`.
__getattr__ = scalar_op_lookup(__name__, {
    "scalar_sigmoid": Sigmoid, "scalar_softplus": Softplus,
    "ultra_fast_scalar_sigmoid": UltraFastSigmoid}, {
    "ScalarSigmoid": Sigmoid, "ScalarSoftplus": Softplus,
    "UltraFastScalarSigmoid": UltraFastSigmoid})


# Theano's in-place forms (tensor/inplace.py): written over their input's array.
sigmoid_inplace = InplaceElemwise(Sigmoid(), "sigmoid_inplace")
ultra_fast_sigmoid_inplace = InplaceElemwise(UltraFastSigmoid(), "ultra_fast_sigmoid_inplace")
