"""Theano's `var.clients`: the (node, position) pairs reading a variable in the FunctionGraph
holding it, 'output' for a graph output (Theano's extending/graphstructures documentation); a
variable in no FunctionGraph has none (AttributeError, as in Theano)."""

import gc

import pytest

import graphlens
import graphlens.tensor as T
from graphlens.graph.fg import FunctionGraph


def test_clients_in_a_compiled_function_as_theanos_documentation_shows():
    x = T.dvector("x")
    f = graphlens.function([x], T.sum(x + 1))
    topo = f.maker.fgraph.toposort()
    assert [(node.op.label, position) for node, position in topo[0].outputs[0].clients] == [
        ("Sum{axis=0}", 0)]
    var = f.maker.fgraph.outputs[0]
    client = var.clients[0]
    assert client == ("output", 0) and f.maker.fgraph.outputs[client[1]] is var
    (reader, position), = f.maker.fgraph.inputs[0].clients
    assert reader.inputs[position] is x


def test_the_newest_graph_holding_a_variable_answers_and_none_is_an_error():
    a, b = T.dscalars("a", "b")
    y = a * b
    with pytest.raises(AttributeError, match="in no FunctionGraph"):
        y.clients
    first = FunctionGraph([a, b], [y])
    assert [pair[0] for pair in a.clients] == [y.owner]
    z = y + a
    second = FunctionGraph([a, b], [z])
    assert sorted(pos for _, pos in a.clients) == [0, 1]    # y reads a at 0, z at 1
    assert y.clients == [(z.owner, 0)]
    del second
    gc.collect()
    assert [pair[0] for pair in a.clients] == [y.owner] and first.outputs == [y]
    del first
    gc.collect()
    with pytest.raises(AttributeError):
        a.clients
