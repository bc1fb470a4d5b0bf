"""The convolution ops behind Theano's `conv2d` and `conv3d`: a forward op and two gradient ops
per rank, each an op of its own with its own gradient, so second derivatives work.

One generic class per role does the work for any number of spatial axes (the rank is
len(subsample)); Conv2d and Conv3d only name the rank and how it prints. conv_kernels.py holds
the arithmetic:

    out  = conv(x, w)                        (batch, out, *out lengths)
    gw   = conv_grad_weights(x, gz, kernel)  d cost / d w, given gz = d cost / d out
    gx   = conv_grad_inputs(w, gz, image)    d cost / d x

Each is linear in each of its two tensor inputs, so the gradient of any of them is one of the
other two (the table in `grad` of each).
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass

import numpy as np

from graphlens.errors import NotScalarConstantError, ShapeError, describe, where
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.constant_value import get_scalar_constant_value
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet import conv_kernels as kernels
from graphlens.tensor.shape import _shape_vector, _static_vector
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

PARAMS = ("border_mode", "subsample", "filter_dilation", "filter_flip", "num_groups")


def _ints(value, dims, what, name):
    """An int, or a tuple of `dims` ints, as a tuple of `dims` ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * dims
    try:
        ints = tuple(int(v) for v in value)
    except TypeError:
        ints = ()
    if len(ints) != dims:
        raise ValueError(f"{name} at {call_site()}: {what} must be an int or a tuple of {dims} "
                         f"ints, got {value!r}")
    return ints


