"""Theano's `theano.tensor.extra_ops`: cumsum, cumprod, diff, repeat, bincount.

>>> from graphlens.tensor.extra_ops import cumsum, repeat
>>> y = cumsum(x, axis=0); z = repeat(x, 3, axis=1)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import numpy as np

from graphlens.errors import (GraphlensTypeError, InvalidArgumentError, ShapeError, describe,
                              where)
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.reduce import normalize_axes
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.config import config
from graphlens.tensor.basic import arange, cast
from graphlens.tensor.compare import eq
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import flatten, reshape
from graphlens.tensor.subtensor import inc_subtensor
from graphlens.tensor.index_ops import (  # noqa: F401  (theano.tensor.extra_ops names)
    RavelMultiIndex, Unique, UnravelIndex, ravel_multi_index, unique, unravel_index)


def single_axis(axis, x, name) -> int:
    """`axis` (an int, negative allowed) as an axis of x, or an AxisError naming `name`."""
    if not isinstance(axis, (int, np.integer)):
        raise InvalidArgumentError(f"{name} at {call_site()}: axis must be an int or None, got "
                                   f"{axis!r}")
    return normalize_axes(int(axis), x.ndim, x, name)[0]


def length_of(x, axis):
    """The static length of an axis when known (keeps static shapes), else the symbolic one."""
    static = x.type.shape[axis]
    return static if static is not None else x.shape[axis]


def static_or_symbolic(var):
    """An int scalar's value when it is a constant, else the variable itself."""
    return int(var.data) if isinstance(var, Constant) else var


def same_shape_as_input(position):
    """An `infer_shape` for ops whose one output has the shape of input `position`."""
    def infer_shape(self, node, input_shapes):
        return [input_shapes[position]]
    infer_shape.__doc__ = f"The output has the shape of input {position}."
    return infer_shape


def reverse(x, axis):
    """x reversed along `axis`: x[..., ::-1, ...]."""
    return x[(slice(None),) * axis + (slice(None, None, -1),)]


def integer_gradient(op, var):
    """The undefined-gradient marker of an integer argument (a count, a length)."""
    return undefined(var, f"it is a count used by {type(op).__name__}; a derivative with "
                          f"respect to a count does not exist")


