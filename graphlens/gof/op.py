"""Theano's `theano.gof.op`: the base class of ops (`class MyOp(theano.gof.op.Op)`), and
`PureOp`, its older name. The class lives in graphlens/graph/op.py.

>>> from graphlens.gof.op import Op
"""

from graphlens.graph.op import Op


PureOp = Op

__all__ = ["Op", "PureOp"]
