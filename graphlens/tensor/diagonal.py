"""Diagonals: `diag` as Theano's (vector -> matrix, matrix -> vector) and `diagonal`.

>>> d = T.diag(m)          # m's main diagonal, a vector
>>> D = T.diag(v, k=1)     # a matrix with v just above its main diagonal
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.reduce import min as tensor_min, normalize_axes
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.config import config
from graphlens.tensor.basic import arange, dtype_name, eye, int_scalar
from graphlens.tensor.compare import ge, le, maximum, minimum, switch
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import shape
from graphlens.tensor.subtensor import inc_subtensor, set_subtensor


def _diagonal_length(rows, cols, offset):
    """The length of the diagonal `offset` of a rows x cols block (None where unknown)."""
    if rows is None or cols is None:
        return None
    return max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))


def _symbolic_diagonal_length(rows, cols, offset):
    """_diagonal_length for lengths that may be int scalar variables."""
    if isinstance(rows, int) and isinstance(cols, int):
        return _diagonal_length(rows, cols, offset)
    shortest = minimum(rows, cols - offset) if offset >= 0 else minimum(rows + offset, cols)
    return maximum(shortest, 0)


@dataclass(frozen=True)
class ExtractDiag(Op):
    """The diagonal `offset` of x over axes `axis1` and `axis2` (a copy), as numpy.diagonal:
    those axes are removed and the diagonal becomes the last axis."""

    offset: int = 0
    axis1: int = 0
    axis2: int = 1
    notation = Func("diagonal", params=("offset", "axis1", "axis2"))

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise InvalidArgumentError(f"diagonal at {call_site()} needs at least 2 axes, got "
                                       f"{describe(x)}")
        (axis1,) = normalize_axes(self.axis1, x.ndim, x, "diagonal")
        (axis2,) = normalize_axes(self.axis2, x.ndim, x, "diagonal")
        if axis1 == axis2:
            raise InvalidArgumentError(f"diagonal at {call_site()}: axis1 and axis2 are both "
                                       f"axis {axis1} of {describe(x)}")
        if (axis1, axis2) != (self.axis1, self.axis2):
            return ExtractDiag(self.offset, axis1, axis2).make_node(x)
        rest = tuple(d for i, d in enumerate(x.type.shape) if i not in (axis1, axis2))
        length = _diagonal_length(x.type.shape[axis1], x.type.shape[axis2], self.offset)
        return Apply(self, [x], [TensorType(x.dtype, rest + (length,))()])

    def infer_shape(self, node, input_shapes):
        """x's other lengths, then the diagonal's length from the two axes' lengths."""
        lengths = input_shapes[0]
        rest = tuple(n for i, n in enumerate(lengths) if i not in (self.axis1, self.axis2))
        return [rest + (_symbolic_diagonal_length(lengths[self.axis1], lengths[self.axis2],
                                                  self.offset),)]

    def perform(self, node, inputs):
        # numpy returns a read-only view; a copy keeps later in-place ops free to write.
        return [np.diagonal(inputs[0], self.offset, self.axis1, self.axis2).copy()]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # Move the two axes last, add gz on the diagonal's positions, move them back.
        order = [i for i in range(x.ndim) if i not in (self.axis1, self.axis2)]
        order += [self.axis1, self.axis2]
        steps = arange(gz.shape[-1])
        rows, cols = steps + max(-self.offset, 0), steps + max(self.offset, 0)
        moved = zeros_like(x).transpose(order)
        filled = inc_subtensor(moved[..., rows, cols], gz)
        return [filled.transpose(list(np.argsort(order)))]


