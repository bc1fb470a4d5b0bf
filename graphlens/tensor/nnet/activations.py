"""More of Theano's activation functions: elu, selu, softsign.

>>> h = T.nnet.elu(T.dot(x, W) + b)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import Func
from graphlens.tensor.compare import gt, switch
from graphlens.tensor.elemwise import FloatUnaryElemwise, float_dtype
from graphlens.tensor.math import expm1
from graphlens.tensor.variable import as_tensor_variable

# The constants of Klambauer et al. (2017) that make selu self-normalising, as Theano's.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@dataclass(frozen=True)
class Softsign(FloatUnaryElemwise):
    """x / (1 + |x|): a sigmoid-shaped function in (-1, 1) with polynomial tails."""

    notation = Func("softsign")
    kinds = "biuf"

    def impl(self, x):
        x = x if x.dtype.kind == "f" else x.astype(float_dtype(str(x.dtype)))
        return x / (1 + np.abs(x))

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        denominator = 1 + abs(x)
        return [gz / (denominator * denominator)]


def softsign(x):
    """x / (1 + |x|): `T.nnet.softsign(x)`."""
    return Softsign()(x)


def elu(x, alpha=1):
    """The exponential linear unit: x where x > 0, alpha * (exp(x) - 1) elsewhere."""
    x = as_tensor_variable(x)
    return switch(gt(x, 0), x, alpha * expm1(x))


def selu(x):
    """The scaled exponential linear unit: SELU_SCALE * elu(x, SELU_ALPHA)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)
