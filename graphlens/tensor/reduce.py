"""Reductions over axes: sum, prod, max, min, argmax, argmin, all, any, and mean, var, std.

`keepdims=True` re-inserts the reduced axes with length 1 (a DimShuffle), so the ops themselves
have only an `axis` parameter: a sorted tuple of axes, or None for all of them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from graphlens.errors import AxisError, GraphlensTypeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.compare import eq, maximum, minimum, switch
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.math import sqr, sqrt
from graphlens.tensor.fill import fill, zeros_like
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.basic import cast


def normalize_axes(axis, ndim, var=None, op_name="reduction") -> tuple[int, ...]:
    """`axis` (None, an int or a sequence, negative allowed) as a sorted tuple of axes.
    `op_name`: what an error names (a string, or the op, written as its label).

    >>> normalize_axes(-1, 3), normalize_axes(None, 2)
    ((2,), (0, 1))
    """
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, np.ndarray):
        axis = axis.ravel().tolist()
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    result = []
    for a in axes:
        if isinstance(a, np.ndarray) and a.ndim == 0 and a.dtype.kind in "iu":
            a = int(a)          # Theano's axis=[np.array(0), np.array(1)]
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            what = describe(var) if var is not None else f"a tensor of rank {ndim}"
            raise GraphlensTypeError(f"{op_name}: axis must be an int, a list of ints or None, "
                                     f"got {a!r:.40} for {what}")
        if not -ndim <= a < ndim:
            what = describe(var) if var is not None else f"a tensor of rank {ndim}"
            raise AxisError(f"{op_name}: axis {a} is out of range for {what}")
        result.append(int(a) % ndim if ndim else int(a))
    if len(set(result)) != len(result):
        raise AxisError(f"{op_name}: repeated axis in {axis}")
    return tuple(sorted(result))


def expand_reduced(var, axes, ndim):
    """`var` (a reduction result) with the reduced `axes` re-inserted as length-1 axes."""
    order, position = [], 0
    for axis in range(ndim):
        if axis in axes:
            order.append("x")
        else:
            order.append(position)
            position += 1
    return DimShuffle(var.ndim, tuple(order))(var)


@dataclass(frozen=True)
class Reduce(Op):
    """Base of reductions over `axis` (a sorted tuple; normalised by the helper functions;
    None, the default as in Theano's `Sum()`, reduces every axis)."""

    axis: tuple = None

    def output_dtype(self, dtype):
        return dtype

    def make_node(self, x):
        x = as_tensor_variable(x)
        # The op itself, not its label: the name is written only if an error needs it.
        axes = normalize_axes(self.axis, x.ndim, x, self)
        if axes != self.axis:
            # The op's other parameters (Prod's no_zeros_in_input) are kept.
            return dataclasses.replace(self, axis=axes).make_node(x)
        shape = tuple(d for i, d in enumerate(x.type.shape) if i not in axes)
        return Apply(self, [x], [tensor_type(self.output_dtype(x.dtype), shape)()])

    def perform(self, node, inputs):
        out = node.outputs[0]
        return [np.asarray(self.reduce(inputs[0], self.axis, out.type.dtype), out.type.dtype)]

    def direct_perform(self, node):
        """perform's reduction as a function of the one input array (no lists)."""
        if type(self).perform is not Reduce.perform:
            return None
        reduce, axis, dtype, asarray = self.reduce, self.axis, node.outputs[0].type.dtype, \
            np.asarray

        def direct(x):
            return asarray(reduce(x, axis, dtype), dtype)
        return direct


def _sum_dtype(dtype):
    # numpy's rule: small integers and bools sum in the platform integer (int64 here).
    if dtype in ("bool", "int8", "int16", "int32"):
        return "int64"
    if dtype in ("uint8", "uint16", "uint32"):
        return "uint64"
    return dtype


# Theano's default accumulators: a float32 sum (mean, product) adds in float64 and rounds once
# at the end, so sum([1e8, 1, -1e8]) in float32 is 1, where a float32 accumulator gives 0.
_WIDER_ACCUMULATOR = {"float16": "float32", "float32": "float64", "complex64": "complex128"}


def accumulator_dtype(dtype):
    """The dtype a sum, mean or product of result dtype `dtype` adds in (Theano's default
    acc_dtype): float32 in float64, float16 in float32, others in their own.

    >>> accumulator_dtype('float32'), accumulator_dtype('int64')
    ('float64', 'int64')
    """
    return _WIDER_ACCUMULATOR.get(str(dtype), dtype)


@dataclass(frozen=True)
class Sum(Reduce):
    """Sum of x over `axis`."""

    notation = Func("sum", params=("axis",))

    def output_dtype(self, dtype):
        return _sum_dtype(dtype)

    def reduce(self, x, axis, dtype):
        # The ufunc's own reduce: np.sum's Python wrapper costs more than a small sum.
        return np.add.reduce(x, axis=axis, dtype=accumulator_dtype(dtype))

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [fill(x, expand_reduced(gz, self.axis, x.ndim))]


@dataclass(frozen=True)
class Prod(Reduce):
    """Product of x over `axis`. Its gradient is exact at zeros too (not prod / x), unless
    `no_zeros_in_input` (Theano's promise that x holds no zero) lets it be prod / x, a
    gradient that is itself differentiable.

    >>> Prod(axis=1, no_zeros_in_input=True)(T.dmatrix('x'))          # doctest: +SKIP
    """

    no_zeros_in_input: bool = False
    notation = Func("prod", params=("axis",))

    def output_dtype(self, dtype):
        return _sum_dtype(dtype)

    def reduce(self, x, axis, dtype):
        return np.multiply.reduce(x, axis=axis, dtype=accumulator_dtype(dtype))

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if self.no_zeros_in_input:
            # The user promised no zeros: the product of the others is prod / x.
            return [expand_reduced(gz * self(x), self.axis, x.ndim) / x]
        keep = dict(axis=self.axis, keepdims=True)
        is_zero = eq(x, 0)
        # The product of the other elements: prod/x away from zeros; at the single zero of a
        # slice the product of the non-zeros; 0 where a slice holds two zeros or more.
        product_of_nonzeros = prod(switch(is_zero, 1, x), **keep)
        zeros_in_slice = sum(is_zero, **keep)
        # Divide by x only where x != 0 (1 elsewhere), so no 0/0 is ever computed.
        others = switch(is_zero, switch(eq(zeros_in_slice, 1), product_of_nonzeros, 0),
                        prod(x, **keep) / switch(is_zero, 1, x))
        return [expand_reduced(gz, self.axis, x.ndim) * others]


@dataclass(frozen=True)
class MaxOrMin(Reduce):
    """Base of max and min: at ties every tied element receives the full gradient."""

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        extreme = expand_reduced(self(x), self.axis, x.ndim)
        return [expand_reduced(gz, self.axis, x.ndim) * eq(x, extreme)]


@dataclass(frozen=True)
class Max(MaxOrMin):
    """Largest element of x over `axis`."""

    notation = Func("max", params=("axis",))

    def reduce(self, x, axis, dtype):
        return np.maximum.reduce(x, axis=axis)


@dataclass(frozen=True)
class Min(MaxOrMin):
    """Smallest element of x over `axis`."""

    notation = Func("min", params=("axis",))

    def reduce(self, x, axis, dtype):
        return np.minimum.reduce(x, axis=axis)


@dataclass(frozen=True)
class Mean(Reduce):
    """Mean of x over `axis`; integers and bools average in float64 (as numpy and Theano)."""

    notation = Func("mean", params=("axis",))

    def output_dtype(self, dtype):
        # Not float_dtype(): a sum of many int8s in float32 would lose exactness.
        return "float64" if is_discrete(dtype) else dtype

    def reduce(self, x, axis, dtype):
        count = math.prod(x.shape[a] for a in axis)
        if count == 0:
            return np.mean(x, axis=axis, dtype=dtype)     # NaN, with numpy's own warning
        return np.add.reduce(x, axis=axis, dtype=accumulator_dtype(dtype)) / count

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        count = cast(AxisSize(self.axis)(x), gz.dtype)
        return [fill(x, expand_reduced(gz, self.axis, x.ndim)) / count]


@dataclass(frozen=True)
class AxisSize(Op):
    """The number of elements of x over `axis` (int64 scalar): what a mean divides by. Over
    one axis it is Theano's `Shape_i(i)` (also at `theano.tensor.opt.Shape_i`): x.shape[i]."""

    axis: tuple
    notation = Func("size", params=("axis",))
    gradient_remedy = "the cost reads only the size of this value, never its entries"
    reads_only_shape = True

    def __post_init__(self):
        if isinstance(self.axis, (int, np.integer)):        # Theano's Shape_i(i)
            object.__setattr__(self, "axis", (int(self.axis),))

    @property
    def i(self):
        """Theano's Shape_i.i: the one axis."""
        return self.axis[0]

    def make_node(self, x):
        x = as_tensor_variable(x)
        if [a for a in self.axis if not -x.ndim <= a < x.ndim]:      # (`any` is T.any here)
            raise AxisError(f"size: axes {self.axis} out of range for {describe(x)}")
        return Apply(self, [x], [tensor_type("int64", ())()])

    def perform(self, node, inputs):
        shape = inputs[0].shape
        return [np.asarray(math.prod(shape[a] for a in self.axis), dtype="int64")]

    def direct_perform(self, node):
        """The length as a function of the array: the common one-axis case reads one entry."""
        if len(self.axis) != 1:
            return None
        (axis,), asarray = self.axis, np.asarray

        def direct(x):
            return asarray(x.shape[axis], dtype="int64")
        return direct

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]


