"""Names for the model's unnamed shared variables and functions, from the model file itself.

`W = shared(np.zeros((3, 4)))` has no name of its own, but the file binds it to `W`; a layer
object holding it as `self.W` under `layer2 = Layer(...)` binds it to `layer2.W`, a layer kept in
a list `layers = [...]` to `layers[1].W`, a layer inside a model object to `mlp.hidden.W`. Every
view (pp, debugprint, pictures, trace, show) prints a variable's name, so naming the variable once,
right after the model ran, gives them all the same word instead of `s1` or `<float64[?, ?]>`. An
unnamed compiled function takes its binding too: its picture is titled `function 'train_model'`.

>>> name_unnamed({"W": shared(np.zeros(3))})["W"].name       # doctest: +SKIP
'W'
"""

from __future__ import annotations

import types

# How deep a binding path goes: `mlp.layers[2].W` is three steps below the module's name.
MAX_DEPTH = 3
# Lists longer than this are data (a dataset's rows), not a model's layers: not looked into.
MAX_ITEMS = 64


def name_unnamed(namespace: dict) -> dict:
    """Give each unnamed shared variable and compiled function of `namespace` the name binding
    it: a module-level name first, then the shortest path through the user's objects and
    lists (`layer2.W`, `layers[1].W`, `mlp.hidden.W`). Returns `namespace`.

    Deterministic: breadth first in the file's own binding order; a variable bound twice keeps
    its first (shortest) binding.
    """
    named = set()
    level = [(name, value) for name, value in namespace.items() if not name.startswith("_")]
    seen_holders = set()
    for _ in range(MAX_DEPTH + 1):
        following = []
        for path, value in level:
            if id(value) in named:
                continue
            if _unnamed_shared(value) or _unnamed_function(value):
                value.name = path
                named.add(id(value))
            elif id(value) not in seen_holders:
                seen_holders.add(id(value))
                following += _held(path, value)
        level = following
    return namespace


def _held(path, value) -> list:
    """(path, value) of what a holder holds: a user's object's public attributes, a list's or
    tuple's items; nothing for anything else."""
    if isinstance(value, (list, tuple)) and len(value) <= MAX_ITEMS:
        return [(f"{path}[{index}]", item) for index, item in enumerate(value)]
    if _is_holder(value):
        return [(f"{path}.{attribute}", held) for attribute, held in vars(value).items()
                if not attribute.startswith("_")]
    return []


def _unnamed_shared(value) -> bool:
    return getattr(value, "is_shared", False) is True and getattr(value, "owner", 1) is None \
        and not getattr(value, "name", None)


def _unnamed_function(value) -> bool:
    # A compiled function: both graphs and a rewrite log (as render/subject.py recognises it).
    return all(hasattr(value, name) for name in ("fgraph_before", "fgraph", "rewrite_log")) \
        and not getattr(value, "given_name", None)


def _is_holder(value) -> bool:
    """A plain object of the user's (a layer), not a module, class, function or variable."""
    if isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
        return False
    if getattr(value, "is_shared", False) or hasattr(value, "owner") or hasattr(value, "fgraph"):
        return False
    return isinstance(getattr(value, "__dict__", None), dict)
