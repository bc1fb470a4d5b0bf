"""Vector norms over axes: `x.norm(L, axis)`, as Theano's method.

>>> length = v.norm(2); rows = m.norm(1, axis=1)
"""

from __future__ import annotations

import math

import numpy as np

from graphlens.errors import InvalidArgumentError
from graphlens.tensor.compare import neq
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.math import abs as tensor_abs
from graphlens.tensor.reduce import max as tensor_max
from graphlens.tensor.reduce import min as tensor_min
from graphlens.tensor.reduce import sum as tensor_sum
from graphlens.tensor.variable import as_tensor_variable


def norm(x, L, axis=None, keepdims=False):
    """The L-norm of x over `axis` (all axes for None): (sum |x| ** L) ** (1 / L).

    L=inf gives max |x|, L=-inf min |x|, L=0 the count of non-zero elements (where Theano
    raised NotImplementedError for these three).
    """
    x = as_tensor_variable(x)
    if isinstance(L, bool) or not isinstance(L, (int, float, np.integer, np.floating)):
        raise InvalidArgumentError(f"norm at {call_site()}: L must be a number, got {L!r}")
    magnitude = tensor_abs(x)
    if math.isinf(L):
        extreme = tensor_max if L > 0 else tensor_min
        return extreme(magnitude, axis=axis, keepdims=keepdims)
    if L == 0:
        return tensor_sum(neq(x, 0), axis=axis, keepdims=keepdims)
    if L == 1:
        return tensor_sum(magnitude, axis=axis, keepdims=keepdims)
    return tensor_sum(magnitude ** L, axis=axis, keepdims=keepdims) ** (1.0 / L)
