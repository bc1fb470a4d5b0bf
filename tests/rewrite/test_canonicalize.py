"""Merge, constant folding, canonical forms, folding of shape computations and dead code: the
optimized graph is smaller and computes the same values as the unoptimized one."""

import warnings
from dataclasses import dataclass

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.compile.mode import Mode
from graphlens.errors import EvaluationError, GraphlensWarning
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.tensor.math import Add

# Canonical forms alone: no fusion, so the graphs show each op.
CANONICAL = Mode("FAST_COMPILE")


def _labels(f):
    return [node.op.label for node in f.fgraph.toposort()]


def _agree(inputs, outputs, values, mode=CANONICAL):
    fast = function(inputs, outputs, mode=mode)
    slow = function(inputs, outputs, mode="NONE")
    for got, want in zip(fast(*values), slow(*values)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert np.asarray(got).dtype == np.asarray(want).dtype
    return fast


def test_merge_computes_a_repeated_expression_once():
    x = T.dvector("x")
    f = _agree([x], [T.exp(x) * 2 + T.exp(x) * 2], [np.array([0.5, 1.0])])
    assert _labels(f).count("Exp") == 1 and len(f.fgraph.apply_nodes) == 3
    assert f.rewrite_log.counts()["merge"] == 3       # the constant 2, the Exp, the Mul


@dataclass(frozen=True)
class Scale(Op):
    """x * sum(factors): an op whose prop is a list, so it cannot be hashed."""

    factors: list

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [inputs[0] * float(sum(self.factors))]


def test_merge_says_so_when_an_op_cannot_be_hashed_and_keeps_both_nodes():
    x = T.dvector("x")
    with pytest.warns(GraphlensWarning, match=r"merge: Scale cannot be hashed \(unhashable "
                      r"type: 'list'\), so its duplicate nodes are not merged"):
        f = function([x], Scale([2.0])(x) + Scale([2.0])(x), mode="FAST_COMPILE")
    assert [node.op.label for node in f.fgraph.toposort()].count("Scale{factors=[2.0]}") == 2
    np.testing.assert_allclose(f([1.0, 3.0]), [4.0, 12.0])


def test_equal_constants_merge_by_signature():
    x = T.dvector("x")
    f = function([x], [x + np.float64(2.5), x * np.float64(2.5)], mode=Mode("NONE",
                                                                            include=("merge",)))
    (add,), (mul,) = (f.fgraph.outputs[0].owner.inputs[1:], f.fgraph.outputs[1].owner.inputs[1:])
    assert add is mul


def test_constant_folding_computes_constant_subgraphs_at_compile_time():
    x = T.dvector("x")
    two = T.constant(2.0)
    f = _agree([x], [x * T.exp(two * 0.5)], [np.array([1.0, 2.0])])
    assert _labels(f) == ["Mul"] and f.rewrite_log.counts()["constant_fold"] >= 2


def test_products_of_constants_settle_when_constant_folding_is_off():
    # Found by tests/mutation_check.py: flatten_mul regrouped an all-constant product on every
    # pass, and the graph grew fivefold per pass until compiling seemed to hang.
    x = T.dvector("x")
    with warnings.catch_warnings():
        warnings.simplefilter("error", GraphlensWarning)
        f = function([x], x * T.exp(T.constant(2.0) * 0.5),
                     mode=Mode("FAST_RUN", exclude=("constant_fold",)))
    assert len(f.fgraph.apply_nodes) <= 3
    np.testing.assert_allclose(f([1.0, 2.0]), np.array([1.0, 2.0]) * np.e)


@pytest.mark.parametrize("build, expected", [
    (lambda x: x * 1, []),
    (lambda x: 1 * x * 1, []),
    (lambda x: x + 0, []),
    (lambda x: x - 0, []),
    (lambda x: x / 1, []),
    (lambda x: -(-x), []),
    (lambda x: -T.sum(-x, axis=1), ["Sum{axis=1}"]),
    (lambda x: -T.sum(-x), ["Sum{axis=(0, 1)}"]),
    (lambda x: 0 - x, ["Neg"]),
    (lambda x: x.T.T, []),
    (lambda x: (x + 1) + 2, ["Add"]),
    (lambda x: (x * 2) * (x * 3), ["Mul"]),
    (lambda x: x ** 1, []),
    (lambda x: (x + 1) ** 1.0, ["Add"]),
])
def test_identities_and_chains_take_their_canonical_form(build, expected):
    x = T.dmatrix("x")
    f = _agree([x], [build(x)], [np.arange(6.0).reshape(2, 3)])
    assert _labels(f) == expected


def test_x_minus_x_is_zeros_of_the_shape_of_x():
    x = T.dmatrix("x")
    f = _agree([x], [x - x], [np.ones((2, 3))])
    assert "Sub" not in _labels(f)


def test_a_power_of_zero_is_ones_even_at_zero_and_nan_and_calls_no_pow():
    x = T.dvector("x")
    values = np.array([0.0, np.nan, -2.0, np.inf])
    f = _agree([x], [x ** 0, x ** 0.0 * 3], [values])
    assert not any(label.startswith("Pow") for label in _labels(f))
    np.testing.assert_array_equal(f(values)[1], [3.0, 3.0, 3.0, 3.0])


def test_a_power_of_minus_one_is_a_reciprocal():
    x = T.dvector("x")
    f = function([x], x ** -1.0)
    assert [node.op.label for node in f.fgraph.toposort()] == ["Inv"]
    np.testing.assert_array_equal(f(np.array([2.0, -4.0])), [0.5, -0.25])


def test_multiplying_by_a_one_that_broadcasts_keeps_the_shape():
    x = T.row("x")
    ones = np.ones((3, 1))
    f = _agree([x], [x * ones], [np.array([[1.0, 2.0]])])
    assert f(np.array([[1.0, 2.0]]))[0].shape == (3, 2)


def test_flattening_keeps_an_inner_sum_used_twice():
    x, y = T.dvectors("x", "y")
    inner = x + y
    f = _agree([x, y], [inner + 1, inner * 2], [np.ones(2), np.ones(2)])
    assert _labels(f).count("Add") == 2


def test_static_shapes_fold_to_constants():
    x = T.tensor("float64", (3, 4), "x")
    f = _agree([x], [T.cast(x.shape[1], "float64") * x.sum(), x.shape], [np.ones((3, 4))])
    assert "Shape" not in " ".join(_labels(f))


def test_mean_divides_by_a_folded_count_when_the_shape_is_static():
    x = T.tensor("float64", (5,), "x")
    f = _agree([x], [grad(x.mean(), x)], [np.arange(5.0)])
    assert not any(label.startswith("AxisSize") for label in _labels(f))


def test_shape_of_an_elementwise_result_is_read_from_its_input():
    x, y = T.dmatrices("x", "y")
    big = T.exp(T.tanh(x) * 2)
    f = _agree([x, y], [T.alloc(0.0, big.shape[0], big.shape[1]) + y, big.shape],
               [np.ones((2, 3)), np.ones((2, 3))], mode="FAST_RUN")
    assert not any("Exp" in label or "Tanh" in label or "tanh" in label for label in _labels(f))


def test_shape_lifting_stops_at_a_broadcast_axis():
    x, r = T.dmatrix("x"), T.row("r")
    f = _agree([x, r], [(r + x).shape], [np.ones((3, 2)), np.ones((1, 2))], mode="FAST_RUN")
    assert f(np.ones((3, 2)), np.ones((1, 2)))[0].tolist() == [3, 2]


def test_switch_on_a_constant_drops_the_other_branch():
    x = T.dvector("x")
    f = _agree([x], [T.switch(True, x * 2, T.exp(x))], [np.ones(2)])
    assert _labels(f) == ["Mul"]


def test_gradient_stops_are_removed_once_gradients_are_built():
    from graphlens.gradient import disconnected_grad, straight_through, zero_grad
    x = T.dvector("x")
    f = _agree([x], [zero_grad(x) + disconnected_grad(x) * straight_through(T.sgn(x), T.exp(x))],
               [np.array([-1.0, 2.0])])
    assert not any(label in ("ZeroGrad", "DisconnectedGrad", "StraightThrough", "Exp")
                   for label in _labels(f))


def test_fill_of_a_value_of_full_shape_is_that_value():
    x, y = T.dvectors("x", "y")
    f = _agree([x, y], [T.fill(T.exp(x), y)], [np.ones(3), np.arange(3.0)])
    assert _labels(f) == []


def test_a_runtime_broadcast_error_is_still_raised_after_rewriting():
    x, y = T.dvectors("x", "y")
    f = function([x, y], (x * 1 + y) * 2)
    with pytest.raises(EvaluationError, match="not declared broadcastable"):
        f(np.ones(1), np.ones(3))


@pytest.mark.parametrize("op", ["+", "*"])
def test_a_long_chain_flattens_in_one_rewrite_building_one_node(op):
    # Flattening link by link rebuilt the chain once per link: n rewrites, n^2/2 inputs.
    xs = T.dvectors(*[f"x{i}" for i in range(300)])
    chain = xs[0]
    for x in xs[1:]:
        chain = chain + x if op == "+" else chain * x
    f = function(xs, chain, mode=Mode("FAST_RUN", exclude=("fusion",)))
    rule = "flatten_add" if op == "+" else "flatten_mul"
    records = [record for record in f.rewrite_log if record.rule == rule]
    assert len(records) == 1
    assert [len(node.inputs) for node in records[0].added] == [300]
    values = [np.full(2, 1.0 + i / 1000) for i in range(300)]
    expected = np.sum(values, axis=0) if op == "+" else np.prod(values, axis=0)
    np.testing.assert_allclose(f(*values), expected, rtol=1e-12)


def test_a_chain_with_a_link_used_twice_flattens_around_it():
    a, b, c, d = T.dvectors("a", "b", "c", "d")
    shared_link = a + b
    f = function([a, b, c, d], [(shared_link + c) + d, shared_link * 2],
                 mode=Mode("FAST_RUN", exclude=("fusion",)))
    adds = sorted(len(node.inputs) for node in f.fgraph.apply_nodes
                  if isinstance(node.op, Add))
    assert adds == [2, 3]           # a + b kept (read twice); (a + b) + c + d in one Add
    ones = [np.ones(2)] * 4
    np.testing.assert_allclose(f(*ones)[0], [4.0, 4.0])


def test_constants_grouped_beside_a_wider_variable_are_multiplied_in_its_dtype():
    # e * (x * e) with float32 constants e and float64 x: the unrewritten graph multiplies in
    # float64; folding e * e in float32 would round the product (a 5e-9 relative error).
    x = T.dvector("x")
    e = T.exp(T.tanh(T.constant(np.float32(0.5)))) - 1
    out = e * (x * e)
    data = np.array([-2.5, -0.3, 0.7, 3.0])
    fast = function([x], out)(data)
    slow = function([x], out, mode="NONE")(data)
    np.testing.assert_allclose(fast, slow, rtol=1e-14)



def test_minus_sum_of_minus_is_the_sum_bit_for_bit_for_floats_and_kept_for_integers():
    x = T.dmatrix("x")
    f = _agree([x], [-T.sum(-x, axis=0)], [np.array([[0.1, -2.5e300], [0.2, 3.0]])])
    assert f.rewrite_log.counts()["neg_sum_neg"] == 1 and _labels(f) == ["Sum{axis=0}"]
    values = np.random.RandomState(0).standard_normal((50, 3))
    np.testing.assert_array_equal(f(values)[0], np.add.reduce(values, axis=0))
    # In int8, -(-128) wraps to -128: -sum(-y) is 129 where sum(y) is -127, so it stays.
    y = T.bvector("y")
    g = function([y], -T.sum(-y), mode=CANONICAL)
    assert "neg_sum_neg" not in g.rewrite_log.counts() and g(np.array([-128, 1], "int8")) == 129


def test_the_log_likelihood_negated_outside_its_sum_loses_both_minus_signs():
    # The Theano tutorials' cost -sum(t * log(p) + (1 - t) * log(1 - p)): stabilize writes the
    # sum's argument -bce(a, t), and the late rule takes the two minus signs out.
    a, t = T.dmatrix("a"), T.dmatrix("t")
    p = T.nnet.sigmoid(a)
    cost = -T.sum(t * T.log(p) + (1 - t) * T.log(1 - p), axis=1)
    f = function([a, t], cost)
    assert f.rewrite_log.counts()["neg_sum_neg_late"] == 1
    assert pp(f) == "out1 = sum(sigmoid_binary_crossentropy(a, t), axis=1)"
    scores = np.array([[40.0, -40.0, 0.5], [-800.0, 2.0, -2.0]])
    targets = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    loss = np.logaddexp(0, scores) - targets * scores
    np.testing.assert_allclose(f(scores, targets), loss.sum(axis=1), rtol=1e-15)


@pytest.mark.parametrize("op", ["add", "mul"])
def test_grouped_constants_reach_a_fixed_point_without_constant_folding(op):
    # y + 0 + 1 + ... + 19 with constant folding excluded (Theano's test_ifelse does so): the
    # constants are grouped once, not taken apart and grouped again until the budget runs out.
    import functools
    import operator

    import graphlens
    y = T.dvector("y")
    combine = operator.add if op == "add" else operator.mul
    terms = [y] + [1.0 + k / 10 for k in range(20)]
    expr = functools.reduce(combine, terms)
    mode = graphlens.compile.get_mode("FAST_RUN").excluding("constant_folding")
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # a RewriteBudgetWarning fails the test
        f = graphlens.function([y], expr, mode=mode)
    rule = "flatten_add" if op == "add" else "flatten_mul"
    assert f.rewrite_log.counts()[rule] == 1
    want = functools.reduce(combine, [np.array([2.0, 3.0])] + terms[1:])
    np.testing.assert_allclose(f(np.array([2.0, 3.0])), want)
