"""The seed of a gradient (graphlens/backprop.py `_reading_the_cost`): a gradient reads the cost's
inputs, as Theano's did from its seed `fill(cost, 1.0)`, so `function` takes them; the plain seed
1.0 stays wherever the gradient reads them anyway, and rewrites fold the fill away."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.compile.shared import shared
from graphlens.errors import UnusedInputError
from graphlens.gradient import grad, hessian
from graphlens.gradient_check import numeric_grad
from graphlens.printing import pp


def compiled_ops(f):
    return [type(node.op).__name__ for node in f.maker.fgraph.toposort()]


def test_gradient_of_a_linear_scalar_cost_compiles_with_its_input():
    x = T.dscalar("x")
    f = function([x], grad(x * 2, x))
    value = f(3.0)
    assert value == 2.0 and value.dtype == np.float64 and value.shape == ()
    # Theano's own graph, folded: nothing is computed when the function runs.
    assert compiled_ops(f) == []


def test_input_gradient_of_a_linear_model_reads_only_the_weights_and_compiles():
    x = T.dvector("x")
    w = shared(np.array([1.5, -2.0, 0.25]), name="w")
    f = function([x], grad(T.sum(w * x), x))
    value = f(np.array([7.0, 8.0, 9.0]))
    assert value.dtype == np.float64 and value.shape == (3,)
    np.testing.assert_array_equal(value, [1.5, -2.0, 0.25])
    assert "Second" not in compiled_ops(f)


def test_input_gradient_of_a_dot_has_the_input_shape_and_dtype():
    x = T.fvector("x")
    W = T.fmatrix("W")
    g = grad(T.dot(W, x).sum(), x)
    f = function([x, W], g)
    weights = np.arange(6, dtype="float32").reshape(2, 3)
    value = f(np.ones(3, dtype="float32"), weights)
    assert value.dtype == np.float32 and value.shape == (3,)
    np.testing.assert_allclose(value, weights.sum(axis=0))


def test_an_input_the_cost_never_reads_is_still_an_unused_input():
    x, y = T.dscalars("x", "y")
    g = grad(x * 2, x)
    with pytest.raises(UnusedInputError, match="'y'"):
        function([x, y], g)
    assert function([x, y], g, on_unused_input="ignore")(1.0, 5.0) == 2.0


def test_a_gradient_that_reads_every_input_of_the_cost_keeps_the_plain_seed():
    x = T.dscalar("x")
    assert pp(grad(x ** 2, x)) == "1.0 * 2.0 * x ** (2.0 - 1.0)"
    w, v = T.dvectors("w", "v")
    assert pp(grad(T.sum(w * v), v)) == "fill(w * v, 1.0) * w"


def test_a_gradient_missing_an_input_of_the_cost_prints_theanos_seed():
    x = T.dscalar("x")
    assert pp(grad(x * 2, x)) == "fill(x * 2.0, 1.0) * 2.0"
    w, v = T.dvectors("w", "v")
    assert pp(grad(T.dot(w, v), v)) == "fill(w @ v, 1.0) * w"


def test_only_the_gradients_missing_an_input_are_rebuilt():
    x, y = T.dscalars("x", "y")
    gx, gy = grad(x * y + y ** 2, [x, y])
    # gx = y reads no x: it alone is rebuilt from fill(cost, 1.0); gy reads both already.
    assert pp(gx) == "fill(x * y + y ** 2.0, 1.0) * y"
    assert pp(gy) == "1.0 * 2.0 * y ** (2.0 - 1.0) + 1.0 * x"
    assert function([x, y], gx)(2.0, 3.0) == 3.0
    assert function([x, y], gy)(2.0, 3.0) == 2.0 + 6.0


def test_the_gradient_of_a_variable_with_respect_to_itself_reads_it():
    x = T.dscalar("x")
    i = T.iscalar("i")
    assert function([x], grad(x, x))(4.0) == 1.0
    value = function([i], grad(i, i))(4)
    assert value == 1.0 and value.dtype == graphlens.config.floatX


def test_a_linear_cost_gradient_matches_finite_differences():
    x = T.dvector("x")
    w = np.array([0.5, -1.25, 3.0])
    f = function([x], grad(T.dot(w, x) + 4.0, x))
    point = np.array([0.3, -0.7, 1.1])
    numeric = numeric_grad(lambda v: np.dot(w, v) + 4.0, point)
    assert numeric.max_err([f(point)])[0] < 1e-6


def test_the_hessian_of_a_quadratic_compiles_with_its_input():
    x = T.dvector("x")
    f = function([x], hessian(T.sum(x ** 2), x))
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), 2 * np.eye(2))


def test_gradient_with_respect_to_a_number_constant_the_graph_retyped():
    # `one` is float32; `one + y` reads a float64 copy of it (tensor/elemwise.py _adapt_weak),
    # Theano read `one` itself: its gradient is 1.0, not "disconnected".
    one = T.as_tensor_variable(1.0)
    y = T.dscalar("y")
    g = grad(one + y, one)
    value = function([y], g)(3.0)
    assert value == 1.0 and value.dtype == one.dtype


def test_gradient_with_respect_to_a_constant_padded_to_a_vector_sums_its_copies():
    one = T.as_tensor_variable(1.0)
    v = T.dvector("v")
    y = T.dscalar("y")
    g = grad((one * v).sum() + one * y, one)      # a padded copy and a retyped copy
    value = function([v, y], g)(np.array([1.0, 2.0]), 5.0)
    assert value == 1.0 + 2.0 + 5.0 and value.ndim == 0


def test_a_gradient_the_seed_never_reaches_is_kept_and_its_unused_input_raises_as_in_theano():
    # sgn's gradient is zeros shaped like its input: it ignores the gradient it is given, so
    # Theano's seed never reached it either, and Theano's function([x, w], ...) raised for w.
    x, w = T.dvectors("x", "w")
    g = grad(T.sum(T.sgn(x) * w), x)
    assert pp(g) == "fill(x, 0.0)"
    with pytest.raises(UnusedInputError, match="'w'"):
        function([x, w], g)
    np.testing.assert_array_equal(function([x], g)(np.array([2.0, -3.0])), [0.0, 0.0])
