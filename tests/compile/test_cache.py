"""The compile cache (compile/cache.py): a graph of the same structure compiles once; functions
from the cache share only the rewritten graph and keep their own inputs, updates and logs."""

import gc

import numpy as np

import graphlens.tensor as T
from graphlens.printing import debugprint, pp
from graphlens import function, shared
from graphlens.compile import cache
from graphlens.compile.function import In, Out
from graphlens.compile.mode import Mode
from graphlens.graph.basic import Apply, toposort
from graphlens.graph.op import Op


def model(x, scale=2.0):
    """The same code, so the same lines, every time: a rebuilt graph has the same structure."""
    return T.tanh(x * scale) + T.exp(x)


def test_compiling_the_same_graph_twice_reuses_the_rewritten_graph():
    x = T.dvector("x")
    y = model(x)
    f1, f2 = function([x], y), function([x], y)
    assert f2 is not f1
    assert f2.fgraph is f1.fgraph
    assert f2.rewrite_log is not f1.rewrite_log
    assert f2.rewrite_log.counts() == f1.rewrite_log.counts() != {}
    data = np.array([0.1, -0.3])
    np.testing.assert_allclose(f2(data), np.tanh(data * 2) + np.exp(data))


def test_a_rebuilt_graph_hits_and_its_function_reads_its_own_graph():
    x1, x2 = T.dvector("x"), T.dvector("x")
    y1, y2 = model(x1), model(x2)
    f1, f2 = function([x1], y1), function([x2], y2)
    # No rule ran again: the rewritten graph is copied onto x2, op for op.
    assert f2.fgraph is not f1.fgraph and f2.fgraph.inputs == [x2]
    assert all(a.op is b.op for a, b in zip(f1.fgraph.toposort(), f2.fgraph.toposort()))
    assert len(f2.rewrite_log) == len(f1.rewrite_log)
    assert f2.inputs[0].variable is x2 and f2.fgraph_before.outputs[0] is y2
    # Its views name x2 as the user did (a shared graph named it x_2: another x).
    assert "x_2" not in pp(f2) and "x_2" not in debugprint(f2, file="str")
    np.testing.assert_allclose(f2(np.array([0.5, 1.0])), f1(np.array([0.5, 1.0])))
    second = set(toposort([y2]))
    origin = f2.provenance(f2.fgraph.outputs[0])
    assert origin.before and set(origin.before) <= second
    assert set(f1.provenance(f1.fgraph.outputs[0]).before).isdisjoint(second)
    again = function([x2], y2)          # the same variables as f2: still its own graph's nodes
    assert set(again.provenance(again.fgraph.outputs[0]).before) <= second


def test_logs_are_independent():
    x = T.dvector("x")
    f1, f2 = function([x], model(x)), function([x], model(x))
    before = len(f1.rewrite_log)
    f2.rewrite_log.append(f2.rewrite_log.records[0])
    assert len(f1.rewrite_log) == before and len(f2.rewrite_log) == before + 1


def test_functions_on_different_shared_variables_do_not_share_and_update_their_own():
    x = T.dvector("x")
    s1, s2 = shared(np.zeros(2), name="s"), shared(np.zeros(2), name="s")

    def accumulate(s):        # the same lines for both: only the variable differs
        return function([x], s.sum(), updates=[(s, s + x)])

    f1, f2 = accumulate(s1), accumulate(s2)
    assert f2.fgraph is not f1.fgraph
    f1(np.ones(2))
    f1(np.ones(2))
    f2(np.full(2, 5.0))
    assert s1.get_value().tolist() == [2.0, 2.0] and s2.get_value().tolist() == [5.0, 5.0]

    def read(s):              # no update: only the variable read tells them apart
        return function([x], s + x)

    r1, r2 = read(s1), read(s2)
    assert r2.fgraph is not r1.fgraph
    assert r1(np.zeros(2)).tolist() == [2.0, 2.0] and r2(np.zeros(2)).tolist() == [5.0, 5.0]


def test_two_cached_functions_with_updates_run_independently():
    x = T.dvector("x")
    s = shared(np.zeros(2), name="s")
    step = s + x
    out = step * 1.0
    f1 = function([x], out, updates=[(s, step)])
    f2 = function([x], out, updates=[(s, step)])
    assert f2.fgraph is f1.fgraph
    assert f1(np.ones(2)).tolist() == [1.0, 1.0]
    assert f2(np.ones(2)).tolist() == [2.0, 2.0]       # both update the one variable s
    without = f2.copy(delete_updates=True)
    without(np.ones(2))
    assert s.get_value().tolist() == [2.0, 2.0]
    f1(np.ones(2))                                      # f1 kept its update
    assert s.get_value().tolist() == [3.0, 3.0]


