"""2-d convolution, as Theano's `theano.tensor.nnet.conv2d`: the forward op and its two gradient
ops, each an op of its own with its own gradient, so second derivatives work.

The three ops compute the same sum from different ends (conv_kernels.py holds the arithmetic):

    out  = conv2d(x, w)                        (batch, out, rows', cols')
    gw   = conv2d_grad_weights(x, gz, kernel)  d cost / d w, given gz = d cost / d out
    gx   = conv2d_grad_inputs(w, gz, image)    d cost / d x

Each is linear in each of its two tensor inputs, so the gradient of any of them is one of the
other two (the table in `grad` of each).

>>> out = T.nnet.conv2d(x, W, border_mode='valid', subsample=(2, 2))     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe, where
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet import conv_kernels as kernels
from graphlens.tensor.shape import _shape_vector, _static_vector
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

_PARAMS = ("border_mode", "subsample", "filter_dilation", "filter_flip")


@dataclass(frozen=True)
class ConvBase(Op):
    """What the three convolution ops share: the border, stride, dilation and flip."""

    border_mode: object           # 'valid', 'full', 'half' or (rows, cols) of padding
    subsample: tuple = (1, 1)
    filter_flip: bool = True
    filter_dilation: tuple = (1, 1)
    # Pictures and trees label these ops as the call that built them: conv2d(border_mode=...).
    labelled_as_call = True

    def padding(self, kernel_shape):
        """(rows, cols) of zeros added on each side, for filters of `kernel_shape`."""
        return kernels.border_padding(self.border_mode, kernel_shape, self.filter_dilation)

    def output_hw(self, image_hw, kernel_hw):
        """Static output lengths (None where unknown) for static image and kernel lengths."""
        if None in kernel_hw and self.border_mode in ("full", "half"):
            return (None, None)
        pad = self.padding(tuple(k if k is not None else 1 for k in kernel_hw))
        return tuple(kernels.output_length(image_hw[i], kernel_hw[i], pad[i], self.subsample[i],
                                           self.filter_dilation[i]) for i in range(2))

    def checked_output_hw(self, image_hw, kernel_hw, what):
        out_hw = self.output_hw(image_hw, kernel_hw)
        if any(length is not None and length < 1 for length in out_hw):
            raise ShapeError(f"conv2d: {what} of spatial shape {tuple(image_hw)} is smaller than "
                             f"the filters {tuple(kernel_hw)} under border_mode="
                             f"{self.border_mode!r}, dilation {self.filter_dilation}: the output "
                             f"would be {out_hw}")
        return out_hw


def _four_d(var, what, op_name):
    var = as_tensor_variable(var)
    if var.ndim != 4:
        raise ShapeError(f"{op_name}: the {what} must be 4-d, got {describe(var)}")
    return var


def _check_channels(x_channels, w_channels, x, w):
    if x_channels is not None and w_channels is not None and x_channels != w_channels:
        raise ShapeError(f"conv2d: the input has {x_channels} channels but the filters expect "
                         f"{w_channels}: {describe(x)} and {describe(w)}")


@dataclass(frozen=True)
class Conv2d(ConvBase):
    """The forward convolution of images x (batch, channels, rows, cols) by filters w (out,
    channels, kh, kw). `imshp` and `kshp` are the optional static shape hints of the call."""

    imshp: tuple | None = None
    kshp: tuple | None = None
    notation = Func("conv2d", params=_PARAMS)

    def make_node(self, x, w):
        x, w = _four_d(x, "input", "conv2d"), _four_d(w, "filters", "conv2d")
        x_shape = _merge_hint(x.type.shape, self.imshp)
        w_shape = _merge_hint(w.type.shape, self.kshp)
        _check_channels(x_shape[1], w_shape[1], x, w)
        out_hw = self.checked_output_hw(x_shape[2:], w_shape[2:], describe(x))
        dtype = upcast(x.dtype, w.dtype)
        return Apply(self, [x, w], [TensorType(dtype, (x_shape[0], w_shape[0]) + out_hw)()])

    def perform(self, node, inputs):
        x, w = inputs
        _check_hint(x.shape, self.imshp, "input_shape", node.inputs[0])
        _check_hint(w.shape, self.kshp, "filter_shape", node.inputs[1])
        _check_runtime(self, x.shape, w.shape, node)
        out = kernels.correlate(x, w, self.padding(w.shape[2:]), self.subsample,
                                self.filter_dilation, self.filter_flip)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, w), (gz,) = inputs, output_grads
        props = _shared_props(self)
        # The call's shape hints make the gradients' shapes static too (shared filters have
        # none of their own).
        gx = Conv2dGradInputs(**props, imshp=self.imshp)(w, gz, _spatial(x, self.imshp))
        gw = Conv2dGradWeights(**props, kshp=self.kshp)(x, gz, _spatial(w, self.kshp))
        return [gx, gw]


@dataclass(frozen=True)
class Conv2dGradWeights(ConvBase):
    """The filters' gradient of conv2d: from the images x, the output gradient gz and the
    filters' spatial shape (kh, kw). `kshp` is the filters' static shape hint, if any."""

    kshp: tuple | None = None
    notation = Func("conv2d_grad_weights", params=_PARAMS)

    def make_node(self, x, gz, kernel_hw):
        name = "conv2d_grad_weights"
        x, gz = _four_d(x, "input", name), _four_d(gz, "output gradient", name)
        kernel_hw = as_tensor_variable(kernel_hw)
        static = tuple(_static_vector(kernel_hw))
        shape = _merge_hint((gz.type.shape[1], x.type.shape[1]) + static, self.kshp)
        return Apply(self, [x, gz, kernel_hw], [TensorType(upcast(x.dtype, gz.dtype), shape)()])

    def perform(self, node, inputs):
        x, gz, kernel_hw = inputs
        kernel = tuple(int(k) for k in kernel_hw)
        gw = kernels.weights_gradient(x, gz, kernel, self.padding(kernel), self.subsample,
                                      self.filter_dilation, self.filter_flip)
        _check_hint(gw.shape, self.kshp, "filter_shape", node.outputs[0])
        return [np.asarray(gw, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, gz, kernel_hw), (ggw,) = inputs, output_grads
        props = _shared_props(self)
        gx = Conv2dGradInputs(**props)(ggw, gz, _spatial(x))
        ggz = Conv2d(**props)(x, ggw)
        return [gx, ggz, disconnected(kernel_hw)]


@dataclass(frozen=True)
class Conv2dGradInputs(ConvBase):
    """The images' gradient of conv2d: from the filters w, the output gradient gz and the
    images' spatial shape (rows, cols). `imshp` is the images' static shape hint, if any."""

    imshp: tuple | None = None
    notation = Func("conv2d_grad_inputs", params=_PARAMS)

    def make_node(self, w, gz, image_hw):
        name = "conv2d_grad_inputs"
        w, gz = _four_d(w, "filters", name), _four_d(gz, "output gradient", name)
        image_hw = as_tensor_variable(image_hw)
        static = tuple(_static_vector(image_hw))
        shape = _merge_hint((gz.type.shape[0], w.type.shape[1]) + static, self.imshp)
        return Apply(self, [w, gz, image_hw], [TensorType(upcast(w.dtype, gz.dtype), shape)()])

    def perform(self, node, inputs):
        w, gz, image_hw = inputs
        image = tuple(int(k) for k in image_hw)
        gx = kernels.inputs_gradient(w, gz, image, self.padding(w.shape[2:]), self.subsample,
                                     self.filter_dilation, self.filter_flip)
        _check_hint(gx.shape, self.imshp, "input_shape", node.outputs[0])
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (w, gz, image_hw), (ggx,) = inputs, output_grads
        props = _shared_props(self)
        gw = Conv2dGradWeights(**props)(ggx, gz, _spatial(w))
        ggz = Conv2d(**props)(ggx, w)
        return [gw, ggz, disconnected(image_hw)]


# Theano's names for the same ops.
AbstractConv2d = Conv2d
AbstractConv2d_gradWeights = Conv2dGradWeights
AbstractConv2d_gradInputs = Conv2dGradInputs


def _shared_props(op):
    return {"border_mode": op.border_mode, "subsample": op.subsample,
            "filter_flip": op.filter_flip, "filter_dilation": op.filter_dilation}


def _spatial(var, hint=None):
    """var's (rows, cols) as an int vector: a constant when both are known statically (from
    its type, or else from the call's shape hint)."""
    static = _merge_hint(var.type.shape, hint)
    return _shape_vector([static[axis] if static[axis] is not None else var.shape[axis]
                          for axis in (2, 3)])


