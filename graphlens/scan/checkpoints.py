"""Theano's `scan_checkpoints`: a loop that keeps only every `save_every_N`-th state, so its
gradient stores n / N states instead of n and recomputes the steps in between.

It is two scans (build.py): an outer loop over blocks of N steps, whose step runs an inner
scan over one block and keeps that block's last values. The outer loop's backward pass (BPTT)
saves only the states at block ends; differentiating a block re-runs its inner loop from the
state saved before it. A length that is not a multiple of N is padded with zeros (`padding`),
and the last block runs only the steps left, so the padding is never read.

>>> h, updates = scan_checkpoints(lambda x, h: T.tanh(x + h), sequences=[xs],
...                               outputs_info=[h0], save_every_N=10)   # doctest: +SKIP
>>> h[-1]            # the last state, as scan(...)[0][-1]; h[i] ends block i  # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import InvalidArgumentError
from graphlens.graph.basic import Variable
from graphlens.scan.build import scan
from graphlens.tensor.assertion import Assert
from graphlens.tensor.basic import arange
from graphlens.tensor.compare import eq, maximum, minimum
from graphlens.tensor.join import concatenate
from graphlens.tensor.variable import as_tensor_variable
from graphlens import tensor as T


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _initial_of(item, position):
    """The initial state of output `position` (None for an output that is not fed back)."""
    if isinstance(item, dict):
        if "taps" in item and list(item["taps"]) != [-1]:
            raise InvalidArgumentError(
                f"scan_checkpoints: output {position} has taps {item['taps']}; only the "
                f"previous step (taps [-1]) can be fed back, as in Theano")
        return item.get("initial")
    return item


def _blocks(sequence, outer_steps, block, padding, position):
    """`sequence` as (outer_steps, block, ...): zero-padded to whole blocks, or checked to be."""
    sequence = as_tensor_variable(sequence)
    if sequence.ndim == 0:
        raise InvalidArgumentError(f"scan_checkpoints: sequence {position} is a scalar; a "
                                   f"sequence is iterated over its first axis")
    length, rest = sequence.shape[0], [sequence.shape[i] for i in range(1, sequence.ndim)]
    whole = outer_steps * block
    if padding:
        # Zeros up to whole blocks (the steps past n_steps never read them); a sequence
        # longer than the loop is cut there, as scan reads only its first n_steps entries.
        zeros = T.zeros([maximum(whole - length, 0)] + rest, dtype=sequence.dtype)
        sequence = concatenate([sequence[:whole], zeros])
    else:
        sequence = Assert(f"scan_checkpoints(padding=False): the length of sequence {position} "
                          f"must be a multiple of save_every_N={block}")(
            sequence, eq(length % block, 0))
        sequence = sequence[:whole]
    return sequence.reshape([outer_steps, block] + rest, ndim=sequence.ndim + 1)


def scan_checkpoints(fn, sequences=None, outputs_info=None, non_sequences=None,
                     name="checkpointscan_fn", n_steps=None, save_every_N=10, padding=True,
                     no_padding=None):
    """scan(fn, ...) storing only every `save_every_N`-th state for the gradient (Theano's).

    Returns (outputs, updates) as scan, each output holding the value at the end of every
    block of `save_every_N` steps (the last block may be shorter): `outputs[-1]` is scan's
    last value. Outputs are fed back from the previous step only (taps [-1]) or not at all
    (None). `padding=False` (Theano's later `no_padding=True`) skips the copy that pads the
    sequences to whole blocks; their lengths must then be multiples of save_every_N.

    >>> h, _ = scan_checkpoints(step, [x], [h0], save_every_N=4)     # doctest: +SKIP
    """
    if no_padding is not None:
        padding = not no_padding
    if isinstance(save_every_N, bool) or not isinstance(save_every_N, int) or save_every_N < 1:
        raise InvalidArgumentError(f"scan_checkpoints: save_every_N must be a positive int, "
                                   f"got {save_every_N!r}")
    sequences = _as_list(sequences)
    for position, sequence in enumerate(sequences):
        if isinstance(sequence, dict):
            raise InvalidArgumentError(f"scan_checkpoints: sequence {position} is a dict "
                                       f"(taps); each step reads one entry of each sequence, "
                                       f"as in Theano")
    non_sequences = [v if isinstance(v, Variable) else as_tensor_variable(v)
                     for v in _as_list(non_sequences)]
    initials = [_initial_of(item, position)
                for position, item in enumerate(_as_list(outputs_info))]
    if n_steps is None:
        if not sequences:
            raise InvalidArgumentError("scan_checkpoints: give n_steps, or a sequence whose "
                                       "length is the number of steps")
        n_steps = as_tensor_variable(sequences[0]).shape[0]
    n_steps = T.cast(as_tensor_variable(n_steps), "int64")
    block = save_every_N
    outer_steps = (n_steps + (block - 1)) // block
    # Steps run by each block: N, ..., N, then what is left (never 0).
    counts = minimum(block, n_steps - arange(outer_steps, dtype="int64") * block)
    outer_sequences = [_blocks(s, outer_steps, block, padding, position)
                       for position, s in enumerate(sequences)] + [counts]
    fed_back = [initial is not None for initial in initials]

    def outer_step(*args):
        blocks, count = args[:len(sequences)], args[len(sequences)]
        previous = iter(args[len(sequences) + 1:len(args) - len(non_sequences)])
        constants = list(args[len(args) - len(non_sequences):])
        inner_info = [next(previous) if fed else None for fed in fed_back]
        results, updates = scan(fn, sequences=list(blocks), outputs_info=inner_info or None,
                                non_sequences=constants, n_steps=count,
                                name=f"{name}_inner", return_list=True)
        return [r[-1] for r in results], updates

    results, updates = scan(outer_step, sequences=outer_sequences,
                            outputs_info=initials or None, non_sequences=non_sequences,
                            n_steps=outer_steps, name=f"{name}_outer", allow_gc=True)
    return results, updates
