"""Theano's convolution helpers of `theano.tensor.nnet.abstract_conv` (re-exported there): the
shape of the output (`get_conv_output_shape`), of the gradients (`get_conv_gradweights_shape`, `get_conv_gradinputs_shape`), the
checks (`check_conv_gradinputs_shape`, `assert_conv_shape`, `assert_shape`), and the
convolutions built from conv2d/conv3d: `separable_conv2d`, `separable_conv3d`,
`causal_conv1d`.

>>> get_conv_gradweights_shape((1, 3, 8, 8), (1, 4, 6, 6), 'valid', (1, 1))
(4, 3, 3, 3)
"""

from __future__ import annotations

import numpy as np

from graphlens.config import config
from graphlens.errors import NotScalarConstantError, ShapeError, describe
from graphlens.graph.basic import Variable
from graphlens.tensor.assertion import Assert
from graphlens.tensor.compare import and_, eq, ge, gt
from graphlens.tensor.constant_value import get_scalar_constant_value
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet import conv_kernels
from graphlens.tensor.nnet.conv_ops import Conv2d, Conv3d
from graphlens.tensor.join import concatenate
from graphlens.tensor.shape import alloc
from graphlens.tensor.variable import as_tensor_variable, constant


def get_conv_shape_1axis(image_shape, kernel_shape, border_mode, subsample, dilation=1):
    """One output length of a convolution (Theano's): ints or symbolic int scalars; None if
    any part is None. border_mode is 'valid', 'full', 'half' or this axis's padding.

    >>> get_conv_shape_1axis(8, 3, 'half', 2), get_conv_shape_1axis(8, 3, 1, 1, dilation=2)
    (4, 6)
    """
    if any(part is None for part in (image_shape, kernel_shape, border_mode, subsample,
                                     dilation)):
        return None
    mode = border_mode if isinstance(border_mode, str) else (border_mode,)
    (pad,) = conv_kernels.border_padding(mode, (kernel_shape,), (dilation,))
    if isinstance(pad, (int, np.integer)) and pad < 0:
        raise ValueError(f"get_conv_shape_1axis: border_mode must be >= 0, got {border_mode}")
    return conv_kernels.output_length(image_shape, kernel_shape, pad, subsample, dilation)


def get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample,
                          filter_dilation=None):
    """The shape of a convolution's output, (batch, filters, *lengths), from the images' and
    the filters' shapes (Theano's); border_mode is 'valid', 'full', 'half' or a tuple of
    paddings.

    >>> get_conv_output_shape((10, 3, 8, 8), (4, 3, 3, 3), 'valid', (1, 1))
    (10, 4, 6, 6)
    """
    dims = len(subsample)
    dilation = filter_dilation if filter_dilation is not None else (1,) * dims
    modes = border_mode if isinstance(border_mode, (tuple, list)) else (border_mode,) * dims
    return (image_shape[0], kernel_shape[0]) + tuple(
        get_conv_shape_1axis(image_shape[2 + i], kernel_shape[2 + i], modes[i], subsample[i],
                             dilation[i]) for i in range(dims))


def _pads(border_mode, dilated_kernel):
    """(left, right) padding of one axis: 'valid', 'full', 'half', an int or a pair."""
    if border_mode == "valid":
        return 0, 0
    if border_mode == "full":
        return dilated_kernel - 1, dilated_kernel - 1
    if border_mode == "half":
        return dilated_kernel // 2, dilated_kernel // 2
    left, right = border_mode if isinstance(border_mode, tuple) else (border_mode,) * 2
    if (isinstance(left, (int, np.integer)) and left < 0) or \
            (isinstance(right, (int, np.integer)) and right < 0):
        raise ValueError(f"border_mode must be >= 0, got {border_mode!r}")
    return left, right


def get_conv_gradweights_shape_1axis(image_shape, top_shape, border_mode, subsample, dilation):
    """One kernel length from an image length and an output length (ints or symbolic), or
    None when it cannot be known: a stride other than 1, border_mode 'half', a None part.

    >>> get_conv_gradweights_shape_1axis(8, 6, 'valid', 1, 1)
    3
    """
    if None in (image_shape, top_shape, border_mode, subsample, dilation) or subsample != 1 \
            or border_mode == "half":
        return None
    if border_mode == "full":
        extent = top_shape - image_shape               # out = image + (k - 1) dilation
    else:
        left, right = _pads(border_mode, None)
        extent = image_shape + left + right - top_shape
    return extent // dilation + 1


def get_conv_gradinputs_shape_1axis(kernel_shape, top_shape, border_mode, subsample, dilation):
    """One image length from a kernel length and an output length, or None when it cannot
    be known (a stride other than 1, a None part).

    >>> get_conv_gradinputs_shape_1axis(3, 6, 'valid', 1, 1)
    8
    """
    if None in (kernel_shape, top_shape, border_mode, subsample, dilation) or subsample != 1:
        return None
    dilated = (kernel_shape - 1) * dilation + 1
    left, right = _pads(border_mode, dilated)
    return top_shape + dilated - 1 - left - right


