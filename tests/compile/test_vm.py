"""The evaluator: schedule fixed at build time, intermediates freed, errors wrapped with context."""

import sys

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.vm import VM
from graphlens.errors import EvaluationError
from graphlens.graph import basic, schedule
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


def test_a_call_does_not_walk_the_graph():
    x = T.dvector("x")
    f = function([x], T.exp(x) + 1, mode="NONE")
    # Watch the walkers' code objects, not a module attribute: a module that did
    # `from graphlens.graph.basic import toposort` would never see a patched attribute.
    walkers = {basic.toposort.__code__, basic.ancestors.__code__, schedule.schedule.__code__,
               FunctionGraph.toposort.__code__, FunctionGraph.schedule.__code__}
    walked = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code in walkers:
            walked.append(frame.f_code.co_name)
    sys.setprofile(watch)
    try:
        values = [f([0.0]).tolist(), f([1.0]).tolist()]
        # The evaluator's loop too (programs too long to be written out as straight code).
        values.append(type(f.vm).run(f.vm, [np.array([0.0])])[0].tolist())
    finally:
        sys.setprofile(None)
    assert values == [[2.0], [np.exp(1.0) + 1], [2.0]]
    assert walked == [], f"a call walked the graph: {walked}"


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
