"""Theano's `theano.gof`: the graph's building blocks where Theano code imports them
(`from theano.gof import Op, Apply`, `theano.gof.graph.inputs`). They live in graphlens/graph/.

>>> from graphlens.gof import Apply, Op, Variable
"""

from graphlens.graph.basic import Apply, Constant, Variable  # noqa: F401
from graphlens.graph.op import Op  # noqa: F401
from graphlens.graph.types import Generic, Type, generic  # noqa: F401
from graphlens.errors import InconsistencyError, MissingInputError  # noqa: F401
from graphlens.gof import fg, graph, utils  # noqa: F401
from graphlens.gof.fg import FunctionGraph  # noqa: F401  (Theano's constructor)
# The user's own rewrites, at Theano's names (gof.local_optimizer, gof.Optimizer, ...).
from graphlens.gof.opt import (  # noqa: F401
    EquilibriumOptimizer, LocalOptGroup, LocalOptimizer, MergeOptimizer, OpRemove, OpSub,
    Optimizer, PatternSub, SeqOptimizer, TopoOptimizer, in2out, local_optimizer, out2in)
from graphlens.gof import op, opt, toolbox  # noqa: F401
from graphlens.gof.optdb import Query  # noqa: F401  (Theano's gof.Query, for optdb.query)


def __getattr__(name):
    # Theano's linkers (gof.PerformLinker().accept(fgraph).make_function()) compile, so they
    # live in compile/ (compile/linkers.py), which imports this package: they load when asked.
    if name in ("PerformLinker", "OpWiseCLinker", "CLinker", "DualLinker", "link"):
        import importlib
        link = importlib.import_module("graphlens.gof.link")
        return link if name == "link" else getattr(link, name)
    raise AttributeError(f"module 'graphlens.gof' has no attribute {name!r}")
