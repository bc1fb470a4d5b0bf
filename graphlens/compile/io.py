"""A function's inputs and outputs with options: Theano's `In` and `Out` (`theano.compile.io`).

`In(x, value=1.0, name='rate')` gives an input a default and a keyword. Theano's other options
work as its `In` documented them:

- `update`: after each call the input's default becomes this expression's value, so
  `In(a, value=0.0, update=a + 1)` counts the calls (a state kept by the function; a value
  passed explicitly is used for that call and then updated);
- `implicit=True`: not an argument at all: the input always takes its (updated) default;
- `strict=True`: an argument must already be an array of the input's dtype and rank (no
  conversion), else TypeError;
- `allow_downcast`: this input's own `allow_input_downcast` (None: the function's);
- `mutable`: the function may overwrite the argument's array (a user's in-place op compiled
  with `accept_inplace=True`); `borrow`, `autoname` and `shared` as Theano's.

>>> counter = function([In(a, value=0.0, update=a + 1)], a)      # doctest: +SKIP
>>> counter(), counter(), counter()                               # doctest: +SKIP
(array(0.), array(1.), array(2.))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, OutputKeyError, describe
from graphlens.graph.basic import Variable
from graphlens.graph.overwrites import journal, put_back
from graphlens.tensor.variable import as_tensor_variable


@dataclass
class In:
    """An input with options, in Theano's order: `In(x, 'rate', 1.0)` is
    `In(x, name='rate', value=1.0)`."""

    variable: Variable
    name: str | None = None
    value: object = None
    update: object = None
    # The function may overwrite this argument's array (an op of the user's that works in
    # place, compiled with accept_inplace=True); Theano's In(x, mutable=True).
    mutable: bool | None = None
    strict: bool = False
    allow_downcast: bool | None = None
    autoname: bool = True
    implicit: bool | None = None
    borrow: bool | None = None
    shared: bool = False

    def __post_init__(self):
        if self.name is not None and not isinstance(self.name, str):
            raise GraphlensTypeError(f"In: the name of {describe(self.variable)} must be a "
                                     f"string, got {self.name!r:.60}")
        if self.autoname:
            self.name = self.name or getattr(self.variable, "name", None)
        self.mutable = bool(self.mutable)
        # Theano's rule: an input the function may overwrite may also be aliased by outputs.
        self.borrow = self.mutable if self.borrow is None else bool(self.borrow)
        self.implicit = bool(self.implicit)
        if self.implicit and self.value is None:
            raise GraphlensTypeError(f"In: the implicit input {describe(self.variable)} must "
                                     f"be given a default value")
        if self.update is not None:
            self.update = _checked_update(self.variable, self.update)


def _get_value(item):
    return item.__dict__["_cell"][0]


def _set_value(item, new):
    # Theano's `In(s, value=f.container[s])`: this input keeps its state in f's own cell, so
    # each function sees the other's updates (and `f[s] = v` reaches both).
    shared_cell = getattr(new, "input_cell", None)
    if shared_cell is not None:
        item.__dict__["_cell"] = shared_cell
    elif "_cell" in item.__dict__:
        item.__dict__["_cell"][0] = new
    else:
        item.__dict__["_cell"] = [new]


def _copy_with_own_cell(item):
    # A copy (Function.copy's inputs) keeps its own state, as Theano's new containers did.
    twin = object.__new__(type(item))
    twin.__dict__.update(item.__dict__)
    twin.__dict__["_cell"] = [item.value]
    return twin


In.__copy__ = _copy_with_own_cell
# The dataclass's __init__ assigns `value` through this property: the value lives in a
# one-element cell that another function's input may share (a literal or f.container[x], as
# Theano's In documented `value`).
In.value = property(_get_value, _set_value, doc="The input's default (or the state its update "
                                                 "keeps), shared when given f.container[x].")


def as_input(spec, position=0):
    """An `In` from any way Theano let a function input be written (its old shortcuts):

    - `x`: `In(x)`;  `(x, 2.0)`: `In(x, value=2.0)`;  `('rate', x, 2.0)`: with a name;
    - `((s, s + x), 0.0)`: `In(s, value=0.0, update=s + x)`, a state the function keeps
      (`('total', (s, s + x), 0.0)` names it); `(In(x), 2.0)`: that In with a default.

    A spec of none of these shapes is a TypeError naming input `position`.

    >>> as_input(((s, s + x), 0.0)).update is not None                  # doctest: +SKIP
    True
    """
    if isinstance(spec, In) or not isinstance(spec, (list, tuple)):
        _require_symbolic(spec, position)
        return spec if isinstance(spec, In) else In(spec)
    parts, name = list(spec), None
    if parts and isinstance(parts[0], str):
        name, parts = parts[0], parts[1:]
    update = value = None
    if len(parts) == 2 and isinstance(parts[0], (list, tuple)) and len(parts[0]) == 2:
        (variable, update), value = parts
    elif len(parts) in (1, 2) and isinstance(parts[0], (Variable, In)):
        variable, value = parts[0], (parts[1] if len(parts) == 2 else None)
    else:
        raise GraphlensTypeError(
            f"function: input {position} is {spec!r:.80}, which is not an input: give a "
            f"variable, In(...), (variable, value), ((variable, update), value), or any of "
            f"these after a name ('rate', x, 1.0)")
    if isinstance(value, (Variable, In)):
        raise GraphlensTypeError(f"function: input {position}: the value given for it must "
                                 f"be a number or array, not the symbolic {value!r:.60}")
    _require_symbolic(variable, position)
    if isinstance(variable, In):
        if update is not None:
            raise GraphlensTypeError(f"function: input {position}: an In(...) cannot also be "
                                     f"given an update in a tuple; use In(x, update=...)")
        variable.name = name or variable.name
        variable.value = variable.value if value is None else value
        return variable
    return In(variable, name=name, value=value, update=update)


def _require_symbolic(spec, position):
    """A TypeError naming input `position` unless `spec` (or the In's variable) is symbolic."""
    variable = spec.variable if isinstance(spec, In) else spec
    if not isinstance(variable, Variable):
        raise GraphlensTypeError(f"function: input {position} must be a symbolic variable, "
                                 f"got {variable!r:.60}")


def _checked_update(variable, update):
    """`update` as a variable of `variable`'s kind, or a TypeError naming both (Theano's)."""
    if not isinstance(update, Variable):
        from_value = getattr(variable.type, "array_values", True)
        if not from_value:
            raise GraphlensTypeError(f"In: the update of {describe(variable)} must be a "
                                     f"symbolic variable, got {update!r:.60}")
        update = as_tensor_variable(update)
    old, new = variable.type, update.type
    same = old == new if not hasattr(old, "dtype") else (
        getattr(new, "dtype", None) == old.dtype and getattr(new, "ndim", None) == old.ndim)
    if not same:
        raise GraphlensTypeError(f"In: {describe(variable)} has type {old} but its update "
                                 f"{describe(update)} has type {new}")
    return update


@dataclass
class Out:
    """An output with options: `Out(y, borrow=True)` may return internal storage (no copy)."""

    variable: Variable
    borrow: bool = False


def argument_filter(item, allow_input_downcast, label):
    """filter(value) for the argument of input `item`: its value checked and converted to the
    input's type, as the In's options say (`strict`, its own `allow_downcast`, else the
    function's). One per input, made once; `label` names the argument in errors."""
    value_type = item.variable.type
    allow_downcast = allow_input_downcast if item.allow_downcast is None else \
        item.allow_downcast
    if item.strict:
        return strict_filter(value_type, label)
    if not hasattr(value_type, "_fixed_lengths"):
        return _theano_filter(value_type, allow_downcast, label)

    def filter_argument(value):
        return value_type.filter(value, allow_downcast=allow_downcast, what=label)
    return filter_argument


def _theano_filter(value_type, allow_downcast, label):
    """The argument check of a type written for Theano (`filter(x, strict, allow_downcast)`,
    raising TypeError): its error names the argument too, and stays a TypeError."""

    def filter_argument(value):
        try:
            return value_type.filter(value, strict=False, allow_downcast=allow_downcast)
        except TypeError as exc:
            raise GraphlensTypeError(f"function {label}: {exc}") from exc
    return filter_argument


def strict_filter(value_type, label):
    """The argument check of an `In(x, strict=True)`: an array of exactly the input's dtype and
    rank passes as it is (the type's own filter still checks declared lengths); anything else
    is a TypeError, where a plain input would convert it."""
    dtype = getattr(value_type, "numpy_dtype", None)

    def filter_strictly(value):
        if dtype is not None and (type(value) is not np.ndarray or value.dtype != dtype
                                  or value.ndim != value_type.ndim):
            shown = (f"a {value.dtype} array of rank {value.ndim}"
                     if isinstance(value, np.ndarray) else f"{type(value).__name__} {value!r:.40}")
            raise GraphlensTypeError(f"{label} is strict: it takes a {value_type.dtype} array "
                                     f"of rank {value_type.ndim} as it is, got {shown}")
        return value_type.filter(value, allow_downcast=False, what=label)
    return filter_strictly


def storing_input_updates(function, call):
    """`call` for a function with `In(..., update=...)` inputs: the updates' values are extra
    outputs at the end of what `call` returns; each becomes its input's default, and the user
    gets the outputs they asked for."""
    items, single = function.input_updates, function.single_result
    kept = len(function.outputs) - len(items)

    def call_and_store(*args, **kwargs):
        results = call(*args, **kwargs)
        for item, value in zip(items, results[kept:]):
            item.value = value
        return results[0] if single else results[:kept]
    call_and_store.__wrapped__ = call
    return call_and_store


def keyed_outputs(outputs: dict):
    """Theano's dict of outputs as (keys, outputs): the keys sorted, each a string.

    >>> keyed_outputs({'b': y, 'a': x})                                 # doctest: +SKIP
    (['a', 'b'], [x, y])
    """
    bad = [key for key in outputs if not isinstance(key, str)]
    if bad:
        raise OutputKeyError(f"function: the keys of a dict of outputs must be strings, got "
                             f"{bad[0]!r:.60}")
    keys = sorted(outputs)
    return keys, [outputs[key] for key in keys]


def returning_dict(function, call):
    """`call` for a function compiled from a dict of outputs: it returns {key: value}."""
    keys = function.output_keys

    def call_keyed(*args, **kwargs):
        results = call(*args, **kwargs)
        return dict(zip(keys, [results] if function.single_output else results))
    call_keyed.__wrapped__ = call
    return call_keyed


def lending_states(function, call):
    """`call` for a function that lent an input's value to its user as an object of its own
    (`f[rng]`, a RandomState, through the type's `user_value`/`follow`): the user may change it
    between calls (`f[rng].seed(5)`), and each call moves it on in place, as Theano's
    container held that very object."""
    lent = function._lent_states

    def call_lending(*args, **kwargs):
        for position, held in lent.items():
            item = function.inputs[position]
            item.value = item.variable.type.filter(held)
        try:
            return call(*args, **kwargs)
        finally:
            for position, held in lent.items():
                item = function.inputs[position]
                item.variable.type.follow(held, item.value)
    call_lending.__wrapped__ = call
    return call_lending


def unaliasing_mutable_arguments(function, call):
    """`call` for a function with `In(x, mutable=True)` inputs: a mutable argument whose
    array shares memory with another argument (`f(v, v)`, or a view of it) is copied first,
    as Theano's Function did, so writing into it in place cannot change the other's value."""
    mutable = [position for position, item in enumerate(function.inputs) if item.mutable]

    def call_unaliased(*args, **kwargs):
        arrays = [(k, value) for k, value in enumerate(args) if isinstance(value, np.ndarray)]
        if len(arrays) > 1:
            args = list(args)
            for k in mutable:
                mine = args[k] if k < len(args) else None
                if isinstance(mine, np.ndarray) and any(
                        j != k and np.may_share_memory(mine, other) for j, other in arrays):
                    args[k] = mine.copy()
        return call(*args, **kwargs)
    call_unaliased.__wrapped__ = call
    return call_unaliased


def unaliasing_overwritten_shared(function, overwritten, call):
    """`call` for a function whose program overwrites the arrays of the shared variables
    `overwritten` (updated ones, in place): an argument sharing memory with one of them
    (`f(W.get_value(borrow=True))`) is copied first, and so is the value of an overwritten
    variable that another shared variable it reads shares (`shared(a, borrow=True)` twice), so
    writing in place changes no value the call still reads; and the call runs with a journal
    of the regions it writes into those arrays (graph/overwrites.py): when it raises, they are
    put back, so a failed call changes no shared value.

    The shared values found apart are remembered (held, so their ids stay theirs): a program
    that updates in place keeps the same arrays, and the next call compares identities only.
    """
    written = list(overwritten)
    others = [var for var in function.shared_inputs if var not in overwritten]
    apart = ()

    def call_unaliased(*args, **kwargs):
        nonlocal apart
        values = [var._value for var in written]
        for value in (*args, *kwargs.values()):
            if isinstance(value, np.ndarray) and any(
                    np.may_share_memory(value, mine) for mine in values):
                # The argument is read as it was: a copy of it, not the array written into.
                args, kwargs = _replaced(args, kwargs, value, value.copy())
        held = values + [var._value for var in others]
        if len(apart) != len(held) or any(a is not b for a, b in zip(apart, held)):
            for k, var in enumerate(written):
                value = held[k]
                if any(j != k and isinstance(other, np.ndarray)
                       and np.may_share_memory(value, other) for j, other in enumerate(held)):
                    var._value = held[k] = values[k] = value.copy()
            apart = tuple(held)
        with journal(values) as regions:
            try:
                return call(*args, **kwargs)
            except BaseException:
                put_back(regions)
                raise
    call_unaliased.__wrapped__ = call
    return call_unaliased


def _replaced(args, kwargs, old, new):
    """args and kwargs with the object `old` (by identity) replaced by `new`."""
    return (tuple(new if value is old else value for value in args),
            {key: new if value is old else value for key, value in kwargs.items()})
