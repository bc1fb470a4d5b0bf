"""Theano's `theano.printing` path: `from graphlens.printing import pp, debugprint, pydotprint`.

A thin re-export; the printers live in `graphlens/render/`. `pprint` is Theano's other name for
`pp`. `Print('x')(x)` prints x's value each time a compiled function computes it.

>>> import graphlens.tensor as T
>>> x = T.dscalar('x'); pp(x * 2)
'x * 2.0'
"""

from graphlens.render.debugprint import debugprint
from graphlens.render.picture import pydotprint
from graphlens.render.pp import pp
from graphlens.tensor.print_op import Print

pprint = pp

# Theano scripts check these before calling pydotprint: graphlens draws without pydot (its own
# DOT writer, and Graphviz compiled to WebAssembly when no `dot` is installed).
pydot_imported = True
pydot_imported_msg = ""

__all__ = ["pp", "pprint", "debugprint", "pydotprint", "Print"]
