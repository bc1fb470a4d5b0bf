"""What a step function may return: outputs, updates of shared variables, a stop condition.

Theano's forms are all accepted: `h`, `[h, y]`, `(h, updates)`, `(updates, h)`, `updates`,
`until(cond)`, `(h, until(cond))`, `(h, updates, until(cond))`.
"""

from __future__ import annotations

from collections import OrderedDict

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Variable
from graphlens.tensor.variable import as_tensor_variable


class OrderedUpdates(OrderedDict):
    """The updates `scan` returns: {shared variable: its value after the loop}, in order.

    Pass them on: `function(inputs, outputs, updates=updates)`; combine them as Theano's
    allowed, `scan_updates + other_updates` (two different updates of one variable raise).
    """

    def update(self, other=(), **kwargs):
        """Add `other`'s pairs; a variable given two different new values is an error."""
        pairs = list(other.items()) if isinstance(other, dict) else list(other)
        for key, value in pairs + list(kwargs.items()):
            if key in self and self[key] is not value:
                raise KeyError(f"two different updates of {key!r}")
            self[key] = value

    def __add__(self, other):
        merged = OrderedUpdates(self)
        merged.update(other)
        return merged

    def __radd__(self, other):
        merged = OrderedUpdates(other)
        merged.update(self)
        return merged


class until:  # noqa: N801 -- Theano's name: theano.scan_module.until
    """A stop condition for a step function: `return h, until(T.gt(h, 10))`.

    The loop stops after the first step whose condition is true; that step's outputs are kept.
    """

    def __init__(self, condition):
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise GraphlensTypeError(f"until: the condition must be a scalar, got a tensor of "
                                     f"rank {condition.ndim}")
        self.condition = condition


def _is_updates(value) -> bool:
    if isinstance(value, dict):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(pair, (list, tuple)) and len(pair) == 2
                   and _is_shared(pair[0]) for pair in value)
    return False


def _is_shared(value) -> bool:
    return getattr(value, "is_shared", False) is True


def split_returns(returned):
    """(outputs list, OrderedDict of updates, condition or None) from what fn returned."""
    condition = None
    if isinstance(returned, until):
        return [], OrderedDict(), returned.condition
    if _is_updates(returned) and not isinstance(returned, Variable):
        return [], OrderedDict(_pairs(returned)), None
    if not isinstance(returned, (list, tuple)):
        return [_output(returned)], OrderedDict(), None
    items = list(returned)
    if items and isinstance(items[-1], until):
        condition = items.pop().condition
    updates = OrderedDict()
    rest = []
    for item in items:
        if isinstance(item, until):
            condition = item.condition
        elif isinstance(item, (list, tuple)) and not item and rest:
            continue                 # ([h], (), until(c)): Theano read () as no updates
        elif _is_updates(item) and not updates and not _looks_like_outputs(item):
            updates = OrderedDict(_pairs(item))
        else:
            rest.append(item)
    if len(rest) == 1 and isinstance(rest[0], (list, tuple)) and len(returned) > 1:
        rest = list(rest[0])         # (outputs_list, updates), (outputs_list, until(c))
    return [_output(item) for item in rest], updates, condition


def _looks_like_outputs(value) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, Variable) for v in value)


def _pairs(updates):
    pairs = list(updates.items()) if isinstance(updates, dict) else [tuple(p) for p in updates]
    for variable, _ in pairs:
        if not _is_shared(variable):
            raise GraphlensTypeError(f"scan: fn returned an update of {variable!r:.60}, which is "
                                     f"not a shared variable")
    return pairs


def _output(value):
    try:
        return as_tensor_variable(value)
    except GraphlensTypeError as exc:
        raise GraphlensTypeError(f"scan: fn must return symbolic outputs, updates or until(); "
                                 f"got {value!r:.60}") from exc
