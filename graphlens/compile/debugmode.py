"""`graphlens.compile.debugmode`, as Theano's `theano.compile.debugmode`: the DebugMode and the
errors it raises. The checks themselves run in graphlens/trace/debugmode.py.

>>> f = function([x], T.log(x), mode='DebugMode')                     # doctest: +SKIP
>>> f(np.array([0.0]))                                                 # doctest: +SKIP
InvalidValueError: DebugMode: Log computed -inf ... built at model.py:3
"""

from __future__ import annotations

from graphlens.compile.mode import DebugMode  # noqa: F401  (at Theano's path)
from graphlens.errors import EvaluationError


class DebugModeError(EvaluationError):
    """Base of what DebugMode finds wrong in a call. An EvaluationError: the evaluator passes
    it on as raised, and its message names the node and the line that built it."""


class BadOptimization(DebugModeError):
    """A rewrite replaced a variable by one that computes different values on this call.

    Attributes as Theano's: `old_r`, `new_r` (the variables), `old_r_val`, `new_r_val` (their
    values), `reason` (the rule's name)."""

    def __init__(self, message, old_r=None, new_r=None, old_r_val=None, new_r_val=None,
                 reason=None):
        super().__init__(message)
        self.old_r, self.new_r = old_r, new_r
        self.old_r_val, self.new_r_val = old_r_val, new_r_val
        self.reason = reason


class BadThunkOutput(DebugModeError):
    """A node computed, in the compiled program, another value than the same node computes on
    intact inputs: something before it overwrote a value it reads. `r` is the variable,
    `val1` the program's value, `val2` the careful one."""

    def __init__(self, message, r=None, val1=None, val2=None):
        super().__init__(message)
        self.r, self.val1, self.val2 = r, val1, val2


class BadDestroyMap(DebugModeError):
    """An op changed an input it did not declare in its `destroy_map`. `node`, `idx` (the
    input's position), `old_val` and `new_val` as in Theano."""

    def __init__(self, message, node=None, idx=None, old_val=None, new_val=None):
        super().__init__(message)
        self.node, self.idx, self.old_val, self.new_val = node, idx, old_val, new_val


class BadViewMap(DebugModeError):
    """An op returned an output sharing memory with an input or with another of its outputs,
    undeclared in its `view_map` (or `destroy_map`). `node`, `output_idx`, `in_alias_idx` and
    `out_alias_idx` as in Theano."""

    def __init__(self, message, node=None, output_idx=None, in_alias_idx=None,
                 out_alias_idx=None):
        super().__init__(message)
        self.node, self.output_idx, self.in_alias_idx = node, output_idx, in_alias_idx
        self.out_alias_idx = out_alias_idx


class InvalidValueError(DebugModeError):
    """A value does not fit its variable's type (dtype, rank, a declared length), or holds
    NaN or Inf while `check_isfinite` is on. `r` is the variable, `v` the value, `hint` what
    is wrong, as in Theano."""

    def __init__(self, message, r=None, v=None, hint=None):
        super().__init__(message)
        self.r, self.v, self.hint = r, v, hint


class StochasticOrder(DebugModeError):
    """Theano raised this when two evaluation orders of one graph gave different results.
    graphlens runs a function's nodes in one fixed order, so DebugMode never raises it; the
    class is here for code that catches it."""