@dataclass(frozen=True)
class AllocDiag(Op):
    """Zeros with x's last axis on the diagonal `offset` of axes `axis1` and `axis2` of the
    result (the inverse of ExtractDiag, as Theano's `AllocDiag(offset, axis1, axis2)`): a vector
    gives a square matrix, as numpy.diag; x's other axes keep their order around the two."""

    offset: int = 0
    axis1: int = 0
    axis2: int = 1
    notation = Func("alloc_diag", params=("offset",))

    @property
    def props(self) -> dict:
        # Labels stay `AllocDiag{offset=0}` for the matrix case.
        if (self.axis1, self.axis2) == (0, 1):
            return {"offset": self.offset}
        return {"offset": self.offset, "axis1": self.axis1, "axis2": self.axis2}

    def _axes(self, ndim):
        first, second = sorted((self.axis1, self.axis2))
        if first == second or first < 0 or second >= ndim:
            raise InvalidArgumentError(f"alloc_diag at {call_site()}: axes {self.axis1} and "
                                       f"{self.axis2} must be two different axes of a result "
                                       f"of rank {ndim}")
        return first, second

    def make_node(self, v):
        v = as_tensor_variable(v)
        if v.ndim < 1:
            raise ShapeError(f"alloc_diag at {call_site()} takes a tensor of rank >= 1, got "
                             f"{describe(v)}")
        first, second = self._axes(v.ndim + 1)
        n = v.type.shape[-1]
        side = None if n is None else n + abs(self.offset)
        shape = list(v.type.shape[:-1])
        shape.insert(first, side)
        shape.insert(second, side)
        return Apply(self, [v], [TensorType(v.dtype, tuple(shape))()])

    def infer_shape(self, node, input_shapes):
        """x's other lengths, with len(x's last axis) + |offset| at both diagonal axes."""
        first, second = self._axes(len(input_shapes[0]) + 1)
        side = input_shapes[0][-1] + abs(self.offset)
        shape = list(input_shapes[0][:-1])
        shape.insert(first, side)
        shape.insert(second, side)
        return [tuple(shape)]

    def perform(self, node, inputs):
        (x,) = inputs
        first, second = self._axes(x.ndim + 1)
        side = x.shape[-1] + abs(self.offset)
        out = np.zeros(x.shape[:-1] + (side, side), dtype=x.dtype)
        steps = np.arange(x.shape[-1])
        out[..., steps + max(-self.offset, 0), steps + max(self.offset, 0)] = x
        return [np.moveaxis(out, (-2, -1), (first, second))]

    def grad(self, inputs, output_grads):
        first, second = self._axes(inputs[0].ndim + 1)
        return [ExtractDiag(self.offset, first, second)(output_grads[0])]


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal `offset` of a over `axis1` and `axis2`, as numpy.diagonal."""
    _check_offset(offset, "diagonal")
    return ExtractDiag(int(offset), axis1, axis2)(a)


def diag(v, k=0):
    """Theano's and numpy's diag: a vector gives a matrix with v on its diagonal `k`; a matrix
    (or more axes) gives its diagonal `k` as a vector.

    >>> T.diag(T.dvector('v')).ndim, T.diag(T.dmatrix('m')).ndim
    (2, 1)
    """
    v = as_tensor_variable(v)
    _check_offset(k, "diag")
    if v.ndim == 1:
        return AllocDiag(int(k))(v)
    if v.ndim >= 2:
        return ExtractDiag(int(k))(v)
    raise InvalidArgumentError(f"diag at {call_site()} takes a vector or a matrix, got "
                               f"{describe(v)}")


def _check_offset(offset, name):
    if not isinstance(offset, (int, np.integer)) or isinstance(offset, bool):
        raise InvalidArgumentError(f"{name} at {call_site()}: the offset must be an int, got "
                                   f"{offset!r}")


def fill_diagonal(a, val):
    """A copy of a with its main diagonal set to the scalar `val`, as numpy.fill_diagonal
    (which works in place); for more than 2 axes, positions (i, i, ..., i).

    Its gradient reaches a off the diagonal and val from every diagonal entry.
    """
    a, val = as_tensor_variable(a), as_tensor_variable(val)
    if a.ndim < 2:
        raise InvalidArgumentError(f"fill_diagonal at {call_site()}: a needs at least 2 axes, "
                                   f"got {describe(a)}")
    if val.ndim != 0:
        raise InvalidArgumentError(f"fill_diagonal at {call_site()}: val must be a scalar, got "
                                   f"{describe(val)}")
    steps = arange(tensor_min(shape(a)))
    return set_subtensor(a[(steps,) * a.ndim], val)


def fill_diagonal_offset(a, val, offset):
    """A copy of the matrix a with its diagonal `offset` set to the scalar `val`."""
    a, val = as_tensor_variable(a), as_tensor_variable(val)
    if a.ndim != 2:
        raise InvalidArgumentError(f"fill_diagonal_offset at {call_site()}: a must be a matrix, "
                                   f"got {describe(a)}")
    rows, cols = a.shape[0], a.shape[1]
    if isinstance(offset, (int, np.integer)) and not isinstance(offset, bool):
        first_row, first_col = max(-int(offset), 0), max(int(offset), 0)
    else:
        # A symbolic offset (an int scalar, as Theano allowed): the same bounds, in the graph.
        offset = as_tensor_variable(offset)
        if offset.ndim != 0 or "int" not in offset.dtype:
            _check_offset(offset, "fill_diagonal_offset")
        first_row, first_col = maximum(-offset, 0), maximum(offset, 0)
    steps = arange(maximum(minimum(rows - first_row, cols - first_col), 0))
    return set_subtensor(a[steps + first_row, steps + first_col], val)


@dataclass(frozen=True)
class Tri(Op):
    """An N x M matrix with ones at and below the diagonal k, zeros above, as numpy.tri:
    Theano's `Tri(dtype)(N, M, k)`, dtype floatX by default."""

    dtype: str | None = None
    notation = Func("tri")

    def __post_init__(self):
        object.__setattr__(self, "dtype", dtype_name(self.dtype or config.floatX))

    def make_node(self, N, M, k):
        N, M, k = (int_scalar(v, "tri: N, M and k each") for v in (N, M, k))
        shape = tuple(int(v.data) if isinstance(v, Constant) else None for v in (N, M))
        return Apply(self, [N, M, k], [TensorType(self.dtype, shape)()])

    def perform(self, node, inputs):
        n, m, k = (int(v) for v in inputs)
        return [np.tri(n, m, k, dtype=self.dtype)]

    def infer_shape(self, node, input_shapes):
        """N x M."""
        return [tuple(node.inputs[:2])]

    def grad(self, inputs, output_grads):
        return [disconnected(v) for v in inputs]


