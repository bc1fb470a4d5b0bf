"""A stream's state as a shared variable whose value also answers to Theano's RandomState calls.

Theano kept a `numpy.random.RandomState` in each stream's shared variable, and its tutorial
reseeds or rewinds one stream through that object:

    rng_val = rv_u.rng.get_value(borrow=True); rng_val.seed(89234)
    rv_u.rng.set_value(rng_val, borrow=True)
    saved = rv_u.rng.get_value().get_state(); ...; rng_val.set_state(saved)

Here the value is the state array itself (`random/state.py`), as a `StreamState`: an ndarray
with `seed`, `get_state` and `set_state`, so that code runs unchanged. The variable keeps its
value a StreamState whatever sets it (`set_value`, an update after a call).

>>> state = RandomStateSharedVariable(seeded_state(1, 0)); state.get_value().get_state().shape
(5,)
"""

from __future__ import annotations

import numpy as np

from graphlens.compile.shared import SharedVariable
from graphlens.random.state import STATE_DTYPE, STATE_LENGTH, check_state, seeded_state
from graphlens.tensor.type import TensorType


class StreamState(np.ndarray):
    """A stream's state array (uint64[5]) with the RandomState methods Theano code calls."""

    def seed(self, seed):
        """Restart this stream from `seed`, in place (as `RandomState.seed`)."""
        self[...] = seeded_state(int(seed), 0)

    def get_state(self) -> np.ndarray:
        """A copy of the state, to give back to `set_state` later."""
        return np.array(self, dtype=STATE_DTYPE)

    def set_state(self, state):
        """Rewind or move this stream to a state saved with `get_state`, in place."""
        check_state(state, "set_state's argument")
        self[...] = state


class RandomStateSharedVariable(SharedVariable):
    """The shared variable holding a stream's state: Theano's class of the same name."""

    def __init__(self, value, name=None):
        check_state(value, "a random stream's state")
        super().__init__(TensorType(STATE_DTYPE, (None,)), value, name=name)

    @property
    def _value(self):
        return self._state

    @_value.setter
    def _value(self, value):
        # Every way in (the constructor, set_value, a function's update) lands here.
        self._state = np.asarray(value, dtype=STATE_DTYPE).view(StreamState)

    __hash__ = SharedVariable.__hash__

    def set_value(self, value, borrow=False):
        """A new state (uint64[5]); copied unless `borrow=True`."""
        check_state(value, f"the new value of {self!r}")
        self._value = value if borrow else np.array(value, dtype=STATE_DTYPE)
