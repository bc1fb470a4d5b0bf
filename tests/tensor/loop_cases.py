"""Helpers shared by the tensor tests that loop over many cases inside one test."""

import contextlib
import sys


def this_line():
    """The caller's line number: errors must name the line that built a variable."""
    return sys._getframe(1).f_lineno


@contextlib.contextmanager
def case(*label):
    """Name the case of a loop inside a test in its failure message."""
    try:
        yield
    except AssertionError as exc:
        raise AssertionError(f"case {label}: {exc}") from exc
