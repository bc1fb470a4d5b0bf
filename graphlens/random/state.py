"""A random stream's state as a small array, and the numpy generator it stands for.

A state is five uint64 words: the 128-bit state and the 128-bit increment of a PCG64 generator
(high word first), then the number of the next draw. A draw reads the state and never changes
it; the stream's update moves on to the next draw number (`next_state`). Draw number k starts
k * 2**64 steps into the stream (PCG64 jumps there in a few dozen operations), so the draws of
a stream never overlap, and the same seed gives the same draws in every process, on every
machine (numpy's `Generator` on an explicit bit generator; the global `np.random` state is never
read).

>>> state = seeded_state(1234, 0); state.dtype, state.shape
(dtype('uint64'), (5,))
>>> float(generator(state).random()) == float(generator(state).random())
True
"""

from __future__ import annotations

import threading

import numpy as np

STATE_DTYPE = "uint64"
STATE_LENGTH = 5          # PCG64 state (2 words), increment (2 words), draw number
DRAW = STATE_LENGTH - 1
_WORD = 64
_MASK = (1 << _WORD) - 1


def seeded_state(seed, stream: int) -> np.ndarray:
    """The first state of stream number `stream` of a RandomStreams seeded with `seed`.

    Streams get independent generators from one seed through numpy's SeedSequence (its spawn
    key is the stream's number), so reseeding gives every stream a fresh generator in one
    deterministic way.
    """
    words = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stream,))).state["state"]
    state, increment = words["state"], words["inc"]
    return np.array([state >> _WORD, state & _MASK, increment >> _WORD, increment & _MASK, 0],
                    dtype=STATE_DTYPE)


def fresh_seed() -> int:
    """A seed from the operating system's entropy, for `RandomStreams(seed=None)`."""
    return int(np.random.SeedSequence().entropy)


def check_state(value, what: str) -> None:
    """Raise ValueError unless `value` is a state array (uint64, five words)."""
    value = np.asarray(value)
    if value.dtype != np.uint64 or value.shape != (STATE_LENGTH,):
        raise ValueError(f"{what} must be a random stream state (uint64 array of shape "
                         f"({STATE_LENGTH},)), got {value.dtype} array of shape {value.shape}")


def next_state(state: np.ndarray) -> np.ndarray:
    """The state of the draw after `state`'s: the same generator, the next draw number."""
    following = np.array(state, dtype=STATE_DTYPE, copy=True)
    following[DRAW] += np.uint64(1)
    return following


# One PCG64 generator per thread, set to a draw's whole state before every use: a reusable
# buffer, not state (nothing of one draw survives into the next). Building a new generator per
# draw costs ~50 us, setting this one's state ~6 us.
_GENERATORS = threading.local()


def generator(state: np.ndarray) -> np.random.Generator:
    """A numpy Generator positioned at the start of `state`'s draw (valid until the next call
    in this thread)."""
    pair = getattr(_GENERATORS, "pair", None)
    if pair is None:
        bits = np.random.PCG64(0)
        pair = _GENERATORS.pair = (bits, np.random.Generator(bits))
    bits, numpy_generator = pair
    words = [int(word) for word in state]
    bits.state = {
        "bit_generator": "PCG64",
        "state": {"state": (words[0] << _WORD) | words[1],
                  "inc": (words[2] << _WORD) | words[3]},
        "has_uint32": 0, "uinteger": 0,
    }
    bits.advance(words[DRAW] << _WORD)
    return numpy_generator
