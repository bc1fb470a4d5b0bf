"""Errors raised while a compiled function runs are also the built-in class of their cause.

Theano programs catch `ValueError` around a call that may get mismatched shapes and `IndexError`
around indexing; graphlens keeps its message (op, user's line, input shapes) in the same error.
"""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.errors import EvaluationError

MODES = ("FAST_RUN", "NONE")


@pytest.mark.parametrize("mode", MODES)
def test_elementwise_shape_mismatch_is_a_value_error_naming_shapes_and_line(mode):
    x, y = T.dvector("x"), T.dvector("y")
    f = function([x, y], T.exp(x) + y, mode=mode)
    with pytest.raises(ValueError) as info:
        f(np.ones(3), np.ones(4))
    assert isinstance(info.value, EvaluationError)
    text = str(info.value)
    assert "test_runtime_errors.py:" in text
    assert "(3,)" in text and "(4,)" in text


@pytest.mark.parametrize("mode", MODES)
def test_dot_mismatch_is_a_value_error(mode):
    m, v = T.dmatrix("m"), T.dvector("v")
    f = function([m, v], T.dot(m, v), mode=mode)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)") as info:
        f(np.ones((2, 3)), np.ones(4))
    assert isinstance(info.value, EvaluationError)
    assert "test_runtime_errors.py:" in str(info.value)


@pytest.mark.parametrize("mode", MODES)
def test_bad_reshape_is_a_value_error(mode):
    x = T.dvector("x")
    f = function([x], x.reshape((2, 2)), mode=mode)
    with pytest.raises(ValueError, match=r"cannot reshape") as info:
        f(np.arange(3.0))
    assert "x (float64[?]" in str(info.value)
    np.testing.assert_array_equal(f(np.arange(4.0)), [[0.0, 1.0], [2.0, 3.0]])


@pytest.mark.parametrize("mode", MODES)
def test_index_out_of_bounds_is_an_index_error(mode):
    x, i = T.dvector("x"), T.lscalar("i")
    f = function([x, i], x[i] * 2, mode=mode)
    assert f(np.arange(3.0), 2) == 4.0
    with pytest.raises(IndexError, match="out of bounds") as info:
        f(np.arange(3.0), 5)
    assert isinstance(info.value, EvaluationError)
    assert "test_runtime_errors.py:" in str(info.value)


def test_an_index_error_is_not_caught_as_value_error():
    x = T.dvector("x")
    f = function([x], x[7])
    with pytest.raises(IndexError):
        try:
            f(np.ones(2))
        except ValueError:          # Theano code catching the wrong class must not see it
            pytest.fail("an out-of-bounds index was raised as ValueError")


def test_caused_by_picks_the_class_of_the_cause():
    assert isinstance(EvaluationError.caused_by("m", np.linalg.LinAlgError("x")), ValueError)
    assert isinstance(EvaluationError.caused_by("m", ZeroDivisionError()), ArithmeticError)
    assert isinstance(EvaluationError.caused_by("m", TypeError()), TypeError)
    plain = EvaluationError.caused_by("m", RuntimeError("x"))
    assert type(plain) is EvaluationError and str(plain) == "m"
