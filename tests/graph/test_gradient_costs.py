"""A gradient counts as reading its cost's inputs, as Theano's did through its seed
fill(cost, 1.0): function([x], grad(x * 2, x)) runs (Theano returned 2.0), with no change to
the gradient's graph or its printouts (graphlens/graph/gradient_costs.py)."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, hessian, pp, shared
from graphlens.errors import UnusedInputError


def test_the_gradient_of_a_linear_cost_compiles_with_its_input():
    x = T.dscalar("x")
    g = grad(x * 2, x)
    f = function([x], g)
    value = f(3.0)
    assert value == 2.0 and value.dtype == np.float64 and value.shape == ()
    assert pp(g) == "1.0 * 2.0"                         # the printout as before


def test_the_input_gradient_of_a_linear_model_and_expressions_of_it_compile():
    x = T.dvector("x")
    w = shared(np.array([1.5, -2.0, 0.25]), name="w")
    g = grad(T.sum(w * x), x)                            # w: it reads no x
    data = np.array([7.0, 8.0, 9.0])
    np.testing.assert_array_equal(function([x], g)(data), [1.5, -2.0, 0.25])
    np.testing.assert_array_equal(function([x], 2 * g)(data), [3.0, -4.0, 0.5])
    W = T.dmatrix("W")
    h = hessian(T.sum(T.dot(W, x)), x)                   # zeros: reads neither
    assert function([x, W], h)(np.ones(3), np.ones((2, 3))).shape == (3, 3)


def test_an_input_the_cost_never_reads_is_still_unused():
    x, y = T.dscalars("x", "y")
    g = grad(x * 2, x)
    with pytest.raises(UnusedInputError, match="'y'"):
        function([x, y], g)
    assert function([x, y], g, on_unused_input="ignore")(1.0, 5.0) == 2.0
    # Not a gradient: an output that reads no x leaves x unused, as always.
    with pytest.raises(UnusedInputError, match="'x'"):
        function([x], T.constant(2.0) * 3)
