"""Theano's `theano.scalar.sharedvar`: shared variables of scalar type. graphlens's shared
variables of 0-d arrays play that part (`graphlens.shared(0.5)`); Theano code imports this
module so that `shared` of a Python number may give one.

>>> from graphlens.scalar.sharedvar import shared
>>> shared(3).get_value()
array(3)
"""

from graphlens.compile.shared import SharedVariable, shared  # noqa: F401

ScalarSharedVariable = SharedVariable

__all__ = ["shared", "ScalarSharedVariable"]
