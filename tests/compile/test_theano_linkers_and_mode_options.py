"""Theano's `gof.PerformLinker().accept(fgraph).make_function()` and its mode idiom
`mode = copy(mode); mode.check_isfinite = False`."""

from copy import copy
from dataclasses import FrozenInstanceError

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import gof
from graphlens.compile.mode import DebugMode, get_default_mode
from graphlens.compile.debugmode import InvalidValueError


def test_perform_linker_runs_a_function_graph_as_it_stands():
    x = T.dmatrix('x')
    fgraph = gof.FunctionGraph([x], [x.dimshuffle(1, 'x', 0)])
    f = copy(gof.PerformLinker()).accept(fgraph).make_function()
    out = f(np.arange(6.0).reshape(2, 3))
    assert out.shape == (3, 1, 2)
    np.testing.assert_array_equal(out[:, 0, :], np.arange(6.0).reshape(2, 3).T)


def test_linkers_give_a_list_for_several_outputs_or_when_asked():
    x, y = T.dvector('x'), T.dvector('y')
    two = gof.OpWiseCLinker().accept(gof.FunctionGraph([x, y], [x + y, x * y])).make_function()
    total, product = two([1.0, 2.0], [3.0, 4.0])
    np.testing.assert_array_equal(total, [4.0, 6.0])
    np.testing.assert_array_equal(product, [3.0, 8.0])
    one = gof.CLinker().accept(gof.FunctionGraph([x], [x - 1])).make_function(
        unpack_single=False)
    assert [v.tolist() for v in one([1.0])] == [[0.0]]


def test_a_linker_runs_no_rewrite():
    x = T.dvector('x')
    fgraph = gof.FunctionGraph([x], [T.log(1 + x)])
    gof.PerformLinker().accept(fgraph).make_function()
    assert [type(node.op).__name__ for node in fgraph.toposort()] == ['Add', 'Log']


def test_setting_check_isfinite_on_a_copied_mode_as_theano_programs_do():
    mode = copy(get_default_mode())
    mode.check_isfinite = False
    x = T.dvector('x')
    assert graphlens.function([x], x * 2, mode=mode)([1.0]).tolist() == [2.0]
    with pytest.raises(FrozenInstanceError):
        mode.name = 'FAST_COMPILE'           # the rewrites of a mode stay fixed


def test_debugmode_check_isfinite_set_after_creation_takes_effect():
    x = T.dvector('x')
    checking = DebugMode()
    with pytest.raises(InvalidValueError):
        graphlens.function([x], T.log(x), mode=checking)([0.0])
    relaxed = copy(checking)
    relaxed.check_isfinite = False
    assert graphlens.function([x], T.log(x), mode=relaxed)([0.0]).tolist() == [-np.inf]
