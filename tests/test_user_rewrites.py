"""The user's own graph rewrites, as Theano code writes them (graphlens/gof/opt.py): a global
Optimizer and local ones run on a FunctionGraph, and local optimizers registered into every
compile (register_canonicalize, optdb.register), logged under their own name and line."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, gof, pp
from graphlens.errors import GraphlensTypeError, RewriteError
from graphlens.gof import toolbox
from graphlens.rewrite import registered
from graphlens.tensor.math import Mul, TrueDiv
from graphlens.tensor.opt import register_canonicalize


@pytest.fixture(autouse=True)
def _no_rules_left_registered(monkeypatch):
    monkeypatch.setattr(registered, "RULES", {})


def _divided_product():
    """The Theano tutorial's graph: z + ((y * x) / y) * (z / x)."""
    x, y, z = T.dscalar("x"), T.dscalar("y"), T.dscalar("z")
    return (x, y, z), z + ((y * x) / y) * (z / x)


class Simplify(gof.Optimizer):
    """(a * b) / a -> b and (a * b) / b -> a, over the whole graph (the tutorial's)."""

    def add_requirements(self, fgraph):
        fgraph.attach_feature(toolbox.ReplaceValidate())

    def apply(self, fgraph):
        for node in fgraph.toposort():
            if isinstance(node.op, TrueDiv):
                num, den = node.inputs
                if num.owner is not None and isinstance(num.owner.op, Mul):
                    a, b = num.owner.inputs
                    if den is a:
                        fgraph.replace_validate(node.outputs[0], b, reason="simplify")
                    elif den is b:
                        fgraph.replace_validate(node.outputs[0], a, reason="simplify")


class LocalSimplify(gof.LocalOptimizer):
    """The same rewrite, one node at a time."""

    def tracks(self):
        return [TrueDiv]

    def transform(self, node):
        num, den = node.inputs
        if num.owner is not None and isinstance(num.owner.op, Mul):
            a, b = num.owner.inputs
            if den is a:
                return [b]
            if den is b:
                return [a]
        return False


@pytest.mark.parametrize("optimizer", [
    Simplify(),
    gof.TopoOptimizer(LocalSimplify()),
    gof.in2out(LocalSimplify()),
    gof.EquilibriumOptimizer([LocalSimplify()], max_use_ratio=10),
    gof.in2out(gof.PatternSub((TrueDiv, (Mul, "x", "y"), "y"), "x"),
               gof.PatternSub((TrueDiv, (Mul, "y", "x"), "y"), "x")),
], ids=["global", "topo", "in2out", "equilibrium", "pattern"])
def test_the_tutorials_optimizers_simplify_a_function_graph(optimizer):
    inputs, a = _divided_product()
    fgraph = gof.FunctionGraph(list(inputs), [a])
    optimizer.optimize(fgraph)
    assert pp(fgraph.outputs[0]) == "z + x * (z / x)"
    # The graph was copied (Theano's clone=True): the user's own expression is as written.
    assert pp(a) == "z + y * x / y * (z / x)"
    value = function(list(inputs), fgraph.outputs[0], on_unused_input="ignore")(2.0, 3.0, 5.0)
    assert value == pytest.approx(5.0 + 2.0 * 5.0 / 2.0)