def test_a_different_constant_mode_or_name_compiles_anew():
    x = T.dvector("x")
    base = function([x], model(x))
    assert function([x], model(x, scale=3.0)).fgraph is not base.fgraph
    assert function([x], model(x), mode=Mode("FAST_RUN", exclude=("fusion",))).fgraph \
        is not base.fgraph
    assert function([x], model(x), mode="FAST_COMPILE").fgraph is not base.fgraph
    renamed = T.dvector("z")
    assert function([renamed], model(renamed)).fgraph is not base.fgraph
    assert function([x], model(x), name="f").fgraph is not base.fgraph


def test_an_entry_lives_only_while_a_function_compiled_from_it_does():
    x = T.dvector("x")
    y = model(x)
    first = function([x], y)
    graph = first.fgraph
    del first
    gc.collect()
    assert function([x], y).fgraph is not graph
    cache.clear()
    kept = function([x], y)
    assert function([x], y).fgraph is kept.fgraph


class _Split(Op):
    """(x + 1, x - 1): one node with two outputs of the same type (a user's op)."""

    def make_node(self, x):
        return Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs):
        return [inputs[0] + 1, inputs[0] - 1]

    def __eq__(self, other):
        return type(other) is _Split

    def __hash__(self):
        return hash(_Split)


def _two_outputs(x, which, literal=1.0):
    """Output `which` of a two-output node, plus a literal: only a reference tells them apart."""
    return _Split()(x)[which] * literal


def test_keys_tell_apart_graphs_that_differ_in_one_place_only():
    x = T.dvector("x")
    keys = {}
    for label, y in [("first", _two_outputs(x, 0)), ("second", _two_outputs(x, 1)),
                     ("first again", _two_outputs(x, 0)), ("-0.0", _two_outputs(x, 0, -0.0)),
                     ("0.0", _two_outputs(x, 0, 0.0)), ("2", _two_outputs(x, 0, 2))]:
        keys[label] = cache.structure_key(toposort([y]), [In(x)], [Out(y)], [], [], mode="X")
    assert keys["first"] == keys["first again"] and hash(keys["first"]) == hash(
        keys["first again"])
    assert len({keys[k] for k in keys if k != "first again"}) == 5
    data = np.array([0.5, 3.0])
    np.testing.assert_allclose(function([x], _two_outputs(x, 1, 2.0))(data), [-1.0, 4.0])
    np.testing.assert_allclose(function([x], _two_outputs(x, 0, 2.0))(data), [3.0, 8.0])


def _squashed(x):
    return T.tanh(x) * 2.0


def _grown(x):
    return T.exp(x) + 3.0


def test_a_first_compile_builds_no_structure_key_and_graphs_of_one_outline_both_hit():
    cache.clear()
    x1, x2 = T.dvector("x"), T.dvector("x")      # one line: the same input twice
    first = function([x1], _squashed(x1))
    # No live function had a graph of this outline: its nodes were not walked for a key.
    assert first._shape._key is cache._UNBUILT
    # The same outline (one input, two nodes, the same options), another structure.
    other = function([x1], _grown(x1))
    assert other.fgraph is not first.fgraph
    assert first._shape.key() is not None and first._shape.key() != other._shape.key()
    # Either structure rebuilt finds its own function, whichever holds the outline's place:
    # the rewritten graph is copied, op for op, and no rule runs.
    again_first = function([x2], _squashed(x2))
    again_other = function([x2], _grown(x2))
    for again, cached in ((again_first, first), (again_other, other)):
        assert [n.op for n in again.fgraph.toposort()] != []
        assert all(a.op is b.op for a, b in zip(again.fgraph.toposort(),
                                                 cached.fgraph.toposort()))
        assert again.fgraph.inputs == [x2] and len(again.rewrite_log) == len(cached.rewrite_log)
    # The very variables of a hit, compiled again: its graph is shared, not copied again.
    assert function([x2], again_first.outputs[0].variable).fgraph is again_first.fgraph
    data = np.array([0.2, -1.0])
    np.testing.assert_allclose(again_first(data), np.tanh(data) * 2.0)
    np.testing.assert_allclose(again_other(data), np.exp(data) + 3.0)
