"""Theano's linkers, `gof.PerformLinker()` & co: `linker.accept(fgraph).make_function()` runs a
FunctionGraph as it stands, with no rewrite, each node by its op's `perform`.

graphlens has one evaluator (numpy), so the C linkers run the same way, as `Mode(linker='c')`
does (docs/theano-compat.md). The function takes the graph's inputs in order and returns its
one output, or the list of them.

At Theano's paths `graphlens.gof.link` and `graphlens.gof.PerformLinker`.

>>> from graphlens.gof import FunctionGraph
>>> x = T.dvector('x'); fgraph = FunctionGraph([x], [x * 2])
>>> PerformLinker().accept(fgraph).make_function()([1.0, 2.0]).tolist()
[2.0, 4.0]
"""

from __future__ import annotations

from graphlens.compile.function import function
from graphlens.compile.mode import Mode
from graphlens.errors import GraphlensTypeError


class PerformLinker:
    """Runs an accepted FunctionGraph node by node with each op's `perform` (Theano's)."""

    # The Theano linker name this linker runs as (`Mode(linker=...)`).
    linker_name = "py"

    def __init__(self, allow_gc=None, schedule=None):
        self.fgraph = None

    def accept(self, fgraph, no_recycling=None, profile=None):
        """This linker, bound to `fgraph` (a new one when it is bound to another graph, as
        Theano's `accept` made)."""
        if self.fgraph is not None and self.fgraph is not fgraph:
            return type(self)().accept(fgraph, no_recycling, profile)
        self.fgraph = fgraph
        return self

    def make_function(self, unpack_single=True, **kwargs):
        """A callable of the graph's inputs giving its outputs: the one output itself when
        there is one and `unpack_single`, else a list."""
        if self.fgraph is None:
            raise GraphlensTypeError(f"{type(self).__name__}: accept(fgraph) before "
                                     f"make_function()")
        outputs = list(self.fgraph.outputs)
        return function(list(self.fgraph.inputs),
                        outputs[0] if len(outputs) == 1 and unpack_single else outputs,
                        mode=Mode(linker=self.linker_name, optimizer=None),
                        accept_inplace=True, on_unused_input="ignore")


class OpWiseCLinker(PerformLinker):
    """Theano's C-where-possible linker: each node's `perform` here (graphlens has no C)."""

    linker_name = "c|py"


class CLinker(PerformLinker):
    """Theano's all-C linker: each node's `perform` here (graphlens has no C)."""

    linker_name = "c"


class DualLinker(PerformLinker):
    """Theano's linker that ran each node by both its Python and its C code and compared the
    results with `checker`. graphlens has one evaluator, so there is one result per node and
    nothing to compare: it runs the graph as PerformLinker does (`checker` is kept, unused)."""

    def __init__(self, checker=None, schedule=None):
        super().__init__(schedule=schedule)
        self.checker = checker


__all__ = ["PerformLinker", "OpWiseCLinker", "CLinker", "DualLinker"]
