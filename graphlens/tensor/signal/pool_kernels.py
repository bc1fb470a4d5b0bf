"""The numpy arithmetic of 2-d pooling over the last two axes, shared by the pooling op and its
gradient ops: whole-array windows (a strided view of the padded input), reduced at once.

Which elements a window covers follows Theano's `Pool`: windows start every `stride` from the
padded input's first row; with ignore_border=False the last windows may stick out past the end
(they cover only what is there); 'max', 'sum' and 'average_exc_pad' leave the padding out,
'average_inc_pad' counts it (but not what sticks out past the padded end).
Only the gradients scatter back with a loop over the window's offsets (ws[0] * ws[1] whole-array
adds, 4 for 2x2 pooling), as the convolution's input gradient does.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_length(length, ws, stride, pad, ignore_border):
    """One pooled length, as Theano's Pool.out_shape computes it (None if unknown)."""
    if length is None:
        return None
    if ignore_border:
        return max((length + 2 * pad - ws) // stride + 1, 0)
    if stride >= ws:
        return (length - 1) // stride + 1 if length > 0 else 0
    return max(0, (length - 1 - ws + stride) // stride) + 1 if length > 0 else 0


class Geometry:
    """Where the windows of one pooling call lie, for an input of spatial shape `hw`."""

    def __init__(self, hw, ws, stride, pad, ignore_border):
        self.hw, self.ws, self.stride, self.pad = tuple(hw), ws, stride, pad
        self.out = tuple(output_length(hw[i], ws[i], stride[i], pad[i], ignore_border)
                         for i in range(2))
        # The padded extent that holds every window whole (past the padded end when windows
        # stick out); what lies past the real padding is filler no reduction may count.
        if None not in self.hw:
            self.extent = tuple(max((self.out[i] - 1) * stride[i] + ws[i], hw[i] + 2 * pad[i])
                                for i in range(2))

    def padded(self, x, fill):
        """x placed in an array of the padded extent, `fill` around it."""
        (ph, pw), (h, w) = self.pad, self.hw
        if self.extent == (h, w):
            return x
        out = np.full(x.shape[:-2] + self.extent, fill, dtype=x.dtype)
        out[..., ph:ph + h, pw:pw + w] = x
        return out

    def windows(self, padded):
        """(..., out rows, out cols, ws rows, ws cols): a view, no copy."""
        view = sliding_window_view(padded, self.ws, axis=(-2, -1))
        (oh, ow), (sh, sw) = self.out, self.stride
        return view[..., :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw, :, :]

    def counts(self, include_padding):
        """How many elements each window averages over: (out rows, out cols)."""
        lengths = []
        for i in range(2):
            start = np.arange(self.out[i]) * self.stride[i]
            end = np.minimum(start + self.ws[i], self.hw[i] + 2 * self.pad[i])
            if not include_padding:
                start = np.maximum(start, self.pad[i])
                end = np.minimum(end, self.hw[i] + self.pad[i])
            lengths.append(np.maximum(end - start, 0))
        return np.outer(lengths[0], lengths[1])

    def scatter(self, columns, dtype):
        """The inverse of `windows` for gradients: each window's (ws rows, ws cols) values added
        back where that window reads; returns the unpadded (..., rows, cols) part."""
        lead = columns.shape[:-4]
        total = np.zeros(lead + self.extent, dtype=dtype)
        (oh, ow), (sh, sw) = self.out, self.stride
        for u in range(self.ws[0]):
            for v in range(self.ws[1]):
                total[..., u:u + (oh - 1) * sh + 1:sh, v:v + (ow - 1) * sw + 1:sw] += \
                    columns[..., u, v]
        (ph, pw), (h, w) = self.pad, self.hw
        return total[..., ph:ph + h, pw:pw + w]


def lowest(dtype):
    """The filler that never wins a max: -inf, or the smallest integer."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def pool(x, geometry, mode):
    """The pooled array (..., out rows, out cols)."""
    if 0 in geometry.out:
        return np.zeros(x.shape[:-2] + geometry.out, dtype=x.dtype)
    if mode == "max":
        return geometry.windows(geometry.padded(x, lowest(x.dtype))).max(axis=(-2, -1))
    sums = geometry.windows(geometry.padded(x, 0)).sum(axis=(-2, -1))
    if mode == "sum":
        return sums.astype(x.dtype, copy=False)
    return (sums / geometry.counts(mode == "average_inc_pad")).astype(x.dtype, copy=False)


def max_mask(x, maxout, geometry):
    """(..., out rows, out cols, ws rows, ws cols): True where a window's element equals its
    max. Every tied element is marked, as Theano's MaxPoolGrad gives each the gradient."""
    windows = geometry.windows(geometry.padded(x, lowest(x.dtype)))
    return windows == maxout[..., None, None]


def max_pool_grad(x, maxout, gz, geometry):
    """The input's gradient of max pooling: gz sent to every element equal to its window's max."""
    if 0 in geometry.out:
        return np.zeros_like(x, dtype=gz.dtype)
    mask = max_mask(x, maxout, geometry)
    return geometry.scatter(mask * gz[..., None, None], gz.dtype)


def max_pool_grad_grad(x, maxout, ggx, geometry):
    """The output-gradient's gradient of max_pool_grad: each window's ggx summed over the
    elements that equal its max (the transpose of max_pool_grad's scatter). Theano's
    DownsampleFactorMaxGradGrad kept one tied element's ggx instead of the sum; the sum is the
    exact derivative of a gradient that sends gz to every tie."""
    if 0 in geometry.out:
        return np.zeros(x.shape[:-2] + geometry.out, dtype=ggx.dtype)
    mask = max_mask(x, maxout, geometry)
    windows = geometry.windows(geometry.padded(ggx, 0))
    return np.where(mask, windows, 0).sum(axis=(-2, -1)).astype(ggx.dtype, copy=False)


def average_pool_grad(gz, geometry, mode):
    """The input's gradient of sum and average pooling: each window's gz, divided by what the
    window averaged over, spread over the window."""
    if mode != "sum":
        gz = gz / geometry.counts(mode == "average_inc_pad")
    spread = np.broadcast_to(gz[..., None, None], gz.shape + geometry.ws)
    return geometry.scatter(spread, gz.dtype)