def _merge_hint(static, hint):
    if hint is None:
        return tuple(static)
    return tuple(s if s is not None else h for s, h in zip(static, hint))


def _check_hint(shape, hint, what, var):
    if hint is not None and any(h is not None and h != s for h, s in zip(hint, shape)):
        raise ShapeError(f"conv2d: {what}={hint} was given, but {describe(var)} has shape "
                         f"{shape} at run time")


def _check_runtime(op, x_shape, w_shape, node):
    if x_shape[1] != w_shape[1]:
        raise ShapeError(f"conv2d: the input has {x_shape[1]} channels but the filters expect "
                         f"{w_shape[1]} (input shape {x_shape}, filters {w_shape}); filters "
                         f"built at {where(node.inputs[1])}")
    op.checked_output_hw(x_shape[2:], w_shape[2:], f"the input {x_shape}")


def _pair(value, what):
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    pair = tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"conv2d at {call_site()}: {what} must be an int or a pair of ints, "
                         f"got {value!r}")
    return pair


def normalize_border_mode(border_mode):
    """'valid', 'full', 'half' (or 'same' for odd filters), or (rows, cols) of padding."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(f"conv2d at {call_site()}: border_mode must be 'valid', 'full', "
                             f"'half', an int or a pair of ints; got {border_mode!r}")
        return border_mode
    pad = _pair(border_mode, "border_mode")
    if min(pad) < 0:
        raise ValueError(f"conv2d at {call_site()}: padding must be >= 0, got {border_mode!r}")
    return pad


def _shape_hint(shape, what):
    if shape is None:
        return None
    hint = tuple(None if s is None else int(s) for s in shape)
    if len(hint) != 4:
        raise ValueError(f"conv2d at {call_site()}: {what} must have 4 entries, got {shape!r}")
    return hint


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), filter_flip=True, image_shape=None, filter_dilation=(1, 1),
           num_groups=1, unshared=False, **kwargs):
    """Convolve 4-d images (batch, channels, rows, cols) with 4-d filters (out, channels, kh,
    kw), as Theano's `T.nnet.conv2d`: border_mode 'valid', 'full', 'half' or explicit padding
    (an int or a pair); `subsample` is the stride; filters are flipped (a true convolution)
    unless filter_flip=False. input_shape and filter_shape are optional static hints.

    >>> h = T.nnet.conv2d(x, W, filter_shape=(20, 1, 5, 5))      # doctest: +SKIP
    """
    if kwargs:
        raise TypeError(f"conv2d() got unexpected keyword arguments {sorted(kwargs)}")
    if num_groups != 1 or unshared:
        # Grouped and unshared convolutions (Theano 1.0's newest options) are not built yet.
        raise ValueError(f"conv2d at {call_site()}: graphlens convolves with num_groups=1 and "
                         f"unshared=False only; got num_groups={num_groups}, "
                         f"unshared={unshared}")
    if image_shape is not None and input_shape is None:     # Theano's deprecated spelling
        input_shape = image_shape
    subsample = _pair(subsample, "subsample")
    dilation = _pair(filter_dilation, "filter_dilation")
    if min(subsample) < 1 or min(dilation) < 1:
        raise ValueError(f"conv2d at {call_site()}: subsample and filter_dilation must be >= 1, "
                         f"got {subsample} and {dilation}")
    op = Conv2d(normalize_border_mode(border_mode), subsample, bool(filter_flip), dilation,
                _shape_hint(input_shape, "input_shape"), _shape_hint(filter_shape, "filter_shape"))
    return op(input, filters)


def _options(border_mode, subsample, filter_flip, filter_dilation, what):
    subsample = _pair(subsample, what)
    dilation = _pair(filter_dilation, "filter_dilation")
    if min(subsample) < 1 or min(dilation) < 1:
        raise ValueError(f"conv2d at {call_site()}: {what} and filter_dilation must be >= 1, "
                         f"got {subsample} and {dilation}")
    return {"border_mode": normalize_border_mode(border_mode), "subsample": subsample,
            "filter_flip": bool(filter_flip), "filter_dilation": dilation}


def _given_shape(shape, what):
    """A 4-entry shape whose last two entries (rows, cols) must be given: ints or symbolic."""
    if shape is None or len(shape) != 4 or shape[2] is None or shape[3] is None:
        raise ValueError(f"conv2d at {call_site()}: {what} must have 4 entries, the last two "
                         f"(rows, cols) given, got {shape!r}")
    hint = tuple(int(s) if isinstance(s, (int, np.integer)) else None for s in shape)
    return hint, _shape_vector(list(shape[2:]))


def conv2d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None,
                           border_mode="valid", subsample=(1, 1), filter_flip=True,
                           filter_dilation=(1, 1), num_groups=1, unshared=False):
    """The gradient of conv2d with respect to its images, given the gradient of its output
    (Theano's): `input_shape` is the images' (batch, channels, rows, cols), rows and cols
    required (ints or symbolic), the rest may be None.

    >>> gx = conv2d_grad_wrt_inputs(gz, W, (None, 3, 32, 32))        # doctest: +SKIP
    """
    if num_groups != 1 or unshared:
        raise ValueError(f"conv2d at {call_site()}: graphlens convolves with num_groups=1 and "
                         f"unshared=False only")
    imshp, image_hw = _given_shape(input_shape, "input_shape")
    op = Conv2dGradInputs(**_options(border_mode, subsample, filter_flip, filter_dilation,
                                     "subsample"), imshp=imshp)
    return op(filters, output_grad, image_hw)


def conv2d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None,
                            border_mode="valid", subsample=(1, 1), filter_flip=True,
                            filter_dilation=(1, 1), num_groups=1, unshared=False):
    """The gradient of conv2d with respect to its filters, given the gradient of its output
    (Theano's): `filter_shape` is the filters' (out, channels, rows, cols), rows and cols
    required."""
    if num_groups != 1 or unshared:
        raise ValueError(f"conv2d at {call_site()}: graphlens convolves with num_groups=1 and "
                         f"unshared=False only")
    kshp, kernel_hw = _given_shape(filter_shape, "filter_shape")
    op = Conv2dGradWeights(**_options(border_mode, subsample, filter_flip, filter_dilation,
                                      "subsample"), kshp=kshp)
    return op(input, output_grad, kernel_hw)


def conv2d_transpose(input, filters, output_shape, filter_shape=None, border_mode="valid",
                     input_dilation=(1, 1), filter_flip=True, filter_dilation=(1, 1),
                     num_groups=1, unshared=False):
    """The transpose of conv2d (a "deconvolution", as in DCGAN decoders): the gradient of a
    conv2d of stride `input_dilation` with respect to images of `output_shape` (Theano's).

    >>> up = conv2d_transpose(h, W, output_shape=(None, 3, 32, 32), input_dilation=(2, 2))  # doctest: +SKIP
    """
    return conv2d_grad_wrt_inputs(input, filters, output_shape, filter_shape, border_mode,
                                  input_dilation, filter_flip, filter_dilation, num_groups,
                                  unshared)
