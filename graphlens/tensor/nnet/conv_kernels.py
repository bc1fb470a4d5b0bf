"""The numpy arithmetic of 2-d and 3-d convolution, shared by the forward ops and their
gradient ops. Every function works for any number of spatial axes: (rows, cols) for conv2d,
(depth, rows, cols) for conv3d.

Every function works on whole batches: the windows of the (padded) input are a strided view
(`sliding_window_view`, no copy), and one `tensordot` (a BLAS matrix product over the
batch-times-positions rows, i.e. im2col) does the sums. Only the input gradient scatters its
columns back with a loop over the kernel's offsets (one iteration per tap, each a whole-array
add): that col2im measured faster than the loop-free alternative, a full convolution of the
stride-dilated output gradient, whose windows are (taps) / (stride**dims) times larger
(docs/performance.md).

Shapes are channels-first: inputs (batch, channels, *spatial), filters (out, channels, *kernel).
With `groups` g > 1 (Theano's num_groups) the filters are (out, channels / g, *kernel): the
windows are cut into g groups of channels and one batched matrix product (`matmul` over the
group axis) does every group's sums at once.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def border_padding(border_mode, kernel_shape, dilation) -> tuple:
    """The padding a border mode adds on each side of each spatial axis.

    >>> border_padding('full', (5, 5), (1, 1)), border_padding('half', (3, 5, 1), (1, 1, 1))
    ((4, 4), (1, 2, 0))
    """
    if isinstance(border_mode, tuple):
        return border_mode
    spans = [(k - 1) * d for k, d in zip(kernel_shape, dilation)]
    if border_mode == "valid":
        return (0,) * len(spans)
    if border_mode == "full":
        return tuple(spans)
    return tuple((span + 1) // 2 for span in spans)                     # half


def output_length(length, kernel, pad, stride, dilation):
    """One spatial length of the result: (length + 2 pad - dilated kernel) // stride + 1.
    Works on ints and on symbolic int scalars alike (infer_shape passes either)."""
    if length is None or kernel is None:
        return None
    return (length + 2 * pad - ((kernel - 1) * dilation + 1)) // stride + 1


def _padded(x, pad):
    if not any(pad):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))


def _windows(xp, kernel, out_lengths, stride, dilation):
    """(batch, channels, *out lengths, *kernel): a view of xp's windows, no copy."""
    dims = len(kernel)
    spans = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(xp, spans, axis=tuple(range(2, 2 + dims)))
    positions = tuple(slice(None, (n - 1) * s + 1, s) for n, s in zip(out_lengths, stride))
    taps = tuple(slice(None, None, d) for d in dilation)
    return view[(slice(None), slice(None)) + positions + taps]


def _oriented(w, flip):
    # Theano's conv2d/conv3d is a true convolution (filters flipped); filter_flip=False
    # correlates.
    if not flip:
        return w
    dims = w.ndim - 2
    return w[(slice(None), slice(None)) + (slice(None, None, -1),) * dims]


