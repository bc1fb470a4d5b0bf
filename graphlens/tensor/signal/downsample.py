"""`graphlens.tensor.signal.downsample`, Theano's older pooling module: `max_pool_2d`."""

from __future__ import annotations

from graphlens.tensor.signal.pool import pool_2d


def max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0), mode="max"):
    """Pool the last two axes of `input` over windows `ds` every `st`: Theano's older name and
    argument names for `pool_2d` (a max by default).

    >>> h = max_pool_2d(x, (2, 2), ignore_border=True)       # doctest: +SKIP
    """
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st, pad=padding, mode=mode)
