"""`graphlens.sandbox.rng_mrg`, as Theano's: `MRG_RandomStreams` (graphlens.random).

>>> from graphlens.sandbox.rng_mrg import MRG_RandomStreams
>>> srng = MRG_RandomStreams(seed=1234)
"""

from graphlens.random.mrg import MRG_RandomStreams  # noqa: F401  (re-exported at Theano's path)
