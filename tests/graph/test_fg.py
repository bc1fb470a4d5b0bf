"""FunctionGraph: client map, replace (loud on a variable not in the graph), pruning."""

import pytest

import graphlens.tensor as T
from graphlens.errors import RewriteError
from graphlens.graph.basic import clone_graph
from graphlens.graph.fg import OUTPUT, FunctionGraph


def _graph():
    x = T.dvector("x")
    (out,), _ = clone_graph([T.exp(x) * 2 + T.exp(x)])
    return x, FunctionGraph([x], [out])


def test_clients_list_every_use():
    x, fg = _graph()
    assert len(fg.apply_nodes) == 4
    assert sorted(node.op.label for node, _ in fg.clients[x]) == ["Exp", "Exp"]
    assert fg.clients[fg.outputs[0]] == [(OUTPUT, 0)]


def test_replace_rewires_clients_and_prunes_dead_nodes():
    x, fg = _graph()
    add = fg.outputs[0].owner
    mul_out = add.inputs[0]
    removed = fg.replace(mul_out, T.sin(x), reason="test")
    assert sorted(node.op.label for node in removed) == ["Exp", "Mul"]
    assert [node.op.label for node in fg.toposort()] == ["Sin", "Exp", "Add"]
    assert set(fg.apply_nodes) == set(fg.toposort())


def test_replace_of_an_output():
    x, fg = _graph()
    new = T.cos(x)
    fg.replace(fg.outputs[0], new, reason="test")
    assert fg.outputs == [new] and len(fg.apply_nodes) == 1


def test_replace_of_a_variable_not_in_the_graph_raises_naming_it():
    _, fg = _graph()
    stranger = T.dvector("stranger")
    with pytest.raises(RewriteError, match="'stranger'.*not in this graph.*rewrite oops"):
        fg.replace(stranger, stranger * 2, reason="oops")


def test_replace_refuses_a_different_dtype():
    x, fg = _graph()
    with pytest.raises(RewriteError, match="types differ"):
        fg.replace(fg.outputs[0], T.cast(x, "int32"), reason="bad")


def test_function_graph_of_100k_nodes_builds_and_replaces():
    x = T.dscalar("x")
    y = x
    for _ in range(100_000):
        y = T.sin(y)
    (out,), _ = clone_graph([y])
    fg = FunctionGraph([x], [out])
    assert len(fg.apply_nodes) == 100_000
    removed = fg.replace(fg.outputs[0], T.cos(x), reason="collapse")
    assert len(removed) == 100_000 and len(fg.apply_nodes) == 1
