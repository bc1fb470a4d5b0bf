"""graphlens/tensor/broadcast.py: Theano's patternbroadcast, addbroadcast, unbroadcast."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, verify_grad
from graphlens.errors import EvaluationError, ShapeError
from graphlens.tensor.broadcast import Rebroadcast


def test_addbroadcast_lets_a_length_one_axis_broadcast_with_theano_values():
    x, m = T.dmatrix("x"), T.dmatrix("m")
    row = T.addbroadcast(x, 0)
    assert row.broadcastable == (True, False) and row.type.shape == (1, None)
    f = function([x, m], row * m)
    got = f(np.array([[1.0, 2.0, 3.0]]), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(got, [[0.0, 2.0, 6.0], [3.0, 8.0, 15.0]])
    assert got.shape == (2, 3)          # the static shape (?, ?) agrees with the value


def test_addbroadcast_checks_the_length_when_the_function_runs():
    x = T.dmatrix("x")
    f = function([x], T.addbroadcast(x, 1) * 2)
    np.testing.assert_array_equal(f(np.ones((3, 1))), 2 * np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"axis 1 of 'x'.*declared broadcastable.*length 4") \
            as info:
        f(np.ones((3, 4)))
    assert isinstance(info.value, EvaluationError)
    with pytest.raises(ShapeError, match="has length 3, not 1"):
        T.addbroadcast(T.TensorType("float64", (3, None))("s"), 0)


def test_unbroadcast_stops_broadcasting_and_patternbroadcast_sets_every_axis():
    r, m = T.drow("r"), T.dmatrix("m")
    plain = T.unbroadcast(r, 0)
    assert plain.broadcastable == (False, False)
    f = function([r, m], plain + m)
    with pytest.raises(ValueError, match="not declared broadcastable"):
        f(np.ones((1, 3)), np.ones((2, 3)))
    np.testing.assert_array_equal(f(np.ones((1, 3)), np.ones((1, 3))), 2 * np.ones((1, 3)))
    both = T.patternbroadcast(m, (True, False))
    assert both.broadcastable == (True, False)
    assert T.patternbroadcast(both, (False, True)).broadcastable == (False, True)
    with pytest.raises(ShapeError, match="pattern"):
        T.patternbroadcast(m, (True,))


def test_a_pattern_that_changes_nothing_returns_the_variable_itself():
    r = T.drow("r")
    assert T.addbroadcast(r, 0) is r
    assert T.unbroadcast(T.dmatrix("m"), 1).owner is None
    assert T.patternbroadcast(r, (True, False)) is r
    assert T.addbroadcast(T.dmatrix(), -1).broadcastable == (False, True)   # negative axes


def test_rebroadcast_gradients_match_finite_differences():
    verify_grad(lambda v: T.addbroadcast(v, 0) * T.arange(3.0), [np.array([[0.5, -1.0, 2.0]])])
    verify_grad(lambda v: T.unbroadcast(T.addbroadcast(v, 1), 1) ** 2,
                [np.array([[0.3], [-0.7]])])


def test_rebroadcast_gradient_keeps_the_input_declaration():
    x = T.dmatrix("x")
    g = grad(T.addbroadcast(x, 0).sum(), x)
    assert g.type.shape == (None, None)
    assert isinstance(g.owner.op, Rebroadcast)
    np.testing.assert_array_equal(function([x], g)(np.ones((1, 2))), [[1.0, 1.0]])
