"""A stream's state as a shared variable whose value is a `numpy.random.RandomState`, as Theano's.

Theano kept a RandomState in each stream's shared variable, and its tutorial reseeds, rewinds
and copies streams through it:

    rng_val = rv_u.rng.get_value(borrow=True); rng_val.seed(89234)
    rv_u.rng.set_value(rng_val, borrow=True)
    saved = rv_u.rng.get_value().get_state(); ...; rng_val.set_state(saved)

Here `get_value()` gives a real RandomState too (borrow=True: the variable's own, which stays
its state until a call updates it), and `set_value` takes one (or words from `state.pack`).
What compiled functions read and write is the packed array (`random/state.py`): the variable
holds whichever of the two it was last given and makes the other when asked; while a borrowed
RandomState may be changed by its holder, every read packs it again.

>>> from graphlens.random.state import seeded_words
>>> state = RandomStateSharedVariable(seeded_words(1)); type(state.get_value()).__name__
'RandomState'
"""

from __future__ import annotations

import copy

import numpy as np

from graphlens.compile.shared import SharedVariable
from graphlens.random.raw import random_state_type
from graphlens.random.state import as_words, new_random_state, pack


class RandomStateSharedVariable(SharedVariable):
    """The shared variable holding a stream's state: Theano's class of the same name."""

    def __init__(self, value, name=None):
        super().__init__(random_state_type, as_words(value, "a random stream's state"), name=name)

    @property
    def _value(self):
        # What compiled functions read: the words, packed again from a RandomState its holder
        # may have reseeded since it was lent.
        if self._lent is not None:
            self._words = pack(self._lent)
        return self._words

    @_value.setter
    def _value(self, words):
        # Compiled functions' updates and the constructor land here (words, checked before).
        self._words = words
        self._generator = self._lent = None

    __hash__ = SharedVariable.__hash__

    def _random_state(self) -> np.random.RandomState:
        if self._lent is not None:
            return self._lent
        if self._generator is None:
            self._generator = new_random_state(self._words)
        return self._generator

    def get_value(self, borrow=False, return_internal_type=False):
        """The stream's RandomState: a copy, or with `borrow=True` the variable's own (changes
        to it, `seed(n)` or `set_state(s)`, are the stream's until a call moves it on).
        `return_internal_type=True`: the packed words compiled functions read."""
        if return_internal_type:
            return self._value if borrow else self._value.copy()
        generator = self._random_state()
        if not borrow:
            return copy.deepcopy(generator)
        self._lent = generator
        return generator

    def implicit_test_value(self):
        return self._value

    def set_value(self, value, borrow=False):
        """A new state: a numpy RandomState (kept itself with `borrow=True`, as Theano's) or
        the uint32[628] words `random.state.pack` makes of one."""
        words = as_words(value, f"the new value of {self!r}")
        self._value = words
        if borrow and isinstance(value, np.random.RandomState):
            self._lent = value

    def __getstate__(self):
        state = super().__getstate__()
        state["_words"] = self._value          # a lent RandomState's latest state
        state["_generator"] = state["_lent"] = None
        return state
