"""Theano's softmax and cross-entropy op classes (`theano.tensor.nnet.nnet`), for code that
builds them directly: `SoftmaxWithBias`, `SoftmaxGrad`, `CrossentropySoftmaxArgmax1HotWithBias`,
`CrossentropySoftmax1HotWithBiasDx`, `CrossentropyCategorical1Hot(Grad)` and the
`Prepend_scalar_*_to_each_row` ops, with Theano's instances (`softmax_grad`,
`crossentropy_softmax_1hot_with_bias_dx`, `prepend_0_to_each_row`, ...).

Each computes what Theano's did on matrices of rows (one example per row, int labels `y_idx`),
with its shape and gradient. The functions users usually call (`softmax`,
`crossentropy_softmax_1hot_with_bias`, `categorical_crossentropy`) build graphs of graphlens's own
ops instead, which the stabilizing rewrites know (nnet/crossentropy.py).

>>> dx = crossentropy_softmax_1hot_with_bias_dx(dnll, sm, y)   # dnll[:, None] * (sm - onehot)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.basic import arange
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.math import exp
from graphlens.tensor.reduce import sum
from graphlens.tensor.subtensor import inc_subtensor
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


def _checked(name, value, ndim, kind):
    """`value` as a tensor of rank `ndim` and of floats ('float') or ints ('int')."""
    value = as_tensor_variable(value)
    ints = is_discrete(value.dtype) and value.dtype != "bool"
    if value.ndim != ndim or (ints if kind == "float" else not ints):
        raise GraphlensTypeError(f"{name} at {call_site()}: expected a {kind} tensor of rank "
                                 f"{ndim}, got {describe(value)}")
    return value


def _label_undefined(op, y_idx):
    return undefined(y_idx, f"{type(op).__name__}: the labels y_idx are integers")


def _rows(n):
    return np.arange(n)


def _check_labels(op, y_idx, matrix, *per_row):
    """Theano's check at run time: one label per row of `matrix` (and per entry of each of
    `per_row`), each a column of it; numpy would read a negative label from the end."""
    name = type(op).__name__
    rows, classes = matrix.shape
    for values in (y_idx,) + per_row:
        if len(values) != rows:
            raise InvalidArgumentError(f"{name}: {rows} rows but {len(values)} entries "
                                       f"(shapes {matrix.shape} and {values.shape})")
    if len(y_idx) and (y_idx.min() < 0 or y_idx.max() >= classes):
        raise InvalidArgumentError(f"{name}: the labels y_idx must be in [0, {classes}) for "
                                   f"{classes} classes, got {y_idx.min()} to {y_idx.max()}")


def _softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class SoftmaxGrad(Op):
    """(dy - sum(dy * sm, axis=1)) * sm: the gradient of a row softmax `sm` given dy."""

    notation = Func("softmax_grad")

    def make_node(self, dy, sm):
        dy, sm = _checked("SoftmaxGrad", dy, 2, "float"), _checked("SoftmaxGrad", sm, 2, "float")
        return Apply(self, [dy, sm], [TensorType(sm.dtype, sm.type.shape)()])

    def perform(self, node, inputs):
        dy, sm = inputs
        out = (dy - (dy * sm).sum(axis=1, keepdims=True)) * sm
        return [np.asarray(out, dtype=node.outputs[0].dtype)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        (dy, sm), (g,) = inputs, output_grads
        through = sum(g * sm, axis=1, keepdims=True)
        # out_k = dy_k sm_k - s sm_k with s = sum(dy * sm): linear in dy (the same form), and
        # d out_k / d sm_j = [k == j] (dy_k - s) - dy_j sm_k.
        return [SoftmaxGrad()(g, sm),
                g * (dy - sum(dy * sm, axis=1, keepdims=True)) - dy * through]


@dataclass(frozen=True)
class SoftmaxWithBias(Op):
    """softmax(x + b) by rows, b one bias per column."""

    notation = Func("softmax_with_bias")

    def make_node(self, x, b):
        x, b = _checked("SoftmaxWithBias", x, 2, "float"), _checked("SoftmaxWithBias", b, 1,
                                                                     "float")
        dtype = np.result_type(x.dtype, b.dtype).name
        return Apply(self, [x, b], [TensorType(dtype, x.type.shape)()])

    def perform(self, node, inputs):
        x, b = inputs
        return [np.asarray(_softmax_rows(x + b), dtype=node.outputs[0].dtype)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return self.L_op(inputs, [self(*inputs)], output_grads)

    def L_op(self, inputs, outputs, output_grads):
        """Through the softmax already computed: dx = softmax_grad(g, sm), db its column sums."""
        dx = SoftmaxGrad()(output_grads[0], outputs[0])
        return [dx, sum(dx, axis=0)]


@dataclass(frozen=True)
class CrossentropySoftmax1HotWithBiasDx(Op):
    """dy[:, None] * (sm - onehot(y_idx)): the gradient of the one-hot cross-entropy of a row
    softmax `sm` with respect to its scores, given the loss's gradient dy."""

    notation = Func("crossentropy_softmax_1hot_with_bias_dx")

    def make_node(self, dy, sm, y_idx):
        name = "crossentropy_softmax_1hot_with_bias_dx"
        dy, sm = _checked(name, dy, 1, "float"), _checked(name, sm, 2, "float")
        y_idx = _checked(name, y_idx, 1, "int")
        dtype = np.result_type(dy.dtype, sm.dtype).name
        return Apply(self, [dy, sm, y_idx], [TensorType(dtype, sm.type.shape)()])

    def perform(self, node, inputs):
        dy, sm, y_idx = inputs
        _check_labels(self, y_idx, sm, dy)
        out = np.array(sm, dtype=node.outputs[0].dtype)
        out[_rows(len(y_idx)), y_idx] -= 1
        out *= dy[:, None]
        return [out]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        (dy, sm, y_idx), (g,) = inputs, output_grads
        rows = arange(sm.shape[0])
        minus_onehot = inc_subtensor(sm[rows, y_idx], -1)
        return [sum(g * minus_onehot, axis=1), g * dy.dimshuffle(0, "x"),
                _label_undefined(self, y_idx)]


