"""Distribution functions, as Theano's: chi2sf, the chi-square survival function.

>>> p_value = T.chi2sf(statistic, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.tensor.elemwise import BinaryElemwise, float_dtype, unbroadcast
from graphlens.tensor.math import exp, log
from graphlens.tensor.lazy_scipy import special_function
from graphlens.tensor.special import gammaln


@dataclass(frozen=True)
class Chi2SF(BinaryElemwise):
    """P(X > x) for X chi-square distributed with k degrees of freedom."""

    nfunc = special_function("chdtrc")
    notation = Func("chi2sf")
    kinds = "biuf"

    def output_dtype(self, dtype):
        return float_dtype(dtype)

    def impl(self, x, k):
        # scipy's argument order is (k, x).
        return self.nfunc(k, x, dtype=float_dtype(str(x.dtype)))

    def grad(self, inputs, output_grads):
        (x, k), (gz,) = inputs, output_grads
        half = k / 2
        # minus the density: x ** (k/2 - 1) * exp(-x/2) / (2 ** (k/2) * gamma(k/2))
        log_density = (half - 1) * log(x) - x / 2 - half * math.log(2.0) - gammaln(half)
        return [unbroadcast(-gz * exp(log_density), x),
                undefined(k, "chi2sf's derivative with respect to the degrees of freedom k is "
                             "not implemented")]


def chi2sf(x, k):
    """The chi-square survival function P(X > x) with k degrees of freedom: `T.chi2sf(x, k)`."""
    return Chi2SF()(x, k)
