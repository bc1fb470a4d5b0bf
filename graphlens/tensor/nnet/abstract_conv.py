"""`graphlens.tensor.nnet.abstract_conv`, as Theano's `theano.tensor.nnet.abstract_conv`: 2-d
and 3-d convolution, their gradients as functions of their own, and bilinear upsampling.

The ops live in conv_ops.py (one generic class per role, any rank), the arithmetic in
conv_kernels.py, the shape helpers and the convolutions built from these (separable, causal)
in conv_helpers.py; this module turns Theano's call signatures into those ops.

>>> out = T.nnet.conv2d(x, W, border_mode='valid', subsample=(2, 2))     # doctest: +SKIP
>>> vol = T.nnet.conv3d(v, W3, border_mode='half')                       # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet.conv_ops import (  # noqa: F401  (Theano's names, at Theano's path)
    Conv2d, Conv2dGradInputs, Conv2dGradWeights, Conv3d, Conv3dGradInputs, Conv3dGradWeights,
    FAMILIES, checked_options, shape_hint)
from graphlens.tensor.nnet.conv_helpers import (  # noqa: F401  (at Theano's path)
    assert_conv_shape, assert_shape, causal_conv1d, check_conv_gradinputs_shape,
    get_conv_gradinputs_shape, get_conv_gradinputs_shape_1axis, get_conv_gradweights_shape,
    get_conv_gradweights_shape_1axis, get_conv_output_shape, get_conv_shape_1axis,
    separable_conv2d, separable_conv3d)
from graphlens.tensor.nnet.upsampling import (  # noqa: F401  (at Theano's path)
    bilinear_kernel_1D, bilinear_kernel_2D, bilinear_upsampling)
from graphlens.tensor.shape import _shape_vector

# Theano's names for the same ops; they take Theano's constructor arguments too:
# AbstractConv2d_gradInputs(imshp=None, kshp=None, border_mode='valid', subsample=(1, 1),
# filter_flip=True, filter_dilation=(1, 1))(filters, output_grad, image_spatial_shape).
AbstractConv2d = Conv2d
AbstractConv2d_gradWeights = Conv2dGradWeights
AbstractConv2d_gradInputs = Conv2dGradInputs
AbstractConv3d = Conv3d
AbstractConv3d_gradWeights = Conv3dGradWeights
AbstractConv3d_gradInputs = Conv3dGradInputs


def _given_shape(shape, dims, what):
    """A shape whose spatial entries must be given (ints or symbolic): its static hint and
    the spatial lengths as an int vector."""
    if shape is None or len(shape) != dims + 2 or any(s is None for s in shape[2:]):
        raise ValueError(f"conv{dims}d at {call_site()}: {what} must have {dims + 2} entries, "
                         f"the last {dims} given, got {shape!r}")
    hint = tuple(int(s) if isinstance(s, (int, np.integer)) else None for s in shape)
    return hint, _shape_vector(list(shape[2:]))


def _forward(dims, input, filters, input_shape, filter_shape, options):
    op = FAMILIES[dims]["forward"](**options, imshp=shape_hint(input_shape, dims, "input_shape"),
                                   kshp=shape_hint(filter_shape, dims, "filter_shape"))
    return op(input, filters)


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
    if image_shape is not None and input_shape is None:     # Theano's deprecated spelling
        input_shape = image_shape
    options = checked_options(2, border_mode, subsample, filter_flip, filter_dilation, num_groups,
                              unshared)
    return _forward(2, input, filters, input_shape, filter_shape, options)


def conv3d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
    """Convolve 5-d volumes (batch, channels, depth, rows, cols) with 5-d filters (out,
    channels, kd, kh, kw), as Theano's `T.nnet.conv3d`: border_mode 'valid', 'full', 'half',
    an int or a triple of paddings; `subsample` is the stride; filters are flipped unless
    filter_flip=False. input_shape and filter_shape are optional static hints.

    >>> out = T.nnet.conv3d(T.tensor5('v'), T.tensor5('W'), border_mode='half')  # doctest: +SKIP
    """
    options = checked_options(3, border_mode, subsample, filter_flip, filter_dilation, num_groups)
    return _forward(3, input, filters, input_shape, filter_shape, options)


def _grad_wrt_inputs(dims, output_grad, filters, input_shape, options):
    imshp, image = _given_shape(input_shape, dims, "input_shape")
    return FAMILIES[dims]["inputs"](**options, imshp=imshp)(filters, output_grad, image)


def _grad_wrt_weights(dims, input, output_grad, filter_shape, options):
    kshp, kernel = _given_shape(filter_shape, dims, "filter_shape")
    return FAMILIES[dims]["weights"](**options, kshp=kshp)(input, output_grad, kernel)


def conv2d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None,
                           border_mode="valid", subsample=(1, 1), filter_flip=True,
                           filter_dilation=(1, 1), num_groups=1, unshared=False):
    """The gradient of conv2d with respect to its images, given the gradient of its output
    (Theano's): `input_shape` is the images' (batch, channels, rows, cols), rows and cols
    required (ints or symbolic), the rest may be None.

    >>> gx = conv2d_grad_wrt_inputs(gz, W, (None, 3, 32, 32))        # doctest: +SKIP
    """
    options = checked_options(2, border_mode, subsample, filter_flip, filter_dilation, num_groups,
                              unshared)
    return _grad_wrt_inputs(2, output_grad, filters, input_shape, options)


def conv2d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None,
                            border_mode="valid", subsample=(1, 1), filter_flip=True,
                            filter_dilation=(1, 1), num_groups=1, unshared=False):
    """The gradient of conv2d with respect to its filters, given the gradient of its output
    (Theano's): `filter_shape` is the filters' (out, channels, rows, cols), rows and cols
    required.

    >>> gw = conv2d_grad_wrt_weights(x, gz, (20, 1, 5, 5))           # doctest: +SKIP
    """
    options = checked_options(2, border_mode, subsample, filter_flip, filter_dilation, num_groups,
                              unshared)
    return _grad_wrt_weights(2, input, output_grad, filter_shape, options)


def conv3d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None,
                           border_mode="valid", subsample=(1, 1, 1), filter_flip=True,
                           filter_dilation=(1, 1, 1), num_groups=1):
    """The gradient of conv3d with respect to its volumes, given the gradient of its output
    (Theano's): `input_shape` is (batch, channels, depth, rows, cols), the last three required.

    >>> gx = conv3d_grad_wrt_inputs(gz, W, (None, 1, 8, 8, 8))       # doctest: +SKIP
    """
    options = checked_options(3, border_mode, subsample, filter_flip, filter_dilation, num_groups)
    return _grad_wrt_inputs(3, output_grad, filters, input_shape, options)


def conv3d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None,
                            border_mode="valid", subsample=(1, 1, 1), filter_flip=True,
                            filter_dilation=(1, 1, 1), num_groups=1):
    """The gradient of conv3d with respect to its filters, given the gradient of its output
    (Theano's): `filter_shape` is (out, channels, kd, kh, kw), the last three required.

    >>> gw = conv3d_grad_wrt_weights(v, gz, (4, 1, 3, 3, 3))         # doctest: +SKIP
    """
    options = checked_options(3, border_mode, subsample, filter_flip, filter_dilation, num_groups)
    return _grad_wrt_weights(3, input, output_grad, filter_shape, options)


def conv2d_transpose(input, filters, output_shape, filter_shape=None, border_mode="valid",
                     input_dilation=(1, 1), filter_flip=True, filter_dilation=(1, 1),
                     num_groups=1, unshared=False):
    """The transpose of conv2d (a "deconvolution", as in DCGAN decoders): the gradient of a
    conv2d of stride `input_dilation` with respect to images of `output_shape` (Theano's).

    >>> up = conv2d_transpose(h, W, output_shape=(None, 3, 32, 32), input_dilation=(2, 2))  # doctest: +SKIP
    """
    options = checked_options(2, border_mode, input_dilation, filter_flip, filter_dilation,
                              num_groups, unshared, stride_name="input_dilation")
    return _grad_wrt_inputs(2, input, filters, output_shape, options)
