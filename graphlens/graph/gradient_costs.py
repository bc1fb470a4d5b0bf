"""Which cost a gradient was taken of, so a function counts the cost's inputs as read.

Theano seeded a gradient with `fill(cost, 1.0)`, so every gradient read the inputs of its cost:
`function([x], grad(x * 2, x))` compiled and returned 2.0, and the input gradient of a linear
model (`grad(T.sum(w * x), x)`, which is w) compiled with x as its input. graphlens seeds with
the constant 1 (gradients print as `2.0 * x`, not `fill(x ** 2, 1.0) * 2 * ...`), so such a
gradient does not read x; `function` asks here instead, and counts the inputs of the cost of
every gradient in its outputs' graphs as used. Nothing in any graph changes.

>>> remember_cost(g, cost); cost_of(g) is cost                     # doctest: +SKIP
True
"""

from __future__ import annotations

import weakref

# {gradient variable: its cost}; weak, so a gradient nobody holds costs nothing here.
_COSTS = weakref.WeakKeyDictionary()


def remember_cost(gradient, cost) -> None:
    """Note that `gradient` (a variable `grad` returned) is a gradient of `cost`."""
    _COSTS[gradient] = cost


def costs_read_by(variables) -> list:
    """The costs of the gradients among `variables`, in order, without repeats."""
    found = {}
    for var in variables:
        cost = _COSTS.get(var)
        if cost is not None:
            found[id(cost)] = cost
    return list(found.values())
