"""Comparisons, logic, choices (switch, maximum, clip) and piecewise-constant functions.

Most of these have a zero gradient; each says why in `zero_gradient_reason`, which the gradient
tracer reports next to the user's line that built the op.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import COMPARE, Func, Infix, Prefix
from graphlens.graph.op import shared_op
from graphlens.graph.types import upcast_names
from graphlens.tensor.elemwise import (DTYPE_KINDS, BinaryElemwise, Elemwise, UnaryElemwise,
                                       unbroadcast)
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.literals import literal
from graphlens.tensor.plain_node import literal_constant, plain_node
from graphlens.tensor.type import TensorType, tensor_type
from graphlens.tensor.variable import TensorVariable, as_tensor_variable
from graphlens.tensor.kernels import ufunc_kernel, where_kernel

COMPARISON_REASON = ("a comparison is piecewise constant (true or false): its derivative is 0 "
                     "wherever it exists")


@dataclass(frozen=True)
class Comparison(BinaryElemwise):
    """Base of elementwise comparisons: a bool result and a zero gradient."""

    gradient_remedy = ("a comparison is true or false; if it must feed the cost, use a smooth "
                       "surrogate: T.nnet.sigmoid(k * (a - b)) instead of a > b")
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = COMPARISON_REASON

    def kernel(self, node):
        """The ufunc into a bool `out`, whatever the input dtypes."""
        return ufunc_kernel(self.nfunc) if isinstance(self.nfunc, np.ufunc) else None

    def output_dtype(self, dtype):
        return "bool"

    def grad(self, inputs, output_grads):
        return [zeros_like(x) for x in inputs]


@dataclass(frozen=True)
class Lt(Comparison):
    """x < y, elementwise (less than): a bool tensor."""

    nfunc = staticmethod(np.less)
    notation = Infix("<", COMPARE, associative=False)


@dataclass(frozen=True)
class Gt(Comparison):
    """x > y, elementwise (greater than): a bool tensor."""

    nfunc = staticmethod(np.greater)
    notation = Infix(">", COMPARE, associative=False)


@dataclass(frozen=True)
class Le(Comparison):
    """x <= y, elementwise (less than or equal): a bool tensor."""

    nfunc = staticmethod(np.less_equal)
    notation = Infix("<=", COMPARE, associative=False)


@dataclass(frozen=True)
class Ge(Comparison):
    """x >= y, elementwise (greater than or equal): a bool tensor."""

    nfunc = staticmethod(np.greater_equal)
    notation = Infix(">=", COMPARE, associative=False)


@dataclass(frozen=True)
class Eq(Comparison):
    """x == y, elementwise (equal): a bool tensor."""

    nfunc = staticmethod(np.equal)
    notation = Infix("==", COMPARE, associative=False)
    commutative = True


@dataclass(frozen=True)
class Neq(Comparison):
    """x != y, elementwise (not equal): a bool tensor."""

    nfunc = staticmethod(np.not_equal)
    notation = Infix("!=", COMPARE, associative=False)
    commutative = True


@dataclass(frozen=True)
class Logical(BinaryElemwise):
    """Base of &, |, ^ on bool or integer tensors (bitwise on integers, as numpy)."""

    gradient_remedy = "combine soft masks (floats in [0, 1]) by multiplication instead of & | ^"
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = "logical and bitwise operations have no derivative: 0"
    kinds = "biu"
    dtype_hint = "; compare first, e.g. (x > 0) & (y < 1)"

    def grad(self, inputs, output_grads):
        return [zeros_like(x) for x in inputs]


@dataclass(frozen=True)
class And(Logical):
    """x & y."""

    nfunc = staticmethod(np.bitwise_and)
    notation = Infix("&", COMPARE + 4)   # Python: | < ^ < & < +, all above <
    commutative = True


@dataclass(frozen=True)
class Or(Logical):
    """x | y."""

    nfunc = staticmethod(np.bitwise_or)
    notation = Infix("|", COMPARE + 2)
    commutative = True


@dataclass(frozen=True)
class Xor(Logical):
    """x ^ y."""

    nfunc = staticmethod(np.bitwise_xor)
    notation = Infix("^", COMPARE + 3)
    commutative = True


@dataclass(frozen=True)
class Invert(UnaryElemwise):
    """~x: logical not of bools, bitwise not of integers."""

    nfunc = staticmethod(np.invert)
    notation = Prefix("~")
    gradient_remedy = "use 1 - m on a soft mask m (floats in [0, 1]) instead of ~m"
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = "logical not has no derivative: 0"
    kinds = "biu"
    dtype_hint = "; compare first, e.g. ~(x > 0)"

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


@dataclass(frozen=True)
class Maximum(BinaryElemwise):
    """Elementwise larger of x and y. At ties the gradient goes to x."""

    nfunc = staticmethod(np.maximum)
    notation = Func("maximum")
    commutative = True

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        chosen = ge(x, y)
        return [unbroadcast(switch(chosen, gz, 0), x), unbroadcast(switch(chosen, 0, gz), y)]


@dataclass(frozen=True)
class Minimum(BinaryElemwise):
    """Elementwise smaller of x and y. At ties the gradient goes to x."""

    nfunc = staticmethod(np.minimum)
    notation = Func("minimum")
    commutative = True

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        chosen = le(x, y)
        return [unbroadcast(switch(chosen, gz, 0), x), unbroadcast(switch(chosen, 0, gz), y)]


@dataclass(frozen=True)
class Clip(Elemwise):
    """x limited to [low, high]. Inside (bounds included) the gradient goes to x."""

    nin = 3
    nfunc = staticmethod(np.clip)
    notation = Func("clip")
    kinds = "biuf"          # Theano refused complex bounds (TypeError): no order to clip by

    def impl(self, x, low, high):
        # Theano's rule: below low gives low, else above high gives high. np.clip gives high
        # everywhere when low > high, which the gradient below would contradict.
        return np.where(x < low, low, np.minimum(x, high))

    def grad(self, inputs, output_grads):
        (x, low, high), (gz,) = inputs, output_grads
        inside = and_(ge(x, low), le(x, high))
        return [unbroadcast(switch(inside, gz, 0), x),
                unbroadcast(switch(lt(x, low), gz, 0), low),
                unbroadcast(switch(gt(x, high), gz, 0), high)]


def _literal_of(value):
    """(data, type) of the Python int or float `value`'s literal, or None for anything else
    (and for an int too large for any dtype, which as_tensor_variable reports)."""
    return literal(value) if value.__class__ is float or value.__class__ is int else None


def _plain_constant(var, dtype, ndim):
    """The weak literal `var` (a weak constant, or a literal's (data, type)) as a plain
    constant of `dtype`, padded to rank `ndim` (its data cast and padded once per literal,
    dtype and rank: tensor/literals.py)."""
    data, type_ = var if var.__class__ is tuple else (var.data, var.type)
    return literal_constant(data, type_, dtype, ndim, False)


@dataclass(frozen=True)
class Switch(Elemwise):
    """switch(cond, a, b): a where cond is true, b elsewhere."""

    nin = 3
    notation = Func("switch")
    gradient_remedy = ("gradients flow only into the two branches of switch; to learn the "
                       "condition, blend smoothly: g = T.nnet.sigmoid(k * c); g * a + (1 - g) * "
                       "b")
    # Only the condition gets no gradient; the branches do, so this is a `gradient_block`
    # of input 0, not a `zero_gradient_reason` (which says every input gets none).
    condition_reason = "the condition of switch only selects between branches: its gradient is 0"

    def make_node(self, cond, a, b):
        # The dtype comes from the branches alone (Python numbers in them stay weak); the
        # condition is only tested for truth, so an int condition does not upcast them.
        # A Python number branch is read as its literal's (data, type), not made a constant
        # only to be replaced (`switch(c, g, 0)`, twice per maximum's gradient).
        branches = [_literal_of(v) or as_tensor_variable(v) for v in (a, b)]
        dtype = upcast_names([v[1].dtype if v.__class__ is tuple else v.type.dtype
                              for v in branches])
        # A weak branch takes the dtype as a plain constant, its data cast once per literal
        # and dtype (tensor/literals.py), padded here to the rank of the other inputs:
        # Elemwise then makes no second constant.
        weak = [v.__class__ is tuple or getattr(v, "weak", False) for v in branches]
        if True in weak:
            # (Rank 0 when no input is a tensor yet: Elemwise then pads them all alike.)
            ndim = max((v.ndim for v in (cond, *branches) if isinstance(v, TensorVariable)),
                       default=0)
            branches = [_plain_constant(v, dtype, ndim) if is_weak else v
                        for v, is_weak in zip(branches, weak)]
        # Most switches (a gradient's) need no broadcasting work: tensor/plain_node.py.
        node = plain_node(self, (cond, *branches), DTYPE_KINDS) or super().make_node(
            cond, *branches)
        out = node.outputs[0]
        if type(out.type) is TensorType:
            # The shared type (one object fewer per switch: max/min gradients make thousands),
            # and none made at all when the inputs' upcast already gave the branches' dtype.
            if out.type.dtype != dtype:
                out.type = tensor_type(dtype, out.type.shape)
        else:
            out.type = out.type.clone(dtype=dtype)
        return node

    def impl(self, cond, a, b):
        return np.where(cond, a, b)

    def kernel(self, node):
        """np.where into `out`, converted to the output's dtype as `perform` converts it: a
        fused node holding a switch (every max/min gradient) keeps its arrays planned once."""
        return where_kernel

    def grad(self, inputs, output_grads):
        (cond, a, b), (gz,) = inputs, output_grads
        return [zeros_like(cond), unbroadcast(switch(cond, gz, 0), a),
                unbroadcast(switch(cond, 0, gz), b)]

    def gradient_block(self, node, index):
        return ("switch_condition", self.condition_reason) if index == 0 else None

# The elementwise functions are shared op instances, as Theano's T.exp is an Elemwise
# instance: T.exp(x).owner.op == T.exp, and local_optimizer([T.exp]) tracks it.
# x < y, elementwise (bool).
lt = shared_op(Lt)


# x > y, elementwise (bool).
gt = shared_op(Gt)


# x <= y, elementwise (bool).
le = shared_op(Le)


# x >= y, elementwise (bool).
ge = shared_op(Ge)


# x == y, elementwise (bool): `T.eq(x, y)`, since `x == y` is identity.
eq = shared_op(Eq)


# x != y, elementwise (bool).
neq = shared_op(Neq)


# x & y.
and_ = shared_op(And)


# x | y.
or_ = shared_op(Or)


# x ^ y.
xor = shared_op(Xor)


# ~x.
invert = shared_op(Invert)


# Elementwise maximum.
maximum = shared_op(Maximum)


# Elementwise minimum.
minimum = shared_op(Minimum)


# x limited to [low, high].
clip = shared_op(Clip)


# Elementwise choice: `T.switch(x > 0, x, 0)`.
switch = shared_op(Switch)
