"""graph/as_string.py: Theano's one-line text of a graph (`str(fgraph)`, gof.graph.as_string)."""

import graphlens.tensor as T
from graphlens.gof import FunctionGraph
from graphlens.gof.graph import as_string


def test_str_of_a_function_graph_is_theano_s_text_with_shared_results_numbered():
    x, y = T.dvectors("x", "y")
    e = T.exp(x)
    fgraph = FunctionGraph([x, y], [e + y, T.log(e) * y, x])
    assert str(fgraph) == "[Add(*1 -> Exp(x), y), Mul(Log(*1), y), x]"
    assert as_string([x, y], [x * y]) == ["Mul(x, y)"]
    # Nested: the first mention of each shared result is written in full, numbered in order.
    inner = T.exp(x)
    outer = T.log(inner) + inner
    assert as_string([x], [outer * outer]) == ["Mul(*1 -> Add(Log(*2 -> Exp(x)), *2), *1)"]
    # An input of the graph stops the walk even when it has an owner.
    assert as_string([e], [e + 1]) == ["Add(Exp.out, [1.])"]
    # repr: the text for a graph read at a glance (Theano's REPL), a summary for a big one.
    assert repr(fgraph) == str(fgraph)
    chain = x
    for _ in range(31):
        chain = T.exp(chain)
    assert repr(FunctionGraph([x], [chain])) == "FunctionGraph(31 nodes, outputs=[Exp.out])"
