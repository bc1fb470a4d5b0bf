"""Graph IR: creation sites, iterative walks on 100,000 nodes, cloning, op props and labels."""

import sys

import pytest

import graphlens.tensor as T
from graphlens.errors import where
from graphlens.graph.basic import ancestors, clone_graph, graph_inputs, toposort
from graphlens.tensor.reduce import Sum


def _chain(length):
    x = T.dscalar("x")
    y = x
    for _ in range(length):
        y = T.exp(y)
    return x, y


def test_every_variable_records_the_users_line():
    line = sys._getframe().f_lineno + 1
    x = T.dvector("x"); y = T.exp(x) + 1  # noqa: E702 (both on one line on purpose)
    assert where(x) == f"tests/graph/test_basic.py:{line}"
    assert where(y) == f"tests/graph/test_basic.py:{line}"
    assert where(y.owner.inputs[0]) == f"tests/graph/test_basic.py:{line}"


def test_toposort_puts_inputs_first_and_is_deterministic():
    x, y = T.dscalars("x", "y")
    a = T.exp(x)
    b = T.log(y)
    out = a * b + a
    labels = [node.op.label for node in toposort([out])]
    assert labels == ["Exp", "Log", "Mul", "Add"]
    assert toposort([out]) == toposort([out])


def test_toposort_ancestors_and_clone_handle_100k_node_chains():
    x, y = _chain(100_000)
    nodes = toposort([y])
    assert len(nodes) == 100_000 and nodes[0].inputs[0] is x and nodes[-1].outputs[0] is y
    assert len(ancestors([y])) == 100_001
    assert graph_inputs([y]) == [x]
    (copy,), memo = clone_graph([y])
    assert copy is not y and copy.owner.op == y.owner.op and len(memo) == 100_000


def test_clone_with_replace_swaps_a_variable_and_keeps_roots():
    x, z = T.dscalars("x", "z")
    y = T.exp(x) * 2
    (copy,), _ = clone_graph([y], replace={x: z})
    assert graph_inputs([copy])[0] is z
    assert graph_inputs([y])[0] is x, "the original graph is untouched"


def test_op_equality_hash_and_label_come_from_its_props():
    assert Sum((1,)) == Sum((1,)) and hash(Sum((1,))) == hash(Sum((1,)))
    assert Sum((1,)) != Sum((0,))
    assert Sum((1,)).label == "Sum{axis=1}"
    assert Sum((1,)).props == {"axis": (1,)}


def test_constants_compare_by_signature():
    a, b, c = T.constant([1.0, 2.0]), T.constant([1.0, 2.0]), T.constant([1.0, 3.0])
    assert a.signature() == b.signature() != c.signature()


def test_symbolic_variables_refuse_truth_value_and_len():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="no truth value"):
        bool(x > 0)
    with pytest.raises(TypeError, match=r"x\.shape\[0\]"):
        len(x)


def test_one_walk_gives_the_topological_order_and_the_roots_in_their_orders():
    from graphlens.graph.basic import graph_inputs, toposort_and_roots
    x, y, z = T.dvectors("x", "y", "z")
    shared_part = T.exp(y) * 2.0                     # read by two branches: one entry each
    outputs = [z, x + T.sin(shared_part), T.tanh(shared_part * x) - 3.0, y]
    order, roots = toposort_and_roots(outputs)
    assert order == toposort(outputs)
    assert roots == graph_inputs(outputs)
    assert [repr(var) for var in roots] == ["z", "x", "y", "[2.]", "[3.]"]
    assert [node.op.label for node in order] == ["Exp", "Mul", "Sin", "Add", "Mul", "Tanh",
                                                 "Sub"]
