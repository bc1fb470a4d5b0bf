"""`graphlens.tensor.signal.pool`, as Theano's: `pool_2d` over the last two axes, in the modes
'max', 'sum', 'average_inc_pad' and 'average_exc_pad', with its gradient ops (each with its own
gradient, so second derivatives work).

>>> h = pool.pool_2d(conv_out, ws=(2, 2), ignore_border=True)      # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import ones_like, zeros_like
from graphlens.tensor.signal import pool_kernels as kernels
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorConstant, as_tensor_variable

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")
_PARAMS = ("ws", "ignore_border", "stride", "pad", "mode")


@dataclass(frozen=True)
class PoolBase(Op):
    """What the pooling op and its gradient ops share: the window, stride, padding and mode.
    `stride` None means the window size (non-overlapping windows)."""

    ws: tuple
    ignore_border: bool = True
    stride: tuple | None = None
    pad: tuple = (0, 0)
    mode: str = "max"
    # Pictures and trees label these ops as the call that built them: pool_2d(ws=(2, 2)).
    labelled_as_call = True

    def geometry(self, hw):
        """Where the windows lie over an input of spatial shape `hw`."""
        stride = self.stride if self.stride is not None else self.ws
        return kernels.Geometry(hw, self.ws, stride, self.pad, self.ignore_border)

    def pooled_type(self, x, dtype=None):
        """The type of pooling x: its leading axes, then the pooled lengths."""
        out_hw = self.geometry(x.type.shape[-2:]).out
        return TensorType(dtype or x.dtype, x.type.shape[:-2] + out_hw)

    def check_rank(self, var, name):
        var = as_tensor_variable(var)
        if var.ndim < 2:
            raise ShapeError(f"{name} pools the last two axes; it needs at least 2, got "
                             f"{describe(var)}")
        return var


@dataclass(frozen=True)
class Pool(PoolBase):
    """Pooling of x's last two axes: max, sum or average over each window."""

    notation = Func("pool_2d", params=_PARAMS)

    def make_node(self, x):
        x = self.check_rank(x, "pool_2d")
        return Apply(self, [x], [self.pooled_type(x)()])

    def perform(self, node, inputs):
        (x,) = inputs
        out = kernels.pool(x, self.geometry(x.shape[-2:]), self.mode)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        props = self.props
        if self.mode == "max":
            return [MaxPoolGrad(**props)(x, self(x), gz)]
        return [AveragePoolGrad(**props)(x, gz)]


@dataclass(frozen=True)
class MaxPoolGrad(PoolBase):
    """The input's gradient of max pooling, from x, the pooled maxima and the output's
    gradient: each window's gradient goes to every element equal to the window's max."""

    notation = Func("max_pool_2d_grad", params=_PARAMS)

    def make_node(self, x, maxout, gz):
        x = self.check_rank(x, "max_pool_2d_grad")
        maxout, gz = as_tensor_variable(maxout), as_tensor_variable(gz)
        return Apply(self, [x, maxout, gz], [TensorType(gz.dtype, x.type.shape)()])

    def perform(self, node, inputs):
        x, maxout, gz = inputs
        gx = kernels.max_pool_grad(x, maxout, gz, self.geometry(x.shape[-2:]))
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, maxout, gz), (ggx,) = inputs, output_grads
        # Where each window's maximum sits is piecewise constant in x (and in maxout): honest
        # zeros for those; gz gets the transpose of the scatter. (No zero_gradient_reason: the
        # tracer would read it as blocking gz too.)
        return [zeros_like(x), zeros_like(maxout), MaxPoolGradGrad(**self.props)(x, maxout, ggx)]


@dataclass(frozen=True)
class MaxPoolGradGrad(PoolBase):
    """The gradient of MaxPoolGrad with respect to its output gradient (Theano's
    DownsampleFactorMaxGradGrad): each window's ggx summed over its maxima."""

    notation = Func("max_pool_2d_grad_grad", params=_PARAMS)

    def make_node(self, x, maxout, ggx):
        x = self.check_rank(x, "max_pool_2d_grad_grad")
        maxout, ggx = as_tensor_variable(maxout), as_tensor_variable(ggx)
        return Apply(self, [x, maxout, ggx], [self.pooled_type(x, ggx.dtype)()])

    def perform(self, node, inputs):
        x, maxout, ggx = inputs
        out = kernels.max_pool_grad_grad(x, maxout, ggx, self.geometry(x.shape[-2:]))
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, maxout, ggx), (g,) = inputs, output_grads
        return [zeros_like(x), zeros_like(maxout), MaxPoolGrad(**self.props)(x, maxout, g)]


@dataclass(frozen=True)
class AveragePoolGrad(PoolBase):
    """The input's gradient of sum and average pooling, from x (for its shape) and the
    output's gradient."""

    notation = Func("average_pool_2d_grad", params=_PARAMS)

    def make_node(self, x, gz):
        x = self.check_rank(x, "average_pool_2d_grad")
        gz = as_tensor_variable(gz)
        return Apply(self, [x, gz], [TensorType(gz.dtype, x.type.shape)()])

    def perform(self, node, inputs):
        x, gz = inputs
        gx = kernels.average_pool_grad(gz, self.geometry(x.shape[-2:]), self.mode)
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, gz), (ggx,) = inputs, output_grads
        # Sum and average pooling are linear: their gradient reads only x's shape.
        return [zeros_like(x), Pool(**self.props)(ggx)]


