"""A 100,000-node graph built once for the trace walkers' size tests."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import shared
from graphlens.graph.basic import Apply
from graphlens.tensor.math import Tanh
from graphlens.tensor.variable import TensorVariable


@pytest.fixture(scope="session")
def long_chain():
    """(w, cost): sgn(w) followed by 100,000 tanh nodes, summed.

    The tanh nodes are made as Apply nodes directly, with one creation site, because looking up
    the user's line for each of 100,000 variables is what makes building them slow, and the
    walkers under test only read the graph.
    """
    w = shared(np.linspace(-1, 1, 3), name="w")
    h = T.sgn(w)
    site, op = h.creation_site, Tanh()
    for _ in range(100_000):
        h = Apply(op, [h], [TensorVariable(h.type, creation_site_=site)]).outputs[0]
    return w, T.sum(h)