def tri(N, M=None, k=0, dtype=None):
    """An N x M matrix with ones at and below the diagonal k, zeros above, as numpy.tri;
    dtype floatX by default.

    >>> T.tri(3, k=-1)                                                  # doctest: +SKIP
    """
    return Tri(dtype)(N, N if M is None else M, k)


def _triangle(m, k, below, name):
    m = as_tensor_variable(m)
    if m.ndim < 2:
        raise InvalidArgumentError(f"{name} at {call_site()} needs a matrix, got {describe(m)}")
    if not (isinstance(k, Variable) and k.ndim == 0 and k.dtype.startswith(("int", "uint"))):
        _check_offset(k, name)        # an int, or an int scalar variable (Theano's)
    rows = arange(m.shape[-2]).dimshuffle(0, "x")
    cols = arange(m.shape[-1]).dimshuffle("x", 0)
    keep = ge(rows + k, cols) if below else le(rows + k, cols)
    # A choice, not a product with a 0/1 mask, so an inf on the other side gives 0, not NaN.
    return switch(keep, m, 0)


def tril(m, k=0):
    """m with the elements above the diagonal k set to 0, as numpy.tril (on the last two axes);
    k an int or an int scalar variable."""
    return _triangle(m, k, True, "tril")


def triu(m, k=0):
    """m with the elements below the diagonal k set to 0, as numpy.triu (on the last two axes)."""
    return _triangle(m, k, False, "triu")


def identity_like(x):
    """Ones on the main diagonal of a matrix of x's shape and dtype, zeros elsewhere."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise InvalidArgumentError(f"identity_like at {call_site()} takes a matrix, got "
                                   f"{describe(x)}")
    return eye(x.shape[0], x.shape[1], 0, dtype=x.dtype)