@dataclass(frozen=True)
class CrossentropyCategorical1Hot(Op):
    """-log(coding_dist[i, true_one_of_n[i]]) for each row i."""

    notation = Func("crossentropy_categorical_1hot")

    def make_node(self, coding_dist, true_one_of_n):
        name = "CrossentropyCategorical1Hot"
        coding = _checked(name, coding_dist, 2, "float")
        labels = _checked(name, true_one_of_n, 1, "int")
        return Apply(self, [coding, labels], [TensorType(coding.dtype, coding.type.shape[:1])()])

    def perform(self, node, inputs):
        coding, labels = inputs
        _check_labels(self, labels, coding)
        picked = coding[_rows(len(labels)), labels]
        return [np.asarray(-np.log(picked), dtype=node.outputs[0].dtype)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0][:1]]

    def grad(self, inputs, output_grads):
        (coding, labels), (g,) = inputs, output_grads
        return [CrossentropyCategorical1HotGrad()(g, coding, labels),
                _label_undefined(self, labels)]


@dataclass(frozen=True)
class CrossentropyCategorical1HotGrad(Op):
    """Zeros like coding_dist but -g_y[i] / coding_dist[i, y_i] at each row's label."""

    notation = Func("crossentropy_categorical_1hot_grad")

    def make_node(self, g_y, coding_dist, true_one_of_n):
        name = "CrossentropyCategorical1HotGrad"
        g_y = _checked(name, g_y, 1, "float")
        coding = _checked(name, coding_dist, 2, "float")
        labels = _checked(name, true_one_of_n, 1, "int")
        return Apply(self, [g_y, coding, labels], [TensorType(coding.dtype, coding.type.shape)()])

    def perform(self, node, inputs):
        g_y, coding, labels = inputs
        _check_labels(self, labels, coding, g_y)
        out = np.zeros_like(coding, dtype=node.outputs[0].dtype)
        rows = _rows(len(labels))
        out[rows, labels] = -g_y / coding[rows, labels]
        return [out]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        (g_y, coding, labels), (g,) = inputs, output_grads
        rows = arange(coding.shape[0])
        picked, g_picked = coding[rows, labels], g[rows, labels]
        g_coding = inc_subtensor(zeros_like(coding)[rows, labels], g_picked * g_y / picked ** 2)
        return [-g_picked / picked, g_coding, _label_undefined(self, labels)]


