"""Softmax with categorical cross-entropy, fused: the forward pass and its gradient.

`T.nnet.categorical_crossentropy(softmax(z), y)` builds -log(p[arange(n), y]) with p = softmax(z).
Where a probability underflows to 0 that is inf, and its gradient divides by p: inf * 0 = NaN.
The rules here rewrite the forward graph to `crossentropy_softmax(z, y)` and the gradient graph
that `grad` built from the original formula to `crossentropy_softmax_grad(g, z, y)`.
"""

from __future__ import annotations

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.rewrite.pattern import Const, Pat, Var, fits, is_constant_equal, rewrite
from graphlens.rewrite.stable_ops import CrossentropySoftmax, CrossentropySoftmaxGrad
from graphlens.tensor.basic import ARange
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.math import Log, Mul, Neg, Sub, TrueDiv
from graphlens.tensor.fill import Second
from graphlens.tensor.nnet import LogSoftmax, Softmax
from graphlens.tensor.reduce import Sum, expand_reduced
from graphlens.tensor.reduce import sum as tensor_sum
from graphlens.tensor.shape import Shape
from graphlens.tensor.subtensor import AdvancedIncSubtensor, AdvancedSubtensor, Subtensor

STABLE = ("stability", "xent")
ROW_AND_LABEL = (("adv",), ("adv",))


def _row_and_label(node) -> bool:
    return node.op.idx == ROW_AND_LABEL


def _on_rows(node) -> bool:
    return node.op.axis in (1, -1) and node.inputs[0].ndim == 2


def _length_source(stop):
    """The variable whose axis-0 length `stop` reads (`v.shape[0]`), or None."""
    node = stop.owner
    if node is None or not isinstance(node.op, Subtensor) or node.op.idx != (("int", 0),):
        return None
    shape = node.inputs[0]
    if shape.owner is None or not isinstance(shape.owner.op, Shape):
        return None
    return shape.owner.inputs[0]


def is_row_range(rows, z) -> bool:
    """True when `rows` is arange(0, n, 1) with n the number of rows of the matrix `z` (read
    from z, or from softmax(z) or log_softmax(z), which have the same rows)."""
    if isinstance(rows, Constant):       # arange(n) folded, the length n being static
        data = np.asarray(rows.data)
        return z.type.shape[0] is not None and data.ndim == 1 and np.array_equal(
            data, np.arange(z.type.shape[0]))
    node = rows.owner
    if node is None or not isinstance(node.op, ARange):
        return False
    start, stop, step = node.inputs
    if not (is_constant_equal(start, 0) and is_constant_equal(step, 1)):
        return False
    if isinstance(stop, Constant):
        return z.type.shape[0] is not None and is_constant_equal(stop, z.type.shape[0])
    source = _length_source(stop)
    if source is z:
        return True
    return source is not None and source.owner is not None and isinstance(
        source.owner.op, (Softmax, LogSoftmax)) and source.owner.inputs[0] is z


@rewrite("stabilize", Pat(Log, Pat(AdvancedSubtensor, Pat(Softmax, Var("z"), op_name="op"),
                                   rest="index", op_name="pick"), name="old"), tags=STABLE)
def log_of_picked_softmax(z, op, index, pick, old):
    """log(softmax(z)[rows, y]) -> log_softmax(z)[rows, y]: the log is taken before picking."""
    return fits(pick(LogSoftmax(op.axis)(z), *index), old)


@rewrite("stabilize", Pat(Neg, Pat(AdvancedSubtensor, Pat(LogSoftmax, Var("z"), where=_on_rows,
                                                          name="log_p"),
                                   Var("rows"), Var("y"), where=_row_and_label), name="old"),
         tags=STABLE)
def crossentropy_softmax(z, log_p, rows, y, old):
    """-log_softmax(z)[arange(n), y] -> crossentropy_softmax(z, y): one op, no probabilities."""
    if y.ndim != 1 or not is_row_range(rows, z):
        return None
    return fits(CrossentropySoftmax()(z, y), old)


def _softmax_grad(g_pattern, sm_pattern):
    """The graph Softmax.grad builds: (g - sum(g * sm, axis, keepdims)) * sm."""
    kept_sum = Pat(DimShuffle, Pat(Sum, Pat(Mul, Var("g"), Var("sm")), op_name="sum_op"),
                   op_name="keep")
    return Pat(Mul, Pat(Sub, g_pattern, kept_sum), sm_pattern, name="old")


_SOFTMAX = Pat(Softmax, Var("z"), where=_on_rows, name="sm")
_PICKED_GRAD = Pat(AdvancedIncSubtensor,
                   Pat(Second, Var("shape_of"), Const(value=0)),
                   Pat(TrueDiv, Var("a"), Pat(AdvancedSubtensor, Var("sm"), Var("rows"),
                                               Var("y"), where=_row_and_label)),
                   Var("rows"), Var("y"), where=_row_and_label, op_name="inc", name="g")


def _sums_rows(sum_op, keep) -> bool:
    return sum_op.axis == (1,) and keep.new_order == (0, "x")


@rewrite("stabilize", _softmax_grad(_PICKED_GRAD, _SOFTMAX), tags=STABLE)
def crossentropy_softmax_gradient(z, sm, a, rows, y, inc, sum_op, keep, shape_of, old):
    """The gradient grad() builds through softmax(z)[arange(n), y] divides by that probability
    (inf * 0 = NaN where it underflows) -> crossentropy_softmax_grad(-a, z, y)."""
    if inc.set_instead_of_inc or y.ndim != 1 or not _sums_rows(sum_op, keep):
        return None
    if shape_of is not sm and shape_of is not z:      # the zeros must have softmax's shape
        return None
    if not is_row_range(rows, z) or a.ndim != 1:
        return None
    loss_grad = a.owner.inputs[0] if a.owner is not None and isinstance(a.owner.op, Neg) else -a
    return fits(CrossentropySoftmaxGrad()(loss_grad, z, y), old)


@rewrite("stabilize", _softmax_grad(Var("g"), Var("sm")), tags=STABLE)
def softmax_grad_of_ratio(g, sm, sum_op, keep, old):
    """Softmax's gradient fed by b / softmax(x) (the gradient of log(softmax(x))) divides by
    probabilities that may be 0 -> b - softmax(x) * sum(b): the log-softmax gradient."""
    node = g.owner
    if node is None or not isinstance(node.op, TrueDiv) or node.inputs[1] is not sm:
        return None
    if sm.owner is None or not isinstance(sm.owner.op, Softmax):
        return None
    axis = sm.owner.op.axis
    if sum_op.axis != (axis,):
        return None
    b = node.inputs[0]
    total = expand_reduced(tensor_sum(b, axis=axis), (axis,), sm.ndim)
    return fits(b - sm * total, old)