@dataclass(frozen=True)
class DiscreteReduce(Reduce):
    """Base of argmax, argmin, all, any: integer or bool results with a zero gradient."""

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


@dataclass(frozen=True)
class Argmax(DiscreteReduce):
    """Index of the largest element over one `axis` (or of the flattened tensor for None)."""

    notation = Func("argmax", params=("axis",))
    gradient_remedy = ("use a soft choice in the cost, T.nnet.softmax(x) (or its expected "
                       "index); keep argmax for evaluation")
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = ("argmax returns an index, piecewise constant in x: its derivative "
                            "is 0")

    def make_node(self, x):
        return _arg_reduce_node(self, x, "int64")

    def reduce(self, x, axis, dtype):
        return np.argmax(x.reshape(-1) if len(axis) == x.ndim > 1 else x,
                         axis=0 if len(axis) == x.ndim > 1 else (axis[0] if axis else None))


@dataclass(frozen=True)
class Argmin(DiscreteReduce):
    """Index of the smallest element over one `axis` (or of the flattened tensor for None)."""

    notation = Func("argmin", params=("axis",))
    gradient_remedy = ("use a soft choice in the cost, T.nnet.softmax(-x); keep argmin for "
                       "evaluation")
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = ("argmin returns an index, piecewise constant in x: its derivative "
                            "is 0")

    def make_node(self, x):
        return _arg_reduce_node(self, x, "int64")

    def reduce(self, x, axis, dtype):
        return np.argmin(x.reshape(-1) if len(axis) == x.ndim > 1 else x,
                         axis=0 if len(axis) == x.ndim > 1 else (axis[0] if axis else None))


