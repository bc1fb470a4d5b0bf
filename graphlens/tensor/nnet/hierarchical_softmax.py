"""Two-level ("hierarchical") softmax and the confusion matrix, as Theano's
`theano.tensor.nnet.h_softmax` and `theano.tensor.nnet.confusion_matrix`, both built from
ordinary ops (so their gradients are those of softmax, dot and indexing).

h_softmax splits n_outputs into n_classes groups of n_outputs_per_class: the probability of an
output is p(its class | x) * p(the output | its class, x), costing n_classes + one group's
outputs per example instead of all n_outputs when a target is given.

>>> p = h_softmax(h, batch, 10000, 100, 100, W1, b1, W2, b2, target=y)   # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.types import is_discrete
from graphlens.tensor.basic import arange, cast
from graphlens.tensor.blas import dot
from graphlens.tensor.compare import eq
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.index_ops import Unique
from graphlens.tensor.join import concatenate
from graphlens.tensor.nnet.basic import softmax
from graphlens.tensor.shape import flatten, reshape
from graphlens.tensor.tensordot import batched_dot, tensordot
from graphlens.tensor.variable import as_tensor_variable


def _ranked(var, ndim, what, name):
    var = as_tensor_variable(var)
    if var.ndim != ndim:
        raise ShapeError(f"{name} at {call_site()}: {what} must be {ndim}-d, got "
                         f"{describe(var)}")
    return var


def h_softmax(x, batch_size, n_outputs, n_classes, n_outputs_per_class, W1, b1, W2, b2,
              target=None):
    """Two-layer hierarchical softmax (Theano's signature): x (batch, n_in); W1 (n_in,
    n_classes), b1 (n_classes,) score the classes; W2 (n_classes, n_in, n_outputs_per_class)
    and b2 (n_classes, n_outputs_per_class) score the outputs inside each class. Without
    `target`, the probabilities of all outputs, (batch, n_outputs); with an int `target`
    (batch,), the probability of each example's target, (batch,).

    >>> probs = h_softmax(x, 32, 10, 4, 3, W1, b1, W2, b2)        # (32, 10)  # doctest: +SKIP
    """
    name = "h_softmax"
    x = _ranked(x, 2, "x", name)
    W1, b1 = _ranked(W1, 2, "W1", name), _ranked(b1, 1, "b1", name)
    W2, b2 = _ranked(W2, 3, "W2", name), _ranked(b2, 2, "b2", name)
    if isinstance(n_classes, int) and isinstance(n_outputs_per_class, int) and \
            isinstance(n_outputs, int) and n_classes * n_outputs_per_class < n_outputs:
        raise ShapeError(f"{name} at {call_site()}: {n_classes} classes of "
                         f"{n_outputs_per_class} outputs hold fewer than n_outputs="
                         f"{n_outputs}")
    class_probs = softmax(dot(x, W1) + b1)                      # (batch, n_classes)
    if target is None:
        # Every class's outputs: (batch, n_classes, n_outputs_per_class).
        scores = tensordot(x, W2, axes=[[1], [1]]) + b2
        in_class = reshape(softmax(reshape(scores, (-1, n_outputs_per_class))),
                           (batch_size, n_classes, n_outputs_per_class))
        probs = reshape(class_probs.dimshuffle(0, 1, "x") * in_class, (batch_size, -1))
        # n_classes * n_outputs_per_class may exceed n_outputs: the extra slots are dropped.
        return probs[:, :n_outputs]
    target = flatten(as_tensor_variable(target))
    if not is_discrete(target.dtype) or target.dtype == "bool":
        raise GraphlensTypeError(f"{name} at {call_site()}: target must hold int labels, got "
                                 f"{describe(target)}")
    target_class = target // n_outputs_per_class
    in_class_index = target % n_outputs_per_class
    # Only each example's own class is scored: x[b] . W2[class[b]] + b2[class[b]].
    scores = batched_dot(x, W2[target_class]) + b2[target_class]
    rows = arange(batch_size)
    return class_probs[rows, target_class] * softmax(scores)[rows, in_class_index]


def confusion_matrix(actual, pred):
    """The confusion matrix of two label vectors (Theano's): [conf_mat, order], order the
    sorted labels found in either, conf_mat[i, j] (int64) the number of examples whose actual
    label is order[i] and predicted label order[j].

    >>> conf, order = confusion_matrix(T.ivector('y'), T.ivector('y_hat'))   # doctest: +SKIP
    """
    actual = _ranked(actual, 1, "actual", "confusion_matrix")
    pred = _ranked(pred, 1, "pred", "confusion_matrix")
    order = Unique()(concatenate([actual, pred]))
    actual_hot = cast(eq(actual.dimshuffle(0, "x"), order), "int64")
    pred_hot = cast(eq(pred.dimshuffle(0, "x"), order), "int64")
    return [dot(actual_hot.T, pred_hot), order]
