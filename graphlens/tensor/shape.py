"""Shapes: shape, reshape, flatten, transpose, dimshuffle, squeeze, padding, alloc, make_vector."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, RankError, ShapeError, describe, where
from graphlens.tensor.arguments import int_argument, int_arguments
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.markers import disconnected, undefined
from graphlens.graph.notation import Func, Special
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import DimShuffle, pad_left, unbroadcast
from graphlens.tensor.type import TensorType, checked_dtype
from graphlens.tensor.variable import as_tensor_variable, constant
from graphlens.tensor.basic import cast


@dataclass(frozen=True)
class Shape(Op):
    """The shape of x as an int64 vector."""

    notation = Special("shape")
    gradient_remedy = "the cost reads only the shape of this value, never its entries"
    reads_only_shape = True

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (x.ndim,))()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0].shape, dtype="int64")]

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]


@dataclass(frozen=True)
class MakeVector(Op):
    """A vector of scalars: `make_vector(n, 3)`; how symbolic shapes are built."""

    dtype: str = "int64"
    notation = Special("make_vector")

    def make_node(self, *scalars):
        scalars = [as_tensor_variable(s) for s in scalars]
        for s in scalars:
            if s.ndim != 0:
                # Theano's TypeError (RankError is a ShapeError too).
                raise RankError(f"make_vector takes scalars, got {describe(s)}")
        # A literal (`(n, 3)`: 3 is an int8 constant) is converted here, not by a Cast node,
        # so the static shape still sees the 3.
        scalars = [s if s.dtype == self.dtype else
                   constant(s.data.astype(self.dtype)) if _is_exact_literal(s, self.dtype)
                   else cast(s, self.dtype) for s in scalars]
        return Apply(self, scalars, [TensorType(self.dtype, (len(scalars),))()])

    def perform(self, node, inputs):
        return [np.array(inputs, dtype=self.dtype).reshape(len(inputs))]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        return [gz[i] for i in range(len(inputs))]


def _is_exact_literal(var, dtype) -> bool:
    """True for a constant whose value `dtype` holds exactly."""
    return isinstance(var, Constant) and np.array_equal(var.data.astype(dtype), var.data)


def _static_vector(var):
    """The entries of an int vector known at build time: ints, or None where symbolic."""
    if isinstance(var, Constant):
        return [int(v) for v in np.asarray(var.data).reshape(-1)]
    if var.owner is not None and isinstance(var.owner.op, MakeVector):
        return [int(v.data) if isinstance(v, Constant) else None for v in var.owner.inputs]
    if var.owner is not None and isinstance(var.owner.op, Shape):
        return list(var.owner.inputs[0].type.shape)
    return [None] * (var.type.shape[0] or 0)


@dataclass(frozen=True)
class Reshape(Op):
    """x with a new shape given as an int vector (one entry may be -1). A view when possible."""

    ndim: int
    view_map = {0: [0]}
    notation = Func("reshape")

    def make_node(self, x, shape):
        x = as_tensor_variable(x)
        shape = as_tensor_variable(shape)
        # A shape vector of unknown length is checked when the function runs (Theano's
        # reshape(x, shape_vector, ndim=3)).
        if shape.ndim != 1 or not is_discrete(shape.dtype) or \
                shape.type.shape[0] not in (None, self.ndim):
            raise ShapeError(f"reshape: the shape must be an int vector of length {self.ndim}, "
                             f"got {describe(shape)}")
        dims = _static_vector(shape) if shape.type.shape[0] is not None else [None] * self.ndim
        if dims.count(-1) > 1 or any(d is not None and d < -1 for d in dims):
            raise ShapeError(f"reshape: invalid shape {tuple(dims)} for {describe(x)}: lengths "
                             f"are >= 0, with at most one -1")
        if -1 in dims:
            known = [d for d in dims if d != -1]
            if None not in x.type.shape and None not in known:
                total = math.prod(x.type.shape)
                rest = math.prod(known)
                if rest == 0 or total % rest:
                    raise ShapeError(f"cannot reshape {describe(x)} to {tuple(dims)}")
                dims = [total // rest if d == -1 else d for d in dims]
            else:
                dims = [None if d == -1 else d for d in dims]
        if None not in x.type.shape and None not in dims:
            if math.prod(x.type.shape) != math.prod(dims):
                raise ShapeError(f"cannot reshape {describe(x)} to {tuple(dims)}")
        return Apply(self, [x, shape], [TensorType(x.dtype, tuple(dims))()])

    def perform(self, node, inputs):
        x, shape = inputs
        if len(shape) != self.ndim:
            raise ShapeError(f"reshape: the shape {tuple(int(s) for s in shape)} has "
                             f"{len(shape)} entries, but the result was declared of rank "
                             f"{self.ndim} (ndim={self.ndim})")
        try:
            return [np.reshape(x, tuple(int(s) for s in shape))]
        except ValueError as exc:
            raise ShapeError(f"cannot reshape an array of shape {x.shape} to "
                             f"{tuple(int(s) for s in shape)}") from exc

    def grad(self, inputs, output_grads):
        (x, shape), (gz,) = inputs, output_grads
        return [reshape(gz, Shape()(x), ndim=x.ndim), _length_gradient(self, shape)]


def _length_gradient(op, var):
    return undefined(var, f"it is used as a length by {type(op).__name__}; a derivative with "
                          f"respect to a length does not exist")


@dataclass(frozen=True)
class Alloc(Op):
    """`value` broadcast into a new array of the given shape: `alloc(0.0, n, 3)`."""

    notation = Func("alloc")

    def make_node(self, value, *shape):
        value = as_tensor_variable(value)
        shape = [as_tensor_variable(s) for s in shape]
        for s in shape:
            if s.ndim != 0 or not is_discrete(s.dtype):
                raise ShapeError(f"alloc: each length must be an int scalar, got {describe(s)}")
        if value.ndim > len(shape):
            raise ShapeError(f"alloc: {describe(value)} has more axes than the shape")
        value = pad_left(value, len(shape))
        dims = []
        for axis, (s, v) in enumerate(zip(shape, value.type.shape)):
            length = int(s.data) if isinstance(s, Constant) else None
            if length is not None and length < 0:
                raise ShapeError(f"alloc: the length on axis {axis} is {length}; lengths must "
                                 f"be >= 0")
            if length is not None and v is not None and v not in (1, length):
                raise ShapeError(f"alloc: {describe(value)} cannot fill length {length} on axis "
                                 f"{axis}")
            dims.append(length if length is not None else (v if v != 1 else None))
        return Apply(self, [value] + shape, [TensorType(value.dtype, tuple(dims))()])

    def perform(self, node, inputs):
        value, *shape = inputs
        out = np.empty(tuple(int(s) for s in shape), dtype=node.outputs[0].type.dtype)
        static = node.inputs[0].type.shape
        for axis, (d, s, n) in enumerate(zip(value.shape, static, out.shape)):
            # Broadcasting an axis not declared length 1 would leave its gradient unsummed.
            if d == 1 and s != 1 and n != 1:
                raise ShapeError(f"alloc: {describe(node.inputs[0])} has length 1 on axis "
                                 f"{axis} at run time, which was not declared broadcastable; "
                                 f"built at {where(node.outputs[0])}")
        try:
            out[...] = value
        except ValueError as exc:
            raise ShapeError(f"alloc: a value of shape {value.shape} cannot fill shape "
                             f"{out.shape}") from exc
        return [out]

    def direct_perform(self, node):
        """perform as a function of the arguments, for a value declared of length 1 on every
        axis (a constant 0.0, a scalar): it cannot be broadcast undeclared, and it fits any
        shape, so only the new array and its filling are left."""
        if any(length != 1 for length in node.inputs[0].type.shape):
            return None
        dtype, empty = node.outputs[0].type.numpy_dtype, np.empty

        def direct(value, *shape):
            out = empty(tuple(map(int, shape)), dtype=dtype)
            out[...] = value
            return out
        return direct

    def grad(self, inputs, output_grads):
        (value, *shape), (gz,) = inputs, output_grads
        return [unbroadcast(gz, value)] + [_length_gradient(self, s) for s in shape]


@dataclass(frozen=True)
class AllocEmpty(Op):
    """A new array of `dtype` and the given lengths, its values left as they were in memory
    (numpy.empty): Theano's `AllocEmpty(dtype)(*shape)`, for an output written over entirely.
    Never folded into a constant: each call gets an array of its own."""

    dtype: str
    notation = Func("alloc_empty", params=("dtype",))

    def __post_init__(self):
        object.__setattr__(self, "dtype", checked_dtype(self.dtype))

    def make_node(self, *shape):
        shape = [as_tensor_variable(s) for s in shape]
        for s in shape:
            if s.ndim != 0 or not is_discrete(s.dtype):
                raise ShapeError(f"AllocEmpty: each length must be an int scalar, got "
                                 f"{describe(s)}")
        dims = tuple(int(s.data) if isinstance(s, Constant) else None for s in shape)
        return Apply(self, shape, [TensorType(self.dtype, dims)()])

    def perform(self, node, inputs):
        return [np.empty(tuple(int(s) for s in inputs), dtype=self.dtype)]

    def infer_shape(self, node, input_shapes):
        """The lengths given."""
        return [tuple(node.inputs)]

    def do_constant_folding(self, node):
        """Theano's hook: False, so a compiled function allocates on every call."""
        return False

    def grad(self, inputs, output_grads):
        return [disconnected(s) for s in inputs]


