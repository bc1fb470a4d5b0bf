"""A loop with a probe on its states: the gradient of the cost with respect to each state at each
time step, the number that shows a gradient vanishing (or exploding) through time.

The probe is a twin of the Scan node whose step adds a sequence of zeros to each state's new
value: `h[t] = f(x[t], h[t-1]) + e[t]`. The values do not change, and the gradient with respect
to `e` at step t is exactly the total gradient of `h[t]`: what reaches it from the cost directly
and through every later step.

>>> twin_outputs, probes = probed_loop(node)      # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses

from graphlens.graph.types import is_discrete
from graphlens.scan.op import Scan
from graphlens.tensor.shape import alloc
from graphlens.tensor.variable import constant


def probed_states(op) -> list:
    """The states of a Scan op that a probe can watch: float, kept at every step."""
    return [k for k in range(op.n_states)
            if not op.finals[k] and not is_discrete(op.inner_outputs[k].dtype)]


def probed_loop(node):
    """(outputs of the probed twin of Scan `node`, [(state index, probe variable)]).

    Each probe is a (n_steps, ...) variable of zeros; differentiate the cost, rebuilt on the
    twin's outputs, with respect to it."""
    op = node.op
    if not isinstance(op, Scan):
        raise TypeError(f"probed_loop: {node.op.label} is not a loop")
    n_steps, sequences, initials, non_sequences = op.outer_slices(node.inputs)
    states = probed_states(op)
    n_seq = op.n_sequences
    tap_start = [n_seq + sum(len(taps) for taps in op.taps[:k]) for k in range(op.n_states)]
    names = op.output_names()
    stand_ins = [op.inner_inputs[tap_start[k]].type(f"probe_{names[k]}") for k in states]
    outputs = list(op.inner_outputs)
    for k, stand_in in zip(states, stand_ins):
        outputs[k] = outputs[k] + stand_in
    twin = dataclasses.replace(
        op, inner_inputs=tuple(op.inner_inputs[:n_seq]) + tuple(stand_ins)
        + tuple(op.inner_inputs[n_seq:]), inner_outputs=tuple(outputs),
        n_sequences=n_seq + len(states), rewritten=False)
    probes = []
    for k in states:
        element = initials[k][0]
        lengths = [element.shape[axis] for axis in range(element.ndim)]
        probes.append(alloc(constant(0, dtype=element.dtype), n_steps, *lengths))
    twin_outputs = twin.make_node(n_steps, *(sequences + probes + initials
                                             + non_sequences)).outputs
    return twin_outputs, list(zip(states, probes))
