"""The numpy work of the CTC loss: the forward-backward recursions over all alignments, in log
space, vectorised over the batch and the label positions (the loop runs over time only).

Notation (Graves et al., 2006): an example's labels l_1..l_L become the extended sequence
z = (blank, l_1, blank, l_2, ..., l_L, blank) of S = 2L + 1 states, blank being symbol 0. A path
is one state per time step that starts at z_1 or z_2, ends at z_S or z_(S-1), and at each step
stays, moves one state on, or skips one blank between two different labels. alpha[t, s] is the
log-probability of the paths' first t + 1 steps ending in state s (emissions up to t included),
beta[t, s] that of finishing from state s at t (emissions after t); their sum over the states
at any t is log p(labels | input).

>>> logp = np.log(np.full((2, 1, 3), 1 / 3))           # T=2, batch 1, alphabet 3
>>> cost, _ = ctc_cost_and_grad(logp, np.array([[1]]), np.array([2]), want_grad=False)
>>> round(float(np.exp(-cost[0])), 4)                   # paths 1 1, 0 1, 1 0: 3 of 9
0.3333
"""

from __future__ import annotations

import numpy as np

NEG_INF = -np.inf


def log_softmax(activations):
    """log softmax over the last axis, without overflow (warp-ctc normalised the same way)."""
    shifted = activations - activations.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def compact_labels(labels):
    """Each row's labels (values >= 0) moved to its front in order, -1 after them, and each
    row's count: a negative value is padding wherever it stands, as in Theano's wrapper.

    >>> compact_labels(np.array([[2, -1, 3], [-1, -1, -1]]))
    (array([[ 2,  3, -1],
           [-1, -1, -1]]), array([2, 0]))
    """
    keep = labels >= 0
    order = np.argsort(~keep, axis=1, kind="stable")
    compact = np.take_along_axis(labels, order, axis=1)
    lengths = keep.sum(axis=1)
    compact = np.where(np.arange(labels.shape[1]) < lengths[:, None], compact, -1)
    return compact, lengths


def repeats(compact, lengths):
    """How many neighbouring labels are equal in each row: each needs a blank between them,
    so an example can be emitted only by at least length + repeats time steps."""
    if compact.shape[1] < 2:
        return np.zeros(len(lengths), dtype=np.int64)
    inside = np.arange(1, compact.shape[1]) < lengths[:, None]
    return ((compact[:, 1:] == compact[:, :-1]) & inside).sum(axis=1)


def extended_states(compact, lengths):
    """(symbol of each state, which states exist, which states a path may enter by skipping the
    blank before them), each (batch, 2 * max length + 1)."""
    batch, width = compact.shape
    states = 2 * width + 1
    symbols = np.zeros((batch, states), dtype=np.int64)
    symbols[:, 1::2] = np.maximum(compact, 0)
    exists = np.arange(states) < (2 * lengths + 1)[:, None]
    skip = np.zeros((batch, states), dtype=bool)
    # The label state 2j+1 (j >= 1) may be entered from 2j-1 only if the labels differ: for
    # equal ones the blank between is what makes them two labels and not one held longer.
    skip[:, 3::2] = compact[:, 1:] != compact[:, :-1]
    return symbols, exists, skip


def _forward(emit, skip):
    """alpha (time, batch, states) from the emission log-probabilities of each state."""
    alpha = np.full(emit.shape, NEG_INF)
    alpha[0, :, :2] = emit[0, :, :2]
    skip_into = skip[:, 2:]
    for t in range(1, emit.shape[0]):
        prev = alpha[t - 1]
        reach = prev.copy()
        np.logaddexp(reach[:, 1:], prev[:, :-1], out=reach[:, 1:])
        np.logaddexp(reach[:, 2:], np.where(skip_into, prev[:, :-2], NEG_INF),
                     out=reach[:, 2:])
        alpha[t] = reach + emit[t]
    return alpha


def _backward(emit, skip, last, final):
    """beta (time, batch, states): -inf after an example's last step `last`, `final` (0 on its
    two end states) at it, the recursion before it."""
    beta = np.full(emit.shape, NEG_INF)
    skip_into = skip[:, 2:]
    ahead = np.full(emit.shape[1:], NEG_INF)
    for t in range(emit.shape[0] - 1, -1, -1):
        if t + 1 < emit.shape[0]:
            onward = beta[t + 1] + emit[t + 1]
            ahead = onward.copy()
            np.logaddexp(ahead[:, :-1], onward[:, 1:], out=ahead[:, :-1])
            np.logaddexp(ahead[:, :-2], np.where(skip_into, onward[:, 2:], NEG_INF),
                         out=ahead[:, :-2])
        beta[t] = np.where((t == last)[:, None], final,
                           np.where((t < last)[:, None], ahead, NEG_INF))
    return beta


def ctc_cost_and_grad(logp, compact, lengths_in, want_grad=True):
    """Per-example cost -log p(labels | input) and, if `want_grad`, its gradient with respect
    to the unnormalised activations whose log softmax is `logp` (time, batch, alphabet).

    `compact` holds each example's labels first, -1 after (see compact_labels); the inputs are
    assumed checked (labels in 1..alphabet-1, lengths within time, every example feasible).
    Past an example's input length its gradient is 0.
    """
    steps, batch, alphabet = logp.shape
    label_lengths = (compact >= 0).sum(axis=1)
    symbols, exists, skip = extended_states(compact, label_lengths)
    emit = np.take_along_axis(logp, symbols[None], axis=2)
    emit = np.where(exists[None], emit, NEG_INF)
    cost = np.zeros(batch)
    if steps == 0:
        return cost, (np.zeros(logp.shape) if want_grad else None)
    alpha = _forward(emit, skip)
    last = np.asarray(lengths_in) - 1
    rows = np.arange(batch)
    end_states = alpha[np.maximum(last, 0), rows]                   # (batch, states)
    end = 2 * label_lengths
    final_two = np.stack([end_states[rows, end],
                          np.where(end >= 1, end_states[rows, np.maximum(end - 1, 0)],
                                   NEG_INF)])
    log_likelihood = np.where(last >= 0, np.logaddexp.reduce(final_two, axis=0), 0.0)
    cost = -log_likelihood
    if not want_grad:
        return cost, None
    states = np.arange(symbols.shape[1])
    final = np.where((states == end[:, None]) | (states == end[:, None] - 1), 0.0, NEG_INF)
    beta = _backward(emit, skip, last, final)
    # The posterior of each state at each step; summed per symbol it is the expected
    # occupancy, and d cost / d activation = softmax - occupancy (before `last`, else 0).
    posterior = np.exp(alpha + beta - log_likelihood[None, :, None])
    one_hot = (symbols[:, :, None] == np.arange(alphabet)) & exists[:, :, None]
    occupancy = np.matmul(posterior.transpose(1, 0, 2), one_hot).transpose(1, 0, 2)
    active = (np.arange(steps)[:, None] <= last)[:, :, None]
    grad = np.where(active, np.exp(logp) - occupancy, 0.0)
    return cost, grad