def _border_mode(border_mode, dims, name):
    """'valid', 'full', 'half', or a tuple of `dims` paddings."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(f"{name} at {call_site()}: border_mode must be 'valid', 'full', "
                             f"'half', an int or a tuple of {dims} ints; got {border_mode!r}")
        return border_mode
    pad = _ints(border_mode, dims, "border_mode", name)
    if min(pad) < 0:
        raise ValueError(f"{name} at {call_site()}: padding must be >= 0, got {border_mode!r}")
    return pad


def checked_options(dims, border_mode, subsample, filter_flip, filter_dilation, num_groups=1,
                    unshared=False, stride_name="subsample"):
    """The props every convolution op of rank `dims` shares, checked and as tuples.

    >>> checked_options(2, 1, 2, True, 1)["subsample"]
    (2, 2)
    """
    name = f"conv{dims}d"
    if unshared:
        # Unshared convolutions (a filter per output position, Theano 1.0's newest option)
        # are not built yet.
        raise ValueError(f"{name} at {call_site()}: graphlens convolves with unshared=False "
                         f"only; got unshared={unshared}")
    if not isinstance(num_groups, (int, np.integer)) or num_groups < 1:
        raise ValueError(f"{name} at {call_site()}: num_groups must be an int >= 1, got "
                         f"{num_groups!r}")
    subsample = _ints(subsample, dims, stride_name, name)
    dilation = _ints(filter_dilation, dims, "filter_dilation", name)
    if min(subsample) < 1 or min(dilation) < 1:
        raise ValueError(f"{name} at {call_site()}: {stride_name} and filter_dilation must be "
                         f">= 1, got {subsample} and {dilation}")
    return {"border_mode": _border_mode(border_mode, dims, name), "subsample": subsample,
            "filter_flip": bool(filter_flip), "filter_dilation": dilation,
            "num_groups": int(num_groups)}


def shape_hint(shape, dims, what):
    """A static shape hint (ints and None) of dims + 2 entries, or None.

    >>> shape_hint([None, 3, 8, 8], 2, 'input_shape')
    (None, 3, 8, 8)
    """
    if shape is None:
        return None
    if isinstance(shape, Variable):
        # A constant vector (Theano accepted T.as_tensor_variable([3, 2, 7, 5])); a symbolic
        # one is no hint, and says so as Theano did (NotScalarConstantError).
        if not isinstance(shape, Constant):
            raise NotScalarConstantError(f"conv{dims}d at {call_site()}: {what} must be known "
                                         f"when the graph is built, got {describe(shape)}")
        shape = [int(s) for s in np.asarray(shape.data).ravel()]
    hint = tuple(None if s is None else
                 int(get_scalar_constant_value(s)) if isinstance(s, Variable) else int(s)
                 for s in shape)
    if len(hint) != dims + 2:
        raise ValueError(f"conv{dims}d at {call_site()}: {what} must have {dims + 2} entries, "
                         f"got {shape!r}")
    return hint


@dataclass(frozen=True)
class ConvBase(Op):
    """What the convolution ops share: the border, stride, dilation, flip and groups; the rank
    (2 or 3 spatial axes) is the length of `subsample`. With num_groups g, the channels and the
    filters are cut into g groups, each group of filters seeing only its group of channels
    (filters of shape (out, channels / g, *kernel))."""

    # Theano's constructor, in its order: AbstractConv2d(imshp, kshp, border_mode, subsample,
    # filter_flip, filter_dilation, num_groups, unshared). imshp and kshp are optional static
    # shape hints of the images and the filters.
    imshp: tuple | None = None
    kshp: tuple | None = None
    border_mode: object = "valid"  # 'valid', 'full', 'half' or a tuple of padding per axis
    subsample: tuple = (1, 1)
    filter_flip: bool = True
    filter_dilation: tuple = (1, 1)
    num_groups: int = 1
    unshared: InitVar[bool] = False
    # Pictures and trees label these ops as the call that built them: conv2d(border_mode=...).
    labelled_as_call = True

    def __post_init__(self, unshared):
        # Ints become tuples and bad options are refused here, however the op was made (the
        # conv2d function, a gradient, or a Theano program calling the class itself).
        dims = len(type(self).__dataclass_fields__["subsample"].default)
        options = checked_options(dims, self.border_mode, self.subsample, self.filter_flip,
                                  self.filter_dilation, self.num_groups, unshared)
        options["imshp"] = shape_hint(self.imshp, dims, "imshp")
        options["kshp"] = shape_hint(self.kshp, dims, "kshp")
        for field, value in options.items():
            object.__setattr__(self, field, value)

    @property
    def convdim(self) -> int:
        """The number of spatial axes: 2 for conv2d, 3 for conv3d."""
        return len(self.subsample)

    @property
    def call_name(self) -> str:
        return f"conv{self.convdim}d"

    def family(self, role):
        """The op class of this rank playing `role` ('forward', 'weights', 'inputs')."""
        return FAMILIES[self.convdim][role]

    def shared_props(self):
        return {"border_mode": self.border_mode, "subsample": self.subsample,
                "filter_flip": self.filter_flip, "filter_dilation": self.filter_dilation,
                "num_groups": self.num_groups}

    def padding(self, kernel_shape):
        """Zeros added on each side of each spatial axis, for filters of `kernel_shape`."""
        return kernels.border_padding(self.border_mode, kernel_shape, self.filter_dilation)

    def output_lengths(self, image, kernel):
        """Output lengths (None where unknown) for image and kernel lengths, which may be ints,
        None or symbolic int scalars (infer_shape passes those)."""
        if any(k is None for k in kernel) and self.border_mode in ("full", "half"):
            return (None,) * self.convdim
        pad = self.padding(tuple(k if k is not None else 1 for k in kernel))
        return tuple(kernels.output_length(image[i], kernel[i], pad[i], self.subsample[i],
                                           self.filter_dilation[i])
                     for i in range(self.convdim))

    def checked_output_lengths(self, image, kernel, what):
        out = self.output_lengths(image, kernel)
        if any(length is not None and length < 1 for length in out):
            raise ShapeError(f"{self.call_name}: {what} of spatial shape {tuple(image)} is "
                             f"smaller than the filters {tuple(kernel)} under border_mode="
                             f"{self.border_mode!r}, dilation {self.filter_dilation}: the "
                             f"output would be {out}")
        return out

    def check_groups(self, channels, filters, filter_channels, shown):
        """Each of the num_groups groups of filters reads its own group of the input's
        channels: channels == filter_channels * groups, and the filters split evenly. Lengths
        may be None (unknown until run time)."""
        groups = self.num_groups
        if channels is not None and filter_channels is not None and (
                channels != filter_channels * groups):
            expect = filter_channels * groups
            grouped = f" ({groups} groups of {filter_channels})" if groups > 1 else ""
            raise ShapeError(f"{self.call_name}: the input has {channels} channels but the "
                             f"filters expect {expect}{grouped}: {shown}")
        if filters is not None and filters % groups:
            raise ShapeError(f"{self.call_name}: {filters} filters do not split into "
                             f"num_groups={groups} groups: {shown}")

    def checked_tensor(self, var, what):
        var = as_tensor_variable(var)
        if var.ndim != self.convdim + 2:
            raise ShapeError(f"{self.call_name}: the {what} must be {self.convdim + 2}-d, got "
                             f"{describe(var)}")
        return var

    def spatial(self, var, hint=None):
        """var's spatial lengths as an int vector: a constant when all are known statically
        (from its type, or else from the call's shape hint)."""
        static = merge_hint(var.type.shape, hint)
        return _shape_vector([static[axis] if static[axis] is not None else var.shape[axis]
                              for axis in range(2, 2 + self.convdim)])

    def check_hint(self, shape, hint, what, var):
        if hint is not None and any(h is not None and h != s for h, s in zip(hint, shape)):
            raise ShapeError(f"{self.call_name}: {what}={hint} was given, but {describe(var)} "
                             f"has shape {shape} at run time")


@dataclass(frozen=True)
class Conv(ConvBase):
    """The forward convolution of images x (batch, channels, *spatial) by filters w (out,
    channels, *kernel). `imshp` and `kshp` are the optional static shape hints of the call."""

    def make_node(self, x, w):
        x, w = self.checked_tensor(x, "input"), self.checked_tensor(w, "filters")
        x_shape = merge_hint(x.type.shape, self.imshp)
        w_shape = merge_hint(w.type.shape, self.kshp)
        self.check_groups(x_shape[1], w_shape[0], w_shape[1], f"{describe(x)} and {describe(w)}")
        out = self.checked_output_lengths(x_shape[2:], w_shape[2:], describe(x))
        dtype = upcast(x.dtype, w.dtype)
        return Apply(self, [x, w], [TensorType(dtype, (x_shape[0], w_shape[0]) + out)()])

    def infer_shape(self, node, input_shapes):
        """(batch, out channels, *output lengths) from the lengths of x and w."""
        x_lengths = merge_hint(input_shapes[0], self.imshp)
        w_lengths = merge_hint(input_shapes[1], self.kshp)
        return [(x_lengths[0], w_lengths[0])
                + self.output_lengths(x_lengths[2:], w_lengths[2:])]

    def perform(self, node, inputs):
        x, w = inputs
        self.check_hint(x.shape, self.imshp, "input_shape", node.inputs[0])
        self.check_hint(w.shape, self.kshp, "filter_shape", node.inputs[1])
        self.check_groups(x.shape[1], w.shape[0], w.shape[1],
                          f"input shape {x.shape}, filters {w.shape}; input built at "
                          f"{where(node.inputs[0])}, filters built at {where(node.inputs[1])}")
        self.checked_output_lengths(x.shape[2:], w.shape[2:], f"the input {x.shape}")
        out = kernels.correlate(x, w, self.padding(w.shape[2:]), self.subsample,
                                self.filter_dilation, self.filter_flip, self.num_groups)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, w), (gz,) = inputs, output_grads
        props = self.shared_props()
        # The call's shape hints make the gradients' shapes static too (shared filters have
        # none of their own).
        gx = self.family("inputs")(**props, imshp=self.imshp)(w, gz, self.spatial(x, self.imshp))
        gw = self.family("weights")(**props, kshp=self.kshp)(x, gz, self.spatial(w, self.kshp))
        return [gx, gw]


