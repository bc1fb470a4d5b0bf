"""The numpy arithmetic of 2-d convolution, shared by the forward op and its two gradient ops.

Every function works on whole batches: the windows of the (padded) input are a strided view
(`sliding_window_view`, no copy), and one `tensordot` (a BLAS matrix product over the
batch-times-positions rows, i.e. im2col) does the sums. Only the input gradient scatters its
columns back with a loop over the kernel's offsets (kh * kw iterations, each a whole-array add):
that col2im measured faster than the loop-free alternative, a full convolution of the
stride-dilated output gradient, whose windows are (kh * kw) / (stride**2) times larger
(docs/performance.md).

Shapes are NCHW: inputs (batch, channels, rows, cols), filters (out, channels, kh, kw).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def border_padding(border_mode, kernel_shape, dilation) -> tuple[int, int]:
    """The padding (rows, cols) a border mode adds on each side.

    >>> border_padding('full', (5, 5), (1, 1)), border_padding('half', (3, 5), (1, 1))
    ((4, 4), (1, 2))
    """
    if isinstance(border_mode, tuple):
        return border_mode
    kh, kw = kernel_shape
    dh, dw = dilation
    if border_mode == "valid":
        return (0, 0)
    if border_mode == "full":
        return ((kh - 1) * dh, (kw - 1) * dw)
    return (((kh - 1) * dh + 1) // 2, ((kw - 1) * dw + 1) // 2)        # half


def output_length(length, kernel, pad, stride, dilation):
    """One spatial length of the result: (length + 2 pad - dilated kernel) // stride + 1."""
    if length is None or kernel is None:
        return None
    return (length + 2 * pad - ((kernel - 1) * dilation + 1)) // stride + 1


def _padded(x, pad):
    ph, pw = pad
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def _windows(xp, kernel, out_hw, stride, dilation):
    """(batch, channels, out rows, out cols, kh, kw): a view of xp's windows, no copy."""
    (kh, kw), (oh, ow), (sh, sw), (dh, dw) = kernel, out_hw, stride, dilation
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    view = sliding_window_view(xp, span, axis=(2, 3))
    return view[:, :, :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw, ::dh, ::dw]


def _oriented(w, flip):
    # Theano's conv2d is a true convolution (filters flipped); filter_flip=False correlates.
    return w[:, :, ::-1, ::-1] if flip else w


def correlate(x, w, pad, stride, dilation, flip):
    """The forward convolution: (batch, out, rows', cols')."""
    oh = output_length(x.shape[2], w.shape[2], pad[0], stride[0], dilation[0])
    ow = output_length(x.shape[3], w.shape[3], pad[1], stride[1], dilation[1])
    out = np.empty((x.shape[0], w.shape[0], max(oh, 0), max(ow, 0)),
                   dtype=np.result_type(x, w))
    if out.size == 0 or x.shape[1] == 0:
        out[...] = 0
        return out
    cols = _windows(_padded(x, pad), w.shape[2:], (oh, ow), stride, dilation)
    product = np.tensordot(cols, _oriented(w, flip), axes=([1, 4, 5], [1, 2, 3]))
    return product.transpose(0, 3, 1, 2)


def weights_gradient(x, gz, kernel, pad, stride, dilation, flip):
    """The filters' gradient given the input x and the output gradient gz: (out, channels,
    kh, kw)."""
    out_hw = gz.shape[2:]
    dtype = np.result_type(x, gz)
    if gz.size == 0 or x.size == 0:
        return np.zeros((gz.shape[1], x.shape[1]) + tuple(kernel), dtype=dtype)
    cols = _windows(_padded(x, pad), kernel, out_hw, stride, dilation)
    gw = np.tensordot(gz, cols, axes=([0, 2, 3], [0, 2, 3]))
    return np.ascontiguousarray(_oriented(gw, flip), dtype=dtype)


def inputs_gradient(w, gz, in_hw, pad, stride, dilation, flip):
    """The input's gradient given the filters w and the output gradient gz: (batch, channels,
    rows, cols), rows and cols being the input's (several lengths give one output length when
    the stride is above 1)."""
    (ph, pw), (sh, sw), (dh, dw) = pad, stride, dilation
    batch, (oh, ow) = gz.shape[0], gz.shape[2:]
    kh, kw = w.shape[2:]
    rows, cols = in_hw
    dtype = np.result_type(w, gz)
    padded = np.zeros((batch, w.shape[1], rows + 2 * ph, cols + 2 * pw), dtype=dtype)
    if gz.size and w.size:
        # (channels, kh, kw, batch, oh, ow): each kernel offset's columns, added where that
        # offset's windows read.
        columns = np.tensordot(_oriented(w, flip), gz, axes=([0], [1]))
        for u in range(kh):
            for v in range(kw):
                rows_at = slice(u * dh, u * dh + (oh - 1) * sh + 1, sh)
                cols_at = slice(v * dw, v * dw + (ow - 1) * sw + 1, sw)
                padded[:, :, rows_at, cols_at] += columns[:, u, v].transpose(1, 0, 2, 3)
    return padded[:, :, ph:ph + rows, pw:pw + cols]
