"""`MRG_RandomStreams`: Theano's other stream factory, with its defaults and signatures.

The draws are the same as `RandomStreams`' (numpy's PCG64, not Theano's MRG31k3p: the numbers
differ from Theano's, the distributions do not). The seed defaults to 12345, `nstreams` (how
many parallel generators Theano ran on a GPU) is accepted and has nothing to change here,
`multinomial` takes one distribution per row of `pvals`, `choice` draws distinct categories from
each row of `p`, and `normal(truncate=True)` and `truncated_normal` cut at two standard
deviations.

>>> srng = MRG_RandomStreams(seed=42)
>>> mask = srng.binomial(size=(3, 4), p=0.8, dtype='float32')
"""

from __future__ import annotations

from graphlens.errors import ShapeError, describe
from graphlens.random.distributions import ChoiceRows, TruncatedNormal
from graphlens.random.streams import RandomStreams, _float_dtype, _int_param, _ndim, _size
from graphlens.tensor.basic import dtype_name
from graphlens.tensor.variable import as_tensor_variable

# The standard deviation of a standard normal cut at -2 and 2.
TRUNCATED_STD = 0.87962566103423978


class MRG_RandomStreams(RandomStreams):  # noqa: N801  (Theano's name)
    """Theano's `theano.sandbox.rng_mrg.MRG_RandomStreams(seed=12345)`."""

    def __init__(self, seed=12345):
        super().__init__(seed)

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None):
        """Samples uniform in [low, high); `size` is required, as in Theano."""
        return super().uniform(size, low, high, ndim=ndim, dtype=dtype)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
               truncate=False):
        """Normal samples of mean `avg` and standard deviation `std`; `size` is required.
        `truncate=True` cuts them at two standard deviations from the mean."""
        if not truncate:
            return super().normal(size, avg, std, ndim=ndim, dtype=dtype)
        avg, std = as_tensor_variable(avg), as_tensor_variable(std)
        return self.gen(TruncatedNormal(_float_dtype(dtype, [avg, std]), ndim=_ndim(ndim)),
                        _size(size, ndim), avg, std)

    def truncated_normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None):
        """Normal samples cut at two standard deviations, scaled so that their standard
        deviation is `std` (Theano's rule: the cut normal's is 0.8796 of the uncut one's)."""
        return self.normal(size, avg, as_tensor_variable(std) / TRUNCATED_STD, ndim=ndim,
                           dtype=dtype, truncate=True)

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64",
               nstreams=None):
        """For each row of `p` (a matrix of probabilities), `size` distinct category indices:
        shape (rows, size). As in Theano, only `a=None` and `replace=False` are meaningful."""
        if a is not None or p is None:
            raise ShapeError("MRG_RandomStreams.choice draws category indices from the rows of "
                             "p: pass a=None and p (a matrix of probabilities)")
        if replace:
            raise ShapeError("MRG_RandomStreams.choice draws without replacement: pass "
                             "replace=False (or draw with replacement through multinomial)")
        p = as_tensor_variable(p)
        if p.ndim != 2:
            raise ShapeError(f"MRG_RandomStreams.choice: p must be a matrix (one distribution "
                             f"per row), got {describe(p)}")
        return self.gen(ChoiceRows(dtype_name(dtype)), _size(None, None),
                        _int_param(size, "choice", "size"), p)

    def binomial(self, size=None, n=1, p=None, ndim=None, dtype="int64", nstreams=None,
                 prob=None):
        """Successes in `n` trials of probability `p` (p is required)."""
        if p is None:
            p = prob
        if p is None:
            raise TypeError("MRG_RandomStreams.binomial: p is required")
        return super().binomial(size, n, p, ndim=ndim, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64",
                    nstreams=None):
        """One-hot counts of `n` draws for each row of `pvals` (a matrix): shape pvals.shape."""
        if pvals is None:
            raise TypeError("MRG_RandomStreams.multinomial: pvals is required")
        return super().multinomial(size, n, pvals, ndim=ndim, dtype=dtype)
