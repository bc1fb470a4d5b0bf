"""Arithmetic and smooth elementwise functions, each with its gradient beside its evaluation.

>>> x = T.dvector('x'); y = T.exp(x) * 2 + T.log1p(x)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.graph.notation import ADD, MUL, NEG, POW, Func, Infix, Prefix
from graphlens.graph.op import shared_op
from graphlens.graph.types import is_discrete
from graphlens.config import config
from graphlens.tensor.elemwise import (DTYPE_KINDS, BinaryElemwise, Elemwise, FloatUnaryElemwise,
                                       UnaryElemwise, unbroadcast)
from graphlens.tensor.compare import eq, switch
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.rounding import sgn
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.kernels import (floating, nary_kernel, same_dtypes,
                                      ufunc_kernel)


@dataclass(frozen=True)
class Add(Elemwise):
    """x + y + ...: n-ary, so chains flatten into one node."""

    nin = -1
    commutative = True
    nfunc = staticmethod(np.add)
    notation = Infix("+", ADD)
    holomorphic = True

    def kernel(self, node):
        """One ufunc call for two inputs; a fold for more (n-ary)."""
        if not same_dtypes(node):
            return None
        return ufunc_kernel(self.nfunc) if len(node.inputs) == 2 else nary_kernel(self.nfunc)

    def numpy_function(self, node):
        """np.add itself for two inputs of the output's dtype (impl's general case is n-ary)."""
        if same_dtypes(node) and len(node.inputs) == 2:
            return self.nfunc
        return self.impl

    def impl(self, *arrays):
        result = arrays[0] + arrays[1] if len(arrays) > 1 else np.array(arrays[0], copy=True)
        for array in arrays[2:]:
            result = result + array
        return result

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return [unbroadcast(gz, x) for x in inputs]


@dataclass(frozen=True)
class Sub(BinaryElemwise):
    """x - y."""

    nfunc = staticmethod(np.subtract)
    notation = Infix("-", ADD, associative=False)
    holomorphic = True
    kinds = "iufc"      # numpy refuses bool - bool
    dtype_hint = "; for bools use x ^ y (xor), or cast to an integer dtype first"

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [unbroadcast(gz, x), unbroadcast(-gz, y)]


def _factor_gradients(inputs, gz, needed):
    """A product's gradients: gz times the other factors, summed back to each input's shape
    (None where `needed` is False)."""
    return [unbroadcast(mul(gz, *inputs[:i], *inputs[i + 1:]), x) if want else None
            for i, (x, want) in enumerate(zip(inputs, needed))]


@dataclass(frozen=True)
class Mul(Elemwise):
    """x * y * ...: n-ary."""

    nin = -1
    commutative = True
    nfunc = staticmethod(np.multiply)
    notation = Infix("*", MUL)
    holomorphic = True

    def kernel(self, node):
        """One ufunc call for two inputs; a fold for more (n-ary)."""
        if not same_dtypes(node):
            return None
        return ufunc_kernel(self.nfunc) if len(node.inputs) == 2 else nary_kernel(self.nfunc)

    def impl(self, *arrays):
        result = arrays[0] * arrays[1] if len(arrays) > 1 else np.array(arrays[0], copy=True)
        for array in arrays[2:]:
            result = result * array
        return result

    def grad(self, inputs, output_grads):
        return _factor_gradients(inputs, output_grads[0], [True] * len(inputs))

    def L_op_needed(self, inputs, outputs, output_grads, needed):
        # A constant factor (x * 0.5) wants no gradient: `grad` would build its product and
        # the sum that unbroadcasts it for nothing (a thousand of each on a 10k-node graph).
        if all(needed) or DTYPE_KINDS[outputs[0].dtype] == "c":
            return self.L_op(inputs, outputs, output_grads)
        return _factor_gradients(inputs, output_grads[0], needed)

    def gradient_block(self, node, index):
        """Another factor that is the constant 0 zeroes this input's gradient."""
        if is_discrete(node.inputs[index].dtype):
            return None
        if any(isinstance(other, Constant) and not np.any(np.asarray(other.data))
               for position, other in enumerate(node.inputs) if position != index):
            return "constant_zero", "multiplied by the constant 0: the product's gradient is 0"
        return None

@dataclass(frozen=True)
class TrueDiv(BinaryElemwise):
    """x / y; integers (and bools) divide to floatX, as in Theano."""

    notation = Infix("/", MUL, associative=False)
    holomorphic = True

    def kernel(self, node):
        """Float division into `out`; integer inputs take `perform`'s upcast."""
        return ufunc_kernel(np.true_divide) if same_dtypes(node) and floating(node) else None

    def output_dtype(self, dtype):
        return config.floatX if DTYPE_KINDS[dtype] in "biu" else dtype

    def impl(self, x, y):
        return np.true_divide(x, y)

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [unbroadcast(gz / y, x), unbroadcast(-gz * x / sqr(y), y)]


@dataclass(frozen=True)
class IntDiv(BinaryElemwise):
    """x // y, flooring."""

    nfunc = staticmethod(np.floor_divide)
    notation = Infix("//", MUL, associative=False)
    gradient_remedy = "use true division x / y where gradients must flow"
    kinds = "biuf"
    zero_gradient_reason = "x // y is piecewise constant: its derivative is 0 wherever it exists"

    def grad(self, inputs, output_grads):
        return [zeros_like(x) for x in inputs]


@dataclass(frozen=True)
class Mod(BinaryElemwise):
    """x % y, with the sign of y (numpy's and Python's rule)."""

    nfunc = staticmethod(np.mod)
    notation = Infix("%", MUL, associative=False)
    kinds = "biuf"

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        # x % y = x - y * floor(x / y); floor's derivative is 0 away from its jumps.
        return [unbroadcast(gz, x), unbroadcast(-gz * int_div(x, y), y)]


