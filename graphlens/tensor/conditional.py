"""`ifelse(condition, then_branch, else_branch)`: a lazy conditional, as Theano's `theano.ifelse`.

Unlike `T.switch` (elementwise, both sides computed), ifelse takes a scalar condition and the
evaluator computes only the branch it picks (`lazy_inputs`, compile/lazy.py): a branch that
would fail, or cost a lot, is never run when it is not taken.

>>> z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))        # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import (TensorConstant, TensorVariable, as_tensor_variable,
                                       constant)


@dataclass(frozen=True)
class IfElse(Op):
    """then_branch if the scalar condition is nonzero, else else_branch; only that one is
    computed. The result is a copy (as Theano's default), so it never aliases a branch."""

    name: str | None = None
    notation = Func("ifelse")
    lazy_inputs = (1, 2)
    input_labels = ("cond", "then", "else")      # what pictures write on the three edges

    def make_node(self, condition, then_branch, else_branch):
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise ShapeError(f"ifelse at {call_site()}: the condition must be a scalar (0 is "
                             f"False, anything else True), got {describe(condition)}")
        then_branch = _yielding(as_tensor_variable(then_branch), else_branch)
        else_branch = _yielding(as_tensor_variable(else_branch), then_branch)
        if then_branch.dtype != else_branch.dtype or then_branch.ndim != else_branch.ndim:
            raise GraphlensTypeError(
                f"ifelse at {call_site()}: the two branches must have the same type; they are "
                f"{describe(then_branch)} and {describe(else_branch)}")
        shape = tuple(a if a == b else None
                      for a, b in zip(then_branch.type.shape, else_branch.type.shape))
        out = TensorType(then_branch.dtype, shape)()
        return Apply(self, [condition, then_branch, else_branch], [out])

    def demand(self, node, values):
        """Only the branch the condition picks."""
        return (1,) if values[0] else (2,)

    def perform(self, node, inputs):
        condition, then_value, else_value = inputs
        chosen = then_value if condition else else_value
        return [np.array(chosen, dtype=node.outputs[0].type.dtype, copy=True)]

    def grad(self, inputs, output_grads):
        (condition, then_branch, else_branch), (gz,) = inputs, output_grads
        # The gradient follows the branch taken; the other gets zeros of its own shape, asked
        # for lazily too (it is the untaken side of the gradient's own ifelse). The condition
        # only picks a branch, so its gradient is an honest zero. (No `zero_gradient_reason`:
        # the tracer reads that as "no input gets a gradient", and the branches do.)
        return [zeros_like(condition, dtype=_float_dtype(gz)),
                IfElse(self.name)(condition, gz, zeros_like(then_branch)),
                IfElse(self.name)(condition, zeros_like(else_branch), gz)]


def _yielding(branch, other):
    """A Python number (a weak constant) takes the other branch's dtype: ifelse(c, x, 0.0)."""
    other = other if isinstance(other, TensorVariable) else None
    if (other is not None and isinstance(branch, TensorConstant) and branch.weak
            and branch.ndim == other.ndim and branch.dtype != other.dtype):
        return constant(branch.data, dtype=other.dtype)
    return branch


def _float_dtype(var):
    return var.dtype if var.dtype.startswith("float") else "float64"


def ifelse(condition, then_branch, else_branch, name=None):
    """then_branch if `condition` (a scalar) is nonzero, else else_branch, computing only the
    branch taken. Branches may be single variables or equally long lists (or tuples) of them;
    the result has the same form.

    >>> z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))        # doctest: +SKIP
    >>> hi, lo = ifelse(c, [x, y], [y, x])                  # doctest: +SKIP
    """
    form = type(then_branch) if isinstance(then_branch, (list, tuple)) else None
    thens = list(then_branch) if form else [then_branch]
    elses = list(else_branch) if isinstance(else_branch, (list, tuple)) else [else_branch]
    if len(thens) != len(elses):
        raise ValueError(f"ifelse at {call_site()}: the then branch has {len(thens)} variables "
                         f"and the else branch {len(elses)}; they must pair up")
    condition = as_tensor_variable(condition)
    # One node per pair: the condition is computed once and each value is picked on its own.
    results = [IfElse(name)(condition, a, b) for a, b in zip(thens, elses)]
    return form(results) if form else results[0]
