"""Matrix products: `dot` of vectors and matrices, and of higher ranks through reshapes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.notation import MUL, Func, Infix
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import TensorVariable, as_tensor_variable
from graphlens.tensor.shape import reshape, shape_padleft, shape_padright, transpose


@dataclass(frozen=True)
class Dot(Op):
    """x @ y for vectors and matrices (ranks 1 and 2), as numpy's dot."""

    notation = Infix("@", MUL)

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.ndim not in (1, 2) or y.ndim not in (1, 2):
            raise ShapeError(f"Dot takes vectors and matrices, got {describe(x)} and {describe(y)}")
        inner_x, inner_y = x.type.shape[-1], y.type.shape[0]
        if inner_x is not None and inner_y is not None and inner_x != inner_y:
            raise ShapeError(f"dot: inner lengths differ, {inner_x} and {inner_y}: "
                             f"{describe(x)} @ {describe(y)}")
        shape = x.type.shape[:-1] + y.type.shape[1:]
        return Apply(self, [x, y], [tensor_type(upcast(x.dtype, y.dtype), shape)()])

    def perform(self, node, inputs):
        x, y = inputs
        if x.shape[-1] != y.shape[0]:
            raise ShapeError(f"dot: inner lengths differ, x has shape {x.shape} and y "
                             f"{y.shape}")
        return [np.asarray(np.dot(x, y), dtype=node.outputs[0].type.dtype)]

    def direct_perform(self, node):
        """A matrix and a matrix or vector of the output's float dtype: numpy's dot returns an
        array of that dtype, so only the length check stays (a logistic regression's x @ w
        and delta @ x: no list, no asarray)."""
        (x, y), out = node.inputs, node.outputs[0]
        if type(self).perform is not Dot.perform or out.ndim == 0 or out.dtype not in (
                "float32", "float64") or x.dtype != out.dtype or y.dtype != out.dtype:
            return None
        dot = np.dot

        def direct(x, y):
            if x.shape[-1] != y.shape[0]:
                raise ShapeError(f"dot: inner lengths differ, x has shape {x.shape} and y "
                                 f"{y.shape}")
            return dot(x, y)
        return direct

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        if x.ndim == 1 and y.ndim == 1:       # gz is a scalar
            return [gz * y, gz * x]
        if x.ndim == 2 and y.ndim == 1:       # gz: (m,)
            return [dot(shape_padright(gz), shape_padleft(y)), dot(gz, x)]
        if x.ndim == 1 and y.ndim == 2:       # gz: (n,)
            return [dot(y, gz), dot(shape_padright(x), shape_padleft(gz))]
        return [dot(gz, y.T), dot(x.T, gz)]


def dot(x, y):
    """Matrix product as numpy's dot: `T.dot(x, W)`; ranks above 2 go through reshapes.

    For ranks above 2 it sums over the last axis of x and the second-to-last of y, like numpy.
    An operand of another kind with a `__dot__` (a sparse matrix) computes the product itself,
    as in Theano: `T.dot(x_sparse, W)` is `sparse.dot(x_sparse, W)`.
    """
    for operand in (x, y):
        if isinstance(operand, Variable) and not isinstance(operand, TensorVariable) \
                and hasattr(operand, "__dot__"):
            return operand.__dot__(y) if operand is x else operand.__rdot__(x)
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    if x.ndim <= 2 and y.ndim <= 2:
        return Dot()(x, y)
    inner_x, inner_y = x.type.shape[-1], y.type.shape[-2 if y.ndim > 1 else 0]
    if inner_x is not None and inner_y is not None and inner_x != inner_y:
        raise ShapeError(f"dot: inner lengths differ, {inner_x} and {inner_y}: "
                         f"{describe(x)} @ {describe(y)}")
    lead = [_length(x, i) for i in range(x.ndim - 1)]
    x2 = reshape(x, (-1, _length(x, -1)), ndim=2) if x.ndim > 2 else x
    if y.ndim > 2:
        order = (y.ndim - 2,) + tuple(i for i in range(y.ndim) if i != y.ndim - 2)
        rest = [_length(y, i) for i in order[1:]]
        y2 = reshape(transpose(y, order), (_length(y, -2), -1), ndim=2)
    else:
        rest = [_length(y, i) for i in range(1, y.ndim)]
        y2 = y
    product = Dot()(x2, y2)
    out_shape = lead + rest
    return reshape(product, out_shape, ndim=len(out_shape))


def _length(x, axis):
    """The static length of an axis when known (keeps static shapes), else the symbolic one."""
    static = x.type.shape[axis]
    return static if static is not None else x.shape[axis]


@dataclass(frozen=True)
class BatchedDot(Op):
    """dot(x[i], y[i]) for each i of the first (batch) axis, for x and y of rank 2 or 3:
    batches of vectors (rank 2) and of matrices (rank 3)."""

    notation = Func("batched_dot")

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.ndim not in (2, 3) or y.ndim not in (2, 3):
            raise ShapeError(f"BatchedDot takes batches of vectors or matrices (ranks 2 and 3), "
                             f"got {describe(x)} and {describe(y)}")
        for what, a, b in (("batch", x.type.shape[0], y.type.shape[0]),
                           ("inner", x.type.shape[-1], y.type.shape[1])):
            if a is not None and b is not None and a != b:
                raise ShapeError(f"batched_dot: {what} lengths differ, {a} and {b}: "
                                 f"{describe(x)} and {describe(y)}")
        batch = x.type.shape[0] if x.type.shape[0] is not None else y.type.shape[0]
        shape = (batch,) + x.type.shape[1:-1] + y.type.shape[2:]
        return Apply(self, [x, y], [tensor_type(upcast(x.dtype, y.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        """The batch, x's rows (for a batch of matrices), y's columns (likewise)."""
        x_lengths, y_lengths = input_shapes
        return [tuple(x_lengths[:-1]) + tuple(y_lengths[2:])]

    def perform(self, node, inputs):
        x, y = inputs
        if x.shape[0] != y.shape[0] or x.shape[-1] != y.shape[1]:
            raise ShapeError(f"batched_dot: x of shape {x.shape} and y of shape {y.shape} do "
                             f"not fit: the batch lengths and x's last and y's second length "
                             f"must agree")
        # Vectors become 1-row or 1-column matrices; matmul runs the batch in one call.
        product = np.matmul(x if x.ndim == 3 else x[:, None, :], y if y.ndim == 3 else y[..., None])
        out_shape = x.shape[:-1] + y.shape[2:]
        return [np.asarray(product.reshape(out_shape), dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        batched = BatchedDot()
        if x.ndim == 3:
            gx = batched(gz, y.dimshuffle(0, 2, 1)) if y.ndim == 3 else \
                gz.dimshuffle(0, 1, "x") * y.dimshuffle(0, "x", 1)
        else:
            gx = batched(y, gz) if y.ndim == 3 else gz.dimshuffle(0, "x") * y
        if y.ndim == 3:
            gy = batched(x.dimshuffle(0, 2, 1), gz) if x.ndim == 3 else \
                x.dimshuffle(0, 1, "x") * gz.dimshuffle(0, "x", 1)
        else:
            gy = batched(x.dimshuffle(0, 2, 1), gz) if x.ndim == 3 else gz.dimshuffle(0, "x") * x
        return [gx, gy]
