"""Theano's `theano.printing` path: `from graphlens.printing import pp, debugprint, pydotprint`.

A thin re-export; the printers live in `graphlens/render/`. `pp` and `pprint` are one
`PPrinter` (render/pprinter.py), as in Theano: `pprint.assign(my_op, FunctionPrinter('my_op'))`
changes how the user's op prints, everything else prints as `render.pp.pp` writes it.
`Print('x')(x)` prints x's value each time a compiled function computes it.

>>> import graphlens.tensor as T
>>> x = T.dscalar('x'); pp(x * 2)
'x * 2.0'
"""

from graphlens.render.debugprint import debugprint
from graphlens.render.descriptors import (hex_digest, min_informative_str,
                                          position_independent_str, var_descriptor)
from graphlens.render.picture import pydotprint
from graphlens.render.pprinter import (DefaultPrinter, FunctionPrinter, IgnorePrinter,
                                       LeafPrinter, MemberPrinter, OperatorPrinter,
                                       PatternPrinter, PPrinter, PrinterState, default_printer,
                                       greek, leaf_printer, pprint, special)
from graphlens.tensor.print_op import Print

pp = pprint

# Theano scripts check these before calling pydotprint: graphlens draws without pydot (its own
# DOT writer, and Graphviz compiled to WebAssembly when no `dot` is installed).
pydot_imported = True
pydot_imported_msg = ""

__all__ = ["pp", "pprint", "debugprint", "pydotprint", "Print", "PPrinter", "PrinterState",
           "OperatorPrinter", "PatternPrinter", "FunctionPrinter", "MemberPrinter",
           "IgnorePrinter", "DefaultPrinter", "LeafPrinter", "default_printer", "leaf_printer",
           "greek", "special", "min_informative_str", "var_descriptor", "hex_digest",
           "position_independent_str"]