@dataclass(frozen=True)
class Pow(BinaryElemwise):
    """x ** y. The gradient in y is log(x) * x ** y: NaN for x < 0, as in numpy, and 0 at x == 0
    (the limit for y > 0), so a power of relu outputs, say, does not turn its gradient into NaN."""

    nfunc = staticmethod(np.power)
    notation = Infix("**", POW, associative=False, right_assoc=True)
    holomorphic = True

    def kernel(self, node):
        """np.power into `out` for floats; integer powers take `perform`'s checks."""
        return ufunc_kernel(np.power) if same_dtypes(node) and floating(node) else None

    def impl(self, x, y):
        if x.dtype.kind in "iu" and y.dtype.kind in "iu":
            # numpy refuses negative integer powers of integers; the float result is honest.
            return np.power(x, y) if not np.any(y < 0) else np.power(x.astype(float), y)
        return np.power(x, y)

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        log_x = log(switch(eq(x, 0), 1, x))       # log(1) = 0 where x is 0: no -inf * 0
        return [unbroadcast(gz * y * x ** (y - 1), x), unbroadcast(gz * log_x * (x ** y), y)]


@dataclass(frozen=True)
class Neg(UnaryElemwise):
    """-x."""

    nfunc = staticmethod(np.negative)
    notation = Prefix("-", NEG)
    holomorphic = True
    kinds = "iufc"      # numpy refuses -bool
    dtype_hint = "; for bools use ~x (logical not), or cast to an integer dtype first"

    def grad(self, inputs, output_grads):
        return [-output_grads[0]]


@dataclass(frozen=True)
class Abs(UnaryElemwise):
    """|x|. Its gradient at 0 is taken as 0 (the subgradient sgn(0))."""

    nfunc = staticmethod(np.abs)
    notation = Func("abs")

    def output_dtype(self, dtype):
        return {"complex64": "float32", "complex128": "float64"}.get(dtype, dtype)

    def grad(self, inputs, output_grads):
        return [output_grads[0] * sgn(inputs[0])]


@dataclass(frozen=True)
class Exp(FloatUnaryElemwise):
    """e ** x."""

    nfunc = staticmethod(np.exp)
    notation = Func("exp")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * exp(x)]


@dataclass(frozen=True)
class Log(FloatUnaryElemwise):
    """Natural logarithm."""

    nfunc = staticmethod(np.log)
    notation = Func("log")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / x]


@dataclass(frozen=True)
class Log1p(FloatUnaryElemwise):
    """log(1 + x), exact for small x."""

    nfunc = staticmethod(np.log1p)
    notation = Func("log1p")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz / (1 + x)]


@dataclass(frozen=True)
class Expm1(FloatUnaryElemwise):
    """exp(x) - 1, exact for small x."""

    nfunc = staticmethod(np.expm1)
    notation = Func("expm1")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * exp(x)]


@dataclass(frozen=True)
class Sqrt(FloatUnaryElemwise):
    """Square root."""

    nfunc = staticmethod(np.sqrt)
    notation = Func("sqrt")
    holomorphic = True

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [gz * 0.5 / sqrt(x)]


@dataclass(frozen=True)
class Tanh(FloatUnaryElemwise):
    """Hyperbolic tangent."""

    nfunc = staticmethod(np.tanh)
    notation = Func("tanh")
    holomorphic = True

    def grad(self, inputs, output_grads):
        return self.grad_given_outputs(inputs, [tanh(inputs[0])], output_grads)

    def grad_given_outputs(self, inputs, outputs, output_grads):
        """g * (1 - y**2), on the forward result y."""
        (y,), (gz,) = outputs, output_grads
        return [gz * (1 - sqr(y))]


@dataclass(frozen=True)
class Sqr(UnaryElemwise):
    """x * x."""

    nfunc = staticmethod(np.square)
    notation = Func("sqr")
    holomorphic = True

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2 * inputs[0]]


def add(*terms):
    """Elementwise sum of any number of tensors: `T.add(x, y, z)`."""
    return shared_op(Add)(*terms) if len(terms) != 1 else as_tensor_variable(terms[0])


# The elementwise functions are shared op instances, as Theano's T.exp is an Elemwise
# instance: T.exp(x).owner.op == T.exp, and local_optimizer([T.exp]) tracks it.
# x - y.
sub = shared_op(Sub)


def mul(*factors):
    """Elementwise product of any number of tensors."""
    return shared_op(Mul)(*factors) if len(factors) != 1 else as_tensor_variable(factors[0])


# Theano's T.add and T.mul were Elemwise ops, which custom rewrites track
# (`local_optimizer([T.add])`, gof/opt.py): the functions name their shared op for that.
add.op = shared_op(Add)
mul.op = shared_op(Mul)


# x / y.
true_div = shared_op(TrueDiv)


# x // y.
int_div = shared_op(IntDiv)


# x % y.
mod = shared_op(Mod)


# x ** y.
pow = shared_op(Pow)


# -x.
neg = shared_op(Neg)


# |x|.
abs = shared_op(Abs)


# e ** x: `T.exp(x)`.
exp = shared_op(Exp)


# Natural logarithm.
log = shared_op(Log)


# log(1 + x).
log1p = shared_op(Log1p)


# exp(x) - 1.
expm1 = shared_op(Expm1)


# Square root.
sqrt = shared_op(Sqrt)


# x * x.
sqr = shared_op(Sqr)


# Theano's alias, after numpy's name (Keras' l2_normalize calls T.square).
square = sqr


# Hyperbolic tangent.
tanh = shared_op(Tanh)
