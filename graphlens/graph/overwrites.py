"""What a call wrote into arrays it was given, kept so that a call that fails puts it back.

A function that updates a shared variable in place (an `inc_subtensor` of W's rows written into
W's own array) must leave W as it was when a later step of the same call fails: graphlens
promises that a failed call loses nothing. An op writing into an input's array in place
records the region first (`remember_overwrite`); the function's call opens a journal around
the run and, on failure, `put_back` restores every recorded region, last written first. Outside
such a call no journal is open and recording costs one attribute read.

>>> with journal() as written:                                          # doctest: +SKIP
...     remember_overwrite(W, (np.array([1, 3]),)); W[[1, 3]] += 1.0
...     put_back(written)                                  # W's rows 1 and 3 are as they were
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

# One journal per thread: concurrent calls of different functions never mix their records.
_local = threading.local()


@contextmanager
def journal():
    """Open a journal for one call: yields the list of (array, index, saved region) that
    `remember_overwrite` fills while it is open. Nested calls each keep their own."""
    outer = getattr(_local, "written", None)
    written = _local.written = []
    try:
        yield written
    finally:
        _local.written = outer


def remember_overwrite(array, index) -> None:
    """Keep a copy of `array[index]` (a tuple of slices or index arrays, numpy's form) before an
    op writes there in place, if a journal is open."""
    written = getattr(_local, "written", None)
    if written is not None:
        written.append((array, index, array[index].copy()))


def put_back(written) -> None:
    """Restore each recorded region, the last written first (a region written twice gets the
    value from before the first write). Repeated indices restore the same saved value."""
    for array, index, saved in reversed(written):
        array[index] = saved
    written.clear()
