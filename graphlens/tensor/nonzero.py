"""Where a tensor is non-zero: nonzero, flatnonzero and nonzero_values, as Theano's.

>>> rows, cols = T.nonzero(m); values = T.nonzero_values(m)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import flatten


@dataclass(frozen=True)
class Nonzero(Op):
    """The positions of the non-zero elements of x, as an int64 matrix with one row per axis
    of x and one column per element found (Theano's `nonzero(x, return_matrix=True)`)."""

    notation = Func("nonzero")
    zero_gradient_reason = ("nonzero returns positions, piecewise constant in x: its derivative "
                            "is 0")
    gradient_remedy = ("let the gradient flow through values, not positions: T.nonzero_values(x), or x "
              "indexed by the positions (x[T.nonzero(mask)]), reaches the selected elements")

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise InvalidArgumentError(f"nonzero at {call_site()}: x must have at least one "
                                       f"axis, got {describe(x)}")
        return Apply(self, [x], [TensorType("int64", (x.ndim, None))()])

    def perform(self, node, inputs):
        (x,) = inputs
        positions = np.nonzero(x)
        return [np.stack(positions).astype("int64", copy=False).reshape(x.ndim, -1)]

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


def nonzero(a, return_matrix=False):
    """The positions of a's non-zero elements: a tuple of one int64 vector per axis (as
    numpy.nonzero), or with `return_matrix=True` one matrix with a row per axis.

    >>> rows, cols = T.nonzero(m)     # m[rows, cols] are the non-zero entries  # doctest: +SKIP
    """
    matrix = Nonzero()(a)
    if return_matrix:
        return matrix
    return tuple(matrix[axis] for axis in range(matrix.type.shape[0]))


def flatnonzero(a):
    """The positions of the non-zero elements of the flattened a (an int64 vector)."""
    a = as_tensor_variable(a)
    if a.ndim == 0:
        raise InvalidArgumentError(f"flatnonzero at {call_site()}: a must have at least one "
                                   f"axis, got {describe(a)}")
    return Nonzero()(flatten(a) if a.ndim != 1 else a)[0]


def nonzero_values(a):
    """The non-zero elements of a, in the order of the flattened a (a vector).

    Its gradient reaches exactly those elements.
    """
    a = as_tensor_variable(a)
    positions = flatnonzero(a)
    return (flatten(a) if a.ndim != 1 else a)[positions]
