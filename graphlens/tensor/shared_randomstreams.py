"""`graphlens.tensor.shared_randomstreams`, as Theano's: `RandomStreams` (graphlens.random), whose
draws equal Theano's (numpy RandomState streams seeded as Theano seeded them).

>>> from graphlens.tensor.shared_randomstreams import RandomStreams
>>> srng = RandomStreams(seed=234); rv_u = srng.uniform((2, 2))
"""

from graphlens.random.streams import RandomStreams  # noqa: F401  (re-exported at Theano's path)
