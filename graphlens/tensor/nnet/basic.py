"""Neural-network functions: sigmoid, softplus, relu, softmax, log_softmax and cross-entropies.

>>> p = T.nnet.softmax(T.dot(x, W) + b); cost = T.nnet.categorical_crossentropy(p, y).mean()
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op, shared_op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import (BinaryElemwise, FloatUnaryElemwise, call_site,
                                       float_dtype, unbroadcast)
from graphlens.tensor.math import log
from graphlens.tensor.compare import gt, switch
from graphlens.tensor.reduce import normalize_axes, sum
from graphlens.tensor.shape import shape_padleft
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.kernels import (constant_of, floating, same_dtypes, ufunc_kernel,
                                      ufunc_with_scalar_kernel)
from graphlens.tensor.basic import arange


def _stable_sigmoid(x):
    out = np.empty_like(x)
    _sigmoid_kernel([x], out)
    return out


def _sigmoid_kernel(arrays, out):
    """1 / (1 + exp(-x)) into `out` (which may be x's own array), in four passes. exp(-x)
    overflows to inf for x below -709, and 1 / (1 + inf) is the right 0: the formula has no
    cancellation anywhere, so only the overflow warning needs silencing, not a split by sign."""
    (x,) = arrays
    one = constant_of(1, out.dtype)         # not 1.0: an array of out's dtype, no conversion
    with np.errstate(over="ignore"):
        np.negative(x, out=out)
        np.exp(out, out=out)
    np.add(out, one, out=out)
    # 1 / out, not np.reciprocal: the same correctly rounded quotient, but numpy vectorizes
    # the division and not the reciprocal (4.0 against 5.1 us on 4,000 float64).
    np.divide(one, out, out=out)


@dataclass(frozen=True)
class Sigmoid(FloatUnaryElemwise):
    """1 / (1 + exp(-x)), computed without overflow."""

    notation = Func("sigmoid")
    kinds = "biuf"      # the split by sign has no meaning for complex numbers

    def kernel(self, node):
        """The overflow-free sigmoid written into `out` (which may be x's own array), so a
        fused node holding a sigmoid keeps its arrays planned once."""
        return _sigmoid_kernel if same_dtypes(node) and floating(node) else None

    def impl(self, x):
        if x.dtype.kind not in "fc":
            x = x.astype(float_dtype(str(x.dtype)))
        return _stable_sigmoid(x)

    def direct_perform(self, node):
        """For a float input of the output's dtype: the kernel into a new array, one call
        (the general path goes through impl's dtype check and two more frames)."""
        if type(self).perform is not Sigmoid.perform or not same_dtypes(node) \
                or not floating(node):
            return super().direct_perform(node)
        return _stable_sigmoid

    def grad(self, inputs, output_grads):
        return self.grad_given_outputs(inputs, [sigmoid(inputs[0])], output_grads)

    def grad_given_outputs(self, inputs, outputs, output_grads):
        """g * s * (1 - s), on the forward result s."""
        (s,), (gz,) = outputs, output_grads
        return [gz * s * (1 - s)]


@dataclass(frozen=True)
class Softplus(FloatUnaryElemwise):
    """log(1 + exp(x)), computed without overflow."""

    notation = Func("softplus")
    kinds = "biuf"

    def kernel(self, node):
        """log(1 + exp(x)) as np.logaddexp(0, x), into `out`."""
        return ufunc_kernel(np.logaddexp, 0) if same_dtypes(node) and floating(node) else None

    def impl(self, x):
        if x.dtype.kind not in "fc":
            x = x.astype(float_dtype(str(x.dtype)))
        return np.logaddexp(0, x).astype(x.dtype, copy=False)

    def grad(self, inputs, output_grads):
        return [output_grads[0] * sigmoid(inputs[0])]


def _sigmoid_bce(z, t):
    """The loss of arrays `z`, `t` of one shape and float dtype, as a new array."""
    # (1 - t) * z + softplus(-z) for z >= 0 and -t * z + softplus(z) for z < 0: both equal
    # the loss, and log1p(exp(-|z|)) keeps the bits where the linear part cancels. The
    # linear part is max(z, 0) - t * z on both sides; every step after the first writes
    # into an array already made (a third fewer passes than np.where's two branches).
    linear = np.maximum(z, 0.0, out=np.empty_like(z))     # an array even for a 0-d z
    loss = np.multiply(t, z, out=np.empty_like(z))
    linear -= loss
    np.abs(z, out=loss)
    np.negative(loss, out=loss)
    np.exp(loss, out=loss)
    np.log1p(loss, out=loss)
    loss += linear
    return loss


@dataclass(frozen=True)
class SigmoidBinaryCrossentropy(BinaryElemwise):
    """-(t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z))) from the scores z, never forming
    the probability: t * softplus(-z) + (1 - t) * softplus(z), finite for every finite z.

    >>> cost = T.nnet.sigmoid_binary_crossentropy(T.dot(x, w) + b, y).mean()  # doctest: +SKIP
    """

    notation = Func("sigmoid_binary_crossentropy")
    kinds = "biuf"

    def output_dtype(self, dtype):
        return float_dtype(dtype)

    def impl(self, z, t):
        dtype = np.result_type(float_dtype(str(np.result_type(z, t))))
        z, t = np.asarray(z, dtype=dtype), np.asarray(t, dtype=dtype)
        if z.shape != t.shape:
            z, t = np.broadcast_arrays(z, t)
        return _sigmoid_bce(z, t)

    def direct_perform(self, node):
        """For scores and targets of the output's float dtype: the loss of arrays of one
        shape without perform's dtype arithmetic (3 us a call, a sixth of the loss's cost on
        4,000 examples); arrays that broadcast go through perform and its check."""
        dtype = node.outputs[0].type.numpy_dtype
        if type(self).perform is not SigmoidBinaryCrossentropy.perform or any(
                var.type.numpy_dtype != dtype for var in node.inputs):
            return None
        perform = self.perform

        def direct(z, t):
            if z.shape != t.shape:
                return perform(node, [z, t])[0]
            return _sigmoid_bce(z, t)
        return direct

    def grad(self, inputs, output_grads):
        (z, t), (gz,) = inputs, output_grads
        return [unbroadcast(gz * (sigmoid(z) - t), z), unbroadcast(-gz * z, t)]


@dataclass(frozen=True)
class Relu(FloatUnaryElemwise):
    """max(x, 0). The gradient at 0 is taken as 0."""

    notation = Func("relu")
    kinds = "biuf"

    def kernel(self, node):
        """max(x, 0) into `out`."""
        return ufunc_with_scalar_kernel(np.maximum, 0) if same_dtypes(node) else None

    def output_dtype(self, dtype):
        return dtype

    def impl(self, x):
        return np.maximum(x, 0)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [switch(gt(x, 0), gz, 0)]


@dataclass(frozen=True)
class AxisNormalization(Op):
    """Base of softmax and log_softmax over `axis`: one make_node, one overflow-free shift."""

    # None is Theano 1.0's op (`softmax_op`, `Softmax()`): the last axis, and a vector is made
    # a 1 x n row first, as its make_node did (shape_padleft): tutorial code indexes the result
    # as a matrix (rnnslu.py's s[:, 0, :] of a scanned softmax). An int axis is graphlens's
    # extension and keeps a vector a vector.
    axis: int | None = None

    def make_node(self, x):
        name = self.notation.name
        x = as_tensor_variable(x)
        if self.axis is None:
            _refuse_complex(x, name)           # naming the user's variable, not the padded row
            return type(self)(-1).make_node(shape_padleft(x) if x.ndim == 1 else x)
        if x.ndim == 0:
            raise ShapeError(f"{name} needs at least one axis, got {describe(x)}")
        (axis,) = normalize_axes(self.axis, x.ndim, x, name)
        _refuse_complex(x, name)
        if axis != self.axis:
            return type(self)(axis).make_node(x)
        return Apply(self, [x], [TensorType(float_dtype(x.dtype), x.type.shape)()])

    def perform(self, node, inputs):
        # Integer and bool inputs compute in the output's float dtype (numpy has no bool minus).
        dtype = node.outputs[0].type.dtype
        x = inputs[0].astype(dtype, copy=False)
        if x.size == 0:
            return [np.empty_like(x)]      # numpy's max() has no answer for an empty axis
        # The ufuncs' own reduce, not np.max/np.sum: their Python wrappers cost more than a
        # minibatch's rows (a softmax of 20 x 10 took twice as long).
        shifted = x - np.maximum.reduce(x, axis=self.axis, keepdims=True)
        result = self.normalize(shifted)
        return [result if result.dtype == dtype else result.astype(dtype)]


@dataclass(frozen=True)
class Softmax(AxisNormalization):
    """exp(x) / sum(exp(x)) over `axis`, shifted by the max so it never overflows."""

    notation = Func("softmax")

    def normalize(self, shifted):
        """Softmax of x - max(x)."""
        e = np.exp(shifted)
        e /= np.add.reduce(e, axis=self.axis, keepdims=True)
        return e

    def grad(self, inputs, output_grads):
        return self.L_op(inputs, [type(self)(self.axis)(inputs[0])], output_grads)

    def L_op(self, inputs, outputs, output_grads):
        """(g - sum(g * s)) * s on the forward result s: backpropagation reads the softmax
        already computed, it does not build it again."""
        (sm,), (gz,) = outputs, output_grads
        return [(gz - sum(gz * sm, axis=self.axis, keepdims=True)) * sm]


@dataclass(frozen=True)
class LogSoftmax(AxisNormalization):
    """log(softmax(x)) over `axis`, exact where softmax underflows to 0."""

    notation = Func("log_softmax")

    def normalize(self, shifted):
        """log_softmax of x - max(x)."""
        return shifted - np.log(np.add.reduce(np.exp(shifted), axis=self.axis, keepdims=True))

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        sm = Softmax(self.axis)(x)
        return [gz - sm * sum(gz, axis=self.axis, keepdims=True)]


def _refuse_complex(x, name):
    if x.dtype.startswith("complex"):
        raise GraphlensTypeError(f"{name} at {call_site()} is not defined for complex inputs "
                                 f"({describe(x)})")


# The elementwise functions are shared op instances, as Theano's T.exp is an Elemwise
# instance: T.exp(x).owner.op == T.exp, and local_optimizer([T.exp]) tracks it.
# Logistic function: `T.nnet.sigmoid(x)`.
sigmoid = shared_op(Sigmoid)


# log(1 + exp(x)).
softplus = shared_op(Softplus)


def sigmoid_binary_crossentropy(scores, target):
    """binary_crossentropy(sigmoid(scores), target), computed from the scores without overflow."""
    return shared_op(SigmoidBinaryCrossentropy)(scores, target)


def relu(x, alpha=0):
    """max(x, 0): `T.nnet.relu(x)`; with a slope `alpha` for x < 0 (a leaky relu), x where
    x > 0 and alpha * x elsewhere, as Theano's `relu(x, alpha)`."""
    if isinstance(alpha, (int, float, np.integer, np.floating)) and alpha == 0:
        return shared_op(Relu)(x)
    x = as_tensor_variable(x)
    return switch(gt(x, 0), x, alpha * x)


def softmax(x, axis=None):
    """Softmax over the last axis (or `axis`); a vector gives a 1 x n row, as in Theano 1.0.

    >>> T.nnet.softmax(T.dvector()).type.shape, T.nnet.softmax(T.dvector(), axis=0).ndim
    ((1, None), 1)
    """
    return Softmax(axis)(x)


def log_softmax(x, axis=None):
    """log(softmax(x)), stable; a vector gives a 1 x n row, as in Theano 1.0."""
    return LogSoftmax(axis)(x)


def binary_crossentropy(output, target):
    """-(target * log(output) + (1 - target) * log(1 - output)), elementwise."""
    return -(target * log(output) + (1 - target) * log(1 - output))


def categorical_crossentropy(coding_dist, true_dist):
    """Per-row cross-entropy: `true_dist` is one-hot (same shape) or int class labels.

    >>> cost = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y).mean()   # doctest: +SKIP
    """
    coding_dist = as_tensor_variable(coding_dist)
    true_dist = as_tensor_variable(true_dist)
    if is_discrete(true_dist.dtype) and true_dist.ndim == coding_dist.ndim - 1:
        rows, labels = coding_dist.type.shape[0], true_dist.type.shape[0]
        if rows is not None and labels is not None and rows != labels:
            raise ShapeError(f"categorical_crossentropy: {rows} rows of probabilities but "
                             f"{labels} labels: {describe(coding_dist)} and "
                             f"{describe(true_dist)}")
        # A declared number of rows keeps its length (arange(5), not arange(p.shape[0])).
        rows = arange(rows if rows is not None else coding_dist.shape[0])
        return -log(coding_dist[rows, true_dist])
    if true_dist.ndim != coding_dist.ndim:
        raise ShapeError(f"categorical_crossentropy: {describe(true_dist)} must be one-hot like "
                         f"{describe(coding_dist)} or int labels of one rank less")
    return -sum(true_dist * log(coding_dist), axis=-1)

