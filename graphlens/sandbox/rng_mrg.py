"""`graphlens.sandbox.rng_mrg`, as Theano's: `MRG_RandomStreams` (graphlens.random), drawing
Theano 1.0's MRG31k3p numbers; `guess_n_streams` is Theano's stream-count guess; `mrg_uniform`
(the uniform draw's op, with Theano's `mrg_uniform.new`), `ff_2p72` and `ff_2p134` (a state
moved to the next substream, stream).

>>> from graphlens.sandbox.rng_mrg import MRG_RandomStreams
>>> srng = MRG_RandomStreams(seed=1234)
"""

from graphlens.random.mrg import (  # noqa: F401  (Theano's path)
    MRG_RandomStreams, ff_2p72, ff_2p134, guess_n_streams)
from graphlens.random.mrg_draws import MRGUniform as mrg_uniform  # noqa: F401,N813
