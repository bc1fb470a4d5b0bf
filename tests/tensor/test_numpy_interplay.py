"""TensorVariable's Python protocols as Theano's: numpy arrays on the left of an operator build a
graph, and a variable is truthy unless it is a comparison."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.errors import GraphlensTypeError
from graphlens.tensor.variable import TensorVariable

TARGET = np.array([1.0, 0.0, 1.0])


@pytest.mark.parametrize("op, expected", [
    (lambda a, x: a * x, [2.0, 4.0, 6.0]),
    (lambda a, x: a + x, [3.0, 4.0, 5.0]),
    (lambda a, x: a - x, [1.0, 0.0, -1.0]),
    (lambda a, x: a / x, [2.0, 1.0, 2.0 / 3.0]),
    (lambda a, x: a ** x, [2.0, 4.0, 8.0]),
    (lambda a, x: np.ones((2, 3)) @ x, [6.0, 6.0]),
])
def test_numpy_array_on_the_left_builds_a_graph(op, expected):
    x = T.dvector("x")
    result = op(np.full(3, 2.0), x)
    assert isinstance(result, TensorVariable)
    np.testing.assert_allclose(function([x], result)(np.array([1.0, 2.0, 3.0])), expected)


def test_numpy_scalar_and_comparison_on_the_left_build_graphs():
    x = T.fvector("x")
    scaled = np.float32(3.0) * x
    assert isinstance(scaled, TensorVariable) and scaled.dtype == "float32"
    below = np.zeros(2) < x
    assert isinstance(below, TensorVariable) and below.dtype == "bool"
    f = function([x], [scaled, below])
    values, flags = f(np.array([-1.0, 2.0], "float32"))
    np.testing.assert_allclose(values, [-3.0, 6.0])
    assert flags.tolist() == [False, True]


def test_binary_crossentropy_with_a_numpy_target_is_a_graph_with_theano_values():
    p = T.dvector("p")
    cost = T.nnet.binary_crossentropy(p, TARGET).mean()
    assert isinstance(cost, TensorVariable)
    probs = np.array([0.9, 0.2, 0.6])
    expected = -np.mean(TARGET * np.log(probs) + (1 - TARGET) * np.log(1 - probs))
    np.testing.assert_allclose(function([p], cost)(probs), expected, rtol=1e-12)
    # The tutorials' form, target first: TARGET * T.log(p) is a graph too.
    g = function([p], graphlens.grad(-(TARGET * T.log(p)).sum(), p))(probs)
    np.testing.assert_allclose(g, -TARGET / probs, rtol=1e-12)


def test_variables_are_truthy_for_theano_default_argument_idiom():
    def layer(x, W=None):
        if not W:
            W = graphlens.shared(np.eye(2), name="W")
        return T.dot(x, W), W

    x = T.dmatrix("x")
    out, W = layer(x)
    assert bool(W) and bool(x) and bool(x * 2) and bool(T.constant(0.0))
    out2, W2 = layer(x, W)
    assert W2 is W
    np.testing.assert_allclose(function([x], out2)(np.ones((1, 2))), [[1.0, 1.0]])


@pytest.mark.parametrize("make", [
    lambda a, b, c: a < b < c,
    lambda a, b, c: bool(a >= b),
    lambda a, b, c: bool(T.eq(a, c)),
    lambda a, b, c: bool((a > b) & (b > c)),
])
def test_comparisons_keep_a_clear_error_instead_of_a_truth_value(make):
    a, b, c = T.dscalars("a", "b", "c")
    with pytest.raises(TypeError, match=r"symbolic comparison has no truth value") as info:
        make(a, b, c)
    assert isinstance(info.value, GraphlensTypeError)
    assert "(a < b) & (b < c)" in str(info.value)


def test_numpy_functions_on_a_variable_build_its_graph_as_theano():
    # PyMC3 users write np.exp(x) on Theano variables (Theano's test_numpy_method)
    x = T.dmatrix("x")
    data = np.random.RandomState(2).rand(3, 4)
    for fct in (np.arccos, np.arcsinh, np.ceil, np.cos, np.deg2rad, np.exp, np.exp2, np.expm1,
                np.floor, np.log, np.log10, np.log1p, np.log2, np.sin, np.sqrt, np.tan,
                np.tanh, np.trunc, np.negative, np.absolute, np.square, np.sign):
        result = fct(x)
        assert isinstance(result, TensorVariable), fct
        np.testing.assert_allclose(function([x], result)(data), fct(data), rtol=1e-12)
    assert isinstance(np.maximum(data, x), TensorVariable)
    np.testing.assert_allclose(function([x], np.arctan2(x, data))(data), np.arctan2(data, data))
    # numpy's comparisons with an array on the left stay Python's: == is identity
    assert (data == x) is False and (data != x) is True
    with pytest.raises(TypeError):
        np.add.reduce(x)                        # not a ufunc call: numpy's own TypeError
