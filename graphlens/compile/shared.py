"""Shared variables: state that lives between calls of compiled functions.

>>> state = shared(0, name='state'); state.get_value()
array(0)
"""

from __future__ import annotations

import numpy as np

from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable, _default_dtype


class SharedVariable(TensorVariable):
    """A variable with a value, read by every function that uses it and changed by updates."""

    is_shared = True
    # The update every function applies unless told otherwise (compile/default_updates.py):
    # a random stream's state moves to its next draw; `v.default_update = v + 1` counts calls.
    default_update = None

    def __init__(self, type, value, name=None, creation_site_=None):
        super().__init__(type, None, None, name, creation_site_)
        self._value = value

    def get_value(self, borrow=False):
        """The current value; a copy unless `borrow=True` (then do not modify it)."""
        return self._value if borrow else self._value.copy()

    def set_value(self, value, borrow=False):
        """Replace the value (same dtype and rank); copied unless `borrow=True`."""
        array = self.type.filter(value, what=f"the new value of shared variable {self!r}")
        self._value = array if borrow and array is value else array.copy()

    def clone(self):
        """Shared variables are never copied: the clone is the variable itself."""
        return self

    __hash__ = TensorVariable.__hash__

    def __repr__(self):
        return self.name or f"<shared {self.type}>"


def shared(value, name=None, borrow=False, dtype=None):
    """A shared variable holding `value`: `w = shared(np.zeros((784, 10)), name='w')`.

    The value is copied unless `borrow=True`. Its static shape is unknown on every axis, so a
    later `set_value` may change the lengths (not the rank or dtype).
    """
    if dtype is None:
        dtype = _default_dtype(value)
    array = np.asarray(value, dtype=dtype)
    if not borrow or array is not value:
        array = array.copy()
    var = SharedVariable(TensorType(array.dtype, (None,) * array.ndim), array, name=name)
    return var
