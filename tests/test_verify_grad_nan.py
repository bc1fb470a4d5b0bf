"""verify_grad (graphlens/gradient_check.py) fails when it cannot compare: a NaN or inf in
the symbolic gradient would otherwise pass every tolerance test."""

from dataclasses import dataclass

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.errors import GradientCheckError
from graphlens.gradient import verify_grad
from graphlens.graph.notation import Func
from graphlens.tensor.elemwise import FloatUnaryElemwise


@dataclass(frozen=True)
class WrongArcsinh(FloatUnaryElemwise):
    """arcsinh with the derivative of arccosh: NaN for |x| < 1, wrong elsewhere."""

    nfunc = staticmethod(np.arcsinh)
    notation = Func("wrong_arcsinh")

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / T.sqrt(T.sqr(x) - 1)]


def test_a_gradient_that_is_nan_somewhere_fails_the_check():
    with np.errstate(invalid="ignore"):
        with pytest.raises(GradientCheckError, match="disagrees with finite differences"):
            verify_grad(WrongArcsinh(), [np.array([0.5, 2.0, -2.5])])


def test_the_right_gradient_still_passes():
    verify_grad(T.arcsinh, [np.array([0.5, 2.0, -2.5])])
