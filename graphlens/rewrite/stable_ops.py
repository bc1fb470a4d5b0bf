"""Ops that stabilizing rewrites put in place of formulas that overflow or underflow.

`LogSumExp` is log(sum(exp(x))) shifted by the maximum; `CrossentropySoftmax` is
-log(softmax(z)[i, y[i]]) computed from z without forming the probabilities, and
`CrossentropySoftmaxGrad` its gradient, (softmax(z) - onehot(y)) * g, without dividing by them.
Both read the scores z, so a softmax computed only for the gradient drops out of the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import float_dtype
from graphlens.tensor.reduce import expand_reduced, normalize_axes, sum as tensor_sum
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.basic import arange
from graphlens.tensor.math import exp
from graphlens.tensor.nnet import softmax


def _shifted_logsumexp(x, axis):
    """log(sum(exp(x), axis, keepdims=True)), shifted by the maximum so exp never overflows.

    The maximum's own term, exp(0) = 1, is left out of the sum and added back by log1p: log(1 +
    4e-18) is 0 in floating point, log1p(4e-18) is 4e-18, so logsumexp([-40, 0]) keeps its bits.
    """
    peak = np.maximum.reduce(x, axis=axis, keepdims=True)
    finite = np.isfinite(peak).all()
    if not finite:
        # An all -inf (or inf) slice has no finite shift: shift it by 0; log/exp say -inf/inf.
        peak = np.where(np.isfinite(peak), peak, 0)
        shifted = np.exp(np.subtract(x, peak))
        with np.errstate(divide="ignore"):
            return np.log(np.add.reduce(shifted, axis=axis, keepdims=True)) + peak
    shifted = np.subtract(x, peak)
    np.exp(shifted, out=shifted)
    if shifted.size:
        flat_axis = axis if isinstance(axis, int) else None
        if flat_axis is None and len(tuple(axis)) == 1:
            flat_axis = tuple(axis)[0]
        if flat_axis is not None:
            top = np.expand_dims(np.argmax(x, axis=flat_axis), flat_axis)
            np.put_along_axis(shifted, top, 0, axis=flat_axis)
            total = np.add.reduce(shifted, axis=axis, keepdims=True)
            np.log1p(total, out=total)
            total += peak
            return total
    total = np.add.reduce(shifted, axis=axis, keepdims=True)
    np.log(total, out=total)        # each sum holds exp(0) = 1: never log(0)
    total += peak
    return total


@dataclass(frozen=True)
class LogSumExp(Op):
    """log(sum(exp(x), axis)) without overflow: `logsumexp([1000, 1000]) == 1000 + log 2`."""

    axis: tuple
    notation = Func("logsumexp", params=("axis",))

    def make_node(self, x):
        x = as_tensor_variable(x)
        axes = normalize_axes(self.axis, x.ndim, x, "logsumexp")
        if axes != self.axis:
            return LogSumExp(axes).make_node(x)
        shape = tuple(d for i, d in enumerate(x.type.shape) if i not in axes)
        return Apply(self, [x], [TensorType(float_dtype(x.dtype), shape)()])

    def perform(self, node, inputs):
        (x,) = inputs
        dtype = node.outputs[0].type.dtype
        total = _shifted_logsumexp(x.astype(dtype, copy=False), self.axis)
        return [np.asarray(np.squeeze(total, axis=self.axis), dtype=dtype)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        total = expand_reduced(self(x), self.axis, x.ndim)
        return [expand_reduced(gz, self.axis, x.ndim) * exp(x - total)]


def _check_logits_and_labels(z, y, what):
    if z.ndim != 2 or y.ndim != 1 or not is_discrete(y.dtype):
        raise ShapeError(f"{what} takes a matrix of scores and a vector of int labels, got "
                         f"{describe(z)} and {describe(y)}")


@dataclass(frozen=True)
class CrossentropySoftmax(Op):
    """Per-row -log(softmax(z)[i, y[i]]) = logsumexp(z[i]) - z[i, y[i]], for int labels y."""

    notation = Func("crossentropy_softmax")

    def make_node(self, z, y):
        z, y = as_tensor_variable(z), as_tensor_variable(y)
        _check_logits_and_labels(z, y, "crossentropy_softmax")
        return Apply(self, [z, y], [TensorType(float_dtype(z.dtype), z.type.shape[:1])()])

    def perform(self, node, inputs):
        z, y = inputs
        dtype = node.outputs[0].type.dtype
        z = z.astype(dtype, copy=False)
        total = _shifted_logsumexp(z, 1)[:, 0]
        return [np.asarray(total - z[np.arange(z.shape[0]), y], dtype=dtype)]

    def grad(self, inputs, output_grads):
        (z, y), (gz,) = inputs, output_grads
        return [CrossentropySoftmaxGrad()(gz, z, y), disconnected(y)]


@dataclass(frozen=True)
class CrossentropySoftmaxGrad(Op):
    """g[i] * (softmax(z)[i] - onehot(y[i])): the gradient of crossentropy_softmax in the
    scores z, given its gradient g and the labels y; it never divides by a probability."""

    notation = Func("crossentropy_softmax_grad")

    def make_node(self, g, z, y):
        g, z, y = (as_tensor_variable(v) for v in (g, z, y))
        _check_logits_and_labels(z, y, "crossentropy_softmax_grad")
        if g.ndim != 1:
            raise ShapeError(f"crossentropy_softmax_grad: the gradient must be a vector, got "
                             f"{describe(g)}")
        dtype = float_dtype(z.dtype)
        return Apply(self, [g, z, y], [TensorType(dtype, z.type.shape)()])

    def perform(self, node, inputs):
        g, z, y = inputs
        out = np.subtract(z, np.maximum.reduce(z, axis=1, keepdims=True),
                          dtype=node.outputs[0].type.dtype)
        np.exp(out, out=out)
        out *= (g / np.add.reduce(out, axis=1))[:, None]        # softmax(z) * g, one pass
        out[np.arange(z.shape[0]), y] -= g
        return [out]

    def grad(self, inputs, output_grads):
        (g, z, y), (gz,) = inputs, output_grads
        sm = softmax(z, axis=1)
        picked = gz[arange(z.shape[0]), y]
        weighted = gz * g.dimshuffle(0, "x")
        grad_z = (weighted - tensor_sum(weighted * sm, axis=1, keepdims=True)) * sm
        return [tensor_sum(gz * sm, axis=1) - picked, grad_z, disconnected(y)]
