"""Shared variables: state that lives between calls of compiled functions.

>>> state = shared(0, name='state'); state.get_value()
array(0)
"""

from __future__ import annotations

import copy
import itertools
import threading

import numpy as np

from graphlens.config import config
from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Variable
from graphlens.graph.types import generic
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable, _default_dtype


_CREATION_ORDER = itertools.count()


class OneValueStorage:
    """Theano's one-element storage list over a `value` property: `storage[0]` (or [-1])
    reads and writes `value`; a container is its own storage. Subclasses give `value` and
    name what holds it in `holder` (for the IndexError)."""

    holder = "a container"

    def __getitem__(self, index):
        if index not in (0, -1):
            raise IndexError(f"{self.holder}'s storage holds one value, at index 0")
        return self.value

    def __setitem__(self, index, new):
        if index not in (0, -1):
            raise IndexError(f"{self.holder}'s storage holds one value, at index 0")
        self.value = new

    def __len__(self):
        return 1


class _Container(OneValueStorage):
    """The held value of a shared variable, at Theano's names (`value`, `storage[0]`)."""

    holder = "a shared variable"

    def __init__(self, variable):
        self._variable = variable
        self.storage = self     # storage[0] is the value, as Theano's one-element list

    @property
    def value(self):
        return self._variable.get_value(borrow=True)

    @value.setter
    def value(self, new):
        self._variable.set_value(new, borrow=True)

    # Theano's Container.data: the same held value.
    data = value


class SharedVariable(TensorVariable):
    """A variable with a value, read by every function that uses it and changed by updates."""

    is_shared = True
    # The update every function applies unless told otherwise (graph/default_updates.py):
    # a random stream's state moves to its next draw; `v.default_update = v + 1` counts calls.
    default_update = None

    # Theano's keywords, kept for set_value: `strict` takes only a value of the exact type,
    # `allow_downcast` lets a value be cast to the dtype even when that loses precision.
    strict = False
    allow_downcast = None

    def __init__(self, type, value, name=None, creation_site_=None, *, strict=None,
                 allow_downcast=None):
        super().__init__(type, None, None, name, creation_site_)
        if strict is not None or allow_downcast is not None:
            # Theano's constructor `SharedVariable(name=, type=, value=, strict=)`: the value
            # is checked as set_value checks it.
            self.strict, self.allow_downcast = bool(strict), allow_downcast
            value = self._filtered(value)
        self._value = value
        # Held by a call that updates this variable, from reading its value to writing the new
        # one; functions take their locks in `lock_order` (creation order), so never deadlock.
        self.update_lock = threading.Lock()
        self.lock_order = next(_CREATION_ORDER)

    def get_value(self, borrow=False, return_internal_type=False):
        """The current value; a copy unless `borrow=True` (then do not modify it).

        `return_internal_type` is Theano's (the stored form instead of the user's): it changes
        nothing for arrays; a random stream's state gives its packed words instead of a
        RandomState (random/shared_state.py). The engine's own readers pass it.
        """
        return self._value if borrow else self._value.copy()

    def implicit_test_value(self):
        """A shared variable's test value is its current value (not copied: test-value
        evaluation copies what an op overwrites)."""
        return self._value

    def set_value(self, value, borrow=False):
        """Replace the value (same dtype and rank); copied unless `borrow=True`."""
        array = self._filtered(value)
        self._value = array if borrow and array is value else array.copy()

    def _filtered(self, value):
        what = f"the new value of shared variable {self!r}"
        if self.strict and not (isinstance(value, (np.ndarray, np.generic))
                                and value.dtype == self.type.numpy_dtype
                                and value.ndim == self.type.ndim):
            raise GraphlensTypeError(f"{what} must be a {self.type.dtype} array of rank "
                                     f"{self.type.ndim} (strict=True), got {value!r:.60}")
        return self.type.filter(value, allow_downcast=bool(self.allow_downcast), what=what)

    @property
    def container(self):
        """Theano's `shared.container`: `container.value` and `container.storage[0]` read (and
        set, without a copy) the value the variable holds, as `get_value(borrow=True)` and
        `set_value(v, borrow=True)` do.

        >>> s = shared(np.zeros(2)); s.container.storage[0] is s.get_value(borrow=True)
        True
        """
        return _Container(self)

    def __getstate__(self):
        # A lock cannot be pickled, and an unpickled variable is a new one with a lock of its own.
        state = super().__getstate__()
        del state["update_lock"]
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self.update_lock = threading.Lock()

    def clone(self):
        """Shared variables are never copied: the clone is the variable itself."""
        return self

    __hash__ = TensorVariable.__hash__

    def _repr_text(self):
        return self.name or f"<shared {self.type}>"


# Constructors of shared variables for values that are not arrays, tried first, in the order
# plugged in (Theano's `shared_constructor`): `graphlens/sparse/sharedvar.py` plugs in the one
# for scipy.sparse matrices when it is imported, so compile/ never imports sparse/. Each takes
# shared's arguments and returns a shared variable, or NotImplemented when the value is not
# its kind. Filled at import, never changed while functions run.
_SHARED_CONSTRUCTORS = []


