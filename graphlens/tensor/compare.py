"""Comparisons, logic, choices (switch, maximum, clip) and piecewise-constant functions.

Most of these have a zero gradient; each says why in `zero_gradient_reason`, which the gradient
tracer reports next to the user's line that built the op.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.notation import COMPARE, Func, Infix, Prefix
from graphlens.tensor.elemwise import (BinaryElemwise, Elemwise, UnaryElemwise, common_dtype,
                                       unbroadcast)
from graphlens.tensor.math import zeros_like
from graphlens.tensor.variable import as_tensor_variable, constant
from graphlens.tensor.kernels import ufunc_kernel
from graphlens.errors import InvalidArgumentError

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


def _comparison(name, nfunc, symbol, commutative=False):
    cls = type(name, (Comparison,), {
        "__doc__": f"x {symbol} y, elementwise.", "nfunc": staticmethod(nfunc),
        "commutative": commutative,
        "notation": Infix(symbol, COMPARE, associative=False),
        "__module__": __name__, "__qualname__": name})
    return dataclass(frozen=True)(cls)


Lt = _comparison("Lt", np.less, "<")
Gt = _comparison("Gt", np.greater, ">")
Le = _comparison("Le", np.less_equal, "<=")
Ge = _comparison("Ge", np.greater_equal, ">=")
Eq = _comparison("Eq", np.equal, "==", commutative=True)
Neq = _comparison("Neq", np.not_equal, "!=", commutative=True)


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
class PiecewiseConstant(UnaryElemwise):
    """Base of sgn, round, floor, ceil: the derivative is 0 wherever it exists."""

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


@dataclass(frozen=True)
class Sgn(PiecewiseConstant):
    """Sign of x: -1, 0 or 1."""

    nfunc = staticmethod(np.sign)
    notation = Func("sgn")
    gradient_remedy = ("use the straight-through estimator: straight_through(T.sgn(h), h) (from "
                       "graphlens.gradient) keeps sgn's value in the forward pass and passes "
                       "the gradient of h backward; or a smooth surrogate such as T.tanh(k * h) "
                       "with k around 5")
    zero_gradient_reason = "sgn is piecewise constant: its derivative is 0 wherever it exists"

    def kernel(self, node):
        """np.sign into `out` (a fused sgn needs no array of its own); bools take perform."""
        return None if node.inputs[0].dtype == "bool" else ufunc_kernel(np.sign)

    def impl(self, x):
        # numpy has no sign of bools; a bool is its own sign (False 0, True 1).
        return x.copy() if x.dtype == np.bool_ else np.sign(x)


@dataclass(frozen=True)
class Round(PiecewiseConstant):
    """Round half to even (numpy's rule: round(0.5) == 0, round(1.5) == 2)."""

    nfunc = staticmethod(np.round)
    notation = Func("round")
    gradient_remedy = ("use the straight-through estimator: straight_through(T.round(x), x) "
                       "(from graphlens.gradient) keeps round's value in the forward pass and "
                       "passes the gradient of x backward")
    zero_gradient_reason = "round is piecewise constant: its derivative is 0 wherever it exists"


@dataclass(frozen=True)
class RoundHalfAwayFromZero(Round):
    """Round halves away from zero (round(0.5) == 1, round(-2.5) == -3): Theano's
    `round(x, mode='half_away_from_zero')`."""

    nfunc = None
    notation = Func("round_half_away_from_zero")

    def impl(self, x):
        if x.dtype.kind not in "fc":
            return x.copy()          # integers are already whole
        whole = np.trunc(x)
        # x - trunc(x) is exact; floor(|x| + 0.5) would round 0.49999999999999994 up.
        with np.errstate(invalid="ignore"):          # inf - inf: NaN, and inf stays inf
            half_or_more = np.abs(x - whole) >= 0.5
        return whole + np.where(half_or_more, np.sign(x), 0).astype(x.dtype)


@dataclass(frozen=True)
class Trunc(PiecewiseConstant):
    """x rounded towards zero (as a float for float x)."""

    nfunc = staticmethod(np.trunc)
    notation = Func("trunc")
    kinds = "biuf"
    zero_gradient_reason = "trunc is piecewise constant: its derivative is 0 wherever it exists"
    gradient_remedy = ("use the straight-through estimator: straight_through(T.trunc(x), x) (from "
              "graphlens.gradient) keeps trunc's value in the forward pass and passes the "
              "gradient of x backward")


@dataclass(frozen=True)
class Floor(PiecewiseConstant):
    """Largest integer <= x (as a float for float x)."""

    nfunc = staticmethod(np.floor)
    notation = Func("floor")
    gradient_remedy = ("use the straight-through estimator: straight_through(T.floor(x), x) "
                       "(from graphlens.gradient) keeps floor's value in the forward pass and "
                       "passes the gradient of x backward")
    kinds = "biuf"
    zero_gradient_reason = "floor is piecewise constant: its derivative is 0 wherever it exists"


@dataclass(frozen=True)
class Ceil(PiecewiseConstant):
    """Smallest integer >= x (as a float for float x)."""

    nfunc = staticmethod(np.ceil)
    notation = Func("ceil")
    gradient_remedy = ("use the straight-through estimator: straight_through(T.ceil(x), x) "
                       "(from graphlens.gradient) keeps ceil's value in the forward pass and "
                       "passes the gradient of x backward")
    kinds = "biuf"
    zero_gradient_reason = "ceil is piecewise constant: its derivative is 0 wherever it exists"


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

    def grad(self, inputs, output_grads):
        (x, low, high), (gz,) = inputs, output_grads
        inside = and_(ge(x, low), le(x, high))
        return [unbroadcast(switch(inside, gz, 0), x),
                unbroadcast(switch(lt(x, low), gz, 0), low),
                unbroadcast(switch(gt(x, high), gz, 0), high)]


@dataclass(frozen=True)
class Switch(Elemwise):
    """switch(cond, a, b): a where cond is true, b elsewhere."""

    nin = 3
    notation = Func("switch")
    gradient_remedy = ("gradients flow only into the two branches of switch; to learn the "
                       "condition, blend smoothly: g = T.nnet.sigmoid(k * c); g * a + (1 - g) * "
                       "b")
    zero_gradient_reason = ("the condition of switch only selects between branches: its "
                            "gradient is 0")

    def make_node(self, cond, a, b):
        # The dtype comes from the branches alone (Python numbers in them stay weak); the
        # condition is only tested for truth, so an int condition does not upcast them.
        branches = [as_tensor_variable(a), as_tensor_variable(b)]
        dtype = common_dtype(branches)
        branches = [constant(v.data.astype(dtype)) if getattr(v, "weak", False) else v
                    for v in branches]
        node = super().make_node(cond, *branches)
        node.outputs[0].type = node.outputs[0].type.clone(dtype=dtype)
        return node

    def impl(self, cond, a, b):
        return np.where(cond, a, b)

    def grad(self, inputs, output_grads):
        (cond, a, b), (gz,) = inputs, output_grads
        return [zeros_like(cond), unbroadcast(switch(cond, gz, 0), a),
                unbroadcast(switch(cond, 0, gz), b)]

    def gradient_block(self, node, index):
        return ("switch_condition", self.zero_gradient_reason) if index == 0 else None

def lt(x, y):
    """x < y, elementwise (bool)."""
    return Lt()(x, y)


def gt(x, y):
    """x > y, elementwise (bool)."""
    return Gt()(x, y)


def le(x, y):
    """x <= y, elementwise (bool)."""
    return Le()(x, y)


def ge(x, y):
    """x >= y, elementwise (bool)."""
    return Ge()(x, y)


def eq(x, y):
    """x == y, elementwise (bool): `T.eq(x, y)`, since `x == y` is identity."""
    return Eq()(x, y)


def neq(x, y):
    """x != y, elementwise (bool)."""
    return Neq()(x, y)


def and_(x, y):
    """x & y."""
    return And()(x, y)


def or_(x, y):
    """x | y."""
    return Or()(x, y)


def xor(x, y):
    """x ^ y."""
    return Xor()(x, y)


def invert(x):
    """~x."""
    return Invert()(x)


def sgn(x):
    """Sign of x: `T.sgn(x)`; its gradient is zero."""
    return Sgn()(x)


ROUND_MODES = ("half_to_even", "half_away_from_zero")


def round(x, mode=None):
    """Round to whole numbers: halves to even by default (numpy's and Theano 1.0's rule), or
    `mode='half_away_from_zero'`."""
    if mode is None or mode == "half_to_even":
        return Round()(x)
    if mode == "half_away_from_zero":
        return RoundHalfAwayFromZero()(x)
    raise InvalidArgumentError(f"round: mode must be one of {ROUND_MODES}, got {mode!r}")


def round_half_to_even(x):
    """Round halves to even: round(0.5) == 0, round(1.5) == 2."""
    return Round()(x)


def round_half_away_from_zero(x):
    """Round halves away from zero: round(0.5) == 1, round(-0.5) == -1."""
    return RoundHalfAwayFromZero()(x)


def iround(x, mode=None):
    """round(x, mode) as int64 (Theano's iround)."""
    from graphlens.tensor.basic import cast
    return cast(round(x, mode), "int64")


def trunc(x):
    """x rounded towards zero."""
    return Trunc()(x)


def floor(x):
    """Floor."""
    return Floor()(x)


def ceil(x):
    """Ceiling."""
    return Ceil()(x)


def maximum(x, y):
    """Elementwise maximum."""
    return Maximum()(x, y)


def minimum(x, y):
    """Elementwise minimum."""
    return Minimum()(x, y)


def clip(x, low, high):
    """x limited to [low, high]."""
    return Clip()(x, low, high)


def switch(cond, if_true, if_false):
    """Elementwise choice: `T.switch(x > 0, x, 0)`."""
    return Switch()(cond, if_true, if_false)
