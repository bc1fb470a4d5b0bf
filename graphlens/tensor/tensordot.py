"""Products built on dot: outer, tensordot, batched_dot and batched_tensordot, as Theano's.

Each contraction is rearranged into one matrix product (or one batched matrix product): the
summed axes are moved together and merged, the product taken, and the free axes restored. So
their gradients are those of dot, transpose and reshape, and they print through those.

>>> T.tensordot(a, b, axes=[[1, 2], [0, 1]])
"""

from __future__ import annotations

import math

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError, describe
from graphlens.tensor.blas import BatchedDot, dot
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import length_of
from graphlens.tensor.shape import flatten, reshape
from graphlens.tensor.variable import as_tensor_variable


def outer(x, y):
    """The outer product of two vectors (other ranks are flattened first), as numpy.outer.

    >>> T.outer(u, v)        # u[:, None] * v[None, :]      # doctest: +SKIP
    """
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    x = x if x.ndim == 1 else flatten(x)
    y = y if y.ndim == 1 else flatten(y)
    return dot(x.dimshuffle(0, "x"), y.dimshuffle("x", 0))


def _product(lengths):
    """The product of lengths (ints or int scalars), an int when all are known."""
    known = math.prod(n for n in lengths if isinstance(n, int))
    symbolic = [n for n in lengths if not isinstance(n, int)]
    if not symbolic:
        return known
    result = symbolic[0]
    for n in symbolic[1:]:
        result = result * n
    return result * known if known != 1 else result


def _axes_lists(a, b, axes, first):
    """(a_axes, b_axes) from Theano's `axes` argument: an int n (the last n axes of a, the first
    n of b after the batch axis `first`), or a pair of ints or int lists."""
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > a.ndim - first or n > b.ndim - first:
            raise InvalidArgumentError(
                f"tensordot at {call_site()}: axes={n} must be between 0 and the number of "
                f"axes of a ({a.ndim - first}) and of b ({b.ndim - first})")
        return list(range(a.ndim - n, a.ndim)), list(range(first, first + n))
    try:
        a_axes, b_axes = axes
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"tensordot at {call_site()}: axes must be an int or a pair "
                                   f"of axis lists, got {axes!r}") from None
    a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise InvalidArgumentError(f"tensordot at {call_site()}: {len(a_axes)} axes of a but "
                                   f"{len(b_axes)} of b in axes={axes!r}; they are summed in "
                                   f"pairs")
    return _checked(a_axes, a, first, "a"), _checked(b_axes, b, first, "b")


def _checked(axes, x, first, name):
    result = []
    for axis in axes:
        if not isinstance(axis, (int, np.integer)) or not -x.ndim <= axis < x.ndim:
            raise InvalidArgumentError(f"tensordot at {call_site()}: axis {axis!r} is out of "
                                       f"range for {name} = {describe(x)}")
        axis = int(axis) % x.ndim
        if axis < first:
            raise InvalidArgumentError(f"batched_tensordot at {call_site()}: axis 0 of {name} is "
                                       f"the batch axis and cannot be summed")
        if axis in result:
            raise InvalidArgumentError(f"tensordot at {call_site()}: axis {axis} of {name} is "
                                       f"listed twice")
        result.append(axis)
    return result


def _contract(a, b, axes, batched):
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    first = 1 if batched else 0
    a_sum, b_sum = _axes_lists(a, b, axes, first)
    for i, j in zip(a_sum, b_sum):
        la, lb = a.type.shape[i], b.type.shape[j]
        if la is not None and lb is not None and la != lb:
            raise ShapeError(f"tensordot at {call_site()}: axis {i} of a has length {la} but "
                             f"axis {j} of b has {lb}: {describe(a)}, {describe(b)}")
    batch = [0] if batched else []
    a_free = [i for i in range(first, a.ndim) if i not in a_sum]
    b_free = [j for j in range(first, b.ndim) if j not in b_sum]
    a_free_lengths = [length_of(a, i) for i in a_free]
    b_free_lengths = [length_of(b, j) for j in b_free]
    summed = _product([length_of(a, i) for i in a_sum])
    lead = [length_of(a, 0)] if batched else []
    a_matrix = reshape(a.transpose(batch + a_free + a_sum),
                       lead + [_product(a_free_lengths), summed], ndim=first + 2)
    b_matrix = reshape(b.transpose(batch + b_sum + b_free),
                       lead + [summed, _product(b_free_lengths)], ndim=first + 2)
    product = BatchedDot()(a_matrix, b_matrix) if batched else dot(a_matrix, b_matrix)
    out_shape = lead + a_free_lengths + b_free_lengths
    return reshape(product, out_shape, ndim=len(out_shape))


def tensordot(a, b, axes=2):
    """The sum of products of a and b over the given axes, as numpy.tensordot.

    axes: an int n (the last n axes of a with the first n of b) or a pair of lists of axes,
    `[[1, 2], [0, 1]]`. The result has a's free axes, then b's.
    """
    return _contract(a, b, axes, batched=False)


def batched_tensordot(x, y, axes=2):
    """tensordot(x[i], y[i], axes) for each i of the first (batch) axis.

    An int `axes` n sums the last n axes of x with y's axes 1..n; a pair of lists names the
    axes (never axis 0, the batch).
    """
    return _contract(x, y, axes, batched=True)


def batched_dot(a, b):
    """dot(a[i], b[i]) for each i of the first (batch) axis, as Theano's batched_dot.

    >>> T.batched_dot(A, B)     # A: (n, 3, 4), B: (n, 4, 5) -> (n, 3, 5)      # doctest: +SKIP
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        raise GraphlensTypeError(f"batched_dot at {call_site()}: a and b need a batch axis, got "
                                 f"{describe(a)} and {describe(b)}")
    if a.ndim == 1:
        return a.dimshuffle(0, *["x"] * (b.ndim - 1)) * b
    if b.ndim == 1:
        return a * b.dimshuffle(0, *["x"] * (a.ndim - 1))
    if a.ndim > 3 or b.ndim > 3:
        return batched_tensordot(a, b, [[a.ndim - 1], [max(1, b.ndim - 2)]])
    return BatchedDot()(a, b)
