"""`T.cov(m)`: the covariance matrix of the variables in the rows of `m` (numpy's `cov`, as
Theano's), built of ordinary ops, so it has gradients.

>>> T.cov(T.dmatrix('m')).ndim
2
"""

from __future__ import annotations

from graphlens.errors import InvalidArgumentError
from graphlens.tensor.basic import cast
from graphlens.tensor.blas import dot
from graphlens.tensor.join import concatenate
from graphlens.tensor.reduce import mean
from graphlens.tensor.variable import as_tensor_variable


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """The covariance matrix of the variables of `m` (rows, or columns with rowvar=False),
    with those of `y` appended; normalised by N - 1 (N with bias=True; N - ddof when given).

    >>> c = T.cov(T.dmatrix('m'), rowvar=False)                  # doctest: +SKIP
    """
    if fweights is not None or aweights is not None:
        raise InvalidArgumentError("cov: frequency and observation weights (fweights, "
                                   "aweights) are not supported, as in Theano; weight the "
                                   "observations before calling cov")
    m = _variables_in_rows(m, rowvar)
    if y is not None:
        m = concatenate([m, _variables_in_rows(y, rowvar)], axis=0)
    if ddof is None:
        ddof = 1 if not bias else 0
    centred = m - mean(m, axis=1, keepdims=True)
    observations = cast(m.shape[1] - ddof, centred.dtype)
    return (dot(centred, centred.T) / observations).squeeze()


def _variables_in_rows(m, rowvar):
    """`m` as a matrix with one variable per row: a vector is one variable (numpy's rule)."""
    m = as_tensor_variable(m)
    if m.ndim == 1:
        return m.dimshuffle('x', 0)
    if m.ndim != 2:
        raise InvalidArgumentError(f"cov: m must be a vector or a matrix, got rank {m.ndim}")
    return m if rowvar else m.T
