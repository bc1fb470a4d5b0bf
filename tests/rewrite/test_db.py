"""The rewrite database and driver: modes select rules, passes are bounded, every replacement is
checked and recorded, the user's graph is never touched, and 100,000-node graphs are fine."""

import inspect
import warnings

import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.mode import Mode
from graphlens.errors import GraphlensWarning, RewriteBudgetWarning, RewriteError
from graphlens.graph.basic import Apply, clone_graph, toposort
from graphlens.graph.fg import FunctionGraph
from graphlens.graph.provenance import RewriteLog, origin_of
from graphlens.rewrite import db
from graphlens.rewrite.db import Driver, optimize, select_rules
from graphlens.rewrite.fusion import fusion_groups
from graphlens.rewrite.inplace import destroyable_inputs
from graphlens.rewrite.pattern import Pat, Replacement, Var, graph_rewrite, rewrite
from graphlens.rewrite.theano_names import ALIASES
from graphlens.tensor.math import Exp, Neg
from graphlens.tensor.trig import Cos, Sin
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable


def _names(mode):
    return {rule.name for rule in select_rules(mode)}


def test_fast_compile_runs_only_cheap_safe_rules():
    names = _names(Mode("FAST_COMPILE"))
    assert {"merge", "constant_fold", "mul_by_one", "static_shape"} <= names
    assert not names & {"fuse_elementwise", "elementwise_inplace", "log_sigmoid_to_softplus"}
    assert _names(Mode("NONE")) == set()


def test_modes_include_and_exclude_by_name_or_tag():
    assert "fuse_elementwise" not in _names(Mode("FAST_RUN", exclude=("fusion",)))
    assert _names(Mode("NONE", include=("stability",))) >= {"log_sigmoid_to_softplus",
                                                            "crossentropy_softmax"}
    assert _names(Mode("NONE", include=("merge",))) == {"merge"}
    without = _names(Mode("FAST_RUN", exclude=("log_softmax",)))
    assert "log_softmax" not in without and "log_sum_exp" in without


def test_an_unknown_rewrite_name_is_ignored_with_a_warning_listing_the_tags():
    # Theano ignored names it did not know; graphlens ignores them too, and says so (a typo).
    with pytest.warns(GraphlensWarning, match="no rewrite or tag is named 'fusoin'.*fusion"):
        chosen = select_rules(Mode("FAST_RUN", exclude=("fusoin",)))
    assert "fuse_elementwise" in {rule.name for rule in chosen}


def test_theano_rewrite_names_exclude_what_does_the_same_work():
    # The Theano tutorial's MonitorMode(...).excluding('local_elemwise_fusion', 'inplace').
    chosen = _names(Mode("FAST_RUN", exclude=("local_elemwise_fusion", "inplace_opt",
                                               "local_log_softmax")))
    assert not chosen & {"fuse_elementwise", "elementwise_inplace", "log_softmax"}
    assert {"log_sum_exp", "merge"} <= chosen
    # Theano's GPU and C passes have nothing here to exclude or include: silently nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _names(Mode("FAST_RUN", exclude=("cudnn", "gpuarray", "local_ultra_fast_sigmoid"))) \
            == _names(Mode("FAST_RUN"))
        assert _names(Mode("NONE", include=("gpuarray", "conv_dnn"))) == set()
    # A Theano rewrite that would change values, asked for, is said to be missing.
    with pytest.warns(GraphlensWarning, match="no counterpart of Theano's rewrite "
                                              "'local_ultra_fast_sigmoid'"):
        assert _names(Mode("NONE", include=("local_ultra_fast_sigmoid",))) == set()
    assert _names(Mode("NONE", include=("fast_run",))) == _names(Mode("FAST_RUN"))


def test_every_theano_alias_names_a_graphlens_rule_or_tag():
    rules = select_rules(Mode("FAST_RUN", include=("unsafe",)))
    known = {rule.name for rule in rules} | {tag for rule in rules for tag in rule.tags}
    assert {word for words in ALIASES.values() for word in words} <= known
    assert not set(ALIASES) & known      # an alias never hides a graphlens name


def _fgraph(*outputs):
    copies, _ = clone_graph(list(outputs))
    inputs = [v for v in {id(v): v for o in copies for v in _roots(o)}.values()]
    return FunctionGraph(inputs, copies)


def _roots(var):
    from graphlens.graph.basic import graph_inputs
    return [v for v in graph_inputs([var]) if not hasattr(v, "data")]


def test_rules_that_undo_each_other_stop_at_the_pass_budget():
    @rewrite("canonicalize", Pat(Sin, Var("x")))
    def sin_to_cos(x):
        return T.cos(x)

    @rewrite("canonicalize", Pat(Cos, Var("x")))
    def cos_to_sin(x):
        return T.sin(x)

    fg = _fgraph(T.sin(T.dvector("x")))
    with pytest.warns(RewriteBudgetWarning, match=r"rewrite phase 'canonicalize': one pass "
                      r"made 1005 replacements, more than its budget of 1004.*rule sin_to_cos "
                      r"\(tests/rewrite/test_db.py:\d+\) was the last to fire"):
        changes = Driver(fg, RewriteLog()).run_local([sin_to_cos, cos_to_sin], "canonicalize")
    assert changes == 4 * 1 + 1000 + 1      # the budget of one pass over one node, then stop