def shape(x):
    """The symbolic shape of x (an int64 vector): `x.shape`."""
    return Shape()(x)


def make_vector(*scalars, dtype="int64"):
    """A vector of the given scalars."""
    return MakeVector(dtype)(*scalars)


def _shape_vector(shape):
    if isinstance(shape, Variable):
        # A scalar length is a one-entry shape, as Theano's reshape(x, n, ndim=1) took it.
        return make_vector(shape) if getattr(shape, "ndim", None) == 0 else shape
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise GraphlensTypeError(f"reshape: the shape must be a tuple or a vector, got "
                                 f"{shape!r:.40}")
    entries = list(shape)
    if all(isinstance(s, (int, np.integer)) for s in entries):
        too_big = [s for s in entries if not -2**63 <= s < 2**63]
        if too_big:
            raise ShapeError(f"reshape: length {too_big[0]} does not fit int64")
        return constant(np.asarray(entries, dtype="int64").reshape(len(entries)))
    for entry in entries:
        # As numpy and Theano: a length of 2.5 is an error, never silently 2.
        kind = getattr(entry, "dtype", None) if isinstance(entry, Variable) else \
            np.asarray(entry).dtype
        if kind is not None and np.dtype(kind).kind not in "iub":
            raise GraphlensTypeError(f"shape entries must be integers, got {entry!r:.40} in "
                                     f"{shape!r:.60}")
    return make_vector(*entries)


