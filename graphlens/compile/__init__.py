"""Compiling graphs into callable functions: function, shared, config, modes and the evaluator.

Theano's `theano.compile` names are found here: `function`, `In`, `Out`, `shared`,
`SharedVariable`, `shared_constructor`, `Mode`, `get_mode`, `get_default_mode`, `FAST_RUN`,
`FAST_COMPILE`, `DebugMode` (its errors in `graphlens.compile.debugmode`), `ProfileStats` (the
profiler, `graphlens.compile.profiling`), `MonitorMode` (the user's functions around every node,
`graphlens.compile.monitormode`), `as_op` and `FromFunctionOp` (a Python function made into
an op, `graphlens.compile.ops`).
"""

from graphlens.compile.function import In, Out, function, function_dump
from graphlens.compile.mode import (FAST_COMPILE, FAST_RUN, DebugMode, Mode, get_default_mode,
                                    get_mode)
from graphlens.compile.monitormode import MonitorMode
from graphlens.compile.ops import DeepCopyOp, FromFunctionOp, as_op, deep_copy_op  # noqa: F401
from graphlens.compile.profiling import ProfileStats
from graphlens.compile.shared import SharedVariable, shared, shared_constructor
# Theano's path is both a module and, in the package, the function (as in Theano).
from graphlens.compile.pfunc import pfunc
from graphlens.config import config  # noqa: F401  (theano.compile.config, as Theano's)
from graphlens.errors import UnusedInputError  # noqa: F401  (theano.compile.UnusedInputError)
# Theano's optimizer database, for one's own rewrites (graphlens/gof/opt.py).
from graphlens.gof.opt import optdb

__all__ = ["function", "In", "Out", "shared", "SharedVariable", "shared_constructor", "Mode",
           "get_mode", "get_default_mode", "FAST_RUN", "FAST_COMPILE", "DebugMode", "optdb",
           "ProfileStats", "MonitorMode", "pfunc", "function_dump"]
