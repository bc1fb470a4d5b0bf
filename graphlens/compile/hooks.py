"""Wrappers the evaluator may run around each op's `perform`, plugged in from rooms above.

The NaN guard's facts (which value went bad, where it was built, what its inputs held) belong to
`trace/`, which sits above `compile/`. So the evaluator never imports `trace/`: `trace/nan.py`
plugs its wrapper in here under a name when it is imported (`graphlens/__init__.py` imports it),
and `function(..., nan_guard=True)` asks for that name. A wrapper takes a node and returns the
callable the evaluator runs instead of `node.op.perform` (same arguments, same result).

>>> plug_perform_wrapper("nan_guard", guarded_perform)        # what trace/nan.py does
>>> perform_wrapper("nan_guard") is guarded_perform
True
"""

from __future__ import annotations

from graphlens.errors import ConfigError

# {name: wrapper(node) -> perform}. Filled once, at import, by the rooms that define wrappers;
# a table of plug-ins, never changed while functions run.
_PERFORM_WRAPPERS = {}


def plug_perform_wrapper(name: str, wrapper) -> None:
    """Make `wrapper` (node -> perform callable) available to the evaluator as `name`."""
    _PERFORM_WRAPPERS[name] = wrapper


def perform_wrapper(name: str):
    """The wrapper plugged in as `name`; a ConfigError naming what is plugged in otherwise."""
    wrapper = _PERFORM_WRAPPERS.get(name)
    if wrapper is None:
        plugged = ", ".join(sorted(_PERFORM_WRAPPERS)) or "none"
        raise ConfigError(f"no evaluator hook named {name!r} is plugged in (plugged in: "
                          f"{plugged}); `import graphlens.trace.nan` plugs in 'nan_guard'")
    return wrapper