def reshape(x, shape, ndim=None):
    """x with a new shape: `T.reshape(x, (n, -1))`; entries may be symbolic scalars."""
    shape = _shape_vector(shape)
    if ndim is None:
        if shape.type.shape[0] is None:
            raise ShapeError("reshape: the length of a symbolic shape vector is unknown; pass ndim")
        ndim = shape.type.shape[0]
    return Reshape(ndim)(x, shape)


def flatten(x, ndim=1, outdim=None):
    """x reshaped to `ndim` axes, the trailing ones merged: `T.flatten(images, 2)`
    (`outdim` is Theano's older name of ndim)."""
    x = as_tensor_variable(x)
    ndim = ndim if outdim is None else outdim
    ndim = int_argument(ndim, "flatten", "ndim")
    if not 1 <= ndim <= max(x.ndim, 1):
        raise ShapeError(f"flatten: ndim={ndim} is out of range for {describe(x)}")
    dims = [x.type.shape[i] if x.type.shape[i] is not None else x.shape[i]
            for i in range(ndim - 1)]
    merged = x.type.shape[ndim - 1:]
    # Known merged lengths give a known last length (Theano kept a broadcastable last axis).
    last = math.prod(merged) if None not in merged else -1
    return reshape(x, dims + [last], ndim=ndim)


def is_flat(var, ndim=1, outdim=None):
    """True when `var` has `ndim` axes (Theano's check after flatten; outdim its older name).

    >>> T.is_flat(T.flatten(T.dtensor3(), 2), 2)
    True
    """
    return as_tensor_variable(var).ndim == (ndim if outdim is None else outdim)


def dimshuffle(x, pattern):
    """Reorder axes and insert broadcastable ones ('x'): `T.dimshuffle(v, ('x', 0))`."""
    x = as_tensor_variable(x)
    return DimShuffle(x.ndim, tuple(pattern))(x)


def transpose(x, axes=None):
    """x with its axes permuted (reversed by default): `x.T`."""
    x = as_tensor_variable(x)
    if axes is None:
        return DimShuffle(x.ndim, tuple(reversed(range(x.ndim))))(x)
    axes = int_arguments(axes, "transpose", "axes")
    order = tuple(int(a) % x.ndim if -x.ndim <= a < x.ndim else a for a in axes)
    if sorted(order) != list(range(x.ndim)):
        raise ShapeError(f"transpose: axes {tuple(axes)} are not a permutation of the "
                         f"{x.ndim} axes of {describe(x)}")
    return DimShuffle(x.ndim, order)(x)


def squeeze(x, axis=None):
    """x without its length-1 axes (all static ones by default)."""
    x = as_tensor_variable(x)
    if axis is None:
        axes = [i for i, d in enumerate(x.type.shape) if d == 1]
    else:
        axes = [a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)]
    return DimShuffle(x.ndim, tuple(i for i in range(x.ndim) if i not in axes))(x)


def shape_padleft(x, n_ones=1):
    """x with `n_ones` broadcastable axes in front."""
    x = as_tensor_variable(x)
    n_ones = _count(n_ones, "shape_padleft")
    return DimShuffle(x.ndim, ("x",) * n_ones + tuple(range(x.ndim)))(x)


def shape_padright(x, n_ones=1):
    """x with `n_ones` broadcastable axes at the end."""
    x = as_tensor_variable(x)
    n_ones = _count(n_ones, "shape_padright")
    return DimShuffle(x.ndim, tuple(range(x.ndim)) + ("x",) * n_ones)(x)


def shape_padaxis(x, axis):
    """x with one broadcastable axis inserted at `axis`."""
    x = as_tensor_variable(x)
    axis = int_argument(axis, "shape_padaxis", "axis") % (x.ndim + 1)
    order = list(range(x.ndim))
    order.insert(axis, "x")
    return DimShuffle(x.ndim, tuple(order))(x)


def _count(n_ones, function):
    n_ones = int_argument(n_ones, function, "n_ones")
    if not 0 <= n_ones <= 64:      # numpy's arrays have at most 64 axes
        raise ShapeError(f"{function}: n_ones must be between 0 and 64, got {n_ones}")
    return n_ones


def alloc(value, *shape):
    """A new array of `shape` filled with `value`: `T.alloc(0.0, n, 3)`."""
    return Alloc()(value, *shape)
