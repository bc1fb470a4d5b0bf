"""Theano's `T.get_scalar_constant_value`: the number a scalar expression is known to be when
the graph is built (a constant, a known length, arithmetic of those), or
NotScalarConstantError. Libraries use it to read kernel sizes and lengths given as variables.

>>> int(get_scalar_constant_value(T.constant(3) * 2))
6
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import GraphlensTypeError, NotScalarConstantError, ShapeError, describe
from graphlens.graph.basic import Constant, Variable
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.fill import Second
from graphlens.tensor.reduce import AxisSize
from graphlens.tensor.shape import Shape
from graphlens.tensor.subtensor import Subtensor
# as_tensor_variable is read from the package when called (it sits above this module).
import graphlens.tensor as T


def _known_length(var):
    """x.shape[i] or size(x, i) with x's length on axis i declared: that length, else None."""
    node = var.owner
    if isinstance(node.op, AxisSize) and len(node.op.axis) == 1:
        return node.inputs[0].type.shape[node.op.axis[0]]
    if isinstance(node.op, Subtensor) and node.inputs[0].owner is not None \
            and isinstance(node.inputs[0].owner.op, Shape) and len(node.op.idx) == 1 \
            and node.op.idx[0][0] == "int" and len(node.inputs) == 1:
        shape = node.inputs[0].owner.inputs[0].type.shape
        position = node.op.idx[0][1]
        return shape[position] if -len(shape) <= position < len(shape) else None
    return None


def get_scalar_constant_value(v, elemwise=True, only_process_constants=False, max_recur=10):
    """The value of scalar `v` as a 0-d numpy array, when the graph alone decides it: `v` a
    number or constant (of one element), a declared length (`x.shape[0]` of a
    `TensorType('float32', (128, None))`), or, with `elemwise`, an elementwise op, cast or
    dimshuffle of such values, at most `max_recur` ops deep. Else NotScalarConstantError.

    >>> get_scalar_constant_value(T.dmatrix().shape[0])     # doctest: +SKIP
    NotScalarConstantError: ...
    """
    if not isinstance(v, Variable):
        value = np.asarray(v)
        if value.size != 1:
            raise NotScalarConstantError(f"{value!r:.60} is not a scalar")
        return value.reshape(())
    if isinstance(v, Constant):
        value = np.asarray(v.data)
        if value.size == 1:
            return value.reshape(())
        if value.size and (value == value.flat[0]).all():
            return np.asarray(value.flat[0])
        raise NotScalarConstantError(f"{describe(v)} is a constant of several values")
    node = v.owner
    if node is None or only_process_constants or max_recur <= 0:
        raise NotScalarConstantError(f"{describe(v)} is not a constant")
    length = _known_length(v)
    if length is not None:
        return np.asarray(length, dtype="int64")
    if elemwise and isinstance(node.op, Second):
        # fill(x, value) (zeros_like, a gradient of zeros): every element is `value`, as
        # Theano read it.
        return get_scalar_constant_value(node.inputs[1], elemwise, only_process_constants,
                                         max_recur - 1)
    if elemwise and isinstance(node.op, (Elemwise, DimShuffle)) and len(node.outputs) == 1:
        values = [np.asarray(get_scalar_constant_value(var, elemwise, only_process_constants,
                                                       max_recur - 1))
                  for var in node.inputs]
        values = [value.reshape((1,) * var.ndim) for value, var in zip(values, node.inputs)]
        (result,) = node.op.perform(node, values)
        return np.asarray(result).reshape(())
    if isinstance(node.op, Subtensor) and isinstance(node.inputs[0], Constant):
        # An element of a constant (`T.as_tensor_variable([3, 2, 7, 5])[0]`), as Theano read it.
        values = [np.asarray(node.inputs[0].data)] + [
            get_scalar_constant_value(var, elemwise, only_process_constants, max_recur - 1)
            for var in node.inputs[1:]]
        (result,) = node.op.perform(node, values)
        result = np.asarray(result)
        if result.size == 1:
            return result.reshape(())
    if isinstance(node.op, (Shape, Subtensor, AxisSize)):
        raise NotScalarConstantError(f"{describe(v)} is a length not declared when the graph "
                                     f"is built (declare it: TensorType(dtype, (128, None)))")
    raise NotScalarConstantError(f"{describe(v)} is computed by {node.op} from values not "
                                 f"known when the graph is built")


def get_vector_length(v) -> int:
    """The number of elements of vector `v`, when the graph alone decides it (Theano's
    `T.get_vector_length`): a constant, a shape (`x.shape` has `x.ndim` elements), a slice or
    concatenation of those, a stack of scalars. TypeError for a non-vector, ValueError when the
    length is only known at run time.

    >>> get_vector_length(T.dmatrix().shape[1:])
    1
    """
    v = T.as_tensor_variable(v)
    if v.ndim != 1:
        raise GraphlensTypeError(f"get_vector_length: {describe(v)} is not a vector "
                                 f"(it has {v.ndim} axes)")
    # Every op's make_node puts the lengths it can prove in its output type (Shape, MakeVector,
    # Subtensor with constant bounds, Join...), so the answer is read there, in one place.
    length = v.type.shape[0]
    if length is None:
        raise ShapeError(f"get_vector_length: the length of {describe(v)} is not known when "
                         f"the graph is built")
    return length


def extract_constant(x, elemwise=True, only_process_constants=False):
    """Theano's `T.extract_constant`: the value get_scalar_constant_value finds for `x`, or,
    where it finds none, `x` itself (a number as a tensor constant) instead of its error.

    >>> int(extract_constant(T.constant(2) + 1)), extract_constant(x) is x     # doctest: +SKIP
    (3, True)
    """
    try:
        return get_scalar_constant_value(x, elemwise=elemwise,
                                         only_process_constants=only_process_constants)
    except NotScalarConstantError:
        return x if isinstance(x, Variable) else T.as_tensor_variable(x)
