"""`ifelse(condition, then_branch, else_branch)`: a lazy conditional, as Theano's `theano.ifelse`.

Unlike `T.switch` (elementwise, both sides computed), ifelse takes a scalar condition and the
evaluator computes only the branch it picks (`lazy_inputs`, compile/lazy.py): a branch that
would fail, or cost a lot, is never run when it is not taken.

>>> z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))        # doctest: +SKIP
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import (TensorConstant, TensorVariable, as_tensor_variable,
                                       constant)


@dataclass(frozen=True)
class IfElse(Op):
    """The `n_outs` then-branches if the scalar condition is nonzero, else the `n_outs`
    else-branches; only those are computed. Inputs: the condition, the then-branches, the
    else-branches (Theano's order and constructor, `IfElse(n_outs, as_view=False, gpu=False,
    name=None)`). The results are copies (as Theano's default), so they never alias a branch.
    A node of several pairs is one node, as in Theano (the graph as given reads every branch);
    compiling splits it into one node per pair (rewrite/conditional.py)."""

    n_outs: int = 1
    as_view: bool = False       # Theano's flag; the result is a copy either way
    gpu: bool = False           # Theano's flag; there is one evaluator
    name: str | None = None
    notation = Func("ifelse")

    def __post_init__(self):
        if not isinstance(self.n_outs, int) or self.n_outs < 1:
            raise GraphlensTypeError(f"IfElse: n_outs must be a positive int, got "
                                     f"{self.n_outs!r}")

    # Cached: the evaluator reads lazy_inputs at every lazy step of every call.
    @functools.cached_property
    def lazy_inputs(self) -> tuple:
        return tuple(range(1, 2 * self.n_outs + 1))

    # (then-branch positions, else-branch positions): `demand` answers on every call.
    @functools.cached_property
    def _picks(self) -> tuple:
        return self.lazy_inputs[:self.n_outs], self.lazy_inputs[self.n_outs:]

    @functools.cached_property
    def branch_inputs(self) -> tuple:
        """(('then', then positions), ('else', else positions)): the two choices."""
        return (("then", self._picks[0]), ("else", self._picks[1]))

    @functools.cached_property
    def input_labels(self) -> tuple:
        """What pictures write on the edges: cond, then, else (then 0, then 1, ..., else 0, ...)."""
        if self.n_outs == 1:
            return ("cond", "then", "else")
        return (("cond",) + tuple(f"then {k}" for k in range(self.n_outs))
                + tuple(f"else {k}" for k in range(self.n_outs)))

    def inputs_of_output(self, k) -> tuple:
        """The inputs result `k` is picked from: the condition and its pair of branches
        (printers show each result as `ifelse(c, a, b)`)."""
        return (0, 1 + k, 1 + self.n_outs + k)

    def make_node(self, condition, *branches):
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise ShapeError(f"ifelse at {call_site()}: the condition must be a scalar (0 is "
                             f"False, anything else True), got {describe(condition)}")
        if len(branches) != 2 * self.n_outs:
            raise GraphlensTypeError(f"IfElse({self.n_outs}) takes the condition and "
                                     f"{2 * self.n_outs} branches, got {len(branches)} branches")
        thens, elses, outputs = [], [], []
        for then_branch, else_branch in zip(branches[:self.n_outs], branches[self.n_outs:]):
            if _other_kind(then_branch) or _other_kind(else_branch):
                # Python objects (generic), typed lists, sparse matrices: any one type, as
                # Theano's IfElse took any type.
                if getattr(then_branch, "type", None) != getattr(else_branch, "type", None):
                    raise GraphlensTypeError(
                        f"ifelse at {call_site()}: the two branches must have the same type; "
                        f"they are {describe(then_branch)} and {describe(else_branch)}")
                thens.append(then_branch)
                elses.append(else_branch)
                outputs.append(then_branch.type())
                continue
            then_branch = _yielding(as_tensor_variable(then_branch), else_branch)
            else_branch = _yielding(as_tensor_variable(else_branch), then_branch)
            if then_branch.dtype != else_branch.dtype or then_branch.ndim != else_branch.ndim:
                raise GraphlensTypeError(
                    f"ifelse at {call_site()}: the two branches must have the same type; they "
                    f"are {describe(then_branch)} and {describe(else_branch)}")
            shape = tuple(a if a == b else None
                          for a, b in zip(then_branch.type.shape, else_branch.type.shape))
            thens.append(then_branch)
            elses.append(else_branch)
            outputs.append(TensorType(then_branch.dtype, shape)())
        return Apply(self, [condition] + thens + elses, outputs)

    def demand(self, node, values):
        """Only the branches the condition picks."""
        return self._picks[0] if values[0] else self._picks[1]

    def perform(self, node, inputs):
        outputs = node.outputs
        if len(outputs) == 1:       # one pair, on every call of most ifelses: no comprehension
            kind = outputs[0].type
            value = inputs[1] if inputs[0] else inputs[2]
            if not getattr(kind, "array_values", True):
                return [kind.copy_value(value)]
            return [np.array(value, dtype=kind.dtype, copy=True)]
        first = 1 if inputs[0] else 1 + self.n_outs
        return [np.array(inputs[first + k], dtype=out.type.dtype, copy=True)
                if getattr(out.type, "array_values", True)
                else out.type.copy_value(inputs[first + k])
                for k, out in enumerate(outputs)]

    def grad(self, inputs, output_grads):
        condition, branches = inputs[0], inputs[1:]
        thens, elses = branches[:self.n_outs], branches[self.n_outs:]
        # The gradient follows the branches taken; the others get zeros of their own shape,
        # asked for lazily too (they are the untaken side of the gradient's own ifelse). The
        # condition only picks, so its gradient is an honest zero. (No `zero_gradient_reason`:
        # the tracer reads that as "no input gets a gradient", and the branches do.)
        pick = IfElse(self.n_outs, name=self.name)
        to_thens = pick(condition, *output_grads, *[zeros_like(b) for b in thens],
                        return_list=True)
        to_elses = pick(condition, *[zeros_like(b) for b in elses], *output_grads,
                        return_list=True)
        return [zeros_like(condition, dtype=_float_dtype(output_grads[0]))] + to_thens + to_elses


def _other_kind(branch) -> bool:
    """True for a symbolic variable whose values are not arrays (a generic, a typed list, a
    sparse matrix): ifelse passes it as it is, where a tensor branch is converted."""
    return isinstance(branch, Variable) and not getattr(branch.type, "array_values", True)


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
    # One node for every pair, as Theano's: the graph as given reads each branch (a function
    # given a branch as input uses it, even if only another pair's result is asked for).
    results = IfElse(len(thens), name=name)(condition, *thens, *elses, return_list=True)
    return form(results) if form else results[0]