def _group_rows(cols, groups):
    """(batch, channels, *out lengths, *kernel) windows as (groups, batch * positions,
    channels per group * taps): each group's im2col matrix (a copy)."""
    batch, channels, dims = cols.shape[0], cols.shape[1], (cols.ndim - 2) // 2
    split = cols.reshape((batch, groups, channels // groups) + cols.shape[2:])
    order = ((1, 0) + tuple(range(3, 3 + dims)) + (2,)
             + tuple(range(3 + dims, 3 + 2 * dims)))
    positions = int(np.prod(cols.shape[2:2 + dims], dtype=np.int64))
    return split.transpose(order).reshape(groups, batch * positions, -1)


def _group_gradients(gz, groups):
    """(batch, out, *out lengths) as (groups, out per group, batch * positions)."""
    split = gz.reshape((gz.shape[0], groups, gz.shape[1] // groups) + gz.shape[2:])
    order = (1, 2, 0) + tuple(range(3, gz.ndim + 1))
    return split.transpose(order).reshape(groups, gz.shape[1] // groups, -1)


def _group_filters(w, flip, groups):
    """(out, channels per group, *kernel) as (groups, out per group, channels per group *
    taps), oriented."""
    return _oriented(w, flip).reshape(groups, w.shape[0] // groups, -1)


def correlate(x, w, pad, stride, dilation, flip, groups=1):
    """The forward convolution: (batch, out, *out lengths)."""
    dims = x.ndim - 2
    out_lengths = tuple(output_length(x.shape[2 + i], w.shape[2 + i], pad[i], stride[i],
                                      dilation[i]) for i in range(dims))
    out = np.empty((x.shape[0], w.shape[0]) + tuple(max(n, 0) for n in out_lengths),
                   dtype=np.result_type(x, w))
    if out.size == 0 or x.shape[1] == 0:
        out[...] = 0
        return out
    cols = _windows(_padded(x, pad), w.shape[2:], out_lengths, stride, dilation)
    if groups > 1:
        # (groups, batch * positions, out per group) -> (batch, out, *out lengths)
        product = _group_rows(cols, groups) @ _group_filters(w, flip, groups).transpose(0, 2, 1)
        product = product.reshape((groups, x.shape[0]) + out.shape[2:] + (-1,))
        order = (1, 0, 2 + dims) + tuple(range(2, 2 + dims))
        return product.transpose(order).reshape(out.shape)
    window_axes = [1] + list(range(2 + dims, 2 + 2 * dims))
    product = np.tensordot(cols, _oriented(w, flip), axes=(window_axes, list(range(1, 2 + dims))))
    # (batch, *out lengths, out) -> (batch, out, *out lengths)
    return np.moveaxis(product, -1, 1)


def weights_gradient(x, gz, kernel, pad, stride, dilation, flip, groups=1):
    """The filters' gradient given the input x and the output gradient gz: (out, channels /
    groups, *kernel)."""
    dims = x.ndim - 2
    dtype = np.result_type(x, gz)
    shape = (gz.shape[1], x.shape[1] // groups) + tuple(kernel)
    if gz.size == 0 or x.size == 0:
        return np.zeros(shape, dtype=dtype)
    cols = _windows(_padded(x, pad), kernel, gz.shape[2:], stride, dilation)
    if groups > 1:
        # (groups, out per group, channels per group * taps)
        gw = (_group_gradients(gz, groups) @ _group_rows(cols, groups)).reshape(shape)
    else:
        summed = [0] + list(range(2, 2 + dims))
        gw = np.tensordot(gz, cols, axes=(summed, summed))
    return np.ascontiguousarray(_oriented(gw, flip), dtype=dtype)


def inputs_gradient(w, gz, in_lengths, pad, stride, dilation, flip, groups=1):
    """The input's gradient given the filters w and the output gradient gz: (batch, channels,
    *in lengths), the lengths being the input's (several lengths give one output length when
    the stride is above 1)."""
    batch, out_lengths = gz.shape[0], gz.shape[2:]
    dtype = np.result_type(w, gz)
    channels = w.shape[1] * groups
    padded = np.zeros((batch, channels) + tuple(n + 2 * p for n, p in zip(in_lengths, pad)),
                      dtype=dtype)
    if gz.size and w.size:
        # (channels, *kernel, batch, *out lengths): each kernel offset's columns, added where
        # that offset's windows read.
        if groups > 1:
            columns = (_group_filters(w, flip, groups).transpose(0, 2, 1)
                       @ _group_gradients(gz, groups))
            columns = columns.reshape((channels,) + w.shape[2:] + gz.shape[:1] + out_lengths)
        else:
            columns = np.tensordot(_oriented(w, flip), gz, axes=([0], [1]))
        for offset in itertools.product(*(range(k) for k in w.shape[2:])):
            at = tuple(slice(u * d, u * d + (n - 1) * s + 1, s) for u, d, n, s in
                       zip(offset, dilation, out_lengths, stride))
            padded[(slice(None), slice(None)) + at] += np.swapaxes(
                columns[(slice(None),) + offset], 0, 1)
    inside = tuple(slice(p, p + n) for p, n in zip(pad, in_lengths))
    return padded[(slice(None), slice(None)) + inside]
