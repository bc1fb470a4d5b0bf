"""`Function.copy`: the same compiled function, with other shared variables or no updates.

The copy reuses the optimized graph (it never changes after compiling) and gets its own
evaluator; the evaluator keeps no storage between calls, so two copies never share
intermediate values, whatever `share_memory` says.

>>> f2 = f.copy(swap={w: w2}, delete_updates=True)                      # doctest: +SKIP
"""

from __future__ import annotations

import copy

from graphlens.compile.shared import update_locks
from graphlens.errors import GraphlensTypeError, describe


def copy_function(function, *, share_memory=False, swap=None, delete_updates=False, name=None):
    """A copy of `function`: shared variables read and updated through `swap` ({old: new},
    same types), and without updates when `delete_updates`. The copy's graph (its pictures)
    still names the original shared variables; its values come from the swapped ones."""
    swap = _checked_swap(function, swap or {})
    duplicate = shallow_copy(function)
    # Its own inputs: the state an In update keeps (and f[x] = ...) is the copy's own, as
    # Theano's copy made new containers.
    duplicate.inputs = [copy.copy(item) for item in function.inputs]
    duplicate.shared_inputs = [swap.get(var, var) for var in function.shared_inputs]
    duplicate.updates = [] if delete_updates else [(swap.get(var, var), expression)
                                                   for var, expression in function.updates]
    # The copy locks the variables it updates, not the original's.
    duplicate._update_locks = update_locks(duplicate.updates)
    # Theano's rule: without a name, a named function's copy is called "NAME copy".
    given = function.given_name
    duplicate.name = name if name else (f"{given} copy" if given else None)
    if function.compiled_at:        # an unnamed one's copy: Theano's default name + " copy"
        duplicate.compiled_at = f"{function.compiled_at} copy"
    # Theano 1.0's copy gives its outputs as a list even when the original returned one value
    # (its tutorial: `new_accumulator(100)` is `[array(0)]`); Theano code indexes it with [0].
    duplicate.single_result = False
    vm = copy.copy(function.vm)
    if delete_updates:
        # The update expressions are still computed (the graph is shared), their values dropped.
        vm.keep_outputs(function._n_outputs)
    duplicate.vm = vm
    duplicate._build_call()
    return duplicate


def shallow_copy(function):
    """A new Function object holding the same attributes as `function` (what copy.copy did
    before Function.__copy__ became Theano's `f.copy()`); the caller replaces what differs."""
    twin = object.__new__(type(function))
    twin.__dict__.update(function.__dict__)
    return twin


def _checked_swap(function, swap) -> dict:
    if not isinstance(swap, dict):
        raise GraphlensTypeError(f"Function.copy: swap must be a dict {{old shared variable: "
                                 f"new shared variable}}, got {swap!r:.60}")
    used = set(function.shared_inputs)
    for old, new in swap.items():
        if old not in used:
            raise GraphlensTypeError(f"Function.copy: swap names {describe(old)}, which the "
                                     f"function does not use")
        if not getattr(new, "is_shared", False) or new.type != old.type:
            raise GraphlensTypeError(f"Function.copy: swap must map {describe(old)} to a "
                                     f"shared variable of the same type ({old.type}), got "
                                     f"{new!r:.60}")
    return swap
