"""Theano's `f.value[x]` and `f.container[x]`: a compiled function's input defaults, by key.

`f[x]` (compile/function.py) reads the value input `x` takes when a call gives none; Theano
also spelled it `f.value[x]`, and `f.container[x].value` (or `.storage[0]`) through the
container holding it. These views read and write through `f[x]`, so every spelling sees one
value. A shared variable the function reads has its own container (`shared.container`).

>>> acc = function([x, ((s, s + x), 0.0)], s)                        # doctest: +SKIP
>>> acc(2.0); acc.value[s], acc.container[s].value                   # doctest: +SKIP
(array(2.), array(2.))
"""

from __future__ import annotations

from graphlens.compile.shared import OneValueStorage


class InputValues:
    """`f.value`: `f.value[x]` is `f[x]`, and `f.value[x] = v` is `f[x] = v`."""

    def __init__(self, function):
        self._function = function

    def __getitem__(self, key):
        return self._function[key]

    def __setitem__(self, key, value):
        self._function[key] = value

    def __contains__(self, key):
        return _holds(self._function, key)


class InputContainers:
    """`f.container`: `f.container[x]` holds input `x`'s default (`.value`, `.storage[0]`); a
    shared variable the function reads gives its own container."""

    def __init__(self, function):
        self._function = function

    def __getitem__(self, key):
        shared = _shared_of(self._function, key)
        if shared is not None:
            return shared.container
        self._function[key]          # an unknown input: the function's own error names it
        return InputContainer(self._function, key)

    def __contains__(self, key):
        return _holds(self._function, key) or _shared_of(self._function, key) is not None


class InputContainer(OneValueStorage):
    """One input's default, at Theano's names: `value`, `storage[0]` (a one-value list)."""

    holder = "an input"

    def __init__(self, function, key):
        self._function = function
        self._key = key

    @property
    def storage(self) -> list:
        """Theano's one-element list: the cell the input's default lives in (shared with the
        inputs given `value=` this container). A value written there is checked when a call
        reads it."""
        return self.input_cell

    @property
    def value(self):
        return self._function[self._key]

    @value.setter
    def value(self, new):
        self._function[self._key] = new

    @property
    def input_cell(self) -> list:
        """Where the input's default lives: `In(y, value=f.container[x])` shares it."""
        return self._function.inputs[self._function._input_position(self._key)].__dict__["_cell"]

    @property
    def name(self):
        return self._function.inputs[self._function._input_position(self._key)].name

    @property
    def type(self):
        return self._function.inputs[self._function._input_position(self._key)].variable.type


def is_key_of(key, variable, name) -> bool:
    """True when `key` (a variable, or a name) picks the input `variable` called `name`: the
    one rule of `f[key]`, `f.value[key]` and `f.container[key]`.

    >>> is_key_of('rate', x, 'rate'), is_key_of(x, x, None)          # doctest: +SKIP
    (True, True)
    """
    return variable is key or (isinstance(key, str) and name == key)


def _holds(function, key) -> bool:
    return any(is_key_of(key, item.variable, item.name) for item in function.inputs)


def _shared_of(function, key):
    """The shared variable of `function` that `key` picks, or None."""
    return next((variable for variable in function.shared_inputs
                 if is_key_of(key, variable, variable.name)), None)