@dataclass(frozen=True)
class MaxPoolSameSize(Op):
    """x with every element that is not the maximum of its patch set to 0: the last two axes
    cut into non-overlapping `patch_size` patches (a partial patch at the end is dropped, so
    it is all zeros), each keeping its maxima (every tied one) in place."""

    patch_size: tuple
    notation = Func("max_pool_2d_same_size", params=("patch_size",))
    labelled_as_call = True

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise ShapeError(f"max_pool_2d_same_size at {call_site()}: the input pools its last "
                             f"two axes; it needs at least 2, got {describe(x)}")
        return Apply(self, [x], [TensorType(x.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        """The input's shape."""
        return [input_shapes[0]]

    def perform(self, node, inputs):
        (x,) = inputs
        geometry = kernels.Geometry(x.shape[-2:], self.patch_size, self.patch_size, (0, 0), True)
        maxima = kernels.pool(x, geometry, "max")
        # Each patch's max sent back to where it came from (to every tie): Theano's
        # MaxPoolGrad(x, maxima, maxima), which is how Theano builds this function.
        kept = kernels.max_pool_grad(x, maxima, maxima, geometry)
        return [np.asarray(kept, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # out = x * (1 where x is its patch's max): the mask is piecewise constant, so the
        # gradient is gz through the mask, one 1 per kept element (ties each keep their own).
        pooled = Pool(self.patch_size, True)(x)
        kept = MaxPoolGrad(self.patch_size, True)(x, pooled, ones_like(pooled))
        return [gz * kept]


def max_pool_2d_same_size(input, patch_size):
    """Zero every element of `input` that is not the maximum of its (patch_size[0],
    patch_size[1]) patch of the last two axes (non-overlapping patches); the output has the
    input's shape and dtype, as Theano's.

    >>> y = max_pool_2d_same_size(T.tensor4('x'), (2, 2))     # doctest: +SKIP
    """
    if isinstance(patch_size, TensorConstant):
        patch_size = patch_size.data.tolist()
    try:
        patch = tuple(int(p) for p in patch_size)
    except (TypeError, ValueError):
        patch = ()
    if len(patch) != 2 or min(patch) < 1:
        raise InvalidArgumentError(
            f"max_pool_2d_same_size at {call_site()}: patch_size must be two ints >= 1 known "
            f"when the graph is built, got {patch_size!r}")
    return MaxPoolSameSize(patch)(input)


# Theano's name for the gradient of the max-pooling gradient.
DownsampleFactorMaxGradGrad = MaxPoolGradGrad


def _pair(value, what):
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    pair = tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"pool_2d at {call_site()}: {what} must be a pair of ints, got {value!r}")
    return pair


def pool_2d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0), mode="max", ds=None,
            st=None, padding=None):
    """Pool the last two axes of `input` over windows `ws`, every `stride` (default: `ws`),
    after padding each side by `pad`; mode 'max', 'sum', 'average_inc_pad' (padding counted in
    the average) or 'average_exc_pad'. As in Theano, ignore_border left out warns and means
    False (a partial window at the end is pooled too); padding needs ignore_border=True.
    `ds`, `st` and `padding` are Theano's older names for ws, stride and pad.

    >>> h = pool_2d(x, ws=(2, 2), ignore_border=True)       # doctest: +SKIP
    """
    ws = _renamed(ws, ds, "ws", "ds")
    stride = _renamed(stride, st, "stride", "st")
    if padding is not None:
        pad = padding
    if ws is None:
        raise TypeError(f"pool_2d at {call_site()}: give the window size ws")
    if ignore_border is None:
        warnings.warn("pool_2d: ignore_border was not given; it defaults to False, as in "
                      "Theano. Pass ignore_border=True (what most models mean) or False to "
                      "silence this", stacklevel=2)
        ignore_border = False
    ws, pad = _pair(ws, "ws"), _pair(pad, "pad")
    stride = _pair(stride, "stride") if stride is not None else None
    if mode == "average":
        mode = "average_inc_pad"
    if mode not in MODES:
        raise ValueError(f"pool_2d at {call_site()}: mode must be one of {MODES}, got {mode!r}")
    if min(ws) < 1 or (stride is not None and min(stride) < 1) or min(pad) < 0:
        raise ValueError(f"pool_2d at {call_site()}: ws and stride must be >= 1 and pad >= 0, "
                         f"got ws={ws}, stride={stride}, pad={pad}")
    if pad != (0, 0) and not ignore_border:
        raise ValueError(f"pool_2d at {call_site()}: padding works only with "
                                  f"ignore_border=True (as in Theano)")
    if pad[0] >= ws[0] or pad[1] >= ws[1]:
        raise ValueError(f"pool_2d at {call_site()}: pad {pad} must be smaller than ws {ws}")
    if stride == ws:
        stride = None        # the default: prints as pool_2d(x, ws=(2, 2))
    return Pool(ws, bool(ignore_border), stride, pad, mode)(input)


def _renamed(new, old, new_name, old_name):
    if old is None:
        return new
    if new is not None:
        raise ValueError(f"pool_2d: give {new_name} or its old name {old_name}, not both")
    warnings.warn(f"pool_2d: {old_name} is Theano's deprecated name for {new_name}",
                  DeprecationWarning, stacklevel=3)
    return old
