"""Bilinear upsampling, as Theano's `theano.tensor.nnet.abstract_conv.bilinear_upsampling`.

It is built from ordinary ops, as Theano builds it: the image's first and last rows and columns
are repeated once (so the border interpolates against itself), then a transposed convolution
(conv2d's gradient with respect to its images) of stride `ratio` spreads every pixel over its
neighbourhood with the fixed bilinear kernel (1, 2, ..., ratio, ..., 2, 1) / ratio. Output pixel
i reads the input at coordinate (i - (ratio - 1) // 2) / ratio, linearly interpolated. Its
gradient is the convolution's, so it flows back into the image.

>>> up = bilinear_upsampling(feature_maps, ratio=2)       # (b, c, 2 rows, 2 cols)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from graphlens.config import config
from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Constant, Variable
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.join import concatenate
from graphlens.tensor.nnet.conv_ops import Conv2dGradInputs
from graphlens.tensor.shape import _shape_vector, reshape
from graphlens.tensor.variable import as_tensor_variable, constant


def _ratio(ratio):
    """The ratio as a Python int: an int or an int constant (the stride of the transposed
    convolution is a property of the op, so it must be known when the graph is built)."""
    if isinstance(ratio, Constant):
        ratio = ratio.data
    if (isinstance(ratio, Variable) or np.ndim(ratio) != 0
            or np.asarray(ratio).dtype.kind not in "iu"):
        raise ValueError(f"bilinear_upsampling at {call_site()}: ratio must be an int known "
                         f"when the graph is built, got {ratio!r}")
    if int(ratio) < 1:
        raise ValueError(f"bilinear_upsampling at {call_site()}: ratio must be >= 1, got "
                         f"{int(ratio)}")
    return int(ratio)


def _kernel_1d(ratio, normalize, dtype):
    half = np.arange(1, ratio + 1, dtype=dtype)
    kernel = np.concatenate([half, half[-2::-1]])
    return kernel / np.asarray(ratio, dtype=dtype) if normalize else kernel


def bilinear_kernel_1D(ratio, normalize=True):
    """The 1-d bilinear kernel (1, 2, ..., ratio, ..., 2, 1), divided by ratio when
    `normalize`, as a floatX constant.

    >>> bilinear_kernel_1D(3).eval()          # doctest: +SKIP
    array([0.33333333, 0.66666667, 1.        , 0.66666667, 0.33333333])
    """
    return constant(_kernel_1d(_ratio(ratio), normalize, config.floatX))


def bilinear_kernel_2D(ratio, normalize=True):
    """The 2-d bilinear kernel: the outer product of two 1-d kernels, as a floatX constant.

    >>> bilinear_kernel_2D(2).eval().shape    # doctest: +SKIP
    (3, 3)
    """
    kernel = _kernel_1d(_ratio(ratio), normalize, config.floatX)
    return constant(np.outer(kernel, kernel))


def _transposed_conv(maps, kernel, batch, lengths, pad, stride):
    """conv2d's gradient with respect to images of `lengths` (ints or symbolic), spreading
    `maps` (batch, 1, ...) with the fixed `kernel` at `stride`."""
    imshp = (batch, 1) + tuple(n if isinstance(n, int) else None for n in lengths)
    op = Conv2dGradInputs(border_mode=pad, subsample=stride, imshp=imshp)
    return op(constant(kernel), maps, _shape_vector(list(lengths)))


def bilinear_upsampling(input, ratio, batch_size=None, num_input_channels=None,
                        use_1D_kernel=True):
    """Upsample 4-d feature maps (batch, channels, rows, cols) by `ratio` on both spatial axes
    with bilinear interpolation: (batch, channels, rows * ratio, cols * ratio). batch_size and
    num_input_channels are optional static hints; use_1D_kernel chooses two 1-d passes or one
    2-d pass (the same values).

    >>> up = bilinear_upsampling(T.tensor4('x'), 2)           # doctest: +SKIP
    """
    input = as_tensor_variable(input)
    if input.ndim != 4:
        raise ShapeError(f"bilinear_upsampling: the input must be 4-d (batch, channels, rows, "
                         f"cols), got {describe(input)}")
    ratio = _ratio(ratio)
    # The kernel takes a float input's dtype, so float32 maps stay float32 (Theano casts the
    # kernel to the image's type too).
    dtype = input.dtype if input.dtype.startswith("float") else config.floatX
    up_batch = (batch_size * num_input_channels
                if isinstance(batch_size, int) and isinstance(num_input_channels, int) else None)
    static = input.type.shape
    rows, cols = [static[axis] if static[axis] is not None else input.shape[axis]
                  for axis in (2, 3)]
    maps = reshape(input, (-1, 1, rows, cols))
    # Repeat the first and last row and column, so the border interpolates against itself.
    maps = concatenate([maps[:, :, :1, :], maps, maps[:, :, -1:, :]], axis=2)
    maps = concatenate([maps[:, :, :, :1], maps, maps[:, :, :, -1:]], axis=3)
    pad = 2 * ratio - (ratio - 1) // 2 - 1
    kernel = _kernel_1d(ratio, True, dtype)
    if use_1D_kernel:
        by_rows = _transposed_conv(maps, kernel.reshape(1, 1, -1, 1), up_batch,
                                   (rows * ratio, cols + 2), (pad, 0), (ratio, 1))
        upsampled = _transposed_conv(by_rows, kernel.reshape(1, 1, 1, -1), up_batch,
                                     (rows * ratio, cols * ratio), (0, pad), (1, ratio))
    else:
        upsampled = _transposed_conv(maps, np.outer(kernel, kernel)[None, None], up_batch,
                                     (rows * ratio, cols * ratio), (pad, pad), (ratio, ratio))
    batch, channels = [static[axis] if static[axis] is not None else input.shape[axis]
                       for axis in (0, 1)]
    return reshape(upsampled, (batch, channels, rows * ratio, cols * ratio))
