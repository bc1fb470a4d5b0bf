"""`subgraph_grad`: back-propagation one piece of a graph at a time (Theano's
`theano.subgraph_grad`), for layer-by-layer updates or a hand-written gradient through a step
`grad` cannot differentiate (a sampling step, say).

It is two calls of `grad` (graphlens/backprop.py) that stop at the `end` variables, so it sits
beside `grad` in the import order and compiles nothing.

>>> wrt_grads, end_grads = subgraph_grad(wrt=[W2], end=[h], cost=cost)    # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.backprop import grad
from graphlens.errors import GraphlensTypeError, InvalidArgumentError
from graphlens.graph.basic import Variable


def subgraph_grad(wrt, end, start=None, cost=None, details=False):
    """Gradients with respect to `wrt` and to `end` of `cost` and/or of the known gradients
    `start` ({variable: its gradient}), back-propagated no further than the `end` variables
    (held constant, as `consider_constant`). Disconnected variables get zero gradients.

    Returns (wrt_grads, end_grads), two lists in the order of `wrt` and `end`; with `details`
    also the gradients from `start` alone and from `cost` alone (each a list over `wrt` then
    `end` without repeats, or None when that source was not given). Feeding
    `dict(zip(end, end_grads))` as the next call's `start` continues the chain rule: the
    pieces add up to `grad` of the whole graph. As in Theano, a `cost` whose gradient is
    already part of `start` is counted twice.

    >>> g_w2, g_h = subgraph_grad(wrt=[w2], end=[h], cost=cost2)         # doctest: +SKIP
    >>> g_w1, g_x = subgraph_grad(wrt=[w1], end=[x], start=dict(zip([h], g_h)))  # doctest: +SKIP
    """
    if cost is None and start is None:
        raise InvalidArgumentError("subgraph_grad needs a cost or start gradients (a dict "
                                   "{variable: its gradient}); both are None")
    for name, value in (("wrt", wrt), ("end", end)):
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, Variable) for v in value):
            raise GraphlensTypeError(f"subgraph_grad: {name} must be a list of symbolic "
                                     f"variables, got {value!r:.80}")
    if start is not None and not isinstance(start, dict):
        raise GraphlensTypeError(f"subgraph_grad: start must be a dict {{variable: its "
                                 f"gradient}}, got {type(start).__name__}")
    # Each variable once, in the order given: a variable in both lists gets one gradient.
    params = list(dict.fromkeys(list(wrt) + list(end)))
    options = {"consider_constant": list(end), "disconnected_inputs": "ignore"}
    start_grads = (list(grad(None, params, known_grads=start, **options))
                   if start is not None else None)
    cost_grads = list(grad(cost, params, **options)) if cost is not None else None
    if start_grads is None:
        total = cost_grads
    elif cost_grads is None:
        total = start_grads
    else:
        total = [g_start + g_cost for g_start, g_cost in zip(start_grads, cost_grads)]
    by_param = dict(zip(params, total))
    wrt_grads = [by_param[v] for v in wrt]
    end_grads = [by_param[v] for v in end]
    if details:
        return wrt_grads, end_grads, start_grads, cost_grads
    return wrt_grads, end_grads
