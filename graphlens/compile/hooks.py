"""Wrappers the evaluator may run around each op's `perform`, plugged in from rooms above.

The NaN guard's facts (which value went bad, where it was built, what its inputs held) belong to
`trace/`, which sits above `compile/`. So the evaluator never imports `trace/`: `trace/nan.py`
plugs its wrapper in here under a name when it is imported (`graphlens/__init__.py` imports it),
and `function(..., nan_guard=True)` asks for that name. A wrapper takes a node and returns the
callable the evaluator runs instead of `node.op.perform` (same arguments, same result).

Progress of long work goes the same way up: the command line plugs a reporter in
(`reporting_progress`) and the rewrite driver, handed it by `Mode.rewrite`, tells it its counts.

>>> plug_perform_wrapper("nan_guard", guarded_perform)        # what trace/nan.py does
>>> perform_wrapper("nan_guard") is guarded_perform
True
"""

from __future__ import annotations

import contextlib

from graphlens.errors import ConfigError

# {name: wrapper(node) -> perform}. Filled once, at import, by the rooms that define wrappers;
# a table of plug-ins, never changed while functions run.
_PERFORM_WRAPPERS = {}


def plug_perform_wrapper(name: str, wrapper) -> None:
    """Make `wrapper` (node -> perform callable) available to the evaluator as `name`."""
    _PERFORM_WRAPPERS[name] = wrapper


def perform_wrapper(name: str):
    """The wrapper plugged in as `name`; a ConfigError naming what is plugged in otherwise."""
    return _plugged(_PERFORM_WRAPPERS, name, "evaluator hook",
                    "`import graphlens.trace.nan` plugs in 'nan_guard'")


def _plugged(table, name, kind, advice):
    """`table[name]`, or a ConfigError saying what is plugged in and how to plug `name` in."""
    wrapper = table.get(name)
    if wrapper is None:
        plugged = ", ".join(sorted(table)) or "none"
        raise ConfigError(f"no {kind} named {name!r} is plugged in (plugged in: {plugged}); "
                          f"{advice}")
    return wrapper


# {name: wrapper(function, call) -> call}: what a compiled function's call becomes when a room
# above checks every call (DebugMode, trace/debugmode.py). Filled once, at import.
_CALL_WRAPPERS = {}


def plug_call_wrapper(name: str, wrapper) -> None:
    """Make `wrapper(function, call) -> call` available to compiled functions as `name`."""
    _CALL_WRAPPERS[name] = wrapper


def call_wrapper(name: str):
    """The call wrapper plugged in as `name`; a ConfigError naming what is plugged in otherwise.

    >>> f._call = call_wrapper("debug_mode")(f, f._call)          # doctest: +SKIP
    """
    return _plugged(_CALL_WRAPPERS, name, "call wrapper",
                    "`import graphlens.trace.debugmode` plugs in 'debug_mode'")


# Reporters of long work, innermost last: the command line plugs one in while a model file
# compiles its functions (before graphlens has control back), and the rewrite driver tells it
# its counts. A reporter is `reporter(stage, counts)`; it decides when to print (rarely).
_PROGRESS_REPORTERS = []


@contextlib.contextmanager
def reporting_progress(reporter):
    """Within the block, compiling tells `reporter(stage, counts)` how far its rewrites got
    (`'rewriting', {'phase': 'fusion', 'replacements': 1200, 'ops': 5000, ...}`).

    >>> with reporting_progress(lambda stage, counts: print(stage, counts['replacements'])):
    ...     f = function([x], T.exp(x))                                 # doctest: +SKIP
    """
    _PROGRESS_REPORTERS.append(reporter)
    try:
        yield reporter
    finally:
        _PROGRESS_REPORTERS.remove(reporter)


def progress_reporter():
    """The reporter plugged in now (the innermost), or None: nobody is listening."""
    return _PROGRESS_REPORTERS[-1] if _PROGRESS_REPORTERS else None


def waiting(stage: str, counts: dict):
    """A context manager around one long call that reports nothing itself (a Graphviz
    layout): the plugged reporter, if it has `waiting`, says meanwhile how long it has taken.

    >>> with waiting("laying out", {"nodes": 2300, "edges": 4100}):
    ...     svg = render_dot(dot_text)                                    # doctest: +SKIP
    """
    reporter = progress_reporter()
    if reporter is None or not hasattr(reporter, "waiting"):
        return contextlib.nullcontext()
    return reporter.waiting(stage, counts)
