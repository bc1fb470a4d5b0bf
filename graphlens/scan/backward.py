"""Backpropagation through time: the gradient of a `Scan` node is another `Scan`, run backwards.

Forward step t computes states s_t and outputs y_t from x_t, the earlier states s_{t+tap} and the
non-sequences. Walking t from the last step to the first, the backward step knows the total
gradient of s_t: its own output gradient plus what the later steps sent back through their taps.
It sends each tap's share on, accumulates the non-sequences' gradients and emits x_t's gradient.

Per forward state with taps reaching back L steps, the backward loop carries L running sums:
`pending[j]` collects the gradient of the value j steps before the current one. After the last
backward step they are the gradient of the initial values. A non-sequence carries one running sum.

The backward step reads the forward values it needs as sequences, reversed: x_t, the state
values at every tap, and the step's own outputs (so `tanh`'s gradient reads the saved output
instead of recomputing it). `truncate_gradient=k` runs only the last k backward steps.
"""

from __future__ import annotations

import dataclasses

from graphlens.backprop import grad
from graphlens.config import config
from graphlens.graph.basic import clone_graph, graph_inputs, toposort
from graphlens.graph.markers import disconnected, undefined
from graphlens.graph.types import is_discrete
from graphlens.scan.op import Scan, step_base, step_name
from graphlens.tensor.basic import cast
from graphlens.tensor.compare import ge, minimum, switch
from graphlens.tensor.join import concatenate, stack
from graphlens.tensor.math import add
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import shape_padleft
from graphlens.tensor.subtensor import inc_subtensor
from graphlens.tensor.variable import constant


