"""Theano's `theano.misc.safe_asarray._asarray` (also `theano._asarray`): numpy.asarray with a
dtype that may be 'floatX'. Theano code builds its test data with it.

>>> _asarray([1, 2], dtype='int32')
array([1, 2], dtype=int32)
"""

import numpy as np

from graphlens.config import config


def _asarray(a, dtype, order=None):
    """`a` as a numpy array of `dtype` ('floatX' is config.floatX), in `order`.

    >>> _asarray(0.5, 'floatX').dtype == np.dtype(config.floatX)
    True
    """
    dtype = np.dtype(config.floatX if str(dtype) == "floatX" else dtype)
    return np.asarray(a, dtype=dtype, order=order)


__all__ = ["_asarray"]
