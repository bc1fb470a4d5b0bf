"""Rules for Theano's Assert op: a condition known at compile time to be true is dropped (an
assert left with none is its x), and, only when asked for by name, every assert is removed.

`local_remove_all_assert` is tagged "unsafe": like Theano's, it is not part of any mode and
runs only when included by name or tag (`Mode(include=('local_remove_all_assert',))`, or the
flag `optimizer_including=local_remove_all_assert`), for a model whose checks cost too much.
"""

from __future__ import annotations

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.rewrite.pattern import Pat, Var, fits, rewrite
from graphlens.tensor.assertion import Assert


def _known_true(condition) -> bool:
    return isinstance(condition, Constant) and bool(np.all(condition.data))


ASSERT = Pat(Assert, Var("x"), rest="conditions", op_name="op", name="old")


@rewrite("canonicalize", ASSERT, tags=("fast_compile",), needs=(Assert,))
def remove_useless_assert(x, conditions, op, old):
    """assert(x, 1, c) -> assert(x, c); assert(x, 1) -> x (Theano's local_remove_useless_assert)."""
    kept = [c for c in conditions if not _known_true(c)]
    if len(kept) == len(conditions):
        return None
    return fits(op(x, *kept) if kept else x, old)


@rewrite("canonicalize", ASSERT, tags=("unsafe",), needs=(Assert,))
def local_remove_all_assert(x, old):
    """assert(x, ...) -> x: every check gone. Unsafe, so only when included by name."""
    return fits(x, old)