def shared_constructor(constructor):
    """Plug in `constructor` (value, name, borrow, ...) -> SharedVariable, tried by `shared`
    before the array constructor; it returns NotImplemented for values it does not hold.
    Returns it, so it serves as a decorator (Theano's `theano.compile.shared_constructor`).

    >>> @shared_constructor
    ... def sparse_constructor(value, name=None, borrow=False, **options): ...  # doctest: +SKIP
    """
    if constructor not in _SHARED_CONSTRUCTORS:
        _SHARED_CONSTRUCTORS.append(constructor)
    return constructor


def shared(value, name=None, borrow=False, dtype=None, strict=False, allow_downcast=None,
           broadcastable=None, **options):
    """A shared variable holding `value`: `w = shared(np.zeros((784, 10)), name='w')`.

    The value is copied unless `borrow=True`. Its static shape is unknown on every axis, so a
    later `set_value` may change the lengths (not the rank or dtype), except the axes Theano's
    `broadcastable` marks True: those have length 1 for good (a bias row that broadcasts,
    `shared(np.zeros((1, 10)), broadcastable=(True, False))`). `strict` (the value must
    already be an array of its dtype) and `allow_downcast` are Theano's keywords. A value a
    plugged-in constructor holds (a scipy.sparse matrix) gets that constructor's variable;
    `options` are its own keywords (`format=` for sparse).
    """
    if not isinstance(value, (np.ndarray, int, float, bool, np.generic, list, tuple)):
        for constructor in _SHARED_CONSTRUCTORS:
            made = constructor(value, name=name, borrow=borrow, dtype=dtype, strict=strict,
                               allow_downcast=allow_downcast, **options)
            if made is not NotImplemented:
                return made
    if options:
        raise GraphlensTypeError(f"shared: unexpected keyword arguments {sorted(options)} for "
                                 f"an array value")
    if isinstance(value, Variable):
        raise GraphlensTypeError(f"shared: the value must be a number or an array, got the "
                                 f"symbolic variable {value!r:.60}; compute it first "
                                 f"(value.eval()) or use the variable itself")
    if dtype is None and _not_numbers(value):
        # A string, a dict, a list of such: held as it is, of Theano's `generic` type.
        return GenericSharedVariable(generic, value if borrow else copy.deepcopy(value),
                                     name=name)
    # Theano's strict shared took arrays and numbers (its scalar constructor), not lists.
    if strict and not isinstance(value, (np.ndarray, np.generic, int, float, complex)):
        raise GraphlensTypeError(f"shared(strict=True): the value must be a numpy array or a "
                                 f"number, got {type(value).__name__}")
    if dtype is None:
        # A value, not a literal in an expression: a Python int is int64 as in Theano's shared
        # (not the narrowest int a literal would take); a Python float floatX.
        literal = not isinstance(value, (bool, np.generic))
        if literal and isinstance(value, int):
            dtype = "int64"
        elif literal and isinstance(value, float):
            dtype = config.floatX
        else:
            dtype = _default_dtype(value)
    try:
        array = np.asarray(value, dtype=dtype)
    except (OverflowError, ValueError, TypeError) as exc:
        raise GraphlensTypeError(f"shared: cannot hold {value!r:.60} as a {dtype} array: "
                                 f"{exc}") from exc
    if not borrow or array is not value:
        array = array.copy()
    shape = (None,) * array.ndim
    if broadcastable is not None:
        if len(broadcastable) != array.ndim:
            raise GraphlensTypeError(f"shared: broadcastable={tuple(broadcastable)} has "
                                     f"{len(broadcastable)} entries for a value of rank "
                                     f"{array.ndim}")
        for axis, flag in enumerate(broadcastable):
            if flag and array.shape[axis] != 1:
                raise GraphlensTypeError(f"shared: axis {axis} is marked broadcastable but "
                                         f"the value has length {array.shape[axis]} there "
                                         f"(shape {array.shape})")
        shape = tuple(1 if flag else None for flag in broadcastable)
    var = SharedVariable(TensorType(array.dtype, shape), array, name=name)
    if strict or allow_downcast is not None:        # kept for set_value, as Theano's
        var.strict, var.allow_downcast = bool(strict), allow_downcast
    return var


def _not_numbers(value) -> bool:
    """True for a value numpy reads as no array of numbers (strings, dicts, objects)."""
    if isinstance(value, (int, float, complex, np.number, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "biufc"
    try:
        return np.asarray(value).dtype.kind not in "biufc"
    except (ValueError, TypeError):     # a ragged list, say
        return True


class GenericSharedVariable(SharedVariable):
    """A shared variable holding any Python object (Theano's generic shared variable): a
    function may return it or update it to another object; it has no arithmetic.

    >>> state = shared({'epoch': 0}); state.set_value({'epoch': 1}); state.get_value()
    {'epoch': 1}
    """

    __hash__ = SharedVariable.__hash__

    def get_value(self, borrow=False, return_internal_type=False):
        """The object held; a deep copy unless `borrow=True`."""
        return self._value if borrow else copy.deepcopy(self._value)

    def set_value(self, value, borrow=False):
        """Hold `value` (any object); a deep copy of it unless `borrow=True`."""
        self._value = value if borrow else copy.deepcopy(value)


def update_locks(updates) -> tuple:
    """The locks a call holds for `updates` [(shared, expression)]: one per updated variable,
    in creation order, so two functions updating the same variables never deadlock."""
    return tuple(variable.update_lock for variable in sorted(
        {variable for variable, _ in updates}, key=lambda variable: variable.lock_order))