def _per_axis(border_mode, dims):
    return border_mode if isinstance(border_mode, tuple) else (border_mode,) * dims


def get_conv_gradweights_shape(image_shape, top_shape, border_mode, subsample,
                               filter_dilation=None, num_groups=1, unshared=False):
    """The filters' shape (out channels, in channels per group, *lengths) of a convolution
    from the images' and the output's shapes; a length is None where it cannot be known.

    >>> get_conv_gradweights_shape((1, 6, 8, 8), (1, 4, 6, 6), 'valid', (1, 1), num_groups=2)
    (4, 3, 3, 3)
    """
    dims = len(subsample)
    dilation = filter_dilation if filter_dilation is not None else (1,) * dims
    modes = _per_axis(border_mode, dims)
    lengths = tuple(get_conv_gradweights_shape_1axis(image_shape[2 + i], top_shape[2 + i],
                                                     modes[i], subsample[i], dilation[i])
                    for i in range(dims))
    channels = image_shape[1] // num_groups if image_shape[1] is not None else None
    if unshared:
        return (top_shape[1],) + tuple(top_shape[2:]) + (channels,) + lengths
    return (top_shape[1], channels) + lengths


def get_conv_gradinputs_shape(kernel_shape, top_shape, border_mode, subsample,
                              filter_dilation=None, num_groups=1):
    """The images' shape (batch, channels, *lengths) of a convolution from the filters' and
    the output's shapes; a length is None where it cannot be known.

    >>> get_conv_gradinputs_shape((4, 3, 3, 3), (1, 4, 6, 6), 'valid', (1, 1))
    (1, 3, 8, 8)
    """
    dims = len(subsample)
    dilation = filter_dilation if filter_dilation is not None else (1,) * dims
    modes = _per_axis(border_mode, dims)
    lengths = tuple(get_conv_gradinputs_shape_1axis(kernel_shape[-dims + i], top_shape[2 + i],
                                                    modes[i], subsample[i], dilation[i])
                    for i in range(dims))
    channels = kernel_shape[-dims - 1]
    return (top_shape[0], channels * num_groups if channels is not None else None) + lengths


def _constant_or_none(value):
    if value is None:
        return None
    try:
        return int(get_scalar_constant_value(value))
    except NotScalarConstantError:
        return None


def check_conv_gradinputs_shape(image_shape, kernel_shape, output_shape, border_mode,
                                subsample, filter_dilation=None):
    """False if a convolution of images of `image_shape` by filters of `kernel_shape` could
    not give `output_shape`; True when it matches or cannot be told (symbolic lengths).

    >>> check_conv_gradinputs_shape((1, 3, 8, 8), (4, 3, 3, 3), (1, 4, 6, 6), 'valid', (1, 1))
    True
    """
    image_shape, kernel_shape = tuple(image_shape), tuple(kernel_shape)
    output_shape = tuple(output_shape)
    dims = len(subsample)
    if not len(image_shape) == len(kernel_shape) == len(output_shape) == dims + 2:
        raise ValueError(f"check_conv_gradinputs_shape at {call_site()}: shapes of {dims + 2} "
                         f"entries expected, got {image_shape}, {kernel_shape}, {output_shape}")
    if filter_dilation is not None and len(filter_dilation) != dims:
        raise ValueError(f"check_conv_gradinputs_shape at {call_site()}: filter_dilation must "
                         f"have {dims} entries, got {filter_dilation}")
    computed = get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample,
                                     filter_dilation)
    for given, found in zip(output_shape, computed):
        given, found = _constant_or_none(given), _constant_or_none(found)
        if given is not None and found is not None and given != found:
            return False
    return True


def assert_conv_shape(shape):
    """`shape` (batch, channels, *lengths) with each entry checked: batch and channels >= 0,
    the lengths > 0. A constant is checked now (ValueError); a symbolic one is wrapped in an
    Assert that checks it when the function runs.

    >>> assert_conv_shape((2, 3, 5, 5))
    (2, 3, 5, 5)
    """
    checked = []
    for axis, length in enumerate(shape):
        least, word = (0, "< 0") if axis < 2 else (1, "<= 0")
        value = _constant_or_none(length)
        if value is not None:
            if value < least:
                raise ValueError(f"The convolution would produce an invalid shape (dim[{axis}]: "
                                 f"{value} {word}).")
            checked.append(length)
            continue
        test = ge(length, 0) if axis < 2 else gt(length, 0)
        checked.append(Assert(f"The convolution would produce an invalid shape "
                              f"(dim[{axis}] {word}).")(length, test))
    return tuple(checked)


