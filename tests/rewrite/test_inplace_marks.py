"""The in-place rule changes the op of the node it makes in place (no twin node): the node, its
output, its clients and its place in the order and schedule stay, and the RewriteLog and the
pictures' colours still say which rule made it in place and which rule made it."""

import numpy as np

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.mode import Mode
from graphlens.graph.provenance import origin_of
from graphlens.render.origins import origins_of
from graphlens.rewrite.composite import Composite

NO_FUSION = Mode("FAST_RUN", exclude=("fusion",))


def _records(f, rule):
    return [record for record in f.rewrite_log if record.rule == rule]


def test_a_fused_node_is_made_in_place_by_changing_its_op_not_by_a_twin():
    x, w = T.dmatrices("x", "w")
    f = function([x, w], [T.tanh(T.dot(x, w)) * 2.0 + 1.0])
    (fused,) = _records(f, "fuse_elementwise")
    (marked,) = _records(f, "elementwise_inplace")
    (node,) = fused.added
    # The very node fusion built is in the graph, now running the in-place op.
    assert node in f.fgraph.apply_nodes and node.op.destroyed == (0,)
    assert node.op.label == "Composite{tanh(i0) * 2.0 + 1.0}{destroyed=0}"
    assert marked.replaced is marked.by is node.outputs[0]
    assert (marked.removed, marked.added, marked.matched) == ((), (), (node,))
    assert marked.targets() == (node,)
    assert origin_of(node, f.rewrite_log).rules == ("fuse_elementwise", "elementwise_inplace")
    origin = origins_of(f)[node]          # coloured by fusion, in-place listed in its ancestry
    assert origin.rule == "fuse_elementwise"
    assert origin.rules == ("fuse_elementwise", "elementwise_inplace")
    data = np.arange(6.0).reshape(2, 3) / 10, np.ones((3, 2))
    np.testing.assert_allclose(f(*data)[0], np.tanh(data[0] @ data[1]) * 2.0 + 1.0)


def test_an_elementwise_node_wrapped_in_place_is_listed_as_added_and_coloured_so():
    x, w = T.dmatrices("x", "w")
    f = function([x, w], [T.tanh(T.dot(x, w))], mode=NO_FUSION)
    (marked,) = _records(f, "elementwise_inplace")
    node = marked.replaced.owner
    assert isinstance(node.op, Composite) and node.op.label == "Composite{tanh(i0)}{destroyed=0}"
    # The op changed class: the graph's index by class follows, and the node is new in kind.
    assert marked.added == (node,) and marked.removed == ()
    assert f.fgraph.nodes_of(Composite) == [node]
    assert not f.fgraph.holds(type(T.tanh(x).owner.op))
    origin = origins_of(f)[node]
    assert origin.rule == "elementwise_inplace" and len(origin.sources) == 1


def test_a_node_no_rule_made_takes_the_in_place_rule_s_colour():
    # The gradient's inc_subtensor is cloned from the graph as given, then marked in place.
    x = T.dvector("x")
    f = function([x], T.grad(T.sum(x[1:3] ** 2), x))
    (marked,) = _records(f, "elementwise_inplace")
    node = marked.replaced.owner
    assert node.op.inplace and marked.added == () and node in f.rewrite_log.initial
    assert origins_of(f)[node].rule == "elementwise_inplace"
    np.testing.assert_array_equal(f(np.array([1.0, 2.0, 3.0, 4.0])), [0.0, 4.0, 6.0, 0.0])