class Double(graphlens.Op):
    """2 * x, written as a Theano op."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2


def test_a_registered_local_optimizer_runs_in_every_compile_and_is_logged():
    x = T.dvector("x")
    y = T.exp(Double()(x))
    before = function([x], y)
    assert any(isinstance(node.op, Double) for node in before.maker.fgraph.toposort())

    @register_canonicalize
    @gof.local_optimizer([Double])
    def local_double_to_add(node):
        return [node.inputs[0] + node.inputs[0]]

    f = function([x], y)
    ops = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert "Double" not in ops
    np.testing.assert_allclose(f(np.array([0.5, 1.0])), np.exp([1.0, 2.0]))
    (record,) = [r for r in f.rewrite_log if r.rule == "local_double_to_add"]
    assert record.phase == "canonicalize"
    assert record.location.startswith("tests/test_user_rewrites.py:")
    # Excluded by name as graphlens's own rules are.
    kept = function([x], y, mode=graphlens.Mode("FAST_RUN", exclude=("local_double_to_add",)))
    assert any(isinstance(node.op, Double) for node in kept.maker.fgraph.toposort())


def test_optdb_runs_a_global_optimizer_at_its_position():
    inputs, a = _divided_product()
    graphlens.compile.optdb.register("simplify_quotients", Simplify(), 1.0, "fast_run")
    f = function(list(inputs), a)
    assert not any(isinstance(node.op, TrueDiv) and node.inputs[0].owner is not None
                   and isinstance(node.inputs[0].owner.op, Mul)
                   for node in f.maker.fgraph.toposort())
    assert f(2.0, 3.0, 5.0) == pytest.approx(10.0)


def test_mistakes_are_named():
    with pytest.raises(GraphlensTypeError, match="is a function building an op, not an op: "
                                                 "track the op's class"):
        gof.local_optimizer([T.sum])
    # T.exp is an op (Theano's Elemwise instance), so tracking it is what Theano code does.
    assert gof.local_optimizer([T.exp])(lambda node: False).tracks() == [T.exp]
    x = T.dvector("x")

    @register_canonicalize
    @gof.local_optimizer([Double])
    def local_double_to_a_matrix(node):
        return [T.outer(node.inputs[0], node.inputs[0])]

    with pytest.raises(RewriteError, match="rewrite local_double_to_a_matrix "
                                           r"\(tests/test_user_rewrites.py:\d+\) would replace "
                                           ".* the ranks differ"):
        function([x], Double()(x) + 1)


def test_a_pattern_in_a_group_leaves_a_product_others_read():
    """allow_multiple_clients=False (Theano's default): (y * x) / y is not rewritten when y * x
    is read elsewhere too, whether the PatternSub runs alone or in a group."""
    x, y = T.dscalar("x"), T.dscalar("y")
    product = y * x
    patterns = [gof.PatternSub((TrueDiv, (Mul, "x", "y"), "y"), "x"),
                gof.PatternSub((TrueDiv, (Mul, "y", "x"), "y"), "x")]
    for optimizer in (gof.TopoOptimizer(patterns[1]), gof.in2out(*patterns)):
        fgraph = gof.FunctionGraph([x, y], [product / y + product])
        optimizer.optimize(fgraph)
        assert pp(fgraph.outputs[0]) == "%1 = y * x\n%1 / y + %1"
    fgraph = gof.FunctionGraph([x, y], [product / y])
    gof.in2out(*patterns).optimize(fgraph)
    assert pp(fgraph.outputs[0]) == "x"


def test_a_local_optimizer_tracking_nothing_is_tried_on_every_node():
    # Theano's "Extending" tutorial: LocalSimplify.tracks() returns [] and
    # TopoOptimizer(local_simplify) still simplifies (y * x) / y.
    class LocalSimplify(gof.LocalOptimizer):
        def transform(self, node):
            if isinstance(node.op, TrueDiv):
                x, y = node.inputs
                if x.owner and isinstance(x.owner.op, Mul):
                    a, b = x.owner.inputs
                    if y is a:
                        return [b]
                    if y is b:
                        return [a]
            return False

        def tracks(self):
            return []

    x, y, z = T.dscalars("x", "y", "z")
    fgraph = gof.FunctionGraph([x, y, z], [z + (y * x) / y * (z / x)])
    gof.TopoOptimizer(LocalSimplify()).optimize(fgraph)
    assert len(fgraph.apply_nodes) == 3


def test_fgraph_clients_is_also_theano_s_method():
    # Theano 1.0 user optimizers ask fgraph.clients(var): how many nodes read a value.
    x = T.dvector("x")
    y = T.exp(x)
    fgraph = gof.FunctionGraph([x], [y * 2, y + 1])
    (inner,) = [v for v in fgraph.variables if v.owner is not None and v.owner.op == T.exp]
    readers = fgraph.clients(inner)
    assert len(readers) == 2 and all(node.inputs[0] is inner for node, _ in readers)
    assert fgraph.clients(fgraph.outputs[0]) == [("output", 0)]
    assert fgraph.clients[inner] == readers       # still the mapping graphlens reads


def test_merge_optimizer_shares_equal_computations_as_theano_s_did():
    # Theano's "Extending" tutorial: (y + z) * x / (y + z) keeps one y + z after merging.
    x, y, z = T.dscalars("x", "y", "z")
    fgraph = gof.FunctionGraph([x, y, z], [T.add(y, z) * x / T.add(y, z)])
    assert len(fgraph.apply_nodes) == 4
    assert gof.opt.MergeOptimizer().optimize(fgraph) == 1 and len(fgraph.apply_nodes) == 3
    (div,) = [n for n in fgraph.apply_nodes if isinstance(n.op, TrueDiv)]
    assert div.inputs[1] is div.inputs[0].owner.inputs[0]


def test_theanos_t_add_and_t_mul_track_their_ops_in_local_optimizers_and_patterns():
    # Theano's T.add was an Elemwise op; its debugmode tests track it (local_optimizer([T.add])).
    x, y = T.dvector("x"), T.dvector("y")

    @gof.local_optimizer([T.add])
    def add_to_mul(node):
        return [T.mul(*node.inputs)]

    assert add_to_mul.tracks() == [T.add.op]
    fgraph = gof.FunctionGraph([x, y], [T.exp(x + y)])
    gof.TopoOptimizer(add_to_mul).optimize(fgraph)
    assert pp(fgraph.outputs[0]) == "exp(x * y)"
    fgraph = gof.FunctionGraph([x, y], [(x * y) + y])
    gof.in2out(gof.PatternSub((T.add, (T.mul, "a", "b"), "b"), (T.mul, "b", "a"))).optimize(
        fgraph)
    assert pp(fgraph.outputs[0]) == "y * x"
    assert gof.OpSub(T.add, T.mul).tracks() == [T.add.op]