def assert_shape(x, expected_shape, msg="Unexpected shape."):
    """x, checked when the function runs to have `expected_shape` (None: any length), when
    config.conv.assert_shape is on (Theano's flag; off, x is returned as it is).

    >>> assert_shape(T.dmatrix('x'), (3, None))                         # doctest: +SKIP
    """
    if expected_shape is None or not config.conv.assert_shape:
        return x
    x = as_tensor_variable(x)
    tests = [eq(x.shape[axis], expected) for axis, expected in enumerate(expected_shape)
             if expected is not None]
    if not tests:
        return x
    condition = tests[0]
    for test in tests[1:]:
        condition = and_(condition, test)
    return Assert(msg)(x, condition)


def separable_conv2d(input, depthwise_filters, pointwise_filters, num_channels,
                     input_shape=None, depthwise_filter_shape=None,
                     pointwise_filter_shape=None, border_mode="valid", subsample=(1, 1),
                     filter_flip=True, filter_dilation=(1, 1)):
    """A depthwise convolution (each of the `num_channels` channels by its own filters:
    depthwise_filters of shape (channels * multiplier, 1, kh, kw)) followed by a pointwise one
    (1x1 filters mixing the channels), as Theano's.

    >>> separable_conv2d(x, dw, pw, num_channels=3)                      # doctest: +SKIP
    """
    return _separable(Conv2d, input, depthwise_filters, pointwise_filters, num_channels,
                      input_shape, depthwise_filter_shape, pointwise_filter_shape, border_mode,
                      subsample, filter_flip, filter_dilation)


def separable_conv3d(input, depthwise_filters, pointwise_filters, num_channels,
                     input_shape=None, depthwise_filter_shape=None,
                     pointwise_filter_shape=None, border_mode="valid", subsample=(1, 1, 1),
                     filter_flip=True, filter_dilation=(1, 1, 1)):
    """separable_conv2d's 3-d form: depthwise, then pointwise (1x1x1) filters."""
    return _separable(Conv3d, input, depthwise_filters, pointwise_filters, num_channels,
                      input_shape, depthwise_filter_shape, pointwise_filter_shape, border_mode,
                      subsample, filter_flip, filter_dilation)


def _separable(op_class, input, depthwise_filters, pointwise_filters, num_channels,
               input_shape, depthwise_filter_shape, pointwise_filter_shape, border_mode,
               subsample, filter_flip, filter_dilation):
    depthwise = op_class(imshp=input_shape, kshp=depthwise_filter_shape,
                         border_mode=border_mode, subsample=subsample, filter_flip=filter_flip,
                         filter_dilation=filter_dilation, num_groups=num_channels)
    middle = depthwise(as_tensor_variable(input), as_tensor_variable(depthwise_filters))
    middle_shape = tuple(middle.type.shape) if None not in middle.type.shape else None
    pointwise = op_class(imshp=middle_shape, kshp=pointwise_filter_shape,
                         filter_flip=filter_flip)
    return pointwise(middle, as_tensor_variable(pointwise_filters))


def causal_conv1d(input, filters, filter_shape, input_shape=None, subsample=1,
                  filter_flip=True, filter_dilation=1, num_groups=1, unshared=False):
    """A 1-d convolution of input (batch, channels, length) whose output at t reads the
    input up to t only: the input is padded on the left by dilation * (k - 1) zeros, so the
    output has the input's length (divided by the stride), as Theano's.

    >>> causal_conv1d(T.dtensor3('x'), T.dtensor3('w'), filter_shape=(4, 3, 2))  # doctest: +SKIP
    """
    input, filters = as_tensor_variable(input), as_tensor_variable(filters)
    for name, var in (("input", input), ("filters", filters)):
        if var.ndim != 3:
            raise ShapeError(f"causal_conv1d at {call_site()}: the {name} must be 3-d "
                             f"(batch, channels, length), got {describe(var)}")
    if len(filter_shape) != 3:
        raise ValueError(f"causal_conv1d at {call_site()}: filter_shape must have 3 entries, "
                         f"got {filter_shape!r}")
    kernel = filter_shape[2]
    if isinstance(kernel, Variable):
        kernel = int(get_scalar_constant_value(kernel))
    left = filter_dilation * (kernel - 1)
    # The zeros on the left: the output at t sees inputs t - left .. t only.
    padding = alloc(constant(0, dtype=input.dtype), input.shape[0], input.shape[1], left)
    padded = concatenate([padding, input], axis=2) if left else input
    image_hint = None
    if input_shape is not None:
        image_hint = (input_shape[0], input_shape[1],
                      None if input_shape[2] is None else input_shape[2] + left, 1)
    op = Conv2d(imshp=image_hint, kshp=tuple(filter_shape) + (1,),
                subsample=(subsample, 1), filter_flip=filter_flip,
                filter_dilation=(filter_dilation, 1), num_groups=num_groups,
                unshared=unshared)
    out = op(padded.dimshuffle(0, 1, 2, "x"), filters.dimshuffle(0, 1, 2, "x"))
    return out[:, :, :, 0]
