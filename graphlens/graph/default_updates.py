"""Default updates: a shared variable may carry the update every function applies to it.

A random stream's state is a shared variable whose `default_update` moves it to the next draw,
so every call of a compiled function draws fresh numbers without the user listing the update.
Any shared variable may have one (`counter.default_update = counter + 1`). `function(...,
no_default_updates=True)` applies none; a list leaves out those variables only; an explicit
update always wins over a default one.

>>> counter = shared(0); counter.default_update = counter + 1          # doctest: +SKIP
>>> f = function([], counter); f(), f()                                # doctest: +SKIP
(array(0), array(1))
"""

from __future__ import annotations

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import graph_inputs


def default_update_pairs(targets, explicit_updates, no_default_updates, roots=None) -> list:
    """[(shared, default update)] for the shared variables `targets` read (outputs and update
    expressions, and what their default updates read in turn) that have a default update,
    no explicit one, and are not excluded by `no_default_updates` (True, False or a list).
    `roots`, when the caller has it, is `graph_inputs(targets)` (not walked again).

    >>> default_update_pairs([counter * 2], [], False)       # doctest: +SKIP
    [(counter, counter + 1)]
    """
    if no_default_updates is True:
        return []
    if no_default_updates is False or no_default_updates is None:
        excluded = set()
    elif isinstance(no_default_updates, (list, tuple, set, frozenset)):
        excluded = set(no_default_updates)
    else:
        raise GraphlensTypeError(f"function: no_default_updates must be True, False or a list "
                                 f"of shared variables, got {no_default_updates!r:.60}")
    done = excluded | {variable for variable, _ in explicit_updates}
    pairs = []
    pending = list(targets)
    # A default update may read other shared variables with default updates of their own:
    # each round looks only at what the previous round added, so the work stays linear.
    while pending:
        added = []
        for var in graph_inputs(pending) if roots is None else roots:
            update = getattr(var, "default_update", None)
            if update is None or var in done or not getattr(var, "is_shared", False):
                continue
            done.add(var)
            pairs.append((var, update))
            added.append(update)
        pending, roots = added, None
    return pairs