@dataclass(frozen=True)
class CrossentropySoftmaxArgmax1HotWithBias(Op):
    """(nll, softmax(x + b), argmax(x + b, axis=1)), nll[i] = -log softmax(x + b)[i, y_idx[i]]."""

    notation = Func("crossentropy_softmax_argmax_1hot_with_bias")

    def make_node(self, x, b, y_idx):
        name = "CrossentropySoftmaxArgmax1HotWithBias"
        x, b = _checked(name, x, 2, "float"), _checked(name, b, 1, "float")
        y_idx = _checked(name, y_idx, 1, "int")
        dtype = np.result_type(x.dtype, b.dtype).name
        return Apply(self, [x, b, y_idx], [TensorType(dtype, x.type.shape[:1])(),
                                           TensorType(dtype, x.type.shape)(),
                                           TensorType(y_idx.dtype, x.type.shape[:1])()])

    def perform(self, node, inputs):
        x, b, y_idx = inputs
        _check_labels(self, y_idx, x)
        scores = x + b
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_sm = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = _rows(len(y_idx))
        nll, sm, am = (out.type for out in node.outputs)
        return [np.asarray(-log_sm[rows, y_idx], dtype=nll.dtype),
                np.asarray(np.exp(log_sm), dtype=sm.dtype),
                np.asarray(scores.argmax(axis=1), dtype=am.dtype)]

    def infer_shape(self, node, input_shapes):
        rows = input_shapes[0][:1]
        return [rows, input_shapes[0], rows]

    def grad(self, inputs, output_grads):
        return self.L_op(inputs, self(*inputs), output_grads)

    def L_op(self, inputs, outputs, output_grads):
        """Through the softmax computed: the nll's part by ..._dx, the softmax's by
        softmax_grad; the argmax carries none."""
        (x, b, y_idx), (_, sm, _), (g_nll, g_sm, _) = inputs, outputs, output_grads
        dx = CrossentropySoftmax1HotWithBiasDx()(g_nll, sm, y_idx) + SoftmaxGrad()(g_sm, sm)
        return [dx, sum(dx, axis=0), _label_undefined(self, y_idx)]


@dataclass(frozen=True)
class Prepend_scalar_constant_to_each_row(Op):  # noqa: N801  (Theano's name)
    """A column of `val` before the matrix's columns."""

    val: float = 0.0
    notation = Func("prepend_scalar_constant_to_each_row", params=("val",))

    def make_node(self, mat):
        mat = _checked("Prepend_scalar_constant_to_each_row", mat, 2, "float")
        cols = mat.type.shape[1]
        return Apply(self, [mat], [TensorType(mat.dtype, (mat.type.shape[0],
                                                         None if cols is None else cols + 1))()])

    def perform(self, node, inputs):
        (mat,) = inputs
        column = np.full((mat.shape[0], 1), self.val, dtype=mat.dtype)
        return [np.concatenate([column, mat], axis=1)]

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[0]
        return [(rows, cols + 1)]

    def grad(self, inputs, output_grads):
        return [output_grads[0][:, 1:]]


@dataclass(frozen=True)
class Prepend_scalar_to_each_row(Op):  # noqa: N801  (Theano's name)
    """A column of the scalar `val` before the matrix's columns: (val, mat)."""

    notation = Func("prepend_scalar_to_each_row")

    def make_node(self, val, mat):
        name = "Prepend_scalar_to_each_row"
        val, mat = _checked(name, val, 0, "float"), _checked(name, mat, 2, "float")
        cols = mat.type.shape[1]
        dtype = np.result_type(val.dtype, mat.dtype).name
        return Apply(self, [val, mat], [TensorType(dtype, (mat.type.shape[0],
                                                          None if cols is None else cols + 1))()])

    def perform(self, node, inputs):
        val, mat = inputs
        dtype = node.outputs[0].dtype
        column = np.full((mat.shape[0], 1), val, dtype=dtype)
        return [np.concatenate([column, mat.astype(dtype, copy=False)], axis=1)]

    def infer_shape(self, node, input_shapes):
        rows, cols = input_shapes[1]
        return [(rows, cols + 1)]

    def grad(self, inputs, output_grads):
        (g,) = output_grads
        return [sum(g[:, 0]), g[:, 1:]]


def softmax_graph(c):
    """exp(c) / exp(c).sum(axis=-1, keepdims=True), built as that graph (Theano's)."""
    e = exp(as_tensor_variable(c))
    return e / sum(e, axis=-1, keepdims=True)


# Theano's instances.
softmax_grad = SoftmaxGrad()
crossentropy_softmax_1hot_with_bias_dx = CrossentropySoftmax1HotWithBiasDx()
crossentropy_categorical_1hot_grad = CrossentropyCategorical1HotGrad()
prepend_scalar_to_each_row = Prepend_scalar_to_each_row()
prepend_0_to_each_row = Prepend_scalar_constant_to_each_row(0.0)
prepend_1_to_each_row = Prepend_scalar_constant_to_each_row(1.0)

# What `theano.tensor.nnet` and `theano.tensor.nnet.nnet` export of this module (both import
# it with `*`: the list lives here once).
__all__ = ["CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad",
           "CrossentropySoftmax1HotWithBiasDx", "CrossentropySoftmaxArgmax1HotWithBias",
           "Prepend_scalar_constant_to_each_row", "Prepend_scalar_to_each_row", "SoftmaxGrad",
           "SoftmaxWithBias", "crossentropy_categorical_1hot_grad",
           "crossentropy_softmax_1hot_with_bias_dx", "prepend_0_to_each_row",
           "prepend_1_to_each_row", "prepend_scalar_to_each_row", "softmax_graph",
           "softmax_grad"]
