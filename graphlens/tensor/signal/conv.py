"""`graphlens.tensor.signal.conv`, Theano's signal-processing convolution: `conv2d` of one 2-d
image or a 3-d stack of images by one 2-d filter or a 3-d stack of filters.

It is the nnet convolution op (a true convolution: the filters are flipped, as
scipy.signal.convolve2d) with broadcastable axes put around its operands and taken off its
result, so its gradient is that op's gradient and nothing is copied.

>>> from graphlens.tensor.signal import conv
>>> y = conv.conv2d(T.matrix('image'), T.tensor3('filters'))   # (filters, rows, cols)
"""

from __future__ import annotations

from graphlens.errors import ShapeError, describe
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet.abstract_conv import conv2d as _nnet_conv2d
from graphlens.tensor.variable import as_tensor_variable

# Theano's ConvOp tuning knobs, passed through **kargs there; they change nothing here.
_TUNING = {"unroll_batch", "unroll_kern", "unroll_patch", "imshp_logical", "kshp_logical",
           "kshp_logical_top_aligned", "verbose", "version", "direction_hint", "openmp"}


def _as_4d(var, what, one):
    """var as (stack, 1, rows, cols): a lone 2-d image or filter gets a stack of 1."""
    var = as_tensor_variable(var)
    if var.ndim not in (2, 3):
        raise ShapeError(f"signal.conv.conv2d at {call_site()}: the {what} must be 2-d (one "
                         f"{one}) or 3-d (a stack), got {describe(var)}")
    return var, var.dimshuffle(*(("x", "x", 0, 1) if var.ndim == 2 else (0, "x", 1, 2)))


def _hint(shape, var, what):
    """The nnet op's 4-entry shape hint from Theano's ([stack,] rows, cols) hint."""
    if shape is None:
        return None
    shape = tuple(shape)
    if len(shape) not in (2, 3):
        raise ValueError(f"signal.conv.conv2d at {call_site()}: {what} must be (rows, cols) "
                         f"or (stack, rows, cols), got {shape!r}")
    stack = 1 if var.ndim == 2 else (shape[0] if len(shape) == 3 else None)
    return (stack, 1) + shape[-2:]


def conv2d(input, filters, image_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), **kargs):
    """Convolve images with filters, as Theano's `theano.tensor.signal.conv.conv2d`: `input`
    is one image (rows, cols) or a stack (images, rows, cols), `filters` one filter or a
    stack (filters, rows, cols). The result is (images, filters, rows, cols), without the
    axis of a lone image or a lone filter: 2-d by 2-d gives 2-d, 3-d by 2-d or 2-d by 3-d
    gives 3-d. border_mode 'valid' or 'full' (see scipy.signal.convolve2d); `subsample` keeps
    every n-th output row and column; image_shape and filter_shape are optional static hints
    of 2 or 3 entries.

    >>> y = conv2d(T.tensor3('images'), T.matrix('f'), border_mode='full')   # doctest: +SKIP
    """
    unknown = sorted(set(kargs) - _TUNING)
    if unknown:
        raise TypeError(f"signal.conv.conv2d() got unexpected keyword arguments {unknown}")
    input, images = _as_4d(input, "input", "image")
    filters, kernels = _as_4d(filters, "filters", "filter")
    out = _nnet_conv2d(images, kernels, input_shape=_hint(image_shape, input, "image_shape"),
                       filter_shape=_hint(filter_shape, filters, "filter_shape"),
                       border_mode=border_mode, subsample=subsample)
    # Take off the length-1 axes of a lone image (0) and a lone filter (1).
    kept = [axis for axis, lone in ((0, input.ndim == 2), (1, filters.ndim == 2)) if not lone]
    if len(kept) == 2:
        return out
    return out.dimshuffle(*kept, 2, 3)
