"""Theano's `theano.gradient` path: `grad`, `jacobian`, `hessian`, gradient stops, `verify_grad`.

The code lives by where it sits in the import order: `grad` and the gradient stops in
`graphlens/backprop.py` (below `rewrite/`, which fuses and drops them), `jacobian`/`hessian` in
`graphlens/jacobian.py` and `verify_grad`, `numeric_grad` in `graphlens/gradient_check.py` (both
compile functions, so they sit above `compile/`), `subgraph_grad` in `graphlens/subgraph.py`.
This module only gathers them, for user code.

>>> from graphlens.gradient import grad, verify_grad
"""

from graphlens.backprop import (ConsiderConstant, DisconnectedGrad, GradClip,  # noqa: F401
                                GradScale, GradientStop, StraightThrough, ZeroGrad, backpropagate,
                                consider_constant, disconnected_grad, grad, grad_clip,
                                grad_scale, straight_through, zero_grad,
                                UndefinedGrad, undefined_grad)
from graphlens.errors import (DisconnectedInputError, GradientCheckError,  # noqa: F401
                              UndefinedGradientError)
from graphlens.gradient_check import numeric_grad, verify_grad  # noqa: F401
from graphlens.subgraph import subgraph_grad  # noqa: F401
from graphlens.graph.markers import DisconnectedType, UndefinedType, undefined  # noqa: F401

# Theano's names for the errors user code catches.
GradientError = GradientCheckError
NullTypeGradError = UndefinedGradientError
NullType = UndefinedType           # NullType(why_null)() is an undefined-gradient marker
disconnected_type = DisconnectedType()   # Theano's instance: disconnected_type() is a marker

# Theano's op instances behind the functions (the rewrites remove them from compiled graphs).
consider_constant_, zero_grad_, disconnected_grad_ = (ConsiderConstant(), ZeroGrad(),
                                                      DisconnectedGrad())
undefined_grad_ = UndefinedGrad()


def grad_undefined(op, x_pos, x, comment=""):
    """The gradient of `op`'s input `x_pos` (the variable `x`) does not exist: what a Theano
    op's `grad` returns for, say, an integer index. `grad` raises only when asked for it.

    >>> return [output_grads[0] * 2, grad_undefined(self, 1, inputs[1])]   # doctest: +SKIP
    """
    reason = f"{op} has no gradient with respect to its input {x_pos}"
    return undefined(x, reason + (f" ({comment})" if comment else ""))


def grad_not_implemented(op, x_pos, x, comment=""):
    """The gradient of `op`'s input `x_pos` exists but nobody wrote it (Theano's name).

    >>> return [grad_not_implemented(self, 0, inputs[0])]                  # doctest: +SKIP
    """
    reason = f"the gradient of {op} with respect to its input {x_pos} is not implemented"
    return undefined(x, reason + (f" ({comment})" if comment else ""))
from graphlens.jacobian import Jacobian, JacobianGraph, hessian, jacobian  # noqa: F401
from graphlens.directional import Lop, Rop  # noqa: F401
