"""graphlens: see and debug symbolic computation graphs.

>>> import graphlens.tensor as T
>>> from graphlens import function, grad, pp
>>> x = T.dscalar('x'); f = function([x], x ** 2)
>>> float(f(3.0))
9.0
"""

from graphlens.config import config
from graphlens.compile.function import In, Out, function
from graphlens.compile.shared import shared
from graphlens.gradient import grad, jacobian, hessian, verify_grad
from graphlens.compile.mode import Mode

__version__ = "0.1.0"

__all__ = [
    "config", "function", "In", "Out", "shared", "grad", "jacobian", "hessian", "verify_grad",
    "pp", "debugprint", "pydotprint",
    "Mode",
]


def __getattr__(name):
    # The printers and pictures load only when first asked for: importing graphlens stays cheap.
    if name in ("pp", "debugprint"):
        from graphlens.render import pp as pp_module, debugprint as dp_module
        return {"pp": pp_module.pp, "debugprint": dp_module.debugprint}[name]
    if name == "pydotprint":
        from graphlens.render.picture import pydotprint
        return pydotprint
    raise AttributeError(f"module 'graphlens' has no attribute {name!r}")
