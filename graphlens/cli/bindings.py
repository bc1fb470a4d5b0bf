"""Names for the model's unnamed shared variables, from the model file itself.

`W = shared(np.zeros((3, 4)))` has no name of its own, but the file binds it to `W`; a layer
object holding it as `self.W` under `layer2 = Layer(...)` binds it to `layer2.W`. Every view
(pp, debugprint, pictures, trace, show) prints a variable's name, so naming the variable once,
right after the model ran, gives them all the same word instead of `s1` or `<float64[?, ?]>`.

>>> name_unnamed_shared({"W": shared(np.zeros(3))})["W"].name       # doctest: +SKIP
'W'
"""

from __future__ import annotations

import types


def name_unnamed_shared(namespace: dict) -> dict:
    """Give each unnamed shared variable of `namespace` the name binding it: a module-level
    name first, else `object.attribute` of a module-level object. Returns `namespace`.

    Deterministic: the file's own binding order decides; a variable bound twice keeps the first.
    """
    named = set()
    for name, value in namespace.items():
        if not name.startswith("_") and _unnamed_shared(value) and id(value) not in named:
            value.name = name
            named.add(id(value))
    for name, value in namespace.items():
        if name.startswith("_") or not _is_holder(value):
            continue
        for attribute, held in vars(value).items():
            if not attribute.startswith("_") and _unnamed_shared(held) and id(held) not in named:
                held.name = f"{name}.{attribute}"
                named.add(id(held))
    return namespace


def _unnamed_shared(value) -> bool:
    return getattr(value, "is_shared", False) is True and getattr(value, "owner", 1) is None \
        and not getattr(value, "name", None)


def _is_holder(value) -> bool:
    """A plain object of the user's (a layer), not a module, class, function or variable."""
    if isinstance(value, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
        return False
    if getattr(value, "is_shared", False) or hasattr(value, "owner"):
        return False
    return isinstance(getattr(value, "__dict__", None), dict)
