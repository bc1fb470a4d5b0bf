"""`graphlens.scalar`, at Theano's path `theano.scalar`: the dtype rules Theano programs reach
for by that name. `upcast` is graph/types.py's (numpy's promotion, as Theano 1.0's default
cast_policy): the HMC tutorial asks it for the dtype of a mean of booleans.

>>> import graphlens as theano
>>> theano.scalar.upcast('bool', 'float32'), theano.scalar.upcast('int32', 'float32')
('float32', 'float64')
"""

from graphlens.graph.types import upcast  # noqa: F401  (re-exported at Theano's path)

__all__ = ["upcast"]
