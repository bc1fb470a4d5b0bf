"""The forward loop of a `Scan` node: one run of the compiled step per step.

The step reads sequence elements and earlier state values as views (no copies); its results are
copied once, into the output arrays, which are allocated after the first step tells their shapes.
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import ShapeError, where
from graphlens.scan.op import check_step_shape


def run_loop(op, node, inputs):
    """The outputs of `node` (a Scan) for the input values `inputs`."""
    n_steps, sequences, initials, non_sequences = op.outer_slices(inputs)
    n = int(n_steps)
    if n < 0:
        raise ShapeError(f"scan: n_steps is {n} at run time; it must be >= 0 (scan built at "
                         f"{where(node.outputs[0])})")
    for position, sequence in enumerate(sequences):
        if sequence.shape[0] < n:
            raise ShapeError(f"scan: sequence {position} has {sequence.shape[0]} elements, "
                             f"fewer than the {n} steps asked for (scan built at "
                             f"{where(node.outputs[0])})")
    lags = op.lags()
    finals, taps = op.finals, op.taps
    for state, (initial, lag) in enumerate(zip(initials, lags)):
        if finals[state]:
            continue                              # the value itself, not a buffer
        if initial.shape[0] < lag:
            raise ShapeError(f"scan: the initial value of state {state} holds "
                             f"{initial.shape[0]} steps, but its taps reach back {lag}")
        initials[state] = initial[:lag]     # as Theano: the first -min(taps) entries
    run = op.program
    n_states, n_per_step = op.n_states, op.n_per_step
    traces = [None] * (n_states + n_per_step)      # (n, ...) arrays, made at step 0
    shapes = [_shape(initial) if final else tuple(initial.shape[1:])
              for initial, final in zip(initials, finals)] + [None] * n_per_step
    # The latest value of each state.
    last = [initial if final else initial[-1] for initial, final in zip(initials, finals)]
    condition = op.n_states + n_per_step if op.has_condition else None
    done = n
    for t in range(n):
        args = [sequence[t] for sequence in sequences]
        for state in range(n_states):
            if finals[state]:
                args.append(last[state])           # final-only states read tap -1 only
                continue
            trace, initial, lag = traces[state], initials[state], lags[state]
            for tap in taps[state]:
                at = t + tap
                args.append(trace[at] if at >= 0 else initial[lag + at])
        args.extend(non_sequences)
        results = run(args)
        for position in range(n_states + n_per_step):
            value = results[position]
            expected = shapes[position]
            if expected is None:
                expected = shapes[position] = _shape(value)
            if expected is not _ANY and np.shape(value) != expected:
                check_step_shape(value, expected, _output_title(op, position), t)
            if position < n_states and finals[position]:
                last[position] = value
                continue
            trace = traces[position]
            if trace is None:
                trace = traces[position] = np.empty((n,) + expected,
                                                    dtype=node.outputs[position].dtype)
            trace[t] = value
            if position < n_states:
                last[position] = trace[t]
        if condition is not None and results[condition]:
            done = t + 1
            break
    outputs = []
    for position, out in enumerate(node.outputs):
        if position < n_states and finals[position]:
            # A copy: the last value may be the initial array or a view of an input.
            value = last[position]
            outputs.append(np.array(value, dtype=out.type.dtype, copy=True)
                           if isinstance(value, np.ndarray) else value)
            continue
        trace = traces[position]
        if trace is None:
            shape = shapes[position]
            if shape is None:
                shape = tuple(0 if d is None else d for d in out.type.shape[1:])
            trace = np.empty((0,) + shape, dtype=out.dtype)
        outputs.append(trace[:done] if done < n else trace)
    return outputs


# The shape of a value that is not an array (a generator's state): never checked.
_ANY = object()


def _shape(value):
    if isinstance(value, (np.ndarray, np.generic, int, float, complex)):
        return np.shape(value)
    return _ANY


def _output_title(op, position):
    if position < op.n_states:
        return f"state {position}" + (f" of scan {op.name!r}" if op.name else "")
    return f"output {position}" + (f" of scan {op.name!r}" if op.name else "")
