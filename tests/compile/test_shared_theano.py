"""Theano's shared-variable rules (compile/shared.py): a value of any Python object is held as
Theano's `generic`; `strict` and `allow_downcast` given to `shared` hold for later set_value;
a symbolic variable is no value."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, shared
from graphlens.compile.sharedvalue import SharedVariable, generic
from graphlens.errors import GraphlensTypeError


def test_an_object_that_is_no_array_is_held_as_generic():
    state = shared({"epoch": 3}, name="state")
    assert state.type == generic
    assert function([], state)() == {"epoch": 3}
    held = state.get_value()
    held["epoch"] = 99                       # a copy: the held value does not change
    assert state.get_value() == {"epoch": 3}
    other = shared({"epoch": 4})
    function([], [], updates=[(state, other)])()
    assert state.get_value() == {"epoch": 4}
    text = shared("asdf", strict=True)      # generic holds anything, strict or not
    text.set_value(88)
    assert text.get_value() == 88
    assert shared([1, 2]).type == T.lvector       # a list of numbers is still an array


def test_allow_downcast_and_strict_given_to_shared_hold_for_set_value():
    counter = shared(np.int64(7), allow_downcast=True)
    counter.set_value(8.23)
    assert counter.get_value() == 8 and counter.get_value().dtype == np.int64
    plain = shared(np.int64(7))
    with pytest.raises(TypeError):
        plain.set_value(8.23)
    exact = shared(np.int32(7), strict=True)        # a numpy scalar is strict enough
    assert exact.type == T.iscalar
    with pytest.raises(TypeError, match="strict=True"):
        exact.set_value(np.int64(8))
    exact.set_value(np.int32(8))
    assert exact.get_value() == 8
    number = shared(7, strict=True)                 # a Python number too, as Theano's
    assert number.type == T.lscalar
    with pytest.raises(TypeError):
        number.set_value(8.23)
    with pytest.raises(TypeError, match="array or a number"):
        shared([1.0, 2.0], strict=True)


def test_theano_s_shared_variable_constructor_checks_its_value():
    u = SharedVariable(name="u", type=T.TensorType("float64", (False,)), value=[1, 2],
                       strict=False)
    assert u.get_value().dtype == np.float64 and list(u.get_value()) == [1.0, 2.0]
    with pytest.raises(TypeError):
        SharedVariable(name="u", type=T.TensorType("float64", (False,)), value={},
                       strict=False)


def test_a_symbolic_variable_is_no_value_for_shared():
    with pytest.raises(GraphlensTypeError, match="symbolic variable"):
        shared(T.ones((2, 3)))
    assert shared(np.ones((2, 4))).get_value().shape == (2, 4)
    assert graphlens.shared(np.ones(2)).type == T.dvector


def test_a_generic_value_in_arithmetic_is_a_clear_type_error():
    state = shared({"epoch": 3}, name="state")
    with pytest.raises(TypeError, match="generic holds a Python object"):
        state * 2
    with pytest.raises(TypeError, match="generic holds a Python object"):
        T.dvector("x") + state
    assert getattr(state.type, "dtype", None) is None     # still an AttributeError too
