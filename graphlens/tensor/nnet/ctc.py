"""Theano's `theano.tensor.nnet.ctc`: the connectionist temporal classification (CTC) loss.

Theano wrapped Baidu's warp-ctc C library; here the same loss is numpy (ctc_kernel.py), with
warp-ctc's conventions: activations (time, batch, alphabet) are unnormalised scores (their
softmax over the alphabet is taken inside), symbol 0 is the blank, each row of `labels` holds
an example's labels with negative values as padding, and `input_lengths` says how many time
steps of each example are real. The result is each example's -log p(labels | input); its
gradient wrt the activations comes from the same forward-backward pass.

>>> cost = ctc(T.ftensor3('acts'), T.imatrix('labels'), T.ivector('lengths'))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import Second
from graphlens.tensor.nnet.ctc_kernel import (compact_labels, ctc_cost_and_grad, log_softmax,
                                              repeats)
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

NAME = "ctc"
# (input name, rank, what it holds) in the op's input order.
INPUTS = (("activations", 3, "(time, batch, alphabet) scores"),
          ("labels", 2, "(batch, max label length) labels, padded with -1"),
          ("input_lengths", 1, "(batch,) time steps per example"))


def _checked_inputs(activations, labels, input_lengths):
    """The three inputs as tensors, refused (naming the input and the user's line) when their
    rank or dtype is wrong or their batch sizes disagree."""
    checked = []
    for (name, ndim, holds), value in zip(INPUTS, (activations, labels, input_lengths)):
        var = as_tensor_variable(value)
        wants_float = name == "activations"
        kind_ok = var.dtype in ("float32", "float64") if wants_float else \
            is_discrete(var.dtype) and var.dtype != "bool"
        if not kind_ok:
            kind = "float32 or float64" if wants_float else "integers (int32, as Theano's)"
            raise GraphlensTypeError(f"{NAME} at {call_site()}: {name} must hold {kind}, got "
                                     f"{describe(var)}")
        if var.ndim != ndim:
            raise ShapeError(f"{NAME} at {call_site()}: {name} must be {ndim}-d, {holds}; got "
                             f"{describe(var)}")
        checked.append(var)
    batches = [(name, var.type.shape[axis]) for (name, _, _), var, axis
               in zip(INPUTS, checked, (1, 0, 0)) if var.type.shape[axis] is not None]
    if len({size for _, size in batches}) > 1:
        said = ", ".join(f"{name} {size}" for name, size in batches)
        raise ShapeError(f"{NAME} at {call_site()}: the inputs disagree on the batch size "
                         f"({said}): activations' axis 1, labels' rows and input_lengths must "
                         f"count the same examples")
    return checked


def check_values(activations, labels, input_lengths):
    """Refuse values warp-ctc could not score, naming the example; returns the compacted labels
    (see ctc_kernel.compact_labels). Raises ShapeError (batch sizes, lengths) or
    InvalidArgumentError (a label outside the alphabet, the blank 0 as a label)."""
    steps, batch, alphabet = activations.shape
    if labels.shape[0] != batch or input_lengths.shape[0] != batch:
        raise ShapeError(f"{NAME}: the inputs disagree on the batch size: activations hold "
                         f"{batch} examples (axis 1), labels {labels.shape[0]} (rows), "
                         f"input_lengths {input_lengths.shape[0]}")
    wrong = np.flatnonzero((input_lengths < 0) | (input_lengths > steps))
    if wrong.size:
        b = wrong[0]
        raise ShapeError(f"{NAME}: input_lengths[{b}] = {input_lengths[b]} is outside 0..{steps}"
                         f" (activations have {steps} time steps)")
    for bad, problem in ((labels >= alphabet, f"outside the alphabet of {alphabet} symbols "
                                              f"(activations' last axis)"),
                         (labels == 0, "the blank (symbol 0), which cannot be a label; "
                                       "labels are 1..alphabet-1, padding negative")):
        if bad.any():
            b, j = np.argwhere(bad)[0]
            raise InvalidArgumentError(f"{NAME}: labels[{b}, {j}] = {labels[b, j]} is {problem}")
    compact, lengths = compact_labels(labels)
    needed = lengths + repeats(compact, lengths)
    short = np.flatnonzero(needed > input_lengths)
    if short.size:
        b = short[0]
        shown = str(compact[b, :lengths[b]].tolist())
        shown = shown if len(shown) <= 60 else shown[:56] + " ...]"
        raise ShapeError(f"{NAME}: example {b}'s labels {shown} need at least {needed[b]} "
                         f"time steps (one per label, and a blank between each two equal "
                         f"neighbours: {needed[b] - lengths[b]}), but its input length is "
                         f"{input_lengths[b]}")
    return compact


@dataclass(frozen=True)
class ConnectionistTemporalClassification(Op):
    """The CTC loss of each example (Theano's op): outputs the costs (batch,) and, with
    `compute_grad`, their gradient wrt the activations (time, batch, alphabet), from the same
    forward-backward pass; calling the op returns the costs, as Theano's did.

    >>> costs = ConnectionistTemporalClassification()(acts, labels, lengths)  # doctest: +SKIP
    """

    compute_grad: bool = True
    notation = Func("ctc")
    default_output = 0
    # What pictures write on the ports the outputs leave from (a record box, render/dot.py).
    output_labels = ("cost", "gradient")
    input_labels = tuple(name for name, _, _ in INPUTS)     # and on the ports inputs enter

    def make_node(self, activations, labels, input_lengths):
        activations, labels, input_lengths = _checked_inputs(activations, labels,
                                                             input_lengths)
        steps, batch, alphabet = activations.type.shape
        if batch is None:
            batch = labels.type.shape[0] if labels.type.shape[0] is not None else \
                input_lengths.type.shape[0]
        outputs = [TensorType(activations.dtype, (batch,))("ctc_cost")]
        if self.compute_grad:
            outputs.append(TensorType(activations.dtype, (steps, batch, alphabet))("ctc_grad"))
        return Apply(self, [activations, labels, input_lengths], outputs)

    def infer_shape(self, node, input_shapes):
        activations_shape = input_shapes[0]
        shapes = [(activations_shape[1],)]
        if self.compute_grad:
            shapes.append(tuple(activations_shape))
        return shapes

    def perform(self, node, inputs):
        activations, labels, input_lengths = inputs
        compact = check_values(activations, labels, input_lengths)
        dtype = node.outputs[0].dtype
        # float64 inside whatever the activations' dtype: the log-space sums stay accurate
        # over long sequences, and float32 results are rounded once, at the end.
        logp = log_softmax(np.asarray(activations, dtype=np.float64))
        cost, grad = ctc_cost_and_grad(logp, compact, input_lengths,
                                       want_grad=self.compute_grad)
        results = [cost.astype(dtype)]
        if self.compute_grad:
            results.append(grad.astype(dtype))
        return results

    def L_op(self, inputs, outputs, output_grads):
        activations, labels, input_lengths = inputs
        if self.compute_grad:
            if not _is_unread(output_grads[1], outputs[1]):
                reason = ("the ctc_grad output (the gradient CTC computes) is not "
                          "differentiated further: CTC offers no second derivative")
                return [undefined(activations, reason)] + _integer_gradients(inputs)
            gradient = outputs[1]
        else:
            gradient = ConnectionistTemporalClassification(True)(*inputs).owner.outputs[1]
        # Each example's cost scales its own slice of the gradient.
        scaled = gradient * output_grads[0].dimshuffle("x", 0, "x")
        return [scaled] + _integer_gradients(inputs)


def _integer_gradients(inputs):
    return [undefined(inputs[1], "labels are symbols: an integer choice, with no derivative"),
            undefined(inputs[2], "input_lengths count time steps: an integer, with no "
                                 "derivative")]


def _is_unread(output_grad, output):
    """True for the zeros backprop passes for an output nothing differentiated (fill(out, 0)):
    a sum's gradient is a fill of the output too, but by its own gradient, not by 0."""
    owner = output_grad.owner
    if owner is None or not isinstance(owner.op, Second) or owner.inputs[0] is not output:
        return False
    value = owner.inputs[1]
    return isinstance(value, Constant) and not np.any(value.data)


def ctc(activations, labels, input_lengths):
    """The CTC loss of each example (Theano's `ctc`): activations (time, batch, alphabet) of
    unnormalised float32/float64 scores, labels (batch, max length) of ints 1..alphabet-1
    padded with -1, input_lengths (batch,) ints; returns -log p(labels | input), (batch,).

    >>> cost = T.mean(ctc(acts, labels, lengths)); g = T.grad(cost, W)   # doctest: +SKIP
    """
    return ConnectionistTemporalClassification()(activations, labels, input_lengths)


def ctc_available():
    """True: Theano asked whether warp-ctc could be found; here CTC is numpy, always there.

    >>> ctc_available()
    True
    """
    return True


ctc_available.msg = None
ctc_available.path = None