@dataclass(frozen=True, init=False)
class CumOp(Op):
    """Base of cumsum and cumprod along one `axis` (None: of x flattened); the result keeps
    x's dtype (as Theano). Theano's `CumOp(axis=None, mode='add')` makes the op of that mode:
    `CumOp(mode='mul')` is a CumProd.
    """

    axis: int | None = None

    def __new__(cls, axis=None, mode=None):
        if cls is CumOp:
            if mode not in _CUMULATIVE:
                raise InvalidArgumentError(f"CumOp: mode must be 'add' or 'mul', got {mode!r}")
            cls = _CUMULATIVE[mode]
        elif mode is not None and _CUMULATIVE.get(mode) is not cls:
            raise InvalidArgumentError(f"{cls.__name__} has no mode {mode!r}")
        return object.__new__(cls)

    def __init__(self, axis=None, mode=None):
        object.__setattr__(self, "axis", axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:                  # Theano's: along x flattened
            return type(self)(0).make_node(flatten(x) if x.ndim != 1 else x)
        axis = single_axis(self.axis, x, self.notation.name)
        if axis != self.axis:
            return type(self)(axis).make_node(x)
        return Apply(self, [x], [x.type()])

    infer_shape = same_shape_as_input(0)

    def perform(self, node, inputs):
        (x,) = inputs
        return [np.asarray(self.accumulate(x, axis=self.axis, dtype=x.dtype))]


@dataclass(frozen=True, init=False)
class CumSum(CumOp):
    """Running sum along `axis`."""

    notation = Func("cumsum", params=("axis",))
    accumulate = staticmethod(np.cumsum)

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        # Each input reaches every later output: the gradient is the running sum from the end.
        return [reverse(CumSum(self.axis)(reverse(gz, self.axis)), self.axis)]


@dataclass(frozen=True, init=False)
class CumProd(CumOp):
    """Running product along `axis`. Its gradient divides by x (as Theano's): NaN at zeros."""

    notation = Func("cumprod", params=("axis",))
    accumulate = staticmethod(np.cumprod)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        products = CumProd(self.axis)(x)
        weighted = reverse(CumSum(self.axis)(reverse(products * gz, self.axis)), self.axis)
        return [weighted / x]


_CUMULATIVE = {"add": CumSum, "mul": CumProd, None: CumSum}


def _cumulative(op_class, x, axis):
    x = as_tensor_variable(x)
    if axis is None:
        return op_class(0)(flatten(x)) if x.ndim != 1 else op_class(0)(x)
    return op_class(single_axis(axis, x, op_class.notation.name))(x)


def cumsum(x, axis=None):
    """Cumulative sum along `axis` (of the flattened x for None), in x's dtype.

    >>> cumsum(T.dvector('v'))      # [1, 2, 3] -> [1, 3, 6]      # doctest: +SKIP
    """
    return _cumulative(CumSum, x, axis)


def cumprod(x, axis=None):
    """Cumulative product along `axis` (of the flattened x for None), in x's dtype."""
    return _cumulative(CumProd, x, axis)


def diff(x, n=1, axis=-1):
    """The n-th discrete difference along `axis`, as numpy.diff: x[1:] - x[:-1], n times."""
    x = as_tensor_variable(x)
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidArgumentError(f"diff at {call_site()}: n must be an int >= 0, got {n!r}")
    axis = single_axis(axis, x, "diff")
    before = (slice(None),) * axis
    for _ in range(int(n)):
        x = x[before + (slice(1, None),)] - x[before + (slice(None, -1),)]
    return x


@dataclass(frozen=True)
class Repeat(Op):
    """Each element of x repeated along `axis`, `repeats` times (an int, or one count per
    element along that axis), as numpy.repeat."""

    axis: int | None = None
    notation = Func("repeat", params=("axis",))

    def make_node(self, x, repeats):
        x = as_tensor_variable(x)
        if self.axis is None:                  # Theano's RepeatOp(): along x flattened
            return Repeat(0).make_node(flatten(x) if x.ndim != 1 else x, repeats)
        repeats = as_tensor_variable(repeats)
        if not is_discrete(repeats.dtype) or repeats.dtype == "bool":
            raise GraphlensTypeError(f"repeat at {call_site()}: repeats must be integers, got "
                                     f"{describe(repeats)}")
        if repeats.ndim > 1:
            raise InvalidArgumentError(f"repeat at {call_site()}: repeats must be a scalar or a "
                                       f"vector, got {describe(repeats)}")
        axis = single_axis(self.axis, x, "repeat")
        if axis != self.axis:
            return Repeat(axis).make_node(x, repeats)
        shape = list(x.type.shape)
        shape[axis] = _repeated_length(shape[axis], repeats)
        return Apply(self, [x, repeats], [TensorType(x.dtype, tuple(shape))()])

    def infer_shape(self, node, input_shapes):
        """x's lengths, the repeated axis multiplied (one count) or the counts' sum."""
        repeats = node.inputs[1]
        lengths = list(input_shapes[0])
        one_count = repeats.ndim == 0 or repeats.type.shape == (1,)
        if isinstance(repeats, Constant):
            counts = np.asarray(repeats.data).reshape(-1)
            total = int(counts.sum())
        else:
            total = repeats if repeats.ndim == 0 else (repeats[0] if one_count
                                                         else repeats.sum())
        lengths[self.axis] = lengths[self.axis] * total if one_count else total
        return [tuple(lengths)]

    def perform(self, node, inputs):
        x, repeats = inputs
        if repeats.ndim == 1 and len(repeats) == 1 != x.shape[self.axis] and \
                node.inputs[1].type.shape != (1,):
            # As elementwise ops: a length 1 broadcasts only where declared, so the result's
            # length (infer_shape: the counts' sum) never depends on a run-time broadcast.
            raise ShapeError(f"repeat: 1 count for an axis of length {x.shape[self.axis]}; pass "
                             f"a scalar count, or a vector declared of length 1, built at "
                             f"{where(node.outputs[0])}")
        try:
            return [np.repeat(x, repeats, axis=self.axis)]
        except ValueError as exc:
            raise ShapeError(f"repeat: cannot repeat an array of shape {x.shape} along axis "
                             f"{self.axis} by repeats {np.asarray(repeats).tolist()!r:.60}: "
                             f"{exc}") from exc

    def grad(self, inputs, output_grads):
        (x, repeats), (gz,) = inputs, output_grads
        axis = self.axis
        if repeats.ndim == 0 or repeats.type.shape == (1,):
            count = repeats if repeats.ndim == 0 else repeats[0]
            # Copies of one element sit side by side: split the axis and sum the copies.
            lengths = [length_of(x, i) for i in range(x.ndim)]
            lengths.insert(axis + 1, count)
            gx = reshape(gz, lengths, ndim=x.ndim + 1).sum(axis=axis + 1)
        else:
            source = Repeat(0)(arange(length_of(x, axis)), repeats)   # each copy's element
            region = zeros_like(x)[(slice(None),) * axis + (source,)]
            gx = inc_subtensor(region, gz)
        return [gx, integer_gradient(self, repeats)]


RepeatOp = Repeat          # Theano's name


def _repeated_length(length, repeats):
    """The static length of a repeated axis, or None; a count vector of the wrong length is
    refused here when both lengths are known."""
    if not isinstance(repeats, Constant):
        return None
    counts = np.asarray(repeats.data).reshape(-1)
    if np.any(counts < 0):
        raise InvalidArgumentError(f"repeat at {call_site()}: repeats must be >= 0, got "
                                   f"{counts.tolist()!r:.60}")
    if repeats.ndim == 0 or len(counts) == 1:
        return None if length is None else length * int(counts[0])
    if length is not None and length != len(counts):
        raise ShapeError(f"repeat at {call_site()}: {len(counts)} counts for an axis of length "
                         f"{length}")
    return int(counts.sum())


def repeat(x, repeats, axis=None):
    """Elements of x repeated along `axis` (x flattened for None), as numpy.repeat.

    `repeats` is an int, an int scalar variable, or an int vector with one count per element.
    >>> repeat(T.dvector('v'), 2)     # [1, 2] -> [1, 1, 2, 2]      # doctest: +SKIP
    """
    x = as_tensor_variable(x)
    if axis is None:
        x = flatten(x) if x.ndim != 1 else x
        axis = 0
    return Repeat(single_axis(axis, x, "repeat"))(x, repeats)


@dataclass(frozen=True)
class Bincount(Op):
    """How often each value 0, 1, ... occurs in an int vector (weighted: the sum of the weights
    of its occurrences), at least `minlength` long."""

    minlength: int | None = None
    notation = Func("bincount", params=("minlength",))

    def make_node(self, x, weights=None):
        x = as_tensor_variable(x)
        if x.ndim != 1 or not is_discrete(x.dtype) or x.dtype == "bool":
            raise GraphlensTypeError(f"bincount at {call_site()}: x must be a vector of ints, "
                                     f"got {describe(x)}")
        inputs, dtype = [x], x.dtype
        if weights is not None:
            weights = as_tensor_variable(weights)
            if weights.ndim != 1:
                raise ShapeError(f"bincount at {call_site()}: weights must be a vector like x, "
                                 f"got {describe(weights)}")
            inputs, dtype = [x, weights], weights.dtype
        return Apply(self, inputs, [TensorType(dtype, (None,))()])

    def perform(self, node, inputs):
        x, *weights = inputs
        if x.size and x.min() < 0:
            raise ShapeError(f"bincount: x holds the negative value {x.min()}; it counts values "
                             f"0, 1, 2, ...")
        if weights and weights[0].shape != x.shape:
            raise ShapeError(f"bincount: weights of shape {weights[0].shape} do not match x of "
                             f"shape {x.shape}")
        counts = np.bincount(x, weights=weights[0] if weights else None,
                             minlength=self.minlength or 0)
        return [counts.astype(node.outputs[0].type.dtype, copy=False)]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        x = inputs[0]
        grads = [integer_gradient(self, x)]
        if len(inputs) == 2:
            grads.append(gz[x])           # each weight went into the bin of its value
        return grads


def bincount(x, weights=None, minlength=None, assert_nonneg=False):
    """Counts of each value in an int vector, as numpy.bincount; the dtype is x's (weights'
    when given), as in Theano. Negative values are always refused at run time (a ValueError);
    `assert_nonneg=True` checks them first with an Assert, whose failure is an AssertionError,
    as Theano's opt-in check."""
    if minlength is not None and (not isinstance(minlength, (int, np.integer)) or minlength < 0):
        raise InvalidArgumentError(f"bincount at {call_site()}: minlength must be an int >= 0, "
                                   f"got {minlength!r}")
    if assert_nonneg:
        # assertion.py imports this module: its Assert is looked up when asked for.
        assert_class = import_module("graphlens.tensor.assertion").Assert
        x = as_tensor_variable(x)
        x = assert_class("bincount: x holds negative values")(x, (x >= 0).all())
    op = Bincount(None if minlength is None else int(minlength))
    return op(x) if weights is None else op(x, weights)


def to_one_hot(y, nb_class, dtype=None):
    """One row per label of the int vector y, with 1 in column y[i] and 0 elsewhere; `dtype`
    defaults to floatX, as Theano's.

    >>> to_one_hot(T.ivector('y'), 10)      # float matrix of shape (n, 10)      # doctest: +SKIP
    """
    y = as_tensor_variable(y)
    if y.ndim != 1 or not is_discrete(y.dtype) or y.dtype == "bool":
        raise GraphlensTypeError(f"to_one_hot at {call_site()}: y must be a vector of int "
                                 f"labels, got {describe(y)}")
    return cast(eq(y.dimshuffle(0, "x"), arange(nb_class).dimshuffle("x", 0)),
                dtype or config.floatX)


def __getattr__(name):
    # Theano's extra_ops also holds these; their code lives in its theme's module (looked up
    # when asked for: sort.py imports this module). import_module, because the package's own
    # attributes `T.sort`, `T.diagonal`, `T.shape` are the functions of those names.
    homes = {"searchsorted": "sort", "SearchsortedOp": "sort", "fill_diagonal": "diagonal",
             "fill_diagonal_offset": "diagonal", "squeeze": "shape", "bartlett": "windows",
             "Bartlett": "windows", "compress": "windows", "cpu_contiguous": "windows",
             "CpuContiguous": "windows", "DiffOp": "theano_op_classes",
             "FillDiagonal": "theano_op_classes", "FillDiagonalOffset": "theano_op_classes"}
    if name in homes:
        return getattr(import_module(f"graphlens.tensor.{homes[name]}"), name)
    raise AttributeError(f"module 'graphlens.tensor.extra_ops' has no attribute {name!r}")
