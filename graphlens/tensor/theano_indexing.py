"""Theano's indexing helpers of `theano.tensor.subtensor` beyond `x[...]`, `inc_subtensor` and
`set_subtensor`: the functions its op instances were (`advanced_inc_subtensor1(x, y, ilist)`,
`advanced_set_subtensor(x, y, *index)`, ...) and `get_canonical_form_slice`.

>>> advanced_inc_subtensor1(x, y, [0, 0, 2])      # doctest: +SKIP  (x[[0, 0, 2]] += y, twice 0)
"""

from __future__ import annotations

from graphlens.tensor.compare import lt, maximum, minimum, switch
from graphlens.tensor.subtensor import inc_subtensor, set_subtensor
from graphlens.tensor.variable import as_tensor_variable


def advanced_subtensor1(x, ilist):
    """x[ilist]: the rows of x at the int vector `ilist`.

    >>> advanced_subtensor1(x, [2, 0])                         # doctest: +SKIP
    """
    return as_tensor_variable(x)[ilist]


def advanced_subtensor(x, *index):
    """x[index] for an advanced index (int arrays, possibly with slices)."""
    return as_tensor_variable(x)[tuple(index)]


def advanced_inc_subtensor1(x, y, ilist):
    """x with y added at rows `ilist`; a row listed twice gets y added twice (numpy's add.at).

    >>> advanced_inc_subtensor1(x, 1.0, [0, 0])                # doctest: +SKIP
    """
    return inc_subtensor(as_tensor_variable(x)[ilist], y)


def advanced_set_subtensor1(x, y, ilist):
    """x with rows `ilist` set to y."""
    return set_subtensor(as_tensor_variable(x)[ilist], y)


def advanced_inc_subtensor(x, y, *index):
    """x with y added at the advanced index `index`."""
    return inc_subtensor(as_tensor_variable(x)[tuple(index)], y)


def advanced_set_subtensor(x, y, *index):
    """x with the elements at the advanced index `index` set to y."""
    return set_subtensor(as_tensor_variable(x)[tuple(index)], y)


def get_canonical_form_slice(theslice, length):
    """(canonical, direction) with `x[theslice]` equal to `x[canonical][::direction]` for a
    sequence of `length` items, as Theano's: the canonical slice has 0 <= start <= stop <=
    length and a positive step, and direction is 1 or -1. An integer index gives its
    non-negative form and 1. Bounds and length may be symbolic; the results are graphs.

    >>> get_canonical_form_slice(slice(None, None, -2), 5)     # doctest: +SKIP
    (slice(0, 5, 2), -1)
    """
    length = as_tensor_variable(length)
    if not isinstance(theslice, slice):
        index = as_tensor_variable(theslice)
        return switch(lt(index, 0), index + length, index), 1
    step = 1 if theslice.step is None else theslice.step
    if isinstance(step, int):
        return _canonical_with_sign(theslice.start, theslice.stop, step, length)
    # A symbolic step: both forms, picked by its sign.
    step = as_tensor_variable(step)
    up, _ = _canonical_with_sign(theslice.start, theslice.stop, abs(step), length, False)
    down, _ = _canonical_with_sign(theslice.start, theslice.stop, abs(step), length, True)
    negative = lt(step, 0)
    pick = [switch(negative, d, u) for u, d in ((up.start, down.start), (up.stop, down.stop))]
    return slice(pick[0], pick[1], abs(step)), switch(negative, -1, 1)


def _bound(value, length, low, high, default):
    """A slice bound made non-negative (negatives count from the end) and clipped to
    [low, high]; `default` when None."""
    if value is None:
        return default
    value = as_tensor_variable(value)
    return minimum(maximum(switch(lt(value, 0), value + length, value), low), high)


def _canonical_with_sign(start, stop, step, length, negative=None):
    """The canonical slice for a step whose sign is known (Python's slice.indices, then the
    decreasing run turned into an increasing one). `negative` says the sign of a symbolic
    step given by its size."""
    if negative is None:
        negative = step < 0
    if not negative:
        first = _bound(start, length, 0, length, as_tensor_variable(0))
        last = _bound(stop, length, 0, length, length)
        return slice(first, maximum(last, first), step), 1
    size = abs(step)
    first = _bound(start, length, -1, length - 1, length - 1)
    last = _bound(stop, length, -1, length - 1, as_tensor_variable(-1))
    count = maximum((first - last + size - 1) // size, 0)       # items start, start - size, ...
    low = first - (count - 1) * size
    begin = switch(count > 0, low, 0)
    end = switch(count > 0, first + 1, 0)
    return slice(begin, end, size), -1


__all__ = ["advanced_subtensor1", "advanced_subtensor", "advanced_inc_subtensor1",
           "advanced_set_subtensor1", "advanced_inc_subtensor", "advanced_set_subtensor",
           "get_canonical_form_slice"]
