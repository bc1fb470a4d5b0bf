"""Theano's `Assert` op (`theano.tensor.opt.Assert`, `assert_op`): x unchanged, with scalar
conditions checked each time the compiled function computes it.

A false condition raises AssertionError (as Theano's did) carrying the op's message, which
condition failed, and the user's line that built the assert. The gradient passes through to x;
the conditions get none. Rewrites keep the check: only conditions known at compile time to be
true are dropped (`remove_useless_assert`); `local_remove_all_assert` drops every assert, and
runs only when asked for by name, as in Theano (`optimizer_including=local_remove_all_assert`).

>>> checked = assert_op(x, T.eq(x.shape[0], 3))       # raises in f(...) unless 3 rows
>>> checked = Assert("need positive")(x, T.gt(x.min(), 0))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe, where
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import same_shape_as_input
from graphlens.tensor.variable import as_tensor_variable

THEANO_MESSAGE = "Theano Assert failed!"     # Theano's default message, kept for its users


@dataclass(frozen=True)
class Assert(Op):
    """Assert(msg)(x, *conditions): x, after checking at run time that every scalar condition
    is true (non-zero); otherwise AssertionError(msg).

    >>> Assert("rows")(x, T.eq(x.shape[0], 3))                   # doctest: +SKIP
    """

    msg: str = THEANO_MESSAGE
    notation = Func("assert", params=("msg",))
    view_map = {0: [0]}           # returns x itself, as Theano's Assert
    # A check that runs when the function runs: never folded into a constant while compiling
    # (a false constant condition raises in the call, not in `function`).
    has_side_effect = True
    infer_shape = same_shape_as_input(0)

    def make_node(self, x, *conditions):
        if not isinstance(self.msg, str):
            raise GraphlensTypeError(f"Assert at {call_site()}: msg must be a string, got "
                                     f"{self.msg!r:.60}")
        x = as_tensor_variable(x)
        conditions = [as_tensor_variable(c) for c in conditions]
        for position, condition in enumerate(conditions, start=1):
            if condition.ndim != 0:
                raise ShapeError(f"Assert at {call_site()}: condition {position} must be a "
                                 f"scalar (T.all(c) for a whole tensor), got "
                                 f"{describe(condition)}")
            if condition.dtype.startswith("complex"):
                raise GraphlensTypeError(f"Assert at {call_site()}: condition {position} must "
                                         f"be a bool or number, got {describe(condition)}")
        return Apply(self, [x] + conditions, [x.type()])

    def perform(self, node, inputs):
        x, *conditions = inputs
        for position, condition in enumerate(conditions, start=1):
            if not np.all(condition):
                raise AssertionError(_failure(self.msg, node, position))
        return [x]

    def grad(self, inputs, output_grads):
        x, *conditions = inputs
        return [output_grads[0]] + [disconnected(c) for c in conditions]


def _failure(msg, node, position):
    """Theano's message, then which condition was false and the user's line that built it."""
    condition = node.inputs[position]
    count = len(node.inputs) - 1
    which = f"condition {position} of {count}" if count > 1 else "the condition"
    name = f" {condition.name!r}" if condition.name else ""
    return f"{msg} ({which}{name}, built at {where(condition)}, is false)"


assert_op = Assert()
assert_ = assert_op            # Theano's older name for the same op