@dataclass(frozen=True)
class ConvGradWeights(ConvBase):
    """The filters' gradient of a convolution: from the images x, the output gradient gz and
    the filters' spatial shape. `kshp` is the filters' static shape hint, if any."""

    def make_node(self, x, gz, kernel_shape):
        x, gz = self.checked_tensor(x, "input"), self.checked_tensor(gz, "output gradient")
        kernel_shape = as_tensor_variable(kernel_shape)
        static = tuple(_static_vector(kernel_shape))
        channels = x.type.shape[1]
        channels = channels // self.num_groups if channels is not None else None
        shape = merge_hint((gz.type.shape[1], channels) + static, self.kshp)
        return Apply(self, [x, gz, kernel_shape],
                     [TensorType(upcast(x.dtype, gz.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        """(out channels, in channels, *the kernel lengths given)."""
        x_lengths, gz_lengths, _ = input_shapes
        kernel = node.inputs[2]
        lengths = (gz_lengths[1], x_lengths[1] // self.num_groups) + tuple(
            kernel[i] for i in range(self.convdim))
        return [merge_hint(lengths, self.kshp)]

    def perform(self, node, inputs):
        x, gz, kernel_shape = inputs
        kernel = tuple(int(k) for k in kernel_shape)
        gw = kernels.weights_gradient(x, gz, kernel, self.padding(kernel), self.subsample,
                                      self.filter_dilation, self.filter_flip, self.num_groups)
        self.check_hint(gw.shape, self.kshp, "filter_shape", node.outputs[0])
        return [np.asarray(gw, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, gz, kernel_shape), (ggw,) = inputs, output_grads
        props = self.shared_props()
        gx = self.family("inputs")(**props)(ggw, gz, self.spatial(x))
        ggz = self.family("forward")(**props)(x, ggw)
        return [gx, ggz, disconnected(kernel_shape)]


@dataclass(frozen=True)
class ConvGradInputs(ConvBase):
    """The images' gradient of a convolution: from the filters w, the output gradient gz and
    the images' spatial shape. `imshp` is the images' static shape hint, if any."""

    def make_node(self, w, gz, image_shape):
        w, gz = self.checked_tensor(w, "filters"), self.checked_tensor(gz, "output gradient")
        image_shape = as_tensor_variable(image_shape)
        static = tuple(_static_vector(image_shape))
        channels = w.type.shape[1]
        channels = channels * self.num_groups if channels is not None else None
        shape = merge_hint((gz.type.shape[0], channels) + static, self.imshp)
        return Apply(self, [w, gz, image_shape],
                     [TensorType(upcast(w.dtype, gz.dtype), shape)()])

    def infer_shape(self, node, input_shapes):
        """(batch, in channels, *the image lengths given)."""
        w_lengths, gz_lengths, _ = input_shapes
        image = node.inputs[2]
        lengths = (gz_lengths[0], w_lengths[1] * self.num_groups) + tuple(
            image[i] for i in range(self.convdim))
        return [merge_hint(lengths, self.imshp)]

    def perform(self, node, inputs):
        w, gz, image_shape = inputs
        image = tuple(int(k) for k in image_shape)
        gx = kernels.inputs_gradient(w, gz, image, self.padding(w.shape[2:]), self.subsample,
                                     self.filter_dilation, self.filter_flip, self.num_groups)
        self.check_hint(gx.shape, self.imshp, "input_shape", node.outputs[0])
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (w, gz, image_shape), (ggx,) = inputs, output_grads
        props = self.shared_props()
        gw = self.family("weights")(**props)(ggx, gz, self.spatial(w))
        ggz = self.family("forward")(**props)(ggx, w)
        return [gw, ggz, disconnected(image_shape)]


@dataclass(frozen=True)
class Conv2d(Conv):
    """2-d convolution: images (batch, channels, rows, cols), filters (out, channels, kh, kw)."""

    notation = Func("conv2d", params=PARAMS)


@dataclass(frozen=True)
class Conv2dGradWeights(ConvGradWeights):
    """The filters' gradient of conv2d."""

    notation = Func("conv2d_grad_weights", params=PARAMS)


@dataclass(frozen=True)
class Conv2dGradInputs(ConvGradInputs):
    """The images' gradient of conv2d."""

    notation = Func("conv2d_grad_inputs", params=PARAMS)


@dataclass(frozen=True)
class Conv3d(Conv):
    """3-d convolution: volumes (batch, channels, depth, rows, cols), filters (out, channels,
    kd, kh, kw)."""

    subsample: tuple = (1, 1, 1)
    filter_dilation: tuple = (1, 1, 1)
    notation = Func("conv3d", params=PARAMS)


@dataclass(frozen=True)
class Conv3dGradWeights(ConvGradWeights):
    """The filters' gradient of conv3d."""

    subsample: tuple = (1, 1, 1)
    filter_dilation: tuple = (1, 1, 1)
    notation = Func("conv3d_grad_weights", params=PARAMS)


@dataclass(frozen=True)
class Conv3dGradInputs(ConvGradInputs):
    """The images' gradient of conv3d."""

    subsample: tuple = (1, 1, 1)
    filter_dilation: tuple = (1, 1, 1)
    notation = Func("conv3d_grad_inputs", params=PARAMS)


# Each op's gradient is built from its siblings of the same rank.
FAMILIES = {
    2: {"forward": Conv2d, "weights": Conv2dGradWeights, "inputs": Conv2dGradInputs},
    3: {"forward": Conv3d, "weights": Conv3dGradWeights, "inputs": Conv3dGradInputs},
}


def merge_hint(static, hint):
    """`static` lengths with the None entries filled from `hint` (a call's shape hint)."""
    if hint is None:
        return tuple(static)
    return tuple(s if s is not None else h for s, h in zip(static, hint))