def _arg_reduce_node(op, x, dtype):
    x = as_tensor_variable(x)
    axes = normalize_axes(op.axis, x.ndim, x, op)
    if len(axes) not in (1, x.ndim):
        raise AxisError(f"{op.label}: give one axis or all of them (None), got {op.axis} for "
                        f"{describe(x)}")
    if axes != op.axis:
        return type(op)(axes).make_node(x)
    shape = tuple(d for i, d in enumerate(x.type.shape) if i not in axes)
    return Apply(op, [x], [tensor_type(dtype, shape)()])


@dataclass(frozen=True)
class All(DiscreteReduce):
    """True where every element over `axis` is true."""

    notation = Func("all", params=("axis",))
    gradient_remedy = "use a smooth surrogate of all(): T.min(x) or T.prod(x) on values in [0, 1]"
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = "all() is a logical test: its derivative is 0"

    def output_dtype(self, dtype):
        return "bool"

    def reduce(self, x, axis, dtype):
        return np.all(x, axis=axis)


@dataclass(frozen=True)
class Any(DiscreteReduce):
    """True where some element over `axis` is true."""

    notation = Func("any", params=("axis",))
    gradient_remedy = ("use a smooth surrogate of any(): T.max(x) or 1 - T.prod(1 - x) on "
                       "values in [0, 1]")
    selector = True      # the result only chooses or tests: a mask, an index
    zero_gradient_reason = "any() is a logical test: its derivative is 0"

    def output_dtype(self, dtype):
        return "bool"

    def reduce(self, x, axis, dtype):
        return np.any(x, axis=axis)


def _reduction(op_class, x, axis, keepdims, **params):
    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.ndim, x, op_class.__name__.lower())
    result = op_class(axes, **params)(x)
    return expand_reduced(result, axes, x.ndim) if keepdims else result


def _in_dtypes(op_class, x, axis, keepdims, dtype, acc_dtype, **params):
    """A reduction accumulated in `acc_dtype` and given in `dtype` (Theano's keywords); each
    None keeps the reduction's own dtype. `params` are the op's others."""
    x = as_tensor_variable(x)
    if acc_dtype is None and dtype is None:
        return _reduction(op_class, x, axis, keepdims, **params)
    result = _reduction(op_class, cast(x, acc_dtype) if acc_dtype else x, axis, keepdims,
                        **params)
    wanted = dtype or _reduction(op_class, x, axis, keepdims).dtype
    return result if result.dtype == wanted else cast(result, wanted)


