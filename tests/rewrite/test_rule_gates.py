"""The `where` gates of the rules a gradient meets most (issue #23): each lets through every node
its rule could change, and turns away most of a gradient's products, sums and switches before
the rule is called."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.graph.fg import FunctionGraph
from graphlens.rewrite import canonicalize, dce, specialize
from tests.rewrite.test_linear_rewrites import dag_with_gradient

GATED = [canonicalize.mul_by_one, canonicalize.add_zero, canonicalize.flatten_mul,
         canonicalize.flatten_add, dce.switch_constant_condition,
         specialize.one_element_terms_first]


def _graphs():
    x, w = T.dvector("x"), T.dvector("w")
    s = T.dscalar("s")
    cost = (T.tanh(x * w).sum() * 2.0 + (x * 1.0 * 3.0).sum() + (x + 0.0).sum()
            + T.switch(T.constant(1) > 0, x, w).sum() + T.maximum(x, w).sum()
            + (s * 2.0 * x).sum() + ((x + w) + s).sum()
            # Constants broadcast by a DimShuffle, as constant_value reads them.
            + (x * T.constant(1.0).dimshuffle("x")).sum()
            + (x + T.constant(0.0).dimshuffle("x") + T.constant(2.0).dimshuffle("x")).sum()
            # One n-ary product of two constants (no product below it to flatten).
            + T.mul(x, 2.0, T.constant(3.0).dimshuffle("x")).sum())
    yield [x, w, s], [cost] + grad(cost, [x, w])
    yield dag_with_gradient(60, seed=1)


def _nodes_of(rule, outputs, inputs):
    fgraph = FunctionGraph(inputs, outputs)
    classes = rule.pattern.root_classes()
    return fgraph, [node for node in fgraph.toposort() if isinstance(node.op, classes)]


@pytest.mark.parametrize("rule", GATED, ids=lambda rule: rule.name)
def test_a_gate_turns_away_only_nodes_its_rule_declines(rule):
    where = rule.pattern.where
    passed = turned = 0
    for inputs, outputs in _graphs():
        fgraph, nodes = _nodes_of(rule, outputs, inputs)
        for node in nodes:
            if where(node):
                passed += 1
            else:
                turned += 1
                assert rule.fire(node.outputs[0], node, fgraph) is None, (rule.name, node)
    assert passed and turned, (rule.name, passed, turned)


def test_the_gates_turn_away_most_of_a_gradients_products():
    inputs, outputs = dag_with_gradient(300, seed=0)
    fgraph, nodes = _nodes_of(canonicalize.mul_by_one, outputs, inputs)
    counts = [sum(1 for node in nodes if rule.pattern.where(node))
              for rule in (canonicalize.mul_by_one, canonicalize.flatten_mul)]
    # Of 302 products: 88 read a constant but none reads a 1 (or a broadcast constant, which
    # may be one), 93 a product (or two possible constants); without the gates both rules
    # would be called on all 302.
    assert len(nodes) == 302
    assert counts == [0, 93]


def test_the_gated_rules_still_fire():
    x = T.dvector("x")
    s = T.dscalar("s")
    f = function([x, s], [x * 1.0 * 3.0 * (x * x), (x + 0.0) + s, s * 2.0 * x])
    counts = f.rewrite_log.counts()
    assert counts["mul_by_one"] >= 1 and counts["add_zero"] >= 1
    assert counts["flatten_mul"] >= 1
    a = np.array([1.0, -2.0])
    values = f(a, 0.5)
    np.testing.assert_allclose(values[0], a * 3.0 * a * a)
    np.testing.assert_allclose(values[1], a + 0.5)
    np.testing.assert_allclose(values[2], 1.0 * a)


def test_the_sigmoid_pair_gate_is_the_rules_own_condition():
    # sigmoid_pair_common_factors reads a sum's terms only when two are near a sigmoid; its
    # `where` tells that by one walk without building the terms: it must agree with the terms
    # on every sum, and turn away the gradient's sums that have no pair.
    from graphlens.rewrite import sigmoid_xent
    rule = sigmoid_xent.sigmoid_pair_common_factors
    z, t = T.dvectors("z", "t")
    p = T.nnet.sigmoid(z)
    xent = (-t * T.log(p) - (1 - t) * T.log(1 - p)).mean()
    deep = T.nnet.sigmoid(-(z * t) - (p + (-(t * p) - p * 2.0)))
    # A sum longer than the walk's budget: which 16 sums it opens decides the answer.
    chain = z
    for k in range(17):
        chain = chain + t * float(k)
    long = chain - (T.nnet.sigmoid(z) * t + T.nnet.sigmoid(-z) * t)
    graphs = [([z, t], [grad(xent, z)]), ([z, t], [deep] + grad(deep.sum(), [z, t])),
              ([z, t], [long, -long]), dag_with_gradient(300, seed=0)]
    passed = turned = 0
    for inputs, outputs in graphs:
        fgraph, nodes = _nodes_of(rule, outputs, inputs)
        for node in nodes:
            terms = sigmoid_xent._signed_terms(node.outputs[0])
            expected = sum(1 for _, term in terms if sigmoid_xent._near_sigmoid(term)) >= 2
            assert rule.pattern.where(node) == expected, node
            passed += expected
            turned += not expected
    assert passed >= 3 and turned > 5 * passed, (passed, turned)


def test_an_input_gate_a_where_declares_turns_away_only_nodes_its_where_declines():
    # Constant folding's `where` declares its first input a Constant (`input_gate`): the driver
    # checks that without calling it, so the gate must never turn away a node `where` accepts.
    from graphlens.graph.basic import Constant
    from graphlens.rewrite import constant_fold
    for rule in (constant_fold.constant_fold, constant_fold.constant_fold_late):
        needs, where, input_ops = rule.gate
        assert input_ops == ((0, (), True, None),)
        x = T.dvector("x")
        two = T.constant(2.0)
        graphs = [([x], [two * 3.0 + x, T.exp(two) * x, T.sum(x) + 1.0]),
                  dag_with_gradient(60, seed=1)]
        accepted = gated = 0
        for inputs, outputs in graphs:
            fgraph = FunctionGraph(inputs, outputs)
            for node in fgraph.toposort():
                passes = bool(node.inputs) and isinstance(node.inputs[0], Constant)
                if where(node):
                    accepted += 1
                    assert passes, node
                gated += not passes
        assert accepted >= 2 and gated > 100, (accepted, gated)
