"""Variable constructors by type prefix (T.dscalar, T.fmatrix, ...), casts, eye and arange."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import UnaryElemwise, call_site, common_dtype
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.type import TensorType, checked_dtype
from graphlens.tensor.variable import as_tensor_variable
from graphlens.config import config
from graphlens.tensor.kernels import copy_kernel
# The package, read when a Theano name is asked for here (`__getattr__` below); it imports this
# module, so it is bound now and read later.
import graphlens.tensor as T

# Static shapes of the named ranks: a row is (1, ?), a col (?, 1).
RANK_SHAPES = {
    "scalar": (), "vector": (None,), "row": (1, None), "col": (None, 1),
    "matrix": (None, None), "tensor3": (None,) * 3, "tensor4": (None,) * 4,
    "tensor5": (None,) * 5,
}


def _float_x():
    return config.floatX


def tensor(dtype=None, shape=(), name=None, test_value=None, broadcastable=None):
    """A symbolic tensor of `dtype` (floatX by default) and static `shape`; `test_value` sets
    its `tag.test_value`. Theano's keyword `broadcastable` (True for each length-1 axis) gives
    the rank and those lengths: `T.tensor('float32', broadcastable=(False, True))`."""
    if broadcastable is not None:
        shape = tuple(1 if axis else None for axis in broadcastable)
    return TensorType(dtype or _float_x(), shape)(name, test_value)


def _constructor(rank, dtype):
    def make(name=None, dtype=dtype, test_value=None):
        return TensorType(dtype or _float_x(), RANK_SHAPES[rank])(name, test_value)
    kind = dtype or "floatX"
    make.__doc__ = (f"A symbolic {rank} of dtype {kind}: `x = T.{rank}('x')`." if dtype is None
                    else f"A symbolic {dtype} {rank}.")
    return make


scalar, vector, row, col = (_constructor(r, None) for r in ("scalar", "vector", "row", "col"))
matrix, tensor3, tensor4, tensor5 = (_constructor(r, None)
                                     for r in ("matrix", "tensor3", "tensor4", "tensor5"))

@dataclass(frozen=True)
class Cast(UnaryElemwise):
    """x converted to `dtype`. A cast to an integer or bool type stops the gradient."""

    dtype: str
    notation = Func("cast", params=("dtype",))
    gradient_remedy = ("keep a float dtype: drop the cast (or cast to config.floatX) where "
                       "gradients must flow, and convert to integers only to evaluate, outside "
                       "the cost")

    def kernel(self, node):
        """Into `out`, converting as numpy's astype does."""
        return copy_kernel(0, casting="unsafe")

    @property
    def title(self):
        return f"cast to {self.dtype}"

    @property
    def zero_gradient_reason(self):
        if is_discrete(self.dtype):
            return (f"a cast to {self.dtype} rounds to whole numbers: its derivative is 0 "
                    f"(keep a float dtype where gradients must flow)")
        return None

    def output_dtype(self, dtype):
        return self.dtype

    def impl(self, x):
        return x.astype(self.dtype)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if is_discrete(self.dtype) or is_discrete(x.dtype):
            return [zeros_like(x)]
        return [cast(gz, x.dtype)]


@dataclass(frozen=True)
class TensorCopy(UnaryElemwise):
    """A copy of x in an array of its own (Theano's `tensor_copy`): what `x.copy()` builds."""

    notation = Func("copy")

    def kernel(self, node):
        """Into `out`, as it is."""
        return copy_kernel(0)

    def impl(self, x):
        return np.array(x, copy=True)

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


def tensor_copy(x):
    """A copy of `x`, a node of its own: `T.tensor_copy(x)`, also `x.copy()`.

    >>> y = T.tensor_copy(x)
    """
    return TensorCopy()(as_tensor_variable(x))


def cast(x, dtype):
    """x as `dtype`: `T.cast(x, 'int32')`; a no-op when x already has it."""
    x = as_tensor_variable(x)
    try:
        dtype = dtype_name(dtype)
    except GraphlensTypeError as exc:
        raise GraphlensTypeError(f"cast of {describe(x)}: {exc}") from None
    return x if x.dtype == dtype else Cast(dtype)(x)


def dtype_name(dtype) -> str:
    """A dtype given as a name, numpy dtype or type, or 'floatX', as its name: 'float32'."""
    return _float_x() if isinstance(dtype, str) and dtype == "floatX" else checked_dtype(dtype)


@dataclass(frozen=True)
class Eye(Op):
    """An n x m matrix with ones on diagonal k."""

    dtype: str
    notation = Func("eye")

    def make_node(self, n, m, k):
        n, m, k = (int_scalar(v, "eye: n, m and k each") for v in (n, m, k))
        shape = tuple(int(v.data) if isinstance(v, Constant) else None for v in (n, m))
        return Apply(self, [n, m, k], [TensorType(self.dtype, shape)()])

    def perform(self, node, inputs):
        n, m, k = (int(v) for v in inputs)
        return [np.eye(n, m, k, dtype=self.dtype)]

    def grad(self, inputs, output_grads):
        return [disconnected(v) for v in inputs]


