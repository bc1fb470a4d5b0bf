"""Python number literals' constants (`y + 1.0`): their data and type made once and shared.

A build loop writes the same literal once per node; constants never change their data, so every
use shares one read-only array (each use is still its own constant, as in Theano). A literal
that meets a tensor of another dtype is cast once per dtype too (`retyped_data`).
"""

from __future__ import annotations

import math

import numpy as np

from graphlens.config import config
from graphlens.graph.types import AUTOCAST_FLOAT, autocast_float, autocast_int
from graphlens.tensor.type import tensor_type


# Python number literal -> (read-only data, type) of its constant; and (data's id, dtype) ->
# the same for the literal cast to dtype (data in these tables is kept, so an id stays its own).
# Constants never change their data, so every `+ 1.0` of a build loop shares one array.
_LITERALS = {}
_LITERAL_DATA = {}
_RETYPED = {}
_PADDED = {}
MAX_LITERALS = 4096


def literal(value):
    """(data, type) of the literal constant of the Python int or float `value`, or None for an
    int too large for any dtype (`constant` then says so).

    >>> literal(1.0)[0] is literal(1.0)[0]         # doctest: +SKIP
    True
    """
    # -0.0 == 0.0 but is another constant; NaN is never equal to itself, so never found. A
    # float's dtype depends on floatX (autocast_float).
    key = ((value, math.copysign(1.0, value), config.floatX, AUTOCAST_FLOAT.dtypes)
           if value.__class__ is float else value, value.__class__)
    found = _LITERALS.get(key)
    if found is None:
        try:
            data = np.array(value, dtype=default_dtype(value))
        except OverflowError:
            return None
        data.setflags(write=False)
        found = (data, tensor_type(data.dtype.name, ()))
        if len(_LITERALS) < MAX_LITERALS and value == value:
            _LITERALS[key] = found
            _LITERAL_DATA[id(data)] = data
    return found


def retyped_data(data, dtype):
    """(data, type) of the read-only array `data` cast to `dtype`, shared when `data` is a
    shared literal's: a weak constant taking the dtype of the tensor it meets (tensor/elemwise).

    >>> retyped_data(constant(1.0).data, 'float64')[1]           # doctest: +SKIP
    TensorType(float64, ())
    """
    key = (id(data), dtype)
    found = _RETYPED.get(key)
    if found is None:
        cast = data.astype(dtype)
        cast.setflags(write=False)
        found = (cast, tensor_type(cast.dtype.name, cast.shape))
        if len(_RETYPED) < MAX_LITERALS and _LITERAL_DATA.get(id(data)) is data:
            _RETYPED[key] = found
            _LITERAL_DATA[id(cast)] = cast      # kept: padded in turn (`padded_data`)
    return found


def padded_data(data, ndim):
    """(data, type) of the read-only array `data` with axes of length 1 added in front up to
    rank `ndim` (a view: no copy), shared when `data` is a shared literal's: `x * 2.0` for a
    vector x reads 2.0 as [2.0], and a gradient makes such a constant per product (issue #23).

    >>> padded_data(constant(1.0).data, 2)[1]                     # doctest: +SKIP
    TensorType(float32, (1, 1))
    """
    key = (id(data), ndim)
    found = _PADDED.get(key)
    if found is None:
        padded = data.reshape((1,) * (ndim - data.ndim) + data.shape)
        found = (padded, tensor_type(padded.dtype.name, padded.shape))
        if len(_PADDED) < MAX_LITERALS and _LITERAL_DATA.get(id(data)) is data:
            _PADDED[key] = found
    return found


def default_dtype(value):
    """The dtype of a constant of `value` when none is asked for: an array's own, Theano's
    literal dtypes for Python numbers (graph/types.py), floatX for a list of floats.

    >>> default_dtype(300), default_dtype(2.5)           # doctest: +SKIP
    ('int16', 'float32')
    """
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return value.dtype
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return autocast_int(value)
    if isinstance(value, float):
        return autocast_float(value, config.floatX)
    if isinstance(value, complex):
        return "complex128"
    array = np.asarray(value)
    if array.dtype == np.float64:
        return config.floatX
    return array.dtype