def sum(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Sum over `axis` (all axes by default): `T.sum(x, axis=1, keepdims=True)`; `dtype` and
    `acc_dtype` as Theano's: `T.sum(bytes, acc_dtype='int64', dtype='int32')`. The positional
    order is Theano's and numpy's (axis, dtype, keepdims): `T.sum(x, 0, 'float32')`."""
    return _in_dtypes(Sum, x, axis, keepdims, dtype, acc_dtype)


def prod(x, axis=None, dtype=None, keepdims=False, acc_dtype=None, no_zeros_in_input=False):
    """Product over `axis`; `dtype`/`acc_dtype` as for sum. `no_zeros_in_input=True` promises
    x holds no zero: the gradient is then prod / x (twice differentiable), as Theano's; the
    default gradient is exact at zeros too."""
    params = {"no_zeros_in_input": True} if no_zeros_in_input else {}
    return _in_dtypes(Prod, x, axis, keepdims, dtype, acc_dtype, **params)


def max(x, axis=None, keepdims=False):
    """Maximum over `axis`. Gradient at ties: every tied element receives the full gradient."""
    return _reduction(Max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over `axis`. Gradient at ties: every tied element receives the full gradient."""
    return _reduction(Min, x, axis, keepdims)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum over one axis (flattened for None): `T.argmax(p, axis=1)`."""
    return _reduction(Argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum over one axis (flattened for None)."""
    return _reduction(Argmin, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    """Logical and over `axis`."""
    return _reduction(All, x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    """Logical or over `axis`."""
    return _reduction(Any, x, axis, keepdims)


def mean(x, axis=None, dtype=None, op=False, keepdims=False, acc_dtype=None):
    """Arithmetic mean over `axis`; `dtype`/`acc_dtype` as for sum. An integer or bool
    `dtype` is the sum's, and the mean is float64 (as Theano's: it divides after summing).
    Theano's positional order, its `op` included (True asked Theano for its Mean op, which
    gives the same values: graphlens's mean is that op either way)."""
    if dtype is not None and is_discrete(str(np.dtype(dtype))):
        return _reduction(Mean, cast(as_tensor_variable(x), dtype), axis, keepdims)
    return _in_dtypes(Mean, x, axis, keepdims, dtype, acc_dtype)


def var(x, axis=None, ddof=0, keepdims=False, corrected=False):
    """Variance over `axis`, dividing by n - ddof (n by default): `T.var(x, 0, ddof=1)`; the
    arguments in Theano's order (ddof third).
    `corrected=True` (Theano's) subtracts the rounding error of the mean, the corrected
    two-pass formula: (sum(d**2) - sum(d)**2 / n) / (n - ddof), d = x - mean(x)."""
    x = as_tensor_variable(x)
    deviation = x - mean(x, axis=axis, keepdims=True)
    if corrected:
        n = cast(AxisSize(normalize_axes(axis, x.ndim, x, "var"))(x), deviation.dtype)
        total = sum(sqr(deviation), axis=axis, keepdims=keepdims)
        error = sqr(sum(deviation, axis=axis, keepdims=keepdims)) / n
        return (total - error) / (n - ddof)
    if ddof == 0:
        return mean(sqr(deviation), axis=axis, keepdims=keepdims)
    squares = sqr(deviation)
    count = AxisSize(normalize_axes(axis, x.ndim, x, "var"))(x) - ddof
    return sum(squares, axis=axis, keepdims=keepdims) / cast(count, squares.dtype)


def std(x, axis=None, ddof=0, keepdims=False, corrected=False):
    """Standard deviation over `axis`, dividing by n - ddof (`corrected` as in var)."""
    return sqrt(var(x, axis=axis, keepdims=keepdims, ddof=ddof, corrected=corrected))


def ptp(x, axis=None, keepdims=False):
    """Peak to peak: max - min over `axis` (all axes for None), as numpy.ptp and Theano's."""
    return max(x, axis=axis, keepdims=keepdims) - min(x, axis=axis, keepdims=keepdims)


def largest(*tensors):
    """The elementwise largest of the tensors: maximum(a, maximum(b, c))."""
    result = tensors[0]
    for other in tensors[1:]:
        result = maximum(result, other)
    return as_tensor_variable(result)


def smallest(*tensors):
    """The elementwise smallest of the tensors."""
    result = tensors[0]
    for other in tensors[1:]:
        result = minimum(result, other)
    return as_tensor_variable(result)
