"""What a call wrote into arrays it was given, kept so that a call that fails puts it back.

A function that updates a shared variable in place (an `inc_subtensor` of W's rows written into
W's own array) must leave W as it was when a later step of the same call fails: graphlens
promises that a failed call loses nothing. An op writing into an input's array in place
records the region first (`remember_overwrite`); the function's call opens a journal around
the run and, on failure, `put_back` restores every recorded region, last written first. Outside
such a call no journal is open and recording costs one attribute read.

>>> with journal([W]) as written:                                       # doctest: +SKIP
...     remember_overwrite(W, (np.array([1, 3]),)); W[[1, 3]] += 1.0
...     put_back(written)                                  # W's rows 1 and 3 are as they were
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np

# One journal per thread: concurrent calls of different functions never mix their records.
_local = threading.local()


@contextmanager
def journal(watched=()):
    """Open a journal for one call: yields the list of (array, index, saved region) that
    `remember_overwrite` fills while it is open, for writes into the arrays `watched` (the
    values of the shared variables the call updates in place) or views of them. Writes into
    arrays made during the call (a loop's steps) are not kept: they would only cost copies.
    Nested calls each keep their own."""
    outer = getattr(_local, "open", None)
    written = []
    _local.open = (written, tuple(watched))
    try:
        yield written
    finally:
        _local.open = outer


def remember_overwrite(array, index) -> None:
    """Keep a copy of `array[index]` (a tuple of slices or index arrays, numpy's form) before an
    op writes there in place, if a journal is open and `array` is (a view of) one it watches."""
    opened = getattr(_local, "open", None)
    if opened is not None:
        written, watched = opened
        if any(np.may_share_memory(array, base) for base in watched):
            written.append((array, index, array[index].copy()))


def put_back(written) -> None:
    """Restore each recorded region, the last written first (a region written twice gets the
    value from before the first write). Repeated indices restore the same saved value."""
    for array, index, saved in reversed(written):
        array[index] = saved
    written.clear()
