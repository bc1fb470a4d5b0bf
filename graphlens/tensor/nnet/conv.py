"""`graphlens.tensor.nnet.conv`, Theano's older convolution module, as the LeNet tutorial imports
it: `from theano.tensor.nnet import conv; conv.conv2d(input, filters, image_shape, filter_shape)`.

It builds the same op as `T.nnet.conv2d` (a true convolution: the filters are flipped), with the
older argument order and names.
"""

from __future__ import annotations

from graphlens.tensor.nnet.abstract_conv import conv2d as _abstract_conv2d

# Theano's flag: whether scipy.signal (its reference convolution) could be imported. graphlens
# depends on scipy, so always.
imported_scipy_signal = True


def conv2d(input, filters, image_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), **kargs):
    """Convolve images (batch, channels, rows, cols) with filters (out, channels, kh, kw);
    border_mode 'valid' or 'full'. `image_shape` and `filter_shape` are static hints.

    >>> out = conv.conv2d(x, W, filter_shape=(20, 1, 5, 5), image_shape=(64, 1, 28, 28))
    ... # doctest: +SKIP
    """
    # Theano's ConvOp took tuning knobs (unroll_batch, unroll_kern, ...) that change nothing
    # here; they are accepted so tutorial code runs, and ignored.
    tuning = {"unroll_batch", "unroll_kern", "unroll_patch", "imshp_logical", "kshp_logical",
              "kshp_logical_top_aligned", "verbose", "version", "direction_hint", "openmp"}
    unknown = sorted(set(kargs) - tuning)
    if unknown:
        raise TypeError(f"conv.conv2d() got unexpected keyword arguments {unknown}")
    if border_mode not in ("valid", "full"):
        raise ValueError(f"conv.conv2d: border_mode must be 'valid' or 'full', got "
                         f"{border_mode!r}")
    return _abstract_conv2d(input, filters, input_shape=image_shape, filter_shape=filter_shape,
                            border_mode=border_mode, subsample=subsample)