def scan_grad(op, inputs, outputs, output_grads):
    """The gradients of a Scan node's inputs given its outputs' gradients (one backward Scan)."""
    n_steps, sequences, initials, non_sequences = op.outer_slices(inputs)
    n_seq, n_states, n_per_step = op.n_sequences, op.n_states, op.n_per_step
    n_taps = op.n_tap_inputs
    inner_in = list(op.inner_inputs)
    seq_in, tap_in, ns_in = (inner_in[:n_seq], inner_in[n_seq:n_seq + n_taps],
                             inner_in[n_seq + n_taps:])
    # Final-only states keep no trace; the backward loop needs every step's value, so it reads
    # them from a twin of the loop that keeps them all.
    forward = list(outputs)
    buffers = [shape_padleft(initial) if final else initial
               for initial, final in zip(initials, op.finals)]
    if any(op.finals):
        twin = dataclasses.replace(op, finals=(False,) * n_states)
        forward = twin.make_node(n_steps, *(sequences + buffers + non_sequences)).outputs
    traces = forward[:n_states]
    per_step = forward[n_states:]
    if op.has_condition:
        n = (forward[0].shape[0] if forward else n_steps)
    else:
        n = n_steps
    if op.truncate_gradient == -1:
        n_back, start = n, None
    else:
        n_back = minimum(n, constant(op.truncate_gradient, dtype="int64"))
        start = n - n_back

    def backwards(array, offset=0):
        """array[offset + start : offset + n], last step first."""
        low = offset if start is None else start + offset
        if isinstance(low, int) and low == 0:
            return array[:n][::-1]
        return array[low:n + offset][::-1]

    lags = op.lags()
    # Stand-ins for the backward step's values.
    x_now = [var.type(var.name) for var in seq_in]
    tap_now = [var.type(var.name) for var in tap_in]
    ns_now = [var.type(var.name) for var in ns_in]
    forward_graph, _ = clone_graph(list(op.inner_outputs),
                                   replace=dict(zip(seq_in + tap_in + ns_in,
                                                    x_now + tap_now + ns_now)))
    names = op.output_names()
    index = op.index            # the backward step runs as deep as the forward one
    bases = [step_base(name, index) for name in names]
    saved = [out.type(names[k]) for k, out in enumerate(forward_graph[:n_states + n_per_step])]

    seeds = {}
    pending = []                  # per state: [pending_1, ..., pending_L] or None (integer)
    out_grads_now = []            # (stand-in, outer gradient) of traced outputs
    for k in range(n_states):
        out = forward_graph[k]
        if is_discrete(out.dtype):
            pending.append(None)
            continue
        element = tap_in[_first_tap(op, k)].type
        sums = [element(step_name(f"carry_d{bases[k]}", index, 1 - j))
                for j in range(1, lags[k] + 1)]
        pending.append(sums)
        total = sums[0]
        if not op.finals[k]:
            g_now = element(step_name(f"d{bases[k]}", index))
            out_grads_now.append((g_now, _as_dtype(output_grads[k], out.dtype)))
            total = g_now + total
        seeds[out] = add(seeds[out], total) if out in seeds else total
    for p in range(n_per_step):
        out = forward_graph[n_states + p]
        if is_discrete(out.dtype):
            continue
        g_now = out.type(step_name(f"d{bases[n_states + p]}", index))
        out_grads_now.append((g_now, _as_dtype(output_grads[n_states + p], out.dtype)))
        seeds[out] = add(seeds[out], g_now) if out in seeds else g_now

    float_x = [v for v in x_now if not is_discrete(v.dtype)]
    float_taps = [v for v in tap_now if not is_discrete(v.dtype)]
    float_ns = [v for v in ns_now if not is_discrete(v.dtype)]
    wrt = float_x + float_taps + float_ns
    grads = grad(None, wrt, known_grads=seeds, disconnected_inputs="ignore",
                 return_disconnected="None") if wrt and seeds else [None] * len(wrt)
    # The backward step reads the saved outputs instead of recomputing them.
    reuse = {out: stand_in for out, stand_in in zip(forward_graph, saved)
             if out.owner is not None}
    present = [g for g in grads if g is not None]
    present, _ = clone_graph(present, replace=_shared_with_forward(present, forward_graph,
                                                                   reuse))
    values = iter(present)
    grad_of = {var: (next(values) if g is not None else None) for var, g in zip(wrt, grads)}

    # The backward step's outputs: new pending sums, non-sequence sums, sequence gradients.
    state_in, state_out, state_init = [], [], []
    tap_position = 0
    for k in range(n_states):
        taps = op.taps[k]
        by_lag = {-tap: tap_now[tap_position + i] for i, tap in enumerate(taps)}
        tap_position += len(taps)
        sums = pending[k]
        if sums is None:
            continue
        for j in range(1, lags[k] + 1):
            later = sums[j] if j < len(sums) else None
            sent = grad_of.get(by_lag.get(j))
            if later is None and sent is None:
                new = zeros_like(sums[j - 1])
            elif later is None:
                new = sent
            elif sent is None:
                new = later
            else:
                new = later + sent
            state_in.append(sums[j - 1])
            state_out.append(new)
            if j == 1 and op.finals[k]:
                start_value = _as_dtype(output_grads[k], traces[k].dtype)
            else:
                start_value = zeros_like(buffers[k][0])
            state_init.append(start_value)
    ns_sums = []
    for var, outer in zip(ns_now, non_sequences):
        if is_discrete(var.dtype) or grad_of.get(var) is None:
            ns_sums.append(None)
            continue
        if not getattr(var.type, "array_values", True):
            # A sparse matrix cannot be a loop's running sum (the loop stacks arrays).
            ns_sums.append(_NOT_SUMMED)
            continue
        running = var.type(f"d{var.name or 'nonseq'}")
        ns_sums.append(running)
        state_in.append(running)
        state_out.append(running + grad_of[var])
        state_init.append(zeros_like(outer))
    seq_grads = [grad_of.get(var) for var in x_now]

    # Backward sequences: forward values and output gradients, last step first.
    back_seq_in, back_seq_outer = [], []
    for var, outer in zip(x_now, sequences):
        back_seq_in.append(var)
        back_seq_outer.append(backwards(outer))
    tap_position = 0
    for k in range(n_states):
        full = concatenate([buffers[k][:lags[k]], traces[k]])
        for i, tap in enumerate(op.taps[k]):
            back_seq_in.append(tap_now[tap_position + i])
            back_seq_outer.append(backwards(full, lags[k] + tap))
        tap_position += len(op.taps[k])
    for stand_in, outer in zip(saved, traces + per_step):
        back_seq_in.append(stand_in)
        back_seq_outer.append(backwards(outer))
    for stand_in, outer in out_grads_now:
        back_seq_in.append(stand_in)
        back_seq_outer.append(backwards(outer))

    emitted = [(var, g) for var, g in zip(x_now, seq_grads) if g is not None]
    inner_outputs = state_out + [g for _, g in emitted]
    used = set(graph_inputs(inner_outputs)) | set(state_in)
    kept_seq = [(i, o) for i, o in zip(back_seq_in, back_seq_outer) if i in used]
    kept_ns = [(i, o) for i, o in zip(ns_now, non_sequences) if i in used]
    backward_op = Scan(
        inner_inputs=tuple([i for i, _ in kept_seq] + state_in + [i for i, _ in kept_ns]),
        inner_outputs=tuple(inner_outputs), n_sequences=len(kept_seq),
        taps=((-1,),) * len(state_in), finals=(True,) * len(state_in),
        n_per_step=len(emitted), name=f"grad_of_{op.name}" if op.name else "grad_of_scan",
        mode=op.mode, index=index)
    results = backward_op.make_node(
        n_back, *([o for _, o in kept_seq] + state_init + [o for _, o in kept_ns])).outputs
    finals = iter(results[:len(state_in)])
    step_grads = dict(zip([var for var, _ in emitted], results[len(state_in):]))

    gradients = [disconnected(n_steps)]
    # An integer input the steps read gets a float zero, as outside a loop (an op's integer
    # input, Theano's rule); one they do not read is disconnected.
    read = set(graph_inputs(list(forward_graph)))

    def unconnected(inner, outer):
        if is_discrete(outer.dtype) and inner in read:
            return zeros_like(outer, dtype=config.floatX)
        return disconnected(outer)

    for var, outer in zip(x_now, sequences):
        if var not in step_grads:
            gradients.append(unconnected(var, outer))
            continue
        region = zeros_like(outer)[:n] if start is None else zeros_like(outer)[start:n]
        gradients.append(inc_subtensor(region, step_grads[var][::-1]))
    first_tap = 0
    for k in range(n_states):
        state_taps = tap_now[first_tap:first_tap + len(op.taps[k])]
        first_tap += len(op.taps[k])
        if pending[k] is None:
            # An integer state the steps read: a float zero for its initial value, as for an
            # integer sequence (Theano's scan saw it connected).
            read_taps = [tap for tap in state_taps if tap in read]
            gradients.append(unconnected(read_taps[0], initials[k]) if read_taps
                             else disconnected(initials[k]))
            continue
        sums = [next(finals) for _ in range(lags[k])]
        if not op.finals[k] and not any(tap in read for tap in state_taps):
            # No step reads this state's earlier values (z[t] = x[t-1] + 1): its initial value
            # reaches no output, as Theano's connection pattern said (DisconnectedInputError).
            gradients.append(disconnected(initials[k]))
            continue
        if op.finals[k]:
            # A final-only state started from its value itself: pending_1 is its gradient.
            gradients.append(sums[0] if start is None else
                             switch(ge(n_back, n), sums[0], zeros_like(sums[0])))
            continue
        buffer = stack(sums[::-1])          # initial[L - j] receives pending_j
        if start is not None:
            buffer = switch(ge(n_back, n), buffer, zeros_like(buffer))
        if initials[k].type.shape[:1] != (lags[k],):
            buffer = inc_subtensor(zeros_like(initials[k])[:lags[k]], buffer)
        gradients.append(buffer)
    for inner, outer, running in zip(ns_now, non_sequences, ns_sums):
        if running is _NOT_SUMMED:
            gradients.append(undefined(outer, f"scan sums a non-sequence's gradient over the "
                                              f"steps in an array; {outer.type} values are not "
                                              f"arrays: pass it densely (dense_from_sparse) to "
                                              f"differentiate it"))
            continue
        gradients.append(unconnected(inner, outer) if running is None else next(finals))
    return gradients


# A non-sequence whose gradient the loop does not sum (a sparse matrix): undefined outside.
_NOT_SUMMED = object()


def _shared_with_forward(gradients, forward_graph, reuse) -> dict:
    """{gradient variable: saved stand-in} for gradient nodes that recompute a forward output
    (tanh's gradient builds `1 - tanh(x) ** 2` anew): the backward step reads the saved value."""
    forward_nodes = {}
    for node in toposort(forward_graph):
        try:
            forward_nodes.setdefault((node.op, tuple(node.inputs)), node)
        except TypeError:
            continue            # an op with unhashable props is never shared
    replace = dict(reuse)
    for node in toposort(gradients):
        try:
            twin = forward_nodes.get((node.op, tuple(node.inputs)))
        except TypeError:
            continue
        if twin is None or twin is node:
            continue
        for out, twin_out in zip(node.outputs, twin.outputs):
            if twin_out in reuse:
                replace[out] = reuse[twin_out]
    return replace


def _first_tap(op, state):
    return sum(len(taps) for taps in op.taps[:state])


def _as_dtype(value, dtype):
    return value if value.dtype == dtype else cast(value, dtype)

