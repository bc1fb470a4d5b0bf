"""The evaluator: schedule fixed at build time, intermediates freed, errors wrapped with context."""

import sys

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.vm import VM
from graphlens.errors import EvaluationError
from graphlens.graph.fg import FunctionGraph


def test_intermediates_are_dropped_after_their_last_use():
    x = T.dvector("x")
    a = T.exp(x)
    b = T.sin(a)
    c = b * 2
    vm = VM(FunctionGraph([x], [c]), [x], [c])
    frees = {node.op.label: slots for _, node, _, _, slots in vm.program}
    assert len(frees["Sin"]) == 1, "exp(x) is freed once sin has read it"
    assert len(frees["Exp"]) == 1, "x itself is dropped after its only use"
    assert vm.run([np.array([0.0, 1.0])])[0].tolist() == pytest.approx(
        (np.sin(np.exp([0.0, 1.0])) * 2).tolist())


def test_a_call_does_not_walk_the_graph(monkeypatch):
    x = T.dvector("x")
    f = function([x], T.exp(x) + 1, mode="NONE")
    import graphlens.graph.basic as basic

    def forbidden(*args, **kwargs):
        raise AssertionError("toposort called during a call")
    monkeypatch.setattr(basic, "toposort", forbidden)
    assert f([0.0]).tolist() == [2.0]


def test_failure_inside_an_op_names_node_shapes_and_source_line():
    x = T.dmatrix("x")
    y = T.reshape(x, (5, -1))
    f = function([x], y, mode="NONE")
    with pytest.raises(EvaluationError) as info:
        f(np.ones((2, 3)))
    message = str(info.value)
    assert "Reshape" in message and "(2, 3)" in message
    assert f"test_vm.py:{sys._getframe().f_lineno - 6}" in message


def test_one_hundred_thousand_node_chain_builds_compiles_and_runs():
    x = T.dscalar("x")
    y = x
    for _ in range(100_000):
        y = y + 1.0
    f = function([x], y, mode="NONE")
    assert f(0.0) == 100_000.0
