"""`MRG_RandomStreams`: Theano's other stream factory, with its defaults and signatures.

The draws are the same as `RandomStreams`' (numpy's Philox, not Theano's MRG31k3p: the numbers
differ from Theano's, the distributions do not). The seed defaults to 12345, `nstreams` (how
many parallel generators Theano ran on a GPU) is accepted and has nothing to change here, and
`multinomial` takes one distribution per row of `pvals`.

>>> srng = MRG_RandomStreams(seed=42)
>>> mask = srng.binomial(size=(3, 4), p=0.8, dtype='float32')
"""

from __future__ import annotations

from graphlens.random.streams import RandomStreams


class MRG_RandomStreams(RandomStreams):  # noqa: N801  (Theano's name)
    """Theano's `theano.sandbox.rng_mrg.MRG_RandomStreams(seed=12345)`."""

    def __init__(self, seed=12345):
        super().__init__(seed)

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None,
                **kwargs):
        """Samples uniform in [low, high); `size` is required, as in Theano."""
        return super().uniform(size, low, high, ndim=ndim, dtype=dtype)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None, **kwargs):
        """Normal samples of mean `avg` and standard deviation `std`; `size` is required."""
        return super().normal(size, avg, std, ndim=ndim, dtype=dtype)

    def binomial(self, size=None, n=1, p=None, ndim=None, dtype="int64", nstreams=None,
                 **kwargs):
        """Successes in `n` trials of probability `p` (p is required)."""
        if p is None:
            p = kwargs.pop("prob", None)
        if p is None:
            raise TypeError("MRG_RandomStreams.binomial: p is required")
        return super().binomial(size, n, p, ndim=ndim, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64",
                    nstreams=None, **kwargs):
        """One-hot counts of `n` draws for each row of `pvals` (a matrix): shape pvals.shape."""
        if pvals is None:
            raise TypeError("MRG_RandomStreams.multinomial: pvals is required")
        return super().multinomial(size, n, pvals, ndim=ndim, dtype=dtype)
