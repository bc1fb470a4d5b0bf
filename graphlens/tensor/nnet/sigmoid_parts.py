"""The binary cross-entropy of scores and both sigmoids of them, from two exps: one op.

A logistic-regression step computes, from the same scores z, the loss
`sigmoid_binary_crossentropy(z, t)` (exp(-|z|) inside), the probability `sigmoid(z)` (the
prediction reads it) and, in the stable gradient `(1 - t) * sigmoid(z) - t * sigmoid(-z)`,
`sigmoid(-z)`: three exps of one array, two of them under an overflow guard (`np.errstate`,
about 2 us a call). Computed together they need two exps that never overflow:
a = exp(min(z, 0)) and b = exp(-max(z, 0)). One of them is exactly 1 at each element, so
a * b is exactly exp(-|z|); then sigmoid(z) = a / (1 + a * b) and sigmoid(-z) = b / (1 + a * b),
each one correctly rounded quotient, exact to the last bits where the scores saturate (z = 40:
sigmoid(-z) = 4.2e-18, not 1 - 1; z = -720: sigmoid(z) = 2.0e-313, not 0). The loss is the one
`sigmoid_binary_crossentropy` computes, bit for bit. rewrite/sigmoid_xent.py's
`sigmoid_parts_shared` puts this op where a graph holds the loss and a sigmoid of one z.

>>> loss, p, q = sigmoid_bce_parts(T.dvector("z"), T.dvector("t"))      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site, check_runtime_broadcast, unbroadcast
from graphlens.tensor.kernels import constant_of
from graphlens.tensor.variable import as_tensor_variable


def _parts(z, t):
    """(loss, sigmoid(z), sigmoid(-z)) of float arrays `z` and `t` of z's shape (or t
    broadcasting to it), rank >= 1: 13 passes, 5 arrays, no overflow anywhere."""
    zero, one = constant_of(0, z.dtype), constant_of(1, z.dtype)
    a = np.minimum(z, zero)
    np.exp(a, out=a)                     # exp(z) where z < 0, else exactly 1
    linear = np.maximum(z, zero)
    b = np.negative(linear)
    np.exp(b, out=b)                     # exp(-z) where z > 0, else exactly 1
    e = np.multiply(a, b)                # exp(-|z|), exactly: one factor is 1
    loss = np.multiply(t, z)
    # max(z, 0) - t * z, then log1p(exp(-|z|)) + that: sigmoid_binary_crossentropy's own
    # order (tensor/nnet/basic.py), so the loss has its bits.
    np.subtract(linear, loss, out=loss)
    np.log1p(e, out=linear)
    np.add(linear, loss, out=loss)
    np.add(e, one, out=e)
    np.divide(a, e, out=a)
    np.divide(b, e, out=b)
    return loss, a, b


@dataclass(frozen=True)
class SigmoidBCEParts(Op):
    """(sigmoid_binary_crossentropy(z, t), sigmoid(z), sigmoid(-z)) from two exps.

    The targets `t` have z's rank and broadcast to z's shape (every output has z's shape).

    >>> loss, p, q = SigmoidBCEParts()(z, t)                              # doctest: +SKIP
    """

    notation = Func("sigmoid_bce_parts")
    input_labels = ("scores", "targets")
    output_labels = ("loss", "sigmoid", "sigmoid(-z)")     # what pictures write on the edges

    def make_node(self, z, t):
        z, t = as_tensor_variable(z), as_tensor_variable(t)
        if z.dtype not in ("float32", "float64") or t.dtype != z.dtype:
            raise GraphlensTypeError(f"sigmoid_bce_parts at {call_site()} takes scores and "
                                     f"targets of one float dtype, got {describe(z)} and "
                                     f"{describe(t)}")
        if t.ndim != z.ndim or any(
                (length != 1 and scores == 1) or
                (None not in (length, scores) and length not in (1, scores))
                for length, scores in zip(t.type.shape, z.type.shape)):
            raise ShapeError(f"sigmoid_bce_parts at {call_site()}: the targets must broadcast "
                             f"to the scores' shape, got {describe(z)} and {describe(t)}")
        return Apply(self, [z, t], [z.type() for _ in range(3)])

    def infer_shape(self, node, input_shapes):
        """Every output has the scores' lengths."""
        return [tuple(input_shapes[0])] * 3

    def perform(self, node, inputs):
        z, t = inputs
        if t.shape != z.shape:
            # A broadcast the types do not declare raises graphlens's error; numpy's for
            # lengths that cannot broadcast at all.
            final = np.broadcast_shapes(z.shape, t.shape)
            check_runtime_broadcast(node, inputs, final)
            if final != z.shape:
                raise ShapeError(f"{self.label}: targets of shape {t.shape} do not fit "
                                 f"scores of shape {z.shape}")
        if z.ndim == 0:         # ufuncs of 0-d arrays return scalars, which out= cannot take
            return [r.reshape(()) for r in _parts(z.reshape(1), t.reshape(1))]
        return list(_parts(z, t))

    def L_op(self, inputs, outputs, output_grads):
        """On the outputs p = sigmoid(z), q = sigmoid(-z): d loss/dz = (1 - t) * p - t * q (the
        stable form, exact where p rounds to 1), dp/dz = p * q = -dq/dz, d loss/dt = -z."""
        (z, t), (_, p, q), (g_loss, g_p, g_q) = inputs, outputs, output_grads
        gz = g_loss * ((1 - t) * p - t * q) + (g_p - g_q) * (p * q)
        return [gz, unbroadcast(-g_loss * z, t)]

    def grad(self, inputs, output_grads):
        return self.L_op(inputs, self(*inputs), output_grads)


def sigmoid_bce_parts(scores, targets):
    """[sigmoid_binary_crossentropy(scores, targets), sigmoid(scores), sigmoid(-scores)], one op.

    >>> loss, p, q = sigmoid_bce_parts(T.dvector("z"), T.dvector("t"))   # doctest: +SKIP
    """
    return SigmoidBCEParts()(scores, targets)
