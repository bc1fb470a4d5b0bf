"""Theano's `theano.compile.pfunc`: `pfunc`, the function `theano.function` called, with the same
arguments in the same order. Here it is `graphlens.function` itself under that name, so code
written against `pfunc` (and Theano's scan, which imported it) compiles the same way.

>>> f = pfunc([x], x + 1)                               # doctest: +SKIP
"""

from graphlens.compile.function import function
from graphlens.graph.basic import Constant, clone_graph, graph_inputs


def pfunc(params, outputs=None, mode=None, updates=None, givens=None,
          no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
          allow_input_downcast=None, profile=None, on_unused_input=None):
    """Compile `outputs` as a function of `params` (variables or `In`s): `graphlens.function`
    under Theano's older name and argument order.

    >>> pfunc([x], x * 2)(3.0)                           # doctest: +SKIP
    array(6.)
    """
    return function(params, outputs, mode, updates, givens, no_default_updates, accept_inplace,
                    name, rebuild_strict, allow_input_downcast, profile, on_unused_input)


def rebuild_collect_shared(outputs, inputs=None, replace=None, updates=None,
                           rebuild_strict=True, copy_inputs_over=True,
                           no_default_updates=False):
    """Theano's helper behind pfunc: a copy of the graph of `outputs` with `replace`
    ({variable: substitute}) applied, on fresh copies of `inputs` unless `copy_inputs_over`
    (then the inputs themselves are kept); shared variables stay themselves. Returns
    (inputs, outputs, [clone_d, update_d, update_expr, shared_inputs]) as Theano did: the
    replacement of every original variable, the (shared, update) pairs of `updates` rebuilt on
    the copy, and the shared variables the copy reads.

    >>> ins, outs, _ = rebuild_collect_shared([x + 1], [x], copy_inputs_over=False)  # doctest: +SKIP
    """
    single = outputs is not None and not isinstance(outputs, (list, tuple))
    outputs = [] if outputs is None else ([outputs] if single else list(outputs))
    inputs = list(inputs or [])
    clone_d = dict(replace.items() if isinstance(replace, dict) else (replace or []))
    for var in inputs:
        if var not in clone_d:
            clone_d[var] = var if copy_inputs_over else var.type(var.name)
    update_pairs = list(updates.items() if isinstance(updates, dict) else (updates or []))
    targets = outputs + [expr for _, expr in update_pairs]
    copied, memo = clone_graph(targets, replace=clone_d)
    clone_d.update(memo)
    new_outputs = copied[:len(outputs)]
    update_expr = list(zip([var for var, _ in update_pairs], copied[len(outputs):]))
    update_d = dict(update_expr)
    shared_inputs = [var for var in graph_inputs(copied)
                     if getattr(var, "is_shared", False) and not isinstance(var, Constant)]
    new_inputs = [clone_d.get(var, var) for var in inputs]
    return (new_inputs, new_outputs[0] if single else new_outputs,
            [clone_d, update_d, update_expr, shared_inputs])


__all__ = ["pfunc", "rebuild_collect_shared"]