@dataclass(frozen=True)
class ARange(Op):
    """Evenly spaced values in [start, stop) with `step`, as numpy's arange."""

    dtype: str
    notation = Func("arange")

    def make_node(self, start, stop, step):
        start, stop, step = (as_tensor_variable(v) for v in (start, stop, step))
        for v in (start, stop, step):
            if v.ndim != 0:
                raise GraphlensTypeError(f"arange takes scalars, got {describe(v)}")
        length = None
        if all(isinstance(v, Constant) for v in (start, stop, step)):
            if step.data == 0:
                raise ShapeError(f"arange at {call_site()}: step is 0, so no length")
            if not all(np.isfinite(v.data) for v in (start, stop, step)):
                raise ShapeError(f"arange: start, stop and step must be finite, got "
                                 f"{start.data}, {stop.data}, {step.data}")
            length = len(np.arange(start.data, stop.data, step.data, dtype=self.dtype))
        return Apply(self, [start, stop, step], [TensorType(self.dtype, (length,))()])

    def perform(self, node, inputs):
        # Python numbers: np.arange reads 0-d arrays six times slower than their values.
        start, stop, step = (getattr(value, "item", lambda v=value: v)() for value in inputs)
        if step == 0:
            raise ShapeError("arange: step is 0, so no length")
        return [np.arange(start, stop, step, dtype=self.dtype)]

    def infer_shape(self, node, input_shapes):
        """ceil((stop - start) / step), at least 0, computed from the bounds alone."""
        start, stop, step = node.inputs
        if is_discrete(self.dtype) and all(is_discrete(v.dtype) for v in node.inputs):
            length = T.ceil_intdiv(stop - start, step)
        else:
            span = cast(stop, "float64") - cast(start, "float64")
            length = cast(T.ceil(span / cast(step, "float64")), "int64")
        return [(T.maximum(cast(length, "int64"), 0),)]

    def grad(self, inputs, output_grads):
        # As Theano's: start shifts every element, step the i-th by i; stop only decides
        # the length. Integer ranges are piecewise constant.
        (start, stop, step), (gz,) = inputs, output_grads
        if is_discrete(self.dtype):
            return [zeros_like(start, dtype=_float_x()), disconnected(stop),
                    zeros_like(step, dtype=_float_x())]
        steps = ARange(self.dtype)(0, gz.shape[0], 1)
        return [gz.sum(), disconnected(stop), (gz * steps).sum()]


def int_scalar(value, what):
    """`value` (an int or an int scalar variable) as an int scalar variable; anything else (a
    float, a vector, a bool) is a TypeError naming `what` and the value.

    >>> int_scalar(3, "eye: n").ndim
    0
    """
    var = as_tensor_variable(value)
    if var.ndim != 0 or not is_discrete(var.dtype) or var.dtype == "bool":
        raise GraphlensTypeError(f"{what} must be an int scalar, got {describe(var)}")
    return var


def eye(n, m=None, k=0, dtype=None):
    """Identity-like matrix: `T.eye(3)`."""
    return Eye(dtype_name(dtype or "floatX"))(n, n if m is None else m, k)


def arange(start, stop=None, step=1, dtype=None):
    """`T.arange(n)` or `T.arange(start, stop, step)`; the dtype is Theano's.

    The bounds' upcast dtype, widened to int64 (uint64) when it is an integer, as in Theano:
    `T.arange(5)` and `T.arange(T.iscalar())` are int64, `T.arange(2.5)` float32 (2.5 is
    exact in float32), `T.arange(0, T.fscalar(), 0.5)` float32.
    """
    if stop is None:
        start, stop = 0, start
    bounds = [as_tensor_variable(v) for v in (start, stop, step)]
    if dtype is None:
        dtype = common_dtype(bounds)
        # Theano: narrow integer ranges overflow too easily; count in 64 bits.
        dtype = {"i": "int64", "u": "uint64"}.get(np.dtype(dtype).kind, dtype)
    return ARange(dtype_name(dtype))(*bounds)


@dataclass(frozen=True)
class Default(Op):
    """x, or a copy of `default` when x is None when the function runs (Theano's `default`:
    an optional input with a fallback). x and default must have one type (TypeError)."""

    notation = Func("default")
    view_map = {0: [0]}

    def make_node(self, x, default):
        x, default = as_tensor_variable(x), as_tensor_variable(default)
        if x.type != default.type:
            raise GraphlensTypeError(f"default at {call_site()}: {describe(x)} and "
                                     f"{describe(default)} must have one type")
        return Apply(self, [x, default], [default.type()])

    def perform(self, node, inputs):
        x, default = inputs
        return [np.array(default, copy=True) if x is None else x]

    def grad(self, inputs, output_grads):
        return [output_grads[0], output_grads[0]]


def default(x, default):
    """`x`, or `default` where x is None at run time: `T.default(x, 0.5)`.

    >>> z = T.default(T.dscalar('x'), T.dscalar('y'))                     # doctest: +SKIP
    """
    return Default()(x, default)


setdefault = default     # Theano's older name


# Theano's comparison tolerances and _allclose live with TensorType (values_eq_approx reads
# them); Theano code reads them here. Set them on graphlens.tensor.type to change them.
from graphlens.tensor.type import (  # noqa: E402,F401
    _allclose, _get_atol_rtol, float16_atol, float16_rtol, float32_atol, float32_rtol,
    float64_atol, float64_rtol)


def __getattr__(name):
    # Theano's tensor/basic.py was the home of most of `theano.tensor`'s names: code reads
    # `theano.tensor.basic.NotScalarConstantError` or `from theano.tensor.basic import
    # get_scalar_constant_value`. Any name of the package is found here too.
    if not name.startswith("__"):
        try:
            return getattr(T, name)
        except AttributeError:
            pass
    raise AttributeError(f"module 'graphlens.tensor.basic' has no attribute {name!r}")
