"""The numpy arithmetic of 2-d pooling over the last two axes, shared by the pooling op and its
gradient ops.

Which elements a window covers follows Theano's `Pool`: windows start every `stride` from the
padded input's first row; with ignore_border=False the last windows may stick out past the end
(they cover only what is there); 'max', 'sum' and 'average_exc_pad' leave the padding out,
'average_inc_pad' counts it (but not what sticks out past the padded end).

Every function loops over the window's taps (ws[0] * ws[1] iterations, 4 for 2x2 pooling), each
a whole-array operation on the strided view of that tap's elements of every window. That loop
measured 25x faster than reducing a (..., rows, cols, ws, ws) window view over its last two axes
(1 ms against 26 ms for 2x2 max pooling of a (64, 20, 24, 24) float32 array), and the
gradient's scatter 1.5-2x faster (docs/performance.md).
"""

from __future__ import annotations

import numpy as np


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

    def taps(self):
        """For each tap (u, v) of the window: the index of that tap's element in every window,
        as a pair of strided slices of the padded extent (a (..., out rows, out cols) view)."""
        (oh, ow), (sh, sw) = self.out, self.stride
        return [(slice(u, u + (oh - 1) * sh + 1, sh), slice(v, v + (ow - 1) * sw + 1, sw))
                for u in range(self.ws[0]) for v in range(self.ws[1])]

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

    def unpadded(self, total):
        """The part of a padded-extent array that lies over the input."""
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
    combine = np.maximum if mode == "max" else np.add
    padded = geometry.padded(x, lowest(x.dtype) if mode == "max" else 0)
    taps = geometry.taps()
    out = padded[(Ellipsis,) + taps[0]].copy()
    for rows, cols in taps[1:]:
        combine(out, padded[..., rows, cols], out=out)
    if mode in ("max", "sum"):
        return out
    return (out / geometry.counts(mode == "average_inc_pad")).astype(x.dtype, copy=False)


def max_pool_grad(x, maxout, gz, geometry):
    """The input's gradient of max pooling: gz sent to every element equal to its window's max
    (every tied element, as Theano's MaxPoolGrad)."""
    if 0 in geometry.out:
        return np.zeros_like(x, dtype=gz.dtype)
    padded = geometry.padded(x, lowest(x.dtype))
    total = np.zeros(x.shape[:-2] + geometry.extent, dtype=gz.dtype)
    for rows, cols in geometry.taps():
        total[..., rows, cols] += np.where(padded[..., rows, cols] == maxout, gz, 0)
    return geometry.unpadded(total)


def max_pool_grad_grad(x, maxout, ggx, geometry):
    """The output-gradient's gradient of max_pool_grad: each window's ggx summed over the
    elements that equal its max (the transpose of max_pool_grad's scatter). Theano's
    DownsampleFactorMaxGradGrad kept one tied element's ggx instead of the sum; the sum is the
    exact derivative of a gradient that sends gz to every tie."""
    if 0 in geometry.out:
        return np.zeros(x.shape[:-2] + geometry.out, dtype=ggx.dtype)
    padded = geometry.padded(x, lowest(x.dtype))
    padded_ggx = geometry.padded(ggx, 0)
    out = np.zeros(x.shape[:-2] + geometry.out, dtype=ggx.dtype)
    for rows, cols in geometry.taps():
        out += np.where(padded[..., rows, cols] == maxout, padded_ggx[..., rows, cols], 0)
    return out


def average_pool_grad(gz, geometry, mode):
    """The input's gradient of sum and average pooling: each window's gz, divided by what the
    window averaged over, spread over the window."""
    if mode != "sum":
        gz = gz / geometry.counts(mode == "average_inc_pad")
    total = np.zeros(gz.shape[:-2] + geometry.extent, dtype=gz.dtype)
    for rows, cols in geometry.taps():
        total[..., rows, cols] += gz
    return geometry.unpadded(total)
