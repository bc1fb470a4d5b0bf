"""Theano's `specify_shape(x, shape)`: x, promised to have `shape`; checked when the function
runs, and the lengths known at build time become x's static shape (so pictures, debugprint and
shape checks downstream see them).

>>> x = T.dmatrix('x'); y = T.specify_shape(x, (32, 784))      # doctest: +SKIP
>>> y.type.shape
(32, 784)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.shape import _shape_vector, _static_vector
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class SpecifyShape(Op):
    """x unchanged, checked at run time to have the lengths of the int vector `shape`."""

    notation = Func("specify_shape")
    view_map = {0: [0]}          # returns x itself

    def make_node(self, x, shape):
        x, shape = as_tensor_variable(x), as_tensor_variable(shape)
        if shape.ndim != 1 or not is_discrete(shape.dtype) or shape.type.shape[0] != x.ndim:
            raise ShapeError(f"specify_shape: the shape must be an int vector of length "
                             f"{x.ndim} (the rank of {describe(x)}), got {describe(shape)}")
        dims = _static_vector(shape)
        for axis, (known, said) in enumerate(zip(x.type.shape, dims)):
            if known is not None and said is not None and known != said:
                raise ShapeError(f"specify_shape: {describe(x)} has length {known} on axis "
                                 f"{axis}, not {said}")
        static = tuple(said if said is not None else known for known, said in
                       zip(x.type.shape, dims))
        return Apply(self, [x, shape], [TensorType(x.dtype, static)()])

    def infer_shape(self, node, input_shapes):
        """The lengths given (known from the shape vector's entries)."""
        shape = node.inputs[1]
        return [tuple(shape[i] for i in range(node.outputs[0].ndim))]

    def perform(self, node, inputs):
        x, shape = inputs
        if x.shape != tuple(int(n) for n in shape):
            raise ShapeError(f"specify_shape: the value has shape {x.shape}, but "
                             f"{tuple(int(n) for n in shape)} was specified")
        return [x]

    def grad(self, inputs, output_grads):
        (x, shape), (gz,) = inputs, output_grads
        return [gz, disconnected(shape)]


def specify_shape(x, shape):
    """x, with `shape` (ints or symbolic int scalars) checked when the function runs.

    >>> y = specify_shape(x, (n, 784))                            # doctest: +SKIP
    """
    x = as_tensor_variable(x)
    vector = _shape_vector(shape)
    return SpecifyShape()(x, vector)
