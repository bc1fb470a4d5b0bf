"""Theano's MonitorMode (compile/monitormode.py): the user's functions before and after every
node, with the node's position, the node and its values; detect_nan; Theano's recipes."""

import pickle

import numpy as np
import pytest

import graphlens as theano
import graphlens.tensor as T
from graphlens import function
from graphlens.compile.monitormode import MonitorMode, detect_nan


def test_pre_and_post_functions_see_every_node_with_its_values_in_order():
    seen = []

    def pre(i, node, fn):
        seen.append(("pre", i, type(node.op).__name__, [c[0] for c in fn.inputs],
                     [c[0] for c in fn.outputs]))

    def post(i, node, fn):
        seen.append(("post", i, type(node.op).__name__, [c[0] for c in fn.outputs]))

    x, y = T.dscalar("x"), T.dscalar("y")
    f = function([x, y], [T.exp(x) + y, x * y], mode=MonitorMode(pre, post, optimizer=None))
    assert [float(v) for v in f(0.0, 2.0)] == [3.0, 0.0]
    # Without rewrites: three nodes, each seen before (outputs still None) and after.
    assert [(kind, i) for kind, i, *_ in seen] == [("pre", 0), ("post", 0), ("pre", 1),
                                                   ("post", 1), ("pre", 2), ("post", 2)]
    by_op = {entry[2]: entry for entry in seen if entry[0] == "post"}
    assert float(by_op["Exp"][3][0]) == 1.0 and float(by_op["Mul"][3][0]) == 0.0
    assert all(entry[4] == [None] for entry in seen if entry[0] == "pre")
    exp_inputs = [entry[3] for entry in seen if entry[0] == "pre" and entry[2] == "Exp"]
    assert [float(v) for v in exp_inputs[0]] == [0.0]


def test_theanos_inspect_recipe_prints_each_node(capsys):
    def inspect_inputs(i, node, fn):
        print(i, node, "input(s) value(s):", [input[0] for input in fn.inputs], end="")

    def inspect_outputs(i, node, fn):
        print(" output(s) value(s):", [output[0] for output in fn.outputs])

    x = theano.tensor.dscalar("x")
    f = theano.function([x], [5 * x], mode=theano.compile.MonitorMode(
        pre_func=inspect_inputs, post_func=inspect_outputs))
    f(3)
    assert capsys.readouterr().out == ("0 Mul(5., x) input(s) value(s): [array(5.), array(3.)]"
                                       " output(s) value(s): [array(15.)]\n")


def test_detect_nan_names_the_node_and_its_line(capsys):
    x = T.dscalar("x")
    f = function([x], [T.log(x) * x], mode=MonitorMode(post_func=detect_nan))
    with np.errstate(all="ignore"):
        assert np.isnan(f(0.0)[0])
    out = capsys.readouterr().out
    assert out.startswith("*** NaN detected *** node 0: Composite{log(i0) * i0}(x), built at "
                          "tests/compile/test_monitormode.py:")
    assert "Inputs : [array(0.)]" in out and "Outputs: [array(nan)]" in out
    f(1.0)
    assert capsys.readouterr().out == ""


def post_count(i, node, fn):
    post_count.calls += 1


post_count.calls = 0


def test_monitored_functions_are_their_own_and_pickle():
    x = T.dvector("x")
    plain = function([x], T.tanh(x))
    watched = function([x], T.tanh(x), mode=MonitorMode(post_func=post_count))
    assert watched.monitor is not None and plain.monitor is None
    watched(np.ones(2))
    plain(np.ones(2))
    assert post_count.calls == 1
    loaded = pickle.loads(pickle.dumps(watched))
    np.testing.assert_allclose(loaded(np.zeros(2)), 0.0)
    assert post_count.calls == 2


def test_monitor_mode_takes_theanos_arguments():
    mode = MonitorMode(optimizer="fast_compile", linker="py")
    assert mode.name == "FAST_COMPILE" and mode.pre_func is None and mode.post_func is None
    assert theano.compile.monitormode.MonitorMode is MonitorMode
    with pytest.raises(Exception, match="unknown optimizer"):
        MonitorMode(optimizer="fastest")
