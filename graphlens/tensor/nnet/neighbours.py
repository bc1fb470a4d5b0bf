"""Theano's `theano.tensor.nnet.neighbours`: image patches as the rows of a matrix, and back.

`images2neibs(x, (ph, pw), step, mode)` takes a 4-d tensor (batch, channels, rows, cols) and
returns one row per patch, ordered by batch, channel, patch row, patch column, each patch read
row by row: shape (batch * channels * patches, ph * pw). `neibs2images` puts patches back
(overlaps are summed), so it inverts `images2neibs` for patches that tile the image.

>>> patches = images2neibs(images, (8, 8))                       # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from graphlens.errors import GraphlensTypeError, ShapeError, ShapeTypeError, describe
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.arguments import int_arguments
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.shape import _shape_vector, _static_vector, shape as tensor_shape
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

MODES = ("valid", "ignore_borders", "half", "full")


def _padding(mode, patch):
    """Zeros added on each side of (rows, cols) before cutting patches."""
    if mode == "half":
        return tuple(p // 2 for p in patch)
    if mode == "full":
        return tuple(p - 1 for p in patch)
    return (0, 0)


def _counts(mode, image_hw, patch, step):
    """How many patches fit along rows and cols; only 'ignore_borders' drops a leftover
    border."""
    pad = _padding(mode, patch)
    counts = []
    for axis in range(2):
        span = image_hw[axis] + 2 * pad[axis] - patch[axis]
        if span < 0:
            raise ShapeError(f"images2neibs: patches of {patch} do not fit images of "
                             f"{tuple(image_hw)} (mode {mode!r})")
        # Theano's rule (a TypeError there): every mode but 'ignore_borders' tiles the
        # (padded) image exactly.
        if mode != "ignore_borders" and span % step[axis]:
            padded = "" if mode == "valid" else f" padded by {pad}"
            raise ShapeTypeError(f"images2neibs: with mode {mode!r}, patches of {patch} taken "
                                 f"every {step} must cover images of {tuple(image_hw)}{padded} "
                                 f"exactly; use mode='ignore_borders' to drop the rest")
        counts.append(span // step[axis] + 1)
    return tuple(counts)


@dataclass(frozen=True)
class Images2Neibs(Op):
    """Patches of `neib_shape`, every `neib_step`, of 4-d images, one per row."""

    neib_shape: tuple
    neib_step: tuple
    mode: str = "valid"
    notation = Func("images2neibs", params=("neib_shape", "neib_step", "mode"))

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim != 4:
            raise ShapeError(f"images2neibs at {call_site()}: the images must be 4-d (batch, "
                             f"channels, rows, cols), got {describe(x)}")
        n, c, h, w = x.type.shape
        rows = None
        if None not in (n, c, h, w):
            ch, cw = _counts(self.mode, (h, w), self.neib_shape, self.neib_step)
            rows = n * c * ch * cw
        size = self.neib_shape[0] * self.neib_shape[1]
        return Apply(self, [x], [TensorType(x.dtype, (rows, size))()])

    def perform(self, node, inputs):
        (x,) = inputs
        counts = _counts(self.mode, x.shape[2:], self.neib_shape, self.neib_step)
        ph, pw = _padding(self.mode, self.neib_shape)
        padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        windows = sliding_window_view(padded, self.neib_shape, axis=(2, 3))
        windows = windows[:, :, ::self.neib_step[0], ::self.neib_step[1]]
        windows = windows[:, :, :counts[0], :counts[1]]
        size = self.neib_shape[0] * self.neib_shape[1]
        return [np.ascontiguousarray(windows).reshape(-1, size)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        back = Neibs2Images(self.neib_shape, self.neib_step, self.mode)
        return [back(gz, _shape_vector([tensor_shape(x)[i] for i in range(4)]))]


@dataclass(frozen=True)
class Neibs2Images(Op):
    """Patches (rows of a matrix) summed back into 4-d images of the given shape."""

    neib_shape: tuple
    neib_step: tuple
    mode: str = "valid"
    notation = Func("neibs2images", params=("neib_shape", "neib_step", "mode"))

    def make_node(self, neibs, image_shape):
        neibs, image_shape = as_tensor_variable(neibs), as_tensor_variable(image_shape)
        size = self.neib_shape[0] * self.neib_shape[1]
        if neibs.ndim != 2 or neibs.type.shape[1] not in (None, size):
            raise ShapeError(f"neibs2images at {call_site()}: the patches must be a matrix of "
                             f"{size} columns (patches of {self.neib_shape}), got "
                             f"{describe(neibs)}")
        from_vector = _static_lengths(image_shape)
        return Apply(self, [neibs, image_shape], [TensorType(neibs.dtype, from_vector)()])

    def perform(self, node, inputs):
        neibs, image_shape = inputs
        n, c, h, w = (int(v) for v in image_shape)
        counts = _counts(self.mode, (h, w), self.neib_shape, self.neib_step)
        expected = n * c * counts[0] * counts[1]
        if neibs.shape[0] != expected:
            raise ShapeError(f"neibs2images: {neibs.shape[0]} patches given, but images of "
                             f"{(n, c, h, w)} hold {expected} patches of {self.neib_shape}")
        ph, pw = _padding(self.mode, self.neib_shape)
        out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=neibs.dtype)
        patches = neibs.reshape(n, c, counts[0], counts[1], *self.neib_shape)
        sh, sw = self.neib_step
        # One slice assignment per position inside a patch: overlapping patches add up.
        for i in range(self.neib_shape[0]):
            for j in range(self.neib_shape[1]):
                out[:, :, i:i + sh * counts[0]:sh, j:j + sw * counts[1]:sw] += patches[..., i, j]
        return [np.ascontiguousarray(out[:, :, ph:ph + h, pw:pw + w])]

    def grad(self, inputs, output_grads):
        (neibs, image_shape), (gz,) = inputs, output_grads
        return [Images2Neibs(self.neib_shape, self.neib_step, self.mode)(gz),
                disconnected(image_shape)]


def _static_lengths(vector):
    lengths = _static_vector(vector)
    return tuple(lengths) if len(lengths) == 4 else (None,) * 4


def _pair(value, what):
    if isinstance(value, Constant):
        # Theano's tests and users pass T.as_tensor_variable((2, 2)): a constant vector.
        value = np.asarray(value.data).tolist()
    elif isinstance(value, Variable):
        raise GraphlensTypeError(f"images2neibs at {call_site()}: {what} must be known when "
                                 f"the graph is built (ints or a constant), got "
                                 f"{describe(value)}")
    pair = int_arguments(value, "images2neibs", what)
    if len(pair) != 2 or min(pair) < 1:
        raise ShapeError(f"images2neibs at {call_site()}: {what} must be two lengths >= 1, got "
                         f"{value!r:.40}")
    return tuple(pair)


def images2neibs(ten4, neib_shape, neib_step=None, mode="valid"):
    """One row per patch of `neib_shape` (taken every `neib_step`, by default side by side)
    of the 4-d images `ten4`. mode: 'valid' (patches must cover the images exactly),
    'ignore_borders' (a leftover border is dropped), 'half' or 'full' (zero padding of half
    a patch, or of a patch less one, on each side)."""
    if mode not in MODES:
        raise ShapeError(f"images2neibs at {call_site()}: mode must be one of {MODES}, got "
                         f"{mode!r:.40} (Theano's 'wrap_centered' is not offered)")
    shape = _pair(neib_shape, "neib_shape")
    step = shape if neib_step is None else _pair(neib_step, "neib_step")
    return Images2Neibs(shape, step, mode)(ten4)


def neibs2images(neibs, neib_shape, original_shape, mode="valid", neib_step=None):
    """Patches (the rows of `neibs`) put back into images of `original_shape` (batch,
    channels, rows, cols); where patches overlap their values add up."""
    shape = _pair(neib_shape, "neib_shape")
    step = shape if neib_step is None else _pair(neib_step, "neib_step")
    return Neibs2Images(shape, step, mode)(neibs, _shape_vector(original_shape))
