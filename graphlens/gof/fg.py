"""Theano's `theano.gof.fg`: `FunctionGraph` and the errors Theano code catches from it.

Theano's FunctionGraph takes `(inputs, outputs, features=None, clone=True)` and, by default,
works on a copy of the graph, so optimizers run on it leave the user's own variables as they
were; this one does the same.

>>> from graphlens.gof.fg import FunctionGraph, MissingInputError
>>> fgraph = FunctionGraph([x, y], [x * y + x])                     # doctest: +SKIP
"""

from graphlens.errors import InconsistencyError, MissingInputError  # noqa: F401
from graphlens.graph import fg as _fg
from graphlens.graph.basic import clone_graph


class FunctionGraph(_fg.FunctionGraph):
    """graphlens's FunctionGraph with Theano's constructor: `clone=True` copies the nodes
    between `inputs` and `outputs` first (the inputs stay the same variables)."""

    def __init__(self, inputs, outputs, features=None, clone=True, update_mapping=None):
        outputs = list(outputs)
        if clone:
            outputs, _ = clone_graph(outputs)
        super().__init__(inputs, outputs)
        self.update_mapping = update_mapping
        for feature in features or ():
            self.attach_feature(feature)
