"""Helpers shared by the tensor tests: loop cases, variables shaped like arrays, test points."""

import contextlib
import sys

import numpy as np

import graphlens.tensor as T
from graphlens import function

# The float dtypes every finite-difference gradient test runs in.
FLOATS = ["float64", "float32"]


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


def symbol(array):
    """A variable for `array`: its dtype and rank, length-1 axes broadcastable (T.row, T.col)."""
    return T.TensorType(array.dtype, tuple(1 if d == 1 else None for d in array.shape))()


def run(build, *arrays):
    """Compile build(*variables) for variables shaped like `arrays`; return (output, value)."""
    variables = [symbol(a) for a in arrays]
    out = build(*variables)
    return out, function(variables, out)(*arrays)


def point(shape, dtype, seed=1):
    """A random test point in [-2, 2] of `shape` and `dtype`, the same for the same seed."""
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)
