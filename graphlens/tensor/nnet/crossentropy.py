"""Theano's one-hot softmax cross-entropies, which return the softmax beside the loss.

`crossentropy_softmax_1hot(x, y_idx)` is `(nll, softmax(x))` with nll[i] = -log softmax(x)[i,
y_idx[i]]; the `_with_bias` forms add a bias vector to every row first. The loss is computed
through log_softmax, so it stays finite where the softmax underflows to 0.

>>> nll, p = T.nnet.crossentropy_softmax_1hot(T.dot(x, W), y)
"""

from __future__ import annotations

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet.basic import categorical_crossentropy, log_softmax, softmax
from graphlens.tensor.reduce import argmax, max as tensor_max
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.basic import arange


def _checked(x, b, y_idx, name):
    x = as_tensor_variable(x)
    if x.ndim != 2 or not x.dtype.startswith("float"):
        raise InvalidArgumentError(f"{name} at {call_site()}: x must be a matrix of floats (one "
                                   f"row per example), got {describe(x)}")
    y_idx = as_tensor_variable(y_idx) if y_idx is not None else None
    if y_idx is not None and (y_idx.ndim != 1 or not is_discrete(y_idx.dtype)
                              or y_idx.dtype == "bool"):
        raise InvalidArgumentError(f"{name} at {call_site()}: y_idx must be a vector of int "
                                   f"class labels, got {describe(y_idx)}")
    if b is not None:
        b = as_tensor_variable(b)
        if b.ndim != 1 or not b.dtype.startswith("float"):
            raise InvalidArgumentError(f"{name} at {call_site()}: b must be a vector of floats "
                                       f"(one bias per class), got {describe(b)}")
        if None not in (b.type.shape[0], x.type.shape[1]) and b.type.shape[0] != x.type.shape[1]:
            raise ShapeError(f"{name} at {call_site()}: {describe(b)} has one bias per class, "
                             f"but x has {x.type.shape[1]} classes: {describe(x)}")
        x = x + b.dimshuffle("x", 0)
    return x, y_idx


def _label_nll(scores, y_idx):
    return -log_softmax(scores)[arange(scores.shape[0]), y_idx]


def crossentropy_softmax_1hot_with_bias(x, b, y_idx):
    """(nll, softmax(x + b)): nll[i] = -log softmax(x + b)[i, y_idx[i]]."""
    scores, y_idx = _checked(x, b, y_idx, "crossentropy_softmax_1hot_with_bias")
    return _label_nll(scores, y_idx), softmax(scores)


def crossentropy_softmax_1hot(x, y_idx):
    """(nll, softmax(x)) for int labels y_idx: `nll, p = crossentropy_softmax_1hot(x, y)`."""
    scores, y_idx = _checked(x, None, y_idx, "crossentropy_softmax_1hot")
    return _label_nll(scores, y_idx), softmax(scores)


def crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx):
    """(nll, softmax(x + b), argmax(x + b, axis=1)): the loss, the probabilities, the guess."""
    scores, y_idx = _checked(x, b, y_idx, "crossentropy_softmax_argmax_1hot_with_bias")
    return _label_nll(scores, y_idx), softmax(scores), argmax(scores, axis=1)


def crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx):
    """(nll, softmax(x + b), its row maxima, argmax(x + b, axis=1))."""
    scores, y_idx = _checked(x, b, y_idx, "crossentropy_softmax_max_and_argmax_1hot_with_bias")
    probabilities = softmax(scores)
    return (_label_nll(scores, y_idx), probabilities, tensor_max(probabilities, axis=1),
            argmax(scores, axis=1))


def crossentropy_softmax_max_and_argmax_1hot(x, y_idx):
    """(nll, softmax(x), its row maxima, argmax(x, axis=1))."""
    scores, y_idx = _checked(x, None, y_idx, "crossentropy_softmax_max_and_argmax_1hot")
    probabilities = softmax(scores)
    return (_label_nll(scores, y_idx), probabilities, tensor_max(probabilities, axis=1),
            argmax(scores, axis=1))


def crossentropy_categorical_1hot(coding_dist, true_one_of_n):
    """-log(coding_dist[i, true_one_of_n[i]]) per row: the cross-entropy of probabilities with
    int labels (Theano's op behind categorical_crossentropy)."""
    coding_dist, labels = _checked(coding_dist, None, true_one_of_n,
                                   "crossentropy_categorical_1hot")
    return categorical_crossentropy(coding_dist, labels)


def softmax_with_bias(x, b):
    """softmax(x + b) with b added to every row."""
    scores, _ = _checked(x, b, None, "softmax_with_bias")
    return softmax(scores)
