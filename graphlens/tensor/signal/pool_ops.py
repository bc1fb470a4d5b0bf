"""The pooling ops behind Theano's `pool_2d` and `pool_3d`: the pooling op and its gradient ops,
each an op of its own with its own gradient, so second derivatives work.

One generic class per role does the work for any number of pooled axes (the rank is len(ws));
the 3-d classes only name their rank and how they print, as the convolution ops do
(tensor/nnet/conv_ops.py). pool_kernels.py holds the arithmetic:

    out = pool(x)                            (..., *pooled lengths)
    gx  = max_pool_grad(x, out, gz)          d cost / d x for max pooling
    gx  = average_pool_grad(x, gz)           d cost / d x for sum and average pooling
    g   = max_pool_grad_grad(x, out, ggx)    d / d gz of max_pool_grad: a pooling of ggx
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.compare import maximum, minimum
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.signal import pool_kernels as kernels
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")
_PARAMS = ("ws", "ignore_border", "stride", "pad", "mode")


def pooled_length(length, ws, stride, pad, ignore_border):
    """One pooled length, as Theano's Pool.out_shape: from an int (or None), or from a symbolic
    int scalar (infer_shape passes those).

    >>> pooled_length(7, 2, 2, 0, True), pooled_length(7, 2, 2, 0, False)
    (3, 4)
    """
    if length is None or isinstance(length, (int, np.integer)):
        return kernels.output_length(length, ws, stride, pad, ignore_border)
    if ignore_border:
        return maximum((length + 2 * pad - ws) // stride + 1, 0)
    if stride >= ws:
        return (length - 1) // stride + 1         # floor division: 0 for an empty axis
    # The minimum with the length is 0 for an empty axis and leaves the others as they are
    # (the count is below the length whenever the length is at least 1).
    return minimum(length, maximum((length - 1 - ws + stride) // stride, 0) + 1)


@dataclass(frozen=True)
class PoolBase(Op):
    """What the pooling ops and their gradient ops share: the window, stride, padding and mode.
    `stride` None means the window size (non-overlapping windows). The number of pooled axes
    (Theano's `ndim`) is len(ws); each class names its own (2, or 3 for the *3d classes)."""

    ws: tuple
    ignore_border: bool = True
    stride: tuple | None = None
    pad: tuple = (0, 0)
    mode: str = "max"
    # Pictures and trees label these ops as the call that built them: pool_2d(ws=(2, 2)).
    labelled_as_call = True

    def __post_init__(self):
        # The class decides how the op prints (pool_2d or pool_3d), so its window must have
        # the class's rank: Pool3d pools three axes.
        rank = len(type(self).__dataclass_fields__["pad"].default)
        if len(self.ws) != rank or len(self.pad) != rank or (
                self.stride is not None and len(self.stride) != rank):
            raise ValueError(f"{type(self).__name__} pools {rank} axes: ws, stride and pad "
                             f"need {rank} entries, got ws={self.ws}, stride={self.stride}, "
                             f"pad={self.pad}")

    @property
    def ndim(self) -> int:
        """The number of pooled axes (Theano's name): 2 for pool_2d, 3 for pool_3d."""
        return len(self.ws)

    @property
    def call_name(self) -> str:
        return f"pool_{self.ndim}d"

    def family(self, role):
        """The op class of this rank playing `role` (see FAMILIES), with this op's props."""
        return FAMILIES[self.ndim][role](**self.props)

    def geometry(self, lengths):
        """Where the windows lie over an input whose pooled axes have `lengths`."""
        stride = self.stride if self.stride is not None else self.ws
        return kernels.Geometry(lengths, self.ws, stride, self.pad, self.ignore_border)

    def pooled_shape(self, shape):
        """The shape of pooling an input of `shape` (ints, None or symbolic int scalars)."""
        stride = self.stride if self.stride is not None else self.ws
        pooled = tuple(pooled_length(length, *window, self.ignore_border) for length, window
                       in zip(shape[-self.ndim:], zip(self.ws, stride, self.pad)))
        return tuple(shape[:-self.ndim]) + pooled

    def pooled_type(self, x, dtype=None):
        """The type of pooling x: its leading axes, then the pooled lengths."""
        return TensorType(dtype or x.dtype, self.pooled_shape(x.type.shape))

    def check_rank(self, var, name):
        var = as_tensor_variable(var)
        if var.ndim < self.ndim:
            words = {2: "two", 3: "three"}[self.ndim]
            raise ShapeError(f"{name} pools the last {words} axes; it needs at least "
                             f"{self.ndim}, got {describe(var)}")
        return var

    def suffixed(self, what):
        """The name of this op's call: max_pool_2d_grad, average_pool_3d_grad, ..."""
        return what.replace("pool", self.call_name, 1)


@dataclass(frozen=True)
class Pool(PoolBase):
    """Pooling of x's last two axes (three for Pool3d): max, sum or average over each window."""

    notation = Func("pool_2d", params=_PARAMS)

    def make_node(self, x):
        x = self.check_rank(x, self.call_name)
        return Apply(self, [x], [self.pooled_type(x)()])

    def infer_shape(self, node, input_shapes):
        """The leading lengths, then each pooled length as Theano's Pool.out_shape."""
        return [self.pooled_shape(input_shapes[0])]

    def perform(self, node, inputs):
        (x,) = inputs
        out = kernels.pool(x, self.geometry(x.shape[-self.ndim:]), self.mode)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if self.mode == "max":
            return [self.family("max_grad")(x, self(x), gz)]
        return [self.family("average_grad")(x, gz)]


@dataclass(frozen=True)
class MaxPoolGrad(PoolBase):
    """The input's gradient of max pooling, from x, the pooled maxima and the output's
    gradient: each window's gradient goes to every element equal to the window's max."""

    notation = Func("max_pool_2d_grad", params=_PARAMS)

    def make_node(self, x, maxout, gz):
        x = self.check_rank(x, self.suffixed("max_pool_grad"))
        maxout, gz = as_tensor_variable(maxout), as_tensor_variable(gz)
        return Apply(self, [x, maxout, gz], [TensorType(gz.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        """x's shape."""
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, maxout, gz = inputs
        gx = kernels.max_pool_grad(x, maxout, gz, self.geometry(x.shape[-self.ndim:]))
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, maxout, gz), (ggx,) = inputs, output_grads
        # Where each window's maximum sits is piecewise constant in x (and in maxout): honest
        # zeros for those; gz gets the transpose of the scatter. (No zero_gradient_reason: the
        # tracer would read it as blocking gz too.)
        return [zeros_like(x), zeros_like(maxout), self.family("max_grad_grad")(x, maxout, ggx)]


@dataclass(frozen=True)
class MaxPoolGradGrad(PoolBase):
    """The gradient of MaxPoolGrad with respect to its output gradient (Theano's
    DownsampleFactorMaxGradGrad): each window's ggx summed over its maxima."""

    notation = Func("max_pool_2d_grad_grad", params=_PARAMS)

    def make_node(self, x, maxout, ggx):
        x = self.check_rank(x, self.suffixed("max_pool_grad_grad"))
        maxout, ggx = as_tensor_variable(maxout), as_tensor_variable(ggx)
        return Apply(self, [x, maxout, ggx], [self.pooled_type(x, ggx.dtype)()])

    def infer_shape(self, node, input_shapes):
        """The shape of pooling x."""
        return [self.pooled_shape(input_shapes[0])]

    def perform(self, node, inputs):
        x, maxout, ggx = inputs
        out = kernels.max_pool_grad_grad(x, maxout, ggx, self.geometry(x.shape[-self.ndim:]))
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, maxout, ggx), (g,) = inputs, output_grads
        return [zeros_like(x), zeros_like(maxout), self.family("max_grad")(x, maxout, g)]


@dataclass(frozen=True)
class AveragePoolGrad(PoolBase):
    """The input's gradient of sum and average pooling, from x (for its shape) and the
    output's gradient."""

    notation = Func("average_pool_2d_grad", params=_PARAMS)

    def make_node(self, x, gz):
        x = self.check_rank(x, self.suffixed("average_pool_grad"))
        gz = as_tensor_variable(gz)
        return Apply(self, [x, gz], [TensorType(gz.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        """x's shape."""
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, gz = inputs
        gx = kernels.average_pool_grad(gz, self.geometry(x.shape[-self.ndim:]), self.mode)
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, gz), (ggx,) = inputs, output_grads
        # Sum and average pooling are linear: their gradient reads only x's shape.
        return [zeros_like(x), self.family("pool")(ggx)]


@dataclass(frozen=True)
class Pool3d(Pool):
    """Pooling of x's last three axes (Theano's Pool with ndim=3)."""

    pad: tuple = (0, 0, 0)
    notation = Func("pool_3d", params=_PARAMS)


@dataclass(frozen=True)
class MaxPoolGrad3d(MaxPoolGrad):
    """The input's gradient of 3-d max pooling."""

    pad: tuple = (0, 0, 0)
    notation = Func("max_pool_3d_grad", params=_PARAMS)


@dataclass(frozen=True)
class MaxPoolGradGrad3d(MaxPoolGradGrad):
    """The gradient of MaxPoolGrad3d with respect to its output gradient."""

    pad: tuple = (0, 0, 0)
    notation = Func("max_pool_3d_grad_grad", params=_PARAMS)


@dataclass(frozen=True)
class AveragePoolGrad3d(AveragePoolGrad):
    """The input's gradient of 3-d sum and average pooling."""

    pad: tuple = (0, 0, 0)
    notation = Func("average_pool_3d_grad", params=_PARAMS)


# Each op's gradient is built from its siblings of the same rank.
FAMILIES = {
    2: {"pool": Pool, "max_grad": MaxPoolGrad, "max_grad_grad": MaxPoolGradGrad,
        "average_grad": AveragePoolGrad},
    3: {"pool": Pool3d, "max_grad": MaxPoolGrad3d, "max_grad_grad": MaxPoolGradGrad3d,
        "average_grad": AveragePoolGrad3d},
}
