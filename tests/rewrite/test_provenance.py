"""`f.provenance(node)`: the rewrites and the nodes of `f.fgraph_before` that a node of the
optimized graph descends from."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.compile.mode import Mode


def _labels(nodes):
    return [node.op.label for node in nodes]


def test_without_rewrites_each_node_comes_from_the_node_it_was_cloned_from():
    x = T.dvector("x")
    f = function([x], T.exp(x) * 2, mode="NONE")
    before = f.fgraph_before.toposort()
    for node, original in zip(f.fgraph.toposort(), before):
        origin = f.provenance(node)
        assert origin.before == (original,) and origin.rewrites == ()
        assert node is not original


def test_a_stabilized_and_fused_node_names_its_rewrites_and_original_nodes():
    x = T.dvector("x")
    f = function([x], T.log(T.nnet.sigmoid(x)))
    origin = f.provenance(f.fgraph.outputs[0])          # a variable stands for its node
    assert origin.rules == ("log_sigmoid_to_softplus", "fuse_elementwise")
    assert _labels(origin.before) == ["Sigmoid", "Log"]
    assert all(node in f.fgraph_before.apply_nodes for node in origin.before)
    assert origin.rewrites[0].location.startswith("graphlens/rewrite/stabilize.py:")


def test_a_merged_node_descends_from_both_copies():
    x = T.dvector("x")
    f = function([x], T.exp(x) + T.exp(x), mode="FAST_COMPILE")
    exp_node = [n for n in f.fgraph.toposort() if n.op.label == "Exp"][0]
    origin = f.provenance(exp_node)
    assert _labels(origin.before) == ["Exp", "Exp"] and origin.rules == ("merge",)


def test_an_input_has_no_provenance():
    x = T.dvector("x")
    f = function([x], T.exp(x))
    origin = f.provenance(x)
    assert origin.before == () and origin.rewrites == ()


def test_every_node_of_an_optimized_training_step_comes_from_the_users_graph():
    rng = np.random.default_rng(0)
    w = shared(rng.standard_normal((3, 2)), name="w")
    b = shared(np.zeros(2), name="b")
    x, y = T.dmatrix("x"), T.lvector("y")
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(x, w) + b), y).mean()
    gw, gb = grad(cost, [w, b])
    f = function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    originals = set(f.fgraph_before.apply_nodes)
    for node in f.fgraph.toposort():
        origin = f.provenance(node)
        assert origin.before and set(origin.before) <= originals
    fused = [n for n in f.fgraph.toposort() if n.op.label == "CrossentropySoftmax"][0]
    assert {"Softmax{axis=1}", "Log", "Neg"} <= set(_labels(f.provenance(fused).before))
    assert any(label.startswith("AdvancedSubtensor{")
               for label in _labels(f.provenance(fused).before))


def test_provenance_follows_a_node_through_several_rewrites_in_log_order():
    x = T.dmatrix("x")
    f = function([x], T.log(T.nnet.softmax(x * 1)), mode=Mode("FAST_RUN"))
    origin = f.provenance(f.fgraph.outputs[0])
    indices = [f.rewrite_log.records.index(record) for record in origin.rewrites]
    assert indices == sorted(indices) and "log_softmax" in origin.rules
    # x * 1 became x itself: no node stands for the product any more.
    assert _labels(origin.before) == ["Softmax{axis=1}", "Log"]
    assert "mul_by_one" in f.rewrite_log.counts() and "mul_by_one" not in origin.rules
