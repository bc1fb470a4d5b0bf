"""Theano's `permute_row_elements`: each row (innermost axis) of x reordered by a permutation.

y holds the permutations: one vector for every row, or one per row, x and y broadcasting on
their leading axes as Theano's did (a length-1 axis declared broadcastable is stretched; a
vector x is permuted by each of y's rows). `inverse=True` applies the inverse permutations.

>>> T.permute_row_elements(T.dvector('x'), T.lvector('p'))         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.compare import eq, maximum
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.reduce import expand_reduced
from graphlens.tensor.shape import shape_padleft
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class PermuteRowElements(Op):
    """out[..., i] = x[..., y[..., i]] (or out[..., y[..., i]] = x[..., i] when `inverse`),
    x and y of one rank after padding the smaller on the left. Theano's call:
    `PermuteRowElements()(x, y, inverse)`."""

    notation = Func("permute_row_elements")

    def make_node(self, x, y, inverse):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if not is_discrete(y.dtype) or y.dtype == "bool":
            raise GraphlensTypeError(f"permute_row_elements at {call_site()}: the permutations "
                                     f"must be integers, got {describe(y)}")
        if isinstance(inverse, (bool, int, np.integer, np.bool_)):
            inverse = int(bool(inverse))        # Theano took any truth value
        inverse = as_tensor_variable(inverse)
        if inverse.ndim != 0 or not is_discrete(inverse.dtype):
            raise GraphlensTypeError(f"permute_row_elements at {call_site()}: inverse must be "
                                     f"an int scalar or a bool, got {describe(inverse)}")
        if x.ndim == 0 or y.ndim == 0:
            raise ShapeError(f"permute_row_elements at {call_site()}: x and y need at least one "
                             f"axis, got {describe(x)} and {describe(y)}")
        if x.ndim > y.ndim:
            y = shape_padleft(y, x.ndim - y.ndim)
        elif y.ndim > x.ndim:
            x = shape_padleft(x, y.ndim - x.ndim)
        shape = []
        for axis, (a, b) in enumerate(zip(x.type.shape, y.type.shape)):
            if a is not None and b is not None and 1 not in (a, b) and a != b:
                raise ShapeError(f"permute_row_elements at {call_site()}: lengths {a} and {b} "
                                 f"differ on axis {axis} of {describe(x)} and {describe(y)}")
            shape.append(1 if a == b == 1 else (a if b == 1 else b) if 1 in (a, b)
                         else (a if a is not None else b))
        return Apply(self, [x, y, inverse], [TensorType(x.dtype, tuple(shape))()])

    def perform(self, node, inputs):
        x, y, inverse = inputs
        lead = []
        for axis, (a, b) in enumerate(zip(x.shape[:-1], y.shape[:-1])):
            # Only an axis declared of length 1 is stretched, as in Theano.
            stretch_x = a == 1 and node.inputs[0].type.shape[axis] == 1
            stretch_y = b == 1 and node.inputs[1].type.shape[axis] == 1
            if a != b and not (stretch_x or stretch_y):
                raise ShapeError(f"permute_row_elements: lengths {a} and {b} differ on axis "
                                 f"{axis} (x of shape {x.shape}, y of shape {y.shape})")
            lead.append(max(a, b) if a != b else a)
        row = y.shape[-1]
        if x.shape[-1] != row:
            raise ShapeError(f"permute_row_elements: rows of length {x.shape[-1]} permuted by "
                             f"permutations of length {y.shape[-1]}")
        xb = np.broadcast_to(x, tuple(lead) + (x.shape[-1],))
        yb = np.broadcast_to(y, tuple(lead) + (row,))
        if yb.size and (yb.min() < -xb.shape[-1] or yb.max() >= xb.shape[-1]):
            raise IndexError(f"permute_row_elements: a permutation entry is out of range for "
                             f"rows of length {xb.shape[-1]}")
        if not inverse:
            return [np.take_along_axis(xb, yb, axis=-1)]
        out = np.empty(tuple(lead) + (row,), dtype=x.dtype)
        np.put_along_axis(out, yb, np.broadcast_to(xb, out.shape), axis=-1)
        return [out]

    def infer_shape(self, node, input_shapes):
        """The larger of x's and y's lengths on each axis (one of them is 1 where they differ)."""
        return [tuple(maximum(a, b) for a, b in zip(*input_shapes[:2]))]

    def grad(self, inputs, output_grads):
        (x, y, inverse), (gz,) = inputs, output_grads
        if is_discrete(x.dtype):
            gx = zeros_like(x)
        else:
            # The inverse permutation carries gz back; axes x was stretched on are summed.
            gx = permute_row_elements(gz, y, eq(inverse, 0))
            stretched = tuple(axis for axis, (a, g) in enumerate(zip(x.type.shape,
                                                                      gz.type.shape))
                              if a == 1 and g != 1)
            if stretched:
                gx = expand_reduced(gx.sum(axis=stretched), stretched, x.ndim)
        reason = "it holds positions (a permutation); a derivative with respect to them does " \
                 "not exist"
        return [gx, undefined(y, reason), undefined(inverse, reason)]


def permute_row_elements(x, y, inverse=0):
    """The elements of each row of x reordered by the permutations y (their inverses when
    `inverse`), as Theano's.

    >>> T.permute_row_elements(T.dmatrix('x'), [2, 0, 1])             # doctest: +SKIP
    """
    return PermuteRowElements()(x, y, inverse)
