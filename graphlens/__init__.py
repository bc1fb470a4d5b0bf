"""graphlens: see and debug symbolic computation graphs.

>>> import graphlens.tensor as T
>>> from graphlens import function, grad, pp
>>> x = T.dscalar('x'); f = function([x], x ** 2)
>>> float(f(3.0))
9.0
"""

import numpy as np

from graphlens.config import config
from graphlens.logs import (disable_log_handler, graphlens_logger, logging_default_formatter,
                            logging_default_handler)
from graphlens.compile.function import In, Out, function
from graphlens.compile.shared import shared
from graphlens.gradient import grad, jacobian, hessian, subgraph_grad, verify_grad
# Plugs the NaN guard into the evaluator (compile/hooks.py), so compile/ never imports trace/.
import graphlens.trace.nan  # noqa: E402,F401
# Plugs DebugMode's checks in the same way (trace/debugmode.py).
import graphlens.trace.debugmode  # noqa: E402,F401
from graphlens.compile.shared import shared_constructor  # noqa: E402


@shared_constructor
def _sparse_shared(value, **options):
    """`graphlens.shared(scipy_matrix)` is a sparse shared variable without importing
    graphlens.sparse first (Theano needed `import theano.sparse`): graphlens.sparse loads on
    the first scipy.sparse value, so `import graphlens` does not pay for it (~75 ms)."""
    if not type(value).__module__.startswith("scipy.sparse"):
        return NotImplemented
    from graphlens.sparse.sharedvar import sparse_constructor
    return sparse_constructor(value, **options)



@shared_constructor
def _random_state_shared(value, name=None, borrow=False, **options):
    """`graphlens.shared(numpy.random.RandomState(s))` holds a stream's state, as Theano's
    RandomStateSharedVariable: draws of `tensor.raw_random` read it."""
    if not isinstance(value, np.random.RandomState):
        return NotImplemented
    from graphlens.random.shared_state import RandomStateSharedVariable
    state = RandomStateSharedVariable(value, name=name)
    if borrow:
        state.set_value(value, borrow=True)
    return state

from graphlens.compile.function import Param
from graphlens.compile.mode import Mode
from graphlens.directional import Lop, Rop
from graphlens.graph.clone import clone
from graphlens.graph.scopes import name_scope, scope_of
from graphlens import tensor
from graphlens.scan import (scan, map, reduce, foldl, foldr,  # noqa: A004 (Theano's names)
                            scan_checkpoints)
from graphlens.updates import OrderedUpdates
from graphlens.tensor.blas import dot
# Theano's `theano.Op`, `theano.Apply`, ... for ops written as its tutorial writes them.
from graphlens.graph.basic import Apply, Constant, Variable
# Theano's FunctionGraph(inputs, outputs, features=None, clone=True) (gof/fg.py).
from graphlens.gof.fg import FunctionGraph
from graphlens.graph.op import Op
from graphlens.graph.types import Generic, Type, generic
from graphlens.compile.ops import as_op
from graphlens.compile.builders import OpFromGraph
from graphlens.compile.pickling import function_dump   # theano.function_dump
from graphlens.compile.profiling import ProfileStats     # theano.ProfileStats

from graphlens.misc.safe_asarray import _asarray  # theano._asarray(value, dtype)

change_flags = config.change_flags     # Theano's theano.change_flags(floatX='float32')

__version__ = "0.1.0"

__all__ = [
    "config", "function", "In", "Out", "shared", "grad", "jacobian", "hessian", "verify_grad",
    "subgraph_grad",
    "pp", "debugprint", "pydotprint",
    "Param", "Mode", "Lop", "Rop", "clone", "printing", "tensor", "dot", "change_flags",
    "pprint", "scan", "map", "reduce", "foldl", "foldr", "OrderedUpdates", "name_scope",
    "scan_checkpoints",
    "scope_of", "Op", "Apply", "Variable", "Constant", "FunctionGraph", "Type", "Generic",
    "generic", "as_op", "OpFromGraph",
    "ProfileStats", "function_dump", "sparse_grad",
]


def sparse_grad(var):
    """x[rows] whose gradient in x is sparse (Theano's `theano.sparse_grad`); see
    graphlens.sparse.sparse_grad. Loads graphlens.sparse on the first call.

    >>> g = graphlens.grad(graphlens.sparse_grad(W[idx]).sum(), W)       # doctest: +SKIP
    """
    from graphlens.sparse.values import sparse_grad as build
    return build(var)


def __getattr__(name):
    # The printers and pictures load only when first asked for: importing graphlens stays cheap.
    if name in ("pp", "pprint"):          # one PPrinter under both names, as in Theano
        from graphlens.render.pprinter import pprint
        return pprint
    if name == "debugprint":
        from graphlens.render.debugprint import debugprint
        return debugprint
    if name == "pydotprint":
        from graphlens.render.picture import pydotprint
        return pydotprint
    # `import theano` gave theano.printing, theano.scan_module.until, theano.ifelse, ... without
    # importing them: a submodule is imported the first time it is asked for by name.
    import importlib.util
    if not name.startswith("_") and importlib.util.find_spec(f"graphlens.{name}") is not None:
        return importlib.import_module(f"graphlens.{name}")
    raise AttributeError(f"module 'graphlens' has no attribute {name!r}")