def test_a_phase_that_never_settles_warns_naming_the_phase_and_the_rule(monkeypatch):
    @graph_rewrite("canonicalize")
    def swap_sin_and_cos(fgraph):
        """One swap per pass, forever: the phase can only stop at its pass budget."""
        node = next(iter(fgraph.apply_nodes))
        twin = T.cos if isinstance(node.op, Sin) else T.sin
        yield Replacement(node.outputs[0], twin(node.inputs[0]), (node,))

    @rewrite("canonicalize", Pat(Neg, Pat(Neg, Var("x"))))
    def drop_double_negation(x):
        return x

    monkeypatch.setattr(db, "all_rules", lambda *modules: [swap_sin_and_cos, drop_double_negation])
    fg = _fgraph(T.sin(T.dvector("x")))
    with pytest.warns(RewriteBudgetWarning, match=r"rewrite phase 'canonicalize' stopped after "
                      r"6 passes without reaching a fixed point; still firing in the last "
                      r"pass: swap_sin_and_cos \(1x\)"):
        log = optimize(fg, Mode("FAST_RUN"))
    assert log.counts() == {"swap_sin_and_cos": db.MAX_PASSES}


def test_a_replacement_of_another_dtype_is_refused_naming_the_rule():
    @rewrite("canonicalize", Pat(Exp, Var("x")))
    def bad_cast(x):
        return T.cast(x, "int32")

    fg = _fgraph(T.exp(T.dvector("x")))
    with pytest.raises(RewriteError, match=r"bad_cast \(tests/rewrite/test_db.py:\d+\).*dtypes"):
        Driver(fg, RewriteLog()).run_local([bad_cast], "canonicalize")


def test_a_replacement_built_on_the_replaced_variable_is_refused():
    @rewrite("canonicalize", Pat(Exp, Var("x"), name="old"))
    def cyclic(x, old):
        return old * 1.0

    fg = _fgraph(T.exp(T.dvector("x")))
    with pytest.raises(RewriteError, match="by an expression of itself"):
        Driver(fg, RewriteLog()).run_local([cyclic], "canonicalize")


def test_each_replacement_is_recorded_with_its_nodes():
    x = T.dvector("x")
    out = T.log(T.nnet.sigmoid(x))
    built_on = inspect.currentframe().f_lineno - 1
    f = function([x], out, mode=Mode("FAST_RUN", exclude=("fusion", "inplace")))
    (record,) = [r for r in f.rewrite_log if r.rule == "log_sigmoid_to_softplus"]
    assert record.phase == "stabilize"
    assert record.location.startswith("graphlens/rewrite/stabilize.py:")
    assert sorted(n.op.label for n in record.removed) == ["Log", "Sigmoid"]
    assert [n.op.label for n in record.added] == ["Neg", "Softplus", "Neg"]
    assert [n.op.label for n in record.matched] == ["Log", "Sigmoid"]
    assert record.by is f.fgraph.outputs[0] and record.replaced.owner.op.label == "Log"
    # What a rewrite builds carries the user's line (the graph's, not the `function` call's).
    assert record.by.creation_site == (__file__, built_on)
    assert all(var.creation_site == (__file__, built_on)
               for node in record.added for var in node.outputs)


def test_compiling_never_changes_the_users_graph():
    x = T.dmatrix("x")
    out = T.log(T.nnet.softmax(x * 1 + 0)).sum()
    before = [(node.op, list(node.inputs)) for node in toposort([out])]
    function([x], out)
    assert [(node.op, list(node.inputs)) for node in toposort([out])] == before


def test_no_dead_node_is_left_in_an_optimized_graph():
    x, y = T.dvectors("x", "y")
    f = function([x, y], [T.exp(x) - T.exp(x) + y * 1, T.switch(True, x, T.sin(y))])
    assert set(f.fgraph.apply_nodes) == set(toposort(f.fgraph.outputs))


def _chain(length):
    """x -> sin -> neg -> neg -> sin ...: built directly, so the 100,000-node graph is cheap."""
    x = T.dvector("x")
    vector = TensorType("float64", (None,))
    ops, y = (Sin(), Neg(), Neg()), x
    for i in range(length):
        y = Apply(ops[i % 3], [y], [TensorVariable(vector, creation_site_=("m.py", 1))]).out
    return x, y


def test_a_100k_node_graph_is_analysed_and_optimized_with_exact_provenance():
    x, y = _chain(100_000)
    fg = FunctionGraph([x], [T.exp(y)])
    (group,) = fusion_groups(fg)
    assert len(group) == 100_001
    chosen = destroyable_inputs(fg)
    # Every node but the first (which reads the input x) may write over its input's array.
    assert len(chosen) == 100_000 and all(position == 0 for _, position in chosen)
    log = optimize(fg, Mode("FAST_RUN"), RewriteLog(initial={n: n for n in fg.apply_nodes}))
    assert log.counts() == {"neg_neg": 33_333, "fuse_elementwise": 1}
    (node,) = fg.apply_nodes
    assert len(node.op.inner_nodes()) == 33_334 + 1
    origin = origin_of(node, log)
    assert len(origin.before) == 100_001 and origin.rules[-1] == "fuse_elementwise"
