"""A RandomStreams stream's state: numpy's legacy `RandomState` (MT19937), as a small array.

Theano kept a `numpy.random.RandomState` in each stream and drew with its methods, so a seeded
Theano program's numbers are MT19937's. Here the engine carries a stream's state as a uint32
array of 628 words: the generator's 624 key words, its position, whether a second normal
sample is cached (the legacy Box-Muller draws two at a time) and that cached sample's 64 bits.
An array is what every room of the engine already moves, copies and compares (loops, ifelse,
DebugMode's re-runs); `RandomState` objects exist only inside a draw and in what users read
through `rng.get_value()`.

>>> words = seeded_words(1234); words.dtype, words.shape
(dtype('uint32'), (628,))
>>> float(random_state(words).uniform()) == float(np.random.RandomState(1234).uniform())
True
"""

from __future__ import annotations

import threading

import numpy as np

STATE_DTYPE = "uint32"
KEY_LENGTH = 624
STATE_LENGTH = KEY_LENGTH + 4     # key, position, has_gauss, the cached gaussian (two words)
_POS, _HAS_GAUSS, _GAUSS = KEY_LENGTH, KEY_LENGTH + 1, KEY_LENGTH + 2


def seeded_words(seed: int) -> np.ndarray:
    """The state of `numpy.random.RandomState(seed)`, as words."""
    return pack(np.random.RandomState(int(seed)))


def pack(generator: np.random.RandomState) -> np.ndarray:
    """`generator`'s whole state (get_state) as a new uint32[628] array."""
    _, key, pos, has_gauss, gauss = generator.get_state()
    words = np.empty(STATE_LENGTH, dtype=STATE_DTYPE)
    words[:KEY_LENGTH] = key
    words[_POS] = pos
    words[_HAS_GAUSS] = has_gauss
    words[_GAUSS:] = np.array([gauss], dtype="float64").view(STATE_DTYPE)
    return words


def state_tuple(words: np.ndarray) -> tuple:
    """`words` as the tuple `RandomState.set_state` takes (and `get_state` returns)."""
    gauss = float(np.asarray(words[_GAUSS:], dtype=STATE_DTYPE).view("float64")[0])
    return ("MT19937", np.array(words[:KEY_LENGTH], dtype=STATE_DTYPE), int(words[_POS]),
            int(words[_HAS_GAUSS]), gauss)


def new_random_state(words: np.ndarray) -> np.random.RandomState:
    """A new RandomState at `words` (what `rng.get_value()` gives users)."""
    generator = np.random.RandomState()
    generator.set_state(state_tuple(words))
    return generator


def check_state(value, what: str) -> None:
    """Raise ValueError unless `value` is a stream state (uint32[628] words)."""
    value = np.asarray(value)
    if value.dtype != np.uint32 or value.shape != (STATE_LENGTH,):
        raise ValueError(f"{what} must be a random stream state (a numpy RandomState, or the "
                         f"uint32 array of shape ({STATE_LENGTH},) it packs to), got "
                         f"{value.dtype} array of shape {value.shape}")


def as_words(value, what: str) -> np.ndarray:
    """A RandomState or a state array given by a user, as a new words array."""
    if isinstance(value, np.random.RandomState):
        return pack(value)
    check_state(value, what)
    return np.array(value, dtype=STATE_DTYPE)


# One RandomState per thread, set to a draw's input state before every use: a reusable
# buffer, not state (nothing of one draw survives into the next, and the input array is never
# written). Making a RandomState per draw would cost a seeding from the OS as well.
_GENERATORS = threading.local()


def random_state(words: np.ndarray) -> np.random.RandomState:
    """A RandomState positioned at `words` (valid until the next call in this thread)."""
    generator = getattr(_GENERATORS, "generator", None)
    if generator is None:
        generator = _GENERATORS.generator = np.random.RandomState(0)
    generator.set_state(state_tuple(words))
    return generator
