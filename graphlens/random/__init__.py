"""Random draws inside graphs that give Theano's numbers: `RandomStreams` (numpy's RandomState,
seeded as Theano seeded each stream: streams.py, distributions.py, state.py, shared_state.py)
and `MRG_RandomStreams` (Theano 1.0's MRG31k3p: mrg.py, mrg_draws.py, mrg31k3p.py), their draws
ops of (state, size, *params) giving (samples, next state) (draw.py). Theano's paths
`graphlens.tensor.shared_randomstreams` and `graphlens.sandbox.rng_mrg` re-export them."""

from graphlens.random.mrg import MRG_RandomStreams  # noqa: F401
from graphlens.random.streams import RandomStreams  # noqa: F401
