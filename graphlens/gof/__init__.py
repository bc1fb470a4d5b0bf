"""Theano's `theano.gof`: the graph's building blocks where Theano code imports them
(`from theano.gof import Op, Apply`, `theano.gof.graph.inputs`). They live in graphlens/graph/.

>>> from graphlens.gof import Apply, Op, Variable
"""

from graphlens.graph.basic import Apply, Constant, Variable  # noqa: F401
from graphlens.graph.fg import FunctionGraph  # noqa: F401
from graphlens.graph.op import Op  # noqa: F401
from graphlens.graph.types import Type  # noqa: F401
from graphlens.errors import InconsistencyError, MissingInputError  # noqa: F401
from graphlens.gof import fg, graph, utils  # noqa: F401
