"""`graphlens.sandbox.rng_mrg`, as Theano's: `MRG_RandomStreams` (graphlens.random), drawing
Theano 1.0's MRG31k3p numbers; `guess_n_streams` is Theano's stream-count guess.

>>> from graphlens.sandbox.rng_mrg import MRG_RandomStreams
>>> srng = MRG_RandomStreams(seed=1234)
"""

from graphlens.random.mrg import MRG_RandomStreams, guess_n_streams  # noqa: F401  (Theano's path)
