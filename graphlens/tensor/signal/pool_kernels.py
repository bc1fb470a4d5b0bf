"""The numpy arithmetic of pooling over the last n axes (2 for pool_2d, 3 for pool_3d), shared
by the pooling ops and their gradient ops. Every function works for any number of pooled axes:
the geometry's window size says how many.

Which elements a window covers follows Theano's `Pool`: windows start every `stride` from the
padded input's first row; with ignore_border=False the last windows may stick out past the end
(they cover only what is there); 'max', 'sum' and 'average_exc_pad' leave the padding out,
'average_inc_pad' counts it (but not what sticks out past the padded end).

Every function loops over the window's taps (prod(ws) iterations, 4 for 2x2 pooling), each
a whole-array operation on the strided view of that tap's elements of every window. That loop
measured 25x faster than reducing a (..., rows, cols, ws, ws) window view over its last two axes
(1 ms against 26 ms for 2x2 max pooling of a (64, 20, 24, 24) float32 array), and the
gradient's scatter 1.5-2x faster (docs/performance.md).
"""

from __future__ import annotations

import functools
import itertools

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
    """Where the windows of one pooling call lie, for an input whose pooled axes have lengths
    `lengths` (as many as the window `ws` has entries)."""

    def __init__(self, lengths, ws, stride, pad, ignore_border):
        self.lengths, self.ws, self.stride, self.pad = tuple(lengths), ws, stride, pad
        self.rank = len(ws)
        self.out = tuple(output_length(self.lengths[i], ws[i], stride[i], pad[i], ignore_border)
                         for i in range(self.rank))
        # The padded extent that holds every window whole (past the padded end when windows
        # stick out); what lies past the real padding is filler no reduction may count.
        if None not in self.lengths:
            self.extent = tuple(max((self.out[i] - 1) * stride[i] + ws[i],
                                    self.lengths[i] + 2 * pad[i]) for i in range(self.rank))

    def inside(self):
        """The slices of the padded extent that lie over the input, one per pooled axis."""
        return (Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(self.pad, self.lengths))

    def padded(self, x, fill):
        """x placed in an array of the padded extent, `fill` around it."""
        if self.extent == self.lengths:
            return x
        out = np.full(x.shape[:-self.rank] + self.extent, fill, dtype=x.dtype)
        out[self.inside()] = x
        return out

    def taps(self):
        """For each tap of the window (each offset inside it): the index of that tap's element
        in every window, as (..., one strided slice per pooled axis) of the padded extent (a
        (..., *out lengths) view)."""
        # No window (an out length of 0): an empty slice, never a negative stop that numpy
        # would count from the end.
        return [(Ellipsis,) + tuple(slice(u, u + (n - 1) * s + 1 if n else u, s)
                                    for u, n, s in zip(offset, self.out, self.stride))
                for offset in itertools.product(*(range(w) for w in self.ws))]

    def counts(self, include_padding):
        """How many elements each window averages over: an array of the out lengths."""
        lengths = []
        for i in range(self.rank):
            start = np.arange(self.out[i]) * self.stride[i]
            end = np.minimum(start + self.ws[i], self.lengths[i] + 2 * self.pad[i])
            if not include_padding:
                start = np.maximum(start, self.pad[i])
                end = np.minimum(end, self.lengths[i] + self.pad[i])
            lengths.append(np.maximum(end - start, 0))
        # A window's count is the product of its lengths along each axis.
        return functools.reduce(np.multiply, np.ix_(*lengths))

    def unpadded(self, total):
        """The part of a padded-extent array that lies over the input."""
        return total[self.inside()]

    def leading(self, x):
        """x's axes before the pooled ones."""
        return x.shape[:-self.rank]


def lowest(dtype):
    """The filler that never wins a max: -inf, or the smallest integer."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def pool(x, geometry, mode):
    """The pooled array (..., *out lengths)."""
    if 0 in geometry.out:
        return np.zeros(geometry.leading(x) + geometry.out, dtype=x.dtype)
    combine = np.maximum if mode == "max" else np.add
    padded = geometry.padded(x, lowest(x.dtype) if mode == "max" else 0)
    taps = geometry.taps()
    out = padded[taps[0]].copy()
    for tap in taps[1:]:
        combine(out, padded[tap], out=out)
    if mode in ("max", "sum"):
        return out
    return (out / geometry.counts(mode == "average_inc_pad")).astype(x.dtype, copy=False)


def max_pool_grad(x, maxout, gz, geometry):
    """The input's gradient of max pooling: gz sent to every element equal to its window's max
    (every tied element, as Theano's MaxPoolGrad)."""
    if 0 in geometry.out:
        return np.zeros_like(x, dtype=gz.dtype)
    padded = geometry.padded(x, lowest(x.dtype))
    total = np.zeros(geometry.leading(x) + geometry.extent, dtype=gz.dtype)
    for tap in geometry.taps():
        total[tap] += np.where(padded[tap] == maxout, gz, 0)
    return geometry.unpadded(total)


def max_pool_grad_grad(x, maxout, ggx, geometry):
    """The output-gradient's gradient of max_pool_grad: each window's ggx summed over the
    elements that equal its max (the transpose of max_pool_grad's scatter). Theano's
    DownsampleFactorMaxGradGrad kept one tied element's ggx instead of the sum; the sum is the
    exact derivative of a gradient that sends gz to every tie."""
    if 0 in geometry.out:
        return np.zeros(geometry.leading(x) + geometry.out, dtype=ggx.dtype)
    padded = geometry.padded(x, lowest(x.dtype))
    padded_ggx = geometry.padded(ggx, 0)
    out = np.zeros(geometry.leading(x) + geometry.out, dtype=ggx.dtype)
    for tap in geometry.taps():
        out += np.where(padded[tap] == maxout, padded_ggx[tap], 0)
    return out


def average_pool_grad(gz, geometry, mode):
    """The input's gradient of sum and average pooling: each window's gz, divided by what the
    window averaged over, spread over the window."""
    if mode != "sum":
        gz = gz / geometry.counts(mode == "average_inc_pad")
    total = np.zeros(geometry.leading(gz) + geometry.extent, dtype=gz.dtype)
    for tap in geometry.taps():
        total[tap] += gz
    return geometry.unpadded(total)
