"""A random stream's state as a small array, and the numpy generator it stands for.

A state is three uint64 words: the two words of a Philox key and the number of the next draw.
A draw reads the state and never changes it; the stream's update moves on to the next draw
number (`next_state`). Philox is a counter-based generator: the key with the draw number in the
top word of its 256-bit counter names a block of 2**192 random words that no other draw of the
stream touches, so the draws of a stream never overlap, and the same seed gives the same draws
in every process, on every machine (numpy's `Generator` on an explicit bit generator; the global
`np.random` state is never read).

>>> state = seeded_state(1234, 0); state.dtype, state.shape
(dtype('uint64'), (3,))
>>> float(generator(state).random()) == float(generator(state).random())
True
"""

from __future__ import annotations

import threading

import numpy as np

STATE_DTYPE = "uint64"
STATE_LENGTH = 3          # key word 0, key word 1, draw number
_DRAW = 2


def seeded_state(seed, stream: int) -> np.ndarray:
    """The first state of stream number `stream` of a RandomStreams seeded with `seed`.

    Streams get independent keys from one seed through numpy's SeedSequence (its spawn key is
    the stream's number), so reseeding gives every stream a fresh key in one deterministic way.
    """
    key = np.random.SeedSequence(seed, spawn_key=(stream,)).generate_state(2, np.uint64)
    return np.array([key[0], key[1], 0], dtype=STATE_DTYPE)


def fresh_seed() -> int:
    """A seed from the operating system's entropy, for `RandomStreams(seed=None)`."""
    return int(np.random.SeedSequence().entropy)


def check_state(value, what: str) -> None:
    """Raise ValueError unless `value` is a state array (uint64, three words)."""
    value = np.asarray(value)
    if value.dtype != np.uint64 or value.shape != (STATE_LENGTH,):
        raise ValueError(f"{what} must be a random stream state (uint64 array of shape "
                         f"({STATE_LENGTH},)), got {value.dtype} array of shape {value.shape}")


def next_state(state: np.ndarray) -> np.ndarray:
    """The state of the draw after `state`'s: the same key, the next draw number."""
    following = np.array(state, dtype=STATE_DTYPE, copy=True)
    following[_DRAW] += np.uint64(1)
    return following


# One Philox generator per thread, set to a draw's whole state before every use: a reusable
# buffer, not state (nothing of one draw survives into the next). Building a new Philox per
# draw costs ~50 us, setting the state of this one ~6 us.
_GENERATORS = threading.local()


def generator(state: np.ndarray) -> np.random.Generator:
    """A numpy Generator positioned at the start of `state`'s draw (valid until the next call
    in this thread)."""
    pair = getattr(_GENERATORS, "pair", None)
    if pair is None:
        bits = np.random.Philox(key=np.zeros(2, np.uint64))
        pair = _GENERATORS.pair = (bits, np.random.Generator(bits))
    bits, numpy_generator = pair
    bits.state = {
        "bit_generator": "Philox",
        "state": {"counter": np.array([0, 0, 0, state[_DRAW]], dtype=np.uint64),
                  "key": np.array(state[:_DRAW], dtype=np.uint64)},
        "buffer": np.zeros(4, dtype=np.uint64), "buffer_pos": 4,
        "has_uint32": 0, "uinteger": 0,
    }
    return numpy_generator
