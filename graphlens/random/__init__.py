"""Random draws inside graphs: `RandomStreams` and the ops it builds (graphlens.random.draw,
graphlens.random.distributions); Theano's paths `graphlens.tensor.shared_randomstreams` and
`graphlens.sandbox.rng_mrg` re-export them."""

from graphlens.random.mrg import MRG_RandomStreams  # noqa: F401
from graphlens.random.streams import RandomStreams  # noqa: F401
