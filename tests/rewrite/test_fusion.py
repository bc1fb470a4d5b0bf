"""Elementwise fusion: connected elementwise ops become one Composite whose inner graph is public,
which evaluates with few arrays, and which differentiates like the ops it holds."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, verify_grad
from graphlens.compile.mode import Mode
from graphlens.rewrite.composite import Composite, broadcast_shape
from graphlens.rewrite.fusion import build_composite

NO_INPLACE = Mode("FAST_RUN", exclude=("inplace",))


def test_a_chain_of_elementwise_ops_becomes_one_composite():
    x, y = T.dvectors("x", "y")
    f = function([x, y], T.tanh(x * 2 + y) - x, mode=NO_INPLACE)
    (node,) = f.fgraph.toposort()
    assert isinstance(node.op, Composite)
    assert node.op.label == "Composite{tanh(i0 * 2.0 + i1) - i0}"
    assert [n.op.label for n in node.op.inner_nodes()] == ["Mul", "Add", "Tanh", "Sub"]
    assert node.op.inner_inputs[0].name == "x" and len(node.op.inner_inputs) == 2
    data = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    np.testing.assert_allclose(f(*data), np.tanh(data[0] * 2 + data[1]) - data[0])


def test_fusion_stops_where_a_value_is_needed_elsewhere():
    x = T.dvector("x")
    shared_part = T.exp(x) * 2
    f = function([x], [shared_part + 1, T.sum(shared_part)], mode=NO_INPLACE)
    kinds = [type(node.op).__name__ for node in f.fgraph.toposort()]
    assert kinds == ["Composite", "Add", "Sum"]          # exp(x) * 2 fused, computed once


def test_fusion_joins_a_diamond_whose_readers_are_all_inside():
    x = T.dvector("x")
    e = T.exp(x)
    f = function([x], e * T.sin(e) + e, mode=NO_INPLACE)
    (node,) = f.fgraph.toposort()
    assert len(node.op.inner_nodes()) == 4
    value = np.array([0.1, 0.7])
    np.testing.assert_allclose(f(value), np.exp(value) * np.sin(np.exp(value)) + np.exp(value))


def test_a_composite_broadcasts_like_its_ops():
    x, r = T.dmatrix("x"), T.row("r")
    f = function([x, r], T.exp(r) * x + r, mode=NO_INPLACE)
    assert len(f.fgraph.apply_nodes) == 1
    a, b = np.arange(6.0).reshape(3, 2), np.array([[1.0, 2.0]])
    np.testing.assert_allclose(f(a, b), np.exp(b) * a + b)


def test_a_composite_computes_mixed_dtypes_through_the_ops_own_rules():
    i, x = T.ivector("i"), T.fvector("x")
    f = function([i, x], T.exp(i) * 2 + x, mode=NO_INPLACE)
    slow = function([i, x], T.exp(i) * 2 + x, mode="NONE")
    args = np.array([1, 2], dtype="int32"), np.array([0.5, 1.5], dtype="float32")
    assert f(*args).dtype == slow(*args).dtype == np.float64
    np.testing.assert_allclose(f(*args), slow(*args))


def test_a_long_chain_runs_in_two_arrays_and_never_writes_its_input(monkeypatch):
    x = T.dvector("x")
    y = x
    for _ in range(50):
        y = T.tanh(y) * 1.5 + 0.25
    f = function([x], y)
    value = np.linspace(-1, 1, 7)
    kept = value.copy()
    expected = kept.copy()
    for _ in range(50):
        expected = np.tanh(expected) * 1.5 + 0.25
    np.testing.assert_allclose(f(value), expected, rtol=1e-13)
    np.testing.assert_array_equal(value, kept)
    (node,) = f.fgraph.toposort()
    arrays = []
    original_empty = np.empty

    def counting_empty(*args, **kwargs):
        arrays.append(args)
        return original_empty(*args, **kwargs)

    monkeypatch.setattr(np, "empty", counting_empty)
    node.op.perform(node, [value])
    assert len(arrays) <= 2


def test_a_composite_with_a_single_value_step_runs_on_arrays_fixed_in_advance(monkeypatch):
    # The gradient of a mean: fill(v, 1) / cast(len(v)); the cast is of a one-element value.
    v = T.fvector("v")
    f = function([v], T.grad(T.mean(v * v), v))
    (composite,) = [n for n in f.fgraph.toposort() if isinstance(n.op, Composite)]
    assert composite.op._plan.fixed is not None
    value = np.arange(4, dtype="float32")
    np.testing.assert_allclose(f(value), 2 * value / 4, rtol=1e-6)
    assert f(value).dtype == np.float32
    monkeypatch.setattr(Composite, "_perform_fixed", lambda *args: None)   # the general path
    np.testing.assert_allclose(function([v], T.grad(T.mean(v * v), v))(value), 2 * value / 4,
                               rtol=1e-6)


def test_composite_gradient_matches_finite_differences():
    x, y = T.dvectors("x", "y")
    product = x * y
    composite = build_composite([product.owner, T.tanh(product).owner]).owner.op

    def fused(a, b):
        return composite(a, b)

    verify_grad(fused, [np.array([0.3, -0.4]), np.array([1.2, 0.5])])


def test_composite_refuses_inputs_of_the_wrong_type():
    x = T.dvector("x")
    composite = build_composite([T.exp(x).owner]).owner.op
    with pytest.raises(TypeError, match="takes 1 inputs"):
        composite(T.ivector())


def test_broadcast_shape_is_numpys():
    assert broadcast_shape([(3, 1), (1, 4)]) == (3, 4)
    assert broadcast_shape([(2, 5), (2, 5)]) == (2, 5)
    with pytest.raises(ValueError):
        broadcast_shape([(3,), (4,)])


def test_the_label_of_a_big_composite_gives_its_size():
    x = T.dvector("x")
    y = x
    for _ in range(40):
        y = T.sin(y)
    f = function([x], y, mode=NO_INPLACE)
    assert f.fgraph.toposort()[0].op.label == "Composite{40 ops}"


def test_fills_inside_a_composite_read_as_their_value_and_keep_the_result_shape():
    # The gradient of a row-sum's mean: fill(e, fill(s, 1.0) / n) * 2.0 * e, where s is the
    # column of row sums; without its fills it is 1.0 / n (one element) times e. (fill_sink
    # takes those fills out of the graph before fusion; without it they reach the Composite.)
    e = T.dmatrix("e")
    f = function([e], T.grad(T.sqr(e).sum(axis=1).mean(), e),
                 mode=Mode("FAST_RUN", exclude=("fill_sink",)))
    (composite,) = [n for n in f.fgraph.toposort() if isinstance(n.op, Composite)]
    from graphlens.printer.expression import inner_formula_text
    assert "fill" in inner_formula_text(composite.op)
    plan = composite.op._plan
    assert [s.node.op.label for s in plan.steps if s.node.op.label == "Second"] == []
    assert plan.fixed is not None
    value = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(f(value), 2 * value / 3, rtol=1e-15)
    # A fill that gives the result its length is kept: here fill(x, 1.0) * c is (n, 3).
    x = T.dmatrix("x")
    g = function([x], T.fill(x, 1.0) * np.array([[1.0, 2.0, 3.0]]), mode=NO_INPLACE)
    np.testing.assert_array_equal(g(np.zeros((2, 3))), [[1.0, 2.0, 3.0]] * 2)


def test_fusion_keeps_the_graphs_order_of_the_inner_nodes_and_the_in_place_twin_shares_it():
    # The order is handed over, not walked again: it must be the order a walk would find, or
    # plans, pictures and printers would read the nodes differently.
    from graphlens.graph.basic import toposort
    m, x, y = T.dmatrix("m"), T.dvector("x"), T.dvector("y")
    v = T.dot(m, y)                                # a fresh array the fused node may overwrite
    a = T.exp(x) * v
    f = function([m, x, y], T.tanh(a + T.sin(a)) - x)
    node = f.fgraph.toposort()[-1]
    assert node.op.destroyed                       # the in-place twin of the fused node
    labels = [n.op.label for n in node.op.inner_nodes()]
    assert labels == [n.op.label for n in toposort([node.op.inner_output])]
    assert labels == ["Exp", "Mul", "Sin", "Add", "Tanh", "Sub"]
    node.op.inner_nodes().clear()                  # a copy: the op's own order is untouched
    assert len(node.op.inner_nodes()) == 6
    data = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([0.5, -1.0]), np.array([2.0, 3.0])
    ea = np.exp(data[1]) * (data[0] @ data[2])
    np.testing.assert_allclose(f(*data), np.tanh(ea + np.sin(ea)) - data[1])


def test_a_value_read_by_two_fused_groups_joins_neither():
    # exp(x) is read by two groups that compute two outputs: fusing it into either would make
    # the other read a value computed inside a Composite, or compute exp twice.
    x = T.dvector("x")
    a = T.exp(x)
    f = function([x], [T.tanh(a) * 2, T.sin(a) + 1], mode=NO_INPLACE)
    labels = sorted(node.op.label for node in f.fgraph.toposort())
    assert labels == ["Composite{sin(i0) + 1.0}", "Composite{tanh(i0) * 2.0}", "Exp"]
    data = np.array([0.5, -1.0])
    first, second = f(data)
    np.testing.assert_allclose(first, np.tanh(np.exp(data)) * 2)
    np.testing.assert_allclose(second, np.sin(np.exp(data)) + 1)
