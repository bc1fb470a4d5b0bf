"""fill (Theano's Second) and what is built from it: zeros_like, ones_like.

Nearly every op's gradient needs zeros shaped like an input, so this module sits just above
elemwise.py and imports no other op module: compare.py, rounding.py and basic.py use it
without importing math.py.

>>> x = T.dmatrix('x'); z = T.zeros_like(x); v = T.fill(x, 3.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.tensor.elemwise import BinaryElemwise, unbroadcast
from graphlens.tensor.kernels import copy_kernel
from graphlens.tensor.type import TensorType, tensor_type
from graphlens.tensor.variable import as_tensor_variable, constant


@dataclass(frozen=True)
class Second(BinaryElemwise):
    """fill(x, y): y broadcast to the shape of x (and of y), in y's dtype; x's values are unused."""

    notation = Func("fill")
    gradient_remedy = ("fill(x, v) reads only the shape of x; use x itself if its values should "
                       "matter")

    def kernel(self, node):
        """A copy of the value into `out` when it already has the result's dtype."""
        same = node.inputs[1].type.dtype == node.outputs[0].type.dtype
        return copy_kernel(1) if same else None

    def make_node(self, x, y):
        node = super().make_node(x, y)
        out = node.outputs[0]
        dtype = node.inputs[1].dtype
        if type(out.type) is TensorType:
            # The shared type, not a new one per fill (a gradient makes one per sum).
            if out.type.dtype != dtype:
                out.type = tensor_type(dtype, out.type.shape)
        else:
            out.type = out.type.clone(dtype=dtype)
        return node

    def impl(self, x, y):
        # y of one element (a gradient's seed, a zero) is the usual case: its shape is x's,
        # without numpy's broadcast_shapes and broadcast_to (ten times the cost of the fill).
        if x.shape == y.shape or y.size == 1 and y.ndim <= x.ndim:
            shape = x.shape
        else:
            shape = np.broadcast_shapes(x.shape, y.shape)
        result = np.empty(shape, dtype=y.dtype)
        result[...] = y
        return result

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [disconnected(x), unbroadcast(gz, y)]

    def gradient_block(self, node, index):
        return ("shape", "fill(x, v) reads only the shape of x") if index == 0 else None

def fill(model, value):
    """`value` broadcast to the shape of `model`: `T.fill(x, 0.0)`."""
    return Second()(model, value)


def zeros_like(x, dtype=None):
    """Zeros of x's shape and (unless given) dtype."""
    x = as_tensor_variable(x)
    return fill(x, constant(0, dtype=dtype or x.dtype))


def ones_like(x, dtype=None):
    """Ones of x's shape and (unless given) dtype."""
    x = as_tensor_variable(x)
    return fill(x, constant(1, dtype=dtype or x.dtype))
