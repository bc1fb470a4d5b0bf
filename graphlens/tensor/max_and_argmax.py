"""Theano's `MaxAndArgmax`: the largest elements over some axes and their positions, one node.

`T.max_and_argmax(x, axis)` builds it, as Theano's did. Over several axes the position is the
index into those axes flattened in order (Theano's and numpy's convention on a transposed,
reshaped array).

>>> m, i = T.max_and_argmax(T.dmatrix('x'), axis=1)             # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import AxisError, describe
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.compare import eq
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.reduce import expand_reduced, normalize_axes
from graphlens.tensor.type import TensorType
from graphlens.tensor.type_other import is_none_constant
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class MaxAndArgmax(Op):
    """(max, argmax) of x over `axis`, a tuple of axes (all of them for every axis)."""

    axis: tuple
    notation = Func("max_and_argmax", params=("axis",))

    def __post_init__(self):
        # Theano's MaxAndArgmax([1]) and MaxAndArgmax((1,)) are one op.
        object.__setattr__(self, "axis", tuple(int(a) for a in self.axis))

    def make_node(self, x):
        x = as_tensor_variable(x)
        axes = normalize_axes(self.axis, x.ndim, x, "max_and_argmax")
        if axes != self.axis:
            return MaxAndArgmax(axes).make_node(x)
        if x.dtype.startswith("complex"):
            raise AxisError(f"max_and_argmax at {call_site()}: complex values have no order, "
                            f"got {describe(x)}")
        shape = tuple(n for i, n in enumerate(x.type.shape) if i not in axes)
        return Apply(self, [x], [TensorType(x.dtype, shape)(), TensorType("int64", shape)()])

    def perform(self, node, inputs):
        (x,) = inputs
        if not self.axis:
            return [x.copy(), np.zeros(x.shape, dtype="int64")]
        kept = [i for i in range(x.ndim) if i not in self.axis]
        moved = np.transpose(x, kept + list(self.axis))
        flat = moved.reshape(moved.shape[:len(kept)] + (int(np.prod(
            [x.shape[a] for a in self.axis])),))
        if flat.shape[-1] == 0:
            raise ValueError(f"max_and_argmax: no elements to reduce over axes {self.axis} of "
                             f"an array of shape {x.shape}")
        position = np.argmax(flat, axis=-1)
        largest = np.take_along_axis(flat, position[..., None], axis=-1)[..., 0]
        return [np.asarray(largest, dtype=x.dtype), np.asarray(position, dtype="int64")]

    def infer_shape(self, node, input_shapes):
        """x's lengths on the axes kept, for both outputs."""
        kept = tuple(n for i, n in enumerate(input_shapes[0]) if i not in self.axis)
        return [kept, kept]

    def grad(self, inputs, output_grads):
        # Every element equal to the maximum receives its gradient (ties share it, as
        # Theano's); the position is an integer: it passes none.
        (x,), (g_max, _) = inputs, output_grads
        if is_discrete(x.dtype):
            return [zeros_like(x)]
        largest = expand_reduced(self(x)[0], self.axis, x.ndim)
        return [expand_reduced(g_max, self.axis, x.ndim) * eq(x, largest)]


def max_and_argmax(a, axis=None, keepdims=False):
    """(max, argmax) of `a` over `axis`, as Theano's: one `MaxAndArgmax` node. `axis` is None
    (or `NoneConst`) for every axis, an int, a list of ints, or a constant holding them.

    >>> m, i = T.max_and_argmax(T.dmatrix('x'), axis=1)             # doctest: +SKIP
    """
    a = as_tensor_variable(a)
    if is_none_constant(axis):
        axis = None
    elif isinstance(axis, Variable):
        if not isinstance(axis, Constant):
            raise AxisError(f"max_and_argmax at {call_site()}: the axis must be known when the "
                            f"graph is built, got {describe(axis)}")
        axis = np.asarray(axis.data).tolist()
    if isinstance(axis, (list, tuple, np.ndarray)):
        # Theano's: a repeated axis counts once ([0, 0] is [0]).
        axis = list(dict.fromkeys(int(i) % a.ndim if -a.ndim <= int(i) < 0 else int(i)
                                  for i in np.asarray(axis).ravel()))
    axes = normalize_axes(axis, a.ndim, a, "max_and_argmax")
    largest, position = MaxAndArgmax(axes)(a)
    if keepdims:
        largest = expand_reduced(largest, axes, a.ndim)
        position = expand_reduced(position, axes, a.ndim)
    return largest, position
