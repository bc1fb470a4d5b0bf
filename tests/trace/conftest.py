"""A 100,000-node graph built once for the trace walkers' size tests (building it takes seconds)."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import shared


@pytest.fixture(scope="session")
def long_chain():
    """(w, cost): sgn(w) followed by 100,000 tanh nodes, summed."""
    w = shared(np.linspace(-1, 1, 3), name="w")
    h = T.sgn(w)
    for _ in range(100_000):
        h = T.tanh(h)
    return w, T.sum(h)
