"""Theano's correlation ops, `theano.tensor.nnet.corr.CorrMM` and `corr3d.Corr3dMM` with their
two gradient ops: what Theano's optimizer ran for conv2d/conv3d on the CPU, and what programs
called directly. A correlation is a convolution whose filters are not flipped, so each is the
convolution op of its rank and role with filter_flip=False, built with Theano's constructor
(border_mode, subsample, filter_dilation, num_groups, unshared). The gradient ops also take
Theano's optional `shape` (the kernel's or the image's spatial lengths), worked out from the
other lengths when the stride is 1, as Theano's.

>>> out = CorrMM(border_mode='half')(images, filters)     # conv2d(..., filter_flip=False)
"""

from __future__ import annotations

from dataclasses import dataclass

from graphlens.graph.notation import Func
from graphlens.tensor.nnet.conv_ops import (Conv2d, Conv2dGradInputs, Conv2dGradWeights,
                                            Conv3d, Conv3dGradInputs, Conv3dGradWeights)
from graphlens.tensor.shape import _shape_vector
from graphlens.tensor.variable import as_tensor_variable

CORR_PARAMS = ("border_mode", "subsample", "filter_dilation", "num_groups")


class _Correlation:
    """What every correlation op adds to its convolution op: Theano's constructor (no
    filter_flip: it is always False), and gradients built from correlation ops."""

    def __init__(self, border_mode="valid", subsample=None, filter_dilation=None, num_groups=1,
                 unshared=False, *, imshp=None, kshp=None):
        ones = (1,) * len(type(self).__dataclass_fields__["subsample"].default)
        values = {"imshp": imshp, "kshp": kshp, "border_mode": border_mode,
                  "subsample": ones if subsample is None else subsample, "filter_flip": False,
                  "filter_dilation": ones if filter_dilation is None else filter_dilation,
                  "num_groups": num_groups}
        for field, value in values.items():
            object.__setattr__(self, field, value)
        self.__post_init__(unshared)

    def family(self, role):
        return CORR_FAMILIES[self.convdim][role]

    def shared_props(self):
        return {"border_mode": self.border_mode, "subsample": self.subsample,
                "filter_dilation": self.filter_dilation, "num_groups": self.num_groups}

    def _lengths_given_or_inferred(self, shape, known, top, infer):
        """`shape` as an int vector, or, when None, the lengths `infer(known, top, axis)`
        gives per spatial axis (a stride of 1 only, as Theano required)."""
        if shape is not None:
            return shape
        if any(s != 1 for s in self.subsample):
            raise ValueError(f"{type(self).__name__}: shape must be given when subsample != 1 "
                             f"(got subsample={self.subsample})")
        known, top = as_tensor_variable(known), as_tensor_variable(top)
        return _shape_vector([infer(known.shape[2 + axis], top.shape[2 + axis], axis)
                              for axis in range(self.convdim)])

    def _padding(self, axis, kernel_length=None):
        if self.border_mode == "valid":
            return 0
        if self.border_mode == "full":
            return (kernel_length - 1) * self.filter_dilation[axis]
        if self.border_mode == "half":
            return ((kernel_length - 1) * self.filter_dilation[axis] + 1) // 2
        return self.border_mode[axis]


class _CorrelationGradWeights(_Correlation):
    def make_node(self, img, topgrad, shape=None):
        if shape is None and self.border_mode == "half":
            raise ValueError(f"{type(self).__name__}: shape must be given when "
                             f"border_mode='half'")

        def kernel(image, top, axis):
            # top = image + 2 pad - (k - 1) dilation with a stride of 1; full: pad = (k-1) dil.
            dilation = self.filter_dilation[axis]
            if self.border_mode == "full":
                return (top - image) // dilation + 1
            return (image + 2 * self._padding(axis) - top) // dilation + 1
        shape = self._lengths_given_or_inferred(shape, img, topgrad, kernel)
        return super().make_node(img, topgrad, shape)


class _CorrelationGradInputs(_Correlation):
    def make_node(self, kern, topgrad, shape=None):
        kern_var = as_tensor_variable(kern)

        def image(kernel_var, top, axis):
            k = kern_var.shape[2 + axis]
            return top - 1 + (k - 1) * self.filter_dilation[axis] + 1 - 2 * self._padding(axis, k)
        shape = self._lengths_given_or_inferred(shape, kern, topgrad, image)
        return super().make_node(kern, topgrad, shape)


@dataclass(frozen=True, init=False)
class CorrMM(_Correlation, Conv2d):
    """The 2-d correlation of images (batch, channels, rows, cols) with filters (out, channels,
    kh, kw), unflipped: `CorrMM(border_mode, subsample, filter_dilation, num_groups)(img, kern)`.

    >>> CorrMM('half')(T.dtensor4('x'), T.dtensor4('w')).ndim
    4
    """

    notation = Func("corr_mm", params=CORR_PARAMS)


@dataclass(frozen=True, init=False)
class CorrMM_gradWeights(_CorrelationGradWeights, Conv2dGradWeights):  # noqa: N801 (Theano's)
    """The filters' gradient of CorrMM: `(img, topgrad, shape=None)`, shape the kernel's
    (rows, cols), needed for a stride other than 1 or border_mode 'half'."""

    notation = Func("corr_mm_grad_weights", params=CORR_PARAMS)


@dataclass(frozen=True, init=False)
class CorrMM_gradInputs(_CorrelationGradInputs, Conv2dGradInputs):  # noqa: N801 (Theano's)
    """The images' gradient of CorrMM: `(kern, topgrad, shape=None)`, shape the images'
    (rows, cols), needed for a stride other than 1."""

    notation = Func("corr_mm_grad_inputs", params=CORR_PARAMS)


@dataclass(frozen=True, init=False)
class Corr3dMM(_Correlation, Conv3d):
    """The 3-d correlation of volumes (batch, channels, depth, rows, cols) with filters (out,
    channels, kd, kh, kw), unflipped: `Corr3dMM(border_mode, subsample, filter_dilation)`."""

    notation = Func("corr3d_mm", params=CORR_PARAMS)


@dataclass(frozen=True, init=False)
class Corr3dMM_gradWeights(_CorrelationGradWeights, Conv3dGradWeights):  # noqa: N801
    """The filters' gradient of Corr3dMM: `(img, topgrad, shape=None)`."""

    notation = Func("corr3d_mm_grad_weights", params=CORR_PARAMS)


@dataclass(frozen=True, init=False)
class Corr3dMM_gradInputs(_CorrelationGradInputs, Conv3dGradInputs):  # noqa: N801
    """The images' gradient of Corr3dMM: `(kern, topgrad, shape=None)`."""

    notation = Func("corr3d_mm_grad_inputs", params=CORR_PARAMS)


CORR_FAMILIES = {
    2: {"forward": CorrMM, "weights": CorrMM_gradWeights, "inputs": CorrMM_gradInputs},
    3: {"forward": Corr3dMM, "weights": Corr3dMM_gradWeights, "inputs": Corr3dMM_gradInputs},
}
