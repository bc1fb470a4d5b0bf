"""Theano's `theano.gradient` path: `grad`, `jacobian`, `hessian`, gradient stops, `verify_grad`.

The code lives by where it sits in the import order: `grad` and the gradient stops in
`graphlens/backprop.py` (below `rewrite/`, which fuses and drops them), `jacobian`/`hessian` in
`graphlens/jacobian.py` and `verify_grad` in `graphlens/gradient_check.py` (both compile
functions, so they sit above `compile/`). This module only gathers them, for user code.

>>> from graphlens.gradient import grad, verify_grad
"""

from graphlens.backprop import (DisconnectedGrad, GradClip, GradScale,  # noqa: F401
                                GradientStop, StraightThrough, ZeroGrad, backpropagate,
                                consider_constant, disconnected_grad, grad, grad_clip,
                                grad_scale, straight_through, zero_grad)
from graphlens.errors import (DisconnectedInputError, GradientCheckError,  # noqa: F401
                              UndefinedGradientError)
from graphlens.gradient_check import verify_grad  # noqa: F401
from graphlens.jacobian import Jacobian, JacobianGraph, hessian, jacobian  # noqa: F401
from graphlens.directional import Lop, Rop  # noqa: F401
