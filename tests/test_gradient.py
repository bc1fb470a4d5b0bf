"""The gradient machinery (graphlens/gradient.py): grad's options and errors, gradient stops,
known_grads, accumulation, jacobian/hessian, a 100,000-node chain, and verify_grad itself."""

import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.compile.shared import shared
from graphlens.errors import (DisconnectedInputError, GradientCheckError, GraphlensTypeError,
                              InvalidArgumentError,
                              ShapeError, UndefinedGradientError)
from graphlens.gradient import (disconnected_grad, grad, hessian, jacobian, straight_through,
                                verify_grad, zero_grad)
from graphlens.graph.basic import Apply, toposort
from graphlens.graph.markers import DisconnectedType, is_disconnected, undefined
from graphlens.graph.markers import UndefinedType as NullType
from graphlens.graph.op import Op
from graphlens.tensor.math import Add, Exp


def evaluate(inputs, outputs, *values):
    return function(inputs, outputs, on_unused_input="ignore")(*values)


# ---- grad's contract -------------------------------------------------------------------------

def test_cost_must_be_a_scalar_with_a_clear_message():
    x = T.dvector("x")
    with pytest.raises(ShapeError, match=r"the cost must be a scalar, got .*float64\[\?\].*"
                                         r"cost.sum\(\)"):
        grad(x ** 2, x)



def test_an_integer_cost_is_differentiated_as_theano_did():
    # Theano seeds an integer cost with a floatX 1; integer operations pass zeros on.
    n, m = T.lscalar("n"), T.lscalar("m")
    assert evaluate([n], grad(n, n), 12) == 1.0
    assert grad(n, n).dtype == graphlens.config.floatX
    assert [float(v) for v in evaluate([n, m], grad(n * 2 + m, [n, m]), 3, 4)] == [0.0, 0.0]
    g = T.dscalar("g")
    assert evaluate([g], grad(None, n, known_grads={n: g}), 0.6) == 0.6
    # a float variable reached only through integers gets zeros (a perceptron's 0/1 loss)
    w = T.dvector("w")
    loss = T.switch(T.gt(w.sum(), 0), 0, 1)
    np.testing.assert_array_equal(evaluate([w], grad(loss, w), np.ones(3)), np.zeros(3))


def test_gradients_are_named_as_theano_names_them():
    A, x = T.dmatrix("A"), T.dvector("x")
    f = T.dot(x, T.dot(A, x))
    f.name = "f"
    assert grad(f, x).name == "(df/dx)"
    assert grad(f, x, add_names=False).name is None
    assert grad(T.dot(x, x), x).name is None                  # an unnamed cost


def test_wrt_single_returns_a_variable_and_a_list_returns_a_list():
    x, y = T.dscalars("x", "y")
    cost = x * y ** 2
    single = grad(cost, x)
    pair = grad(cost, [x, y])
    assert isinstance(single, T.TensorVariable) and isinstance(pair, list) and len(pair) == 2
    assert evaluate([x, y], single, 2.0, 3.0) == 9.0
    assert [float(v) for v in evaluate([x, y], pair, 2.0, 3.0)] == [9.0, 12.0]
    assert isinstance(grad(cost, (x,)), list)
    with pytest.raises(GraphlensTypeError, match="wrt must be symbolic"):
        grad(cost, 3.0)


def test_disconnected_wrt_raises_naming_the_variable_and_its_line():
    x = T.dvector("x")
    w = T.dvector("w")
    cost = (x ** 2).sum()
    with pytest.raises(DisconnectedInputError,
                       match=r"does not depend on 'w' \(float64\[\?\], built at "
                             r"tests/test_gradient.py:\d+\)"):
        grad(cost, [x, w])


def test_disconnected_wrt_warn_and_ignore_return_zeros_of_its_shape():
    x, w = T.dvector("x"), T.dmatrix("w")
    cost = (x ** 2).sum()
    with pytest.warns(UserWarning, match="does not depend on 'w'"):
        gw = grad(cost, w, disconnected_inputs="warn")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gx, gw_ignored = grad(cost, [x, w], disconnected_inputs="ignore")
    values = evaluate([x, w], [gw, gw_ignored, gx], np.ones(2), np.ones((2, 3)))
    np.testing.assert_array_equal(values[0], np.zeros((2, 3)))
    np.testing.assert_array_equal(values[1], np.zeros((2, 3)))
    np.testing.assert_array_equal(values[2], [2.0, 2.0])
    with pytest.raises(ValueError, match="'raise', 'warn' or 'ignore'"):
        grad(cost, w, disconnected_inputs="silently")


def test_return_disconnected_none_and_marker():
    x, w = T.dscalars("x", "w")
    cost = x * 3.0
    assert grad(cost, [x, w], disconnected_inputs="ignore", return_disconnected="None")[1] is None
    marker = grad(cost, w, disconnected_inputs="ignore", return_disconnected="disconnected")
    assert is_disconnected(marker)


@dataclass(frozen=True)
class ScaleBy(Op):
    """x * k where the gradient in k is declared undefined (a test op)."""

    def make_node(self, x, k):
        x, k = T.as_tensor_variable(x), T.as_tensor_variable(k)
        return Apply(self, [x, k], [x.type()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0] * inputs[1], dtype=node.outputs[0].dtype)]

    def grad(self, inputs, output_grads):
        return [output_grads[0] * inputs[1],
                undefined(inputs[1], "k is a hyper-parameter of the test op")]


def test_undefined_gradient_raises_only_when_that_gradient_is_asked_for():
    x, k = T.dscalars("x", "k")
    cost = ScaleBy()(x ** 2, k)
    gx = grad(cost, x)
    assert evaluate([x, k], gx, 3.0, 2.0) == 12.0
    with pytest.raises(UndefinedGradientError,
                       match=r"respect to 'k' \(float64, built at tests/test_gradient.py:\d+\) "
                             r"is undefined: k is a hyper-parameter of the test op"):
        grad(cost, [x, k])
    # Undefined flows to what k was computed from, and stops nothing else.
    j = T.dscalar("j")
    with pytest.raises(UndefinedGradientError, match="hyper-parameter"):
        grad(ScaleBy()(x, j * 2.0), j)


def test_no_float_gradient_flows_into_integer_variables():
    x = T.dvector("x")
    n = T.iscalar("n")
    cost = (x * n).sum() + T.cast(T.floor(x * 3.0), "int32").sum() * 1.0
    gx, gn = grad(cost, [x, n])
    assert gn.dtype == "float64"             # floatX zeros, not a truncated int gradient
    gx_value, gn_value = evaluate([x, n], [gx, gn], np.array([0.3, 0.7]), 5)
    np.testing.assert_array_equal(gx_value, [5.0, 5.0])
    assert gn_value == 0.0
    # A gradient that only reaches x through integers is an honest zero, not "disconnected".
    only_int = T.cast(T.argmax(x) * 2 + n, "float64")
    np.testing.assert_array_equal(evaluate([x, n], grad(only_int, x), np.ones(2), 1), [0, 0])
    # No cast of a float gradient into an integer anywhere in the gradient graph.
    assert not [node for node in toposort([gx, gn]) if type(node.op).__name__ == "Cast"
                and node.op.dtype.startswith("int") and node.inputs[0].dtype.startswith("float")
                and node not in set(toposort([cost]))]


def test_consider_constant_treats_a_subexpression_as_a_constant():
    x = T.dscalar("x")
    h = x ** 2
    cost = h * x
    assert evaluate([x], grad(cost, x), 2.0) == 12.0
    assert evaluate([x], grad(cost, x, consider_constant=[h]), 2.0) == 4.0
    assert evaluate([x], grad(cost, x, consider_constant=h), 2.0) == 4.0
    with pytest.raises(DisconnectedInputError):
        grad(h * 2.0, x, consider_constant=[h])


def test_zero_grad_keeps_the_value_and_gives_exact_zeros():
    x = T.dvector("x")
    out = zero_grad(T.exp(x)) * x
    value, g = evaluate([x], [out, grad(out.sum(), x)], np.array([0.0, 1.0]))
    np.testing.assert_allclose(value, [0.0, np.e])
    np.testing.assert_allclose(g, [1.0, np.e])           # only the direct path of x
    only = grad(zero_grad(x ** 2).sum(), x)
    zeros = evaluate([x], only, np.array([3.0, -1.0]))
    assert zeros.tolist() == [0.0, 0.0] and zeros.dtype == np.float64
    assert "on purpose" in zero_grad(x).owner.op.zero_gradient_reason


def test_disconnected_grad_makes_its_input_a_constant():
    x = T.dvector("x")
    out = disconnected_grad(x ** 2) * x
    value, g = evaluate([x], [out, grad(out.sum(), x)], np.array([2.0, 3.0]))
    np.testing.assert_array_equal(value, [8.0, 27.0])
    np.testing.assert_array_equal(g, [4.0, 9.0])
    with pytest.raises(DisconnectedInputError):
        grad(disconnected_grad(x).sum(), x)


def test_straight_through_has_the_forward_value_and_the_surrogate_gradient():
    h = T.dvector("h")
    out = straight_through(T.sgn(h), h)
    weights = np.array([1.0, 2.0, 3.0])
    value, g = evaluate([h], [out, grad((out * weights).sum(), h)], np.array([-0.5, 0.0, 2.0]))
    np.testing.assert_array_equal(value, [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(g, weights)
    hard_tanh = T.clip(h, -1.0, 1.0)
    g_clip = evaluate([h], grad(straight_through(T.sgn(h), hard_tanh).sum(), h),
                      np.array([-3.0, 0.5, 2.0]))
    np.testing.assert_array_equal(g_clip, [0.0, 1.0, 0.0])
    with pytest.raises(ShapeError, match="need one rank"):
        straight_through(T.sgn(h), T.dmatrix("m"))


def test_gradient_stops_declare_that_they_return_their_input():
    x = T.dvector("x")
    value = np.ones(2)
    for out in (straight_through(x, x * 2.0), zero_grad(x), disconnected_grad(x)):
        assert out.owner.op.view_map == {0: [0]}
        result = function([x], out, mode="NONE")(value)
        assert not np.shares_memory(result, value)    # the caller's array is not handed back


def test_known_grads_start_the_backward_pass_with_or_without_a_cost():
    x = T.dvector("x")
    y = T.exp(x)
    upstream = T.dvector("upstream")
    g = grad(None, x, known_grads={y: upstream})
    point = np.array([0.0, 1.0])
    np.testing.assert_allclose(evaluate([x, upstream], g, point, np.array([2.0, 3.0])),
                               [2.0, 3.0 * np.e])
    both = grad(x.sum(), x, known_grads={y: np.ones(2)})
    np.testing.assert_allclose(evaluate([x], both, point), 1.0 + np.exp(point))
    # One number stands for every element's gradient (Theano's ops broadcast it); a gradient
    # of another rank is refused.
    ones = grad(None, x, known_grads={y: 1.0})
    np.testing.assert_allclose(evaluate([x], ones, point), np.exp(point))
    with pytest.raises(ShapeError, match="needs rank 1"):
        grad(None, x, known_grads={y: T.dmatrix()})


def test_a_known_gradient_of_the_cost_replaces_its_seed():
    x = T.dvector("x")
    cost = (x ** 2).sum()
    g = grad(cost, x, known_grads={cost: T.constant(3.0)})
    np.testing.assert_allclose(evaluate([x], g, np.array([1.0, 2.0])), [6.0, 12.0])


def test_known_gradients_may_be_theano_markers():
    # OpFromGraph and scan hand their output gradients on as known_grads, markers included.
    i, j = T.iscalar("i"), T.iscalar("j")
    cost = i + j
    with pytest.raises(UndefinedGradientError):
        grad(cost, [i, j], known_grads={cost: NullType()()})
    with pytest.raises(DisconnectedInputError):
        grad(cost, [i, j], known_grads={cost: DisconnectedType()()})
    zeros = grad(cost, i, known_grads={cost: DisconnectedType()()}, disconnected_inputs="ignore")
    assert float(evaluate([i], zeros, 3)) == 0.0


def test_a_shared_subexpression_gradient_is_accumulated_once():
    x = T.dvector("x")
    y = T.exp(x)
    cost = (y * 2.0 + y * 3.0 + y * 4.0).sum()
    g = grad(cost, x)
    # Exp's gradient (gz * exp(x)) is built once, for the summed gradient of y, not per use;
    # the three terms of y's gradient meet in one Add.
    forward = set(toposort([cost]))
    backward = [node for node in toposort([g]) if node not in forward]
    assert sum(isinstance(node.op, Exp) for node in backward) == 1
    assert sum(isinstance(node.op, Add) for node in backward) == 1
    np.testing.assert_allclose(evaluate([x], g, np.array([0.0, 1.0])), 9.0 * np.exp([0.0, 1.0]))


def test_a_diamond_chain_gradient_stays_linear_in_size():
    x = T.dscalar("x")
    y = x
    for _ in range(60):
        y = y * 1.0 + y         # each y used twice: naive expansion would be 2**60 terms
    g = grad(y, x)
    assert len(toposort([g])) < 10 * 60
    assert evaluate([x], g, 1.0) == 2.0 ** 60


def test_gradients_through_shared_variables_and_updates():
    w = shared(np.array([1.0, -2.0]), name="w")
    x = T.dvector("x")
    cost = ((T.dot(x, w) - 1.0) ** 2)
    gw = grad(cost, w)
    step = function([x], cost, updates=[(w, w - 0.1 * gw)])
    costs = [float(step(np.array([1.0, 0.5]))) for _ in range(20)]
    assert costs[-1] < 1e-3 * costs[0]


# ---- jacobian and hessian (Theano tutorial examples) -----------------------------------------

def test_jacobian_of_x_squared_is_diag_2x():
    x = T.dvector("x")
    J = jacobian(x ** 2, x)
    value = evaluate([x], J, np.array([4.0, 4.0, -1.5]))
    np.testing.assert_array_equal(value, np.diag([8.0, 8.0, -3.0]))
    assert J.type.shape == (None, None)


def test_hessian_of_sum_of_squares_is_2_identity():
    x = T.dvector("x")
    H = hessian(T.sum(x ** 2), x)
    np.testing.assert_array_equal(evaluate([x], H, np.array([4.0, 4.0, 2.0])), 2 * np.eye(3))


def test_jacobian_and_hessian_of_nonlinear_functions_equal_the_analytic_ones():
    x = T.dvector("x")
    point = np.array([0.3, -1.2, 2.0])
    outputs = T.stack([x[0] * x[1], T.sin(x[2]) * x[0], T.exp(x[1])])
    analytic_jacobian = np.array([[point[1], point[0], 0.0],
                                  [np.sin(point[2]), 0.0, point[0] * np.cos(point[2])],
                                  [0.0, np.exp(point[1]), 0.0]])
    np.testing.assert_allclose(evaluate([x], jacobian(outputs, x), point), analytic_jacobian,
                               rtol=1e-12)
    # log-sum-exp: H = diag(p) - p p^T with p = softmax(x).
    lse = T.log(T.sum(T.exp(x)))
    p = np.exp(point) / np.exp(point).sum()
    np.testing.assert_allclose(evaluate([x], hessian(lse, x), point),
                               np.diag(p) - np.outer(p, p), atol=1e-12)
    cubic = T.sum(x ** 3) + x[0] * x[1]
    expected = np.diag(6 * point)
    expected[0, 1] = expected[1, 0] = 1.0
    np.testing.assert_allclose(evaluate([x], hessian(cubic, x), point), expected, rtol=1e-12)


def test_jacobian_of_a_matrix_function_and_of_a_list_of_wrt():
    W = T.dmatrix("W")
    v = T.dvector("v")
    Jw, Jv = jacobian(T.dot(W, v), [W, v])
    W_value, v_value = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 2.0])
    jw, jv = evaluate([W, v], [Jw, Jv], W_value, v_value)
    assert jw.shape == (2, 2, 3)
    expected_jw = np.zeros((2, 2, 3))
    expected_jw[0, 0], expected_jw[1, 1] = v_value, v_value
    np.testing.assert_array_equal(jw, expected_jw)
    np.testing.assert_array_equal(jv, W_value)
    scalar = jacobian(T.sum(v ** 2), v)
    np.testing.assert_array_equal(evaluate([v], scalar, v_value), 2 * v_value)


def test_jacobian_respects_consider_constant_and_disconnection():
    x = T.dvector("x")
    h = x ** 2
    J = jacobian(h * x, x, consider_constant=[h])
    np.testing.assert_array_equal(evaluate([x], J, np.array([2.0, 3.0])), np.diag([4.0, 9.0]))
    with pytest.raises(DisconnectedInputError, match="does not depend on 'y'"):
        jacobian(x * 2.0, T.dvector("y"))
    with pytest.raises(ShapeError, match="wrt must be a vector"):
        hessian(T.sum(T.dmatrix("m") ** 2), T.dmatrix("m"))


def test_differentiating_a_jacobian_again_is_undefined_with_a_reason():
    x = T.dvector("x")
    J = jacobian(x ** 3, x)
    with pytest.raises(UndefinedGradientError, match="does not differentiate a jacobian again"):
        grad(J.sum(), x)


# ---- deep graphs -----------------------------------------------------------------------------

def test_a_100000_node_chain_differentiates_and_evaluates():
    limit = sys.getrecursionlimit()
    x = T.dscalar("x")
    scale, zero = T.constant(1.0001), T.constant(0.0)       # built once, used 50,000 times
    y = x
    for _ in range(50_000):                   # y = y * 1.0001 + 0.0, two nodes per step
        y = y * scale + zero
    assert len(toposort([y])) == 100_000
    start = time.perf_counter()
    g = grad(y, x)
    # mode NONE: the evaluator itself runs all 150,000 nodes (rewrites would fold the slope).
    value, slope = function([x], [y, g], mode="NONE")(1.0)
    elapsed = time.perf_counter() - start
    assert sys.getrecursionlimit() == limit
    assert value == pytest.approx(1.0001 ** 50_000, rel=1e-9)
    assert slope == pytest.approx(1.0001 ** 50_000, rel=1e-9)
    assert elapsed < 120


# ---- verify_grad -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cube(Op):
    """x ** 3 with a gradient that is right (`wrong=False`) or off by one element."""

    wrong: bool = False

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [inputs[0] ** 3]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        right = gz * 3.0 * x ** 2
        if not self.wrong:
            return [right]
        return [T.inc_subtensor(right[1], 5.0)]       # element 1 is off by 5


def test_verify_grad_accepts_a_right_gradient_in_float64_and_float32():
    for dtype in ("float64", "float32"):
        verify_grad(Cube(), [np.array([0.5, -1.0, 2.0], dtype=dtype)])
        verify_grad(lambda a, b: T.tanh(a) * b, [np.array([0.2, -0.4], dtype=dtype),
                                                  np.array(1.5, dtype=dtype)])


def test_verify_grad_fails_with_both_gradients_and_the_worst_element():
    point = np.array([0.5, -1.0, 2.0])
    with pytest.raises(GradientCheckError) as failure:
        verify_grad(Cube(wrong=True), [point])
    message = str(failure.value)
    assert "symbolic gradient of input 0 disagrees" in message
    assert "symbolic gradient:" in message and "numeric gradient:" in message
    assert "worst element (1,)" in message
    weights = np.random.default_rng(42).uniform(0.5, 1.5, size=3)   # verify_grad's projection
    assert f"symbolic {weights[1] * 3.0 + 5.0:.6g} vs numeric {weights[1] * 3.0:.5g}" in message
    assert isinstance(failure.value, AssertionError)


@dataclass(frozen=True)
class Product(Op):
    """x * y * z (elementwise) with the gradient of input `wrong` (if any) off by its sign."""

    wrong: int = -1

    def make_node(self, x, y, z):
        x, y, z = (T.as_tensor_variable(v) for v in (x, y, z))
        return Apply(self, [x, y, z], [x.type()])

    def perform(self, node, inputs):
        x, y, z = inputs
        return [x * y * z]

    def grad(self, inputs, output_grads):
        (x, y, z), (gz,) = inputs, output_grads
        grads = [gz * y * z, gz * x * z, gz * x * y]
        if self.wrong >= 0:
            grads[self.wrong] = -grads[self.wrong]
        return grads


@pytest.mark.parametrize("wrong", [1, 2])
def test_verify_grad_checks_every_input_not_only_the_first(wrong):
    points = [np.array([0.5, -1.0]), np.array([1.5, 2.0]), np.array([-0.7, 0.3])]
    verify_grad(Product(), points)
    with pytest.raises(GradientCheckError, match=f"symbolic gradient of input {wrong} disagrees"):
        verify_grad(Product(wrong=wrong), points)


def test_verify_grad_names_a_wrong_input_by_its_position_past_integer_points():
    points = [np.array([1, 2]), np.array([1.5, 2.0]), np.array([-0.7, 0.3])]
    with pytest.raises(GradientCheckError, match="symbolic gradient of input 2 disagrees"):
        verify_grad(lambda i, y, z: Product(wrong=2)(T.cast(i, "float64"), y, z), points)


def test_verify_grad_holds_integer_points_fixed():
    matrix = np.arange(6.0).reshape(2, 3) / 7.0
    verify_grad(lambda m, i: m[T.arange(2), i] ** 2, [matrix, np.array([2, 0])])
    with pytest.raises(GraphlensTypeError, match="at least one float point"):
        verify_grad(lambda i: i * 2, [np.array([1, 2])])


def test_grad_clip_clips_the_gradient_and_keeps_the_value():
    from graphlens.gradient import grad_clip
    v = T.dvector("v")
    clipped = grad_clip(v * 3, -1, 1)
    g = grad(T.sum(clipped ** 2), v)
    f = function([v], [clipped, g])
    value, gradient = f(np.array([1.0, 0.1, -2.0]))
    np.testing.assert_allclose(value, [3.0, 0.3, -6.0])
    # d/dv = 3 * clip(2 * 3v, -1, 1)
    np.testing.assert_allclose(gradient, [3.0, 1.8, -3.0])
    assert "GradClip" not in [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    with pytest.raises(InvalidArgumentError, match="lower bound 2.0 is above"):
        grad_clip(v, 2, 1)


def test_grad_scale_scales_the_gradient_and_keeps_the_value():
    from graphlens.gradient import grad_scale
    v = T.dvector("v")
    g = grad(T.sum(grad_scale(T.sqr(v), 0.5)), v)
    np.testing.assert_allclose(function([v], g)(np.array([1.0, -3.0])), [1.0, -3.0])
    # Finite differences see the value, the identity scaled: at multiplier 1 they agree.
    verify_grad(lambda a: T.tanh(grad_scale(a, 1.0)), [np.array([0.2, -0.4])],
                rng=np.random.default_rng(1))


def test_backpropagation_reads_the_forward_tanh_sigmoid_and_softmax_not_copies():
    # d tanh = 1 - y**2, d sigmoid = s (1 - s), d softmax reads s: each gradient uses the
    # forward node's result, so the graph before rewrites holds each op once (50k-node graphs
    # built thousands of copies for merge to remove).
    x = T.dmatrix("x")
    y = T.nnet.softmax(T.nnet.sigmoid(T.tanh(x)))
    gx = grad(T.sum(y * np.arange(3.0)), x)
    ops = [type(node.op).__name__ for node in toposort([gx])]
    assert (ops.count("Tanh"), ops.count("Sigmoid"), ops.count("Softmax")) == (1, 1, 1)
    verify_grad(lambda v: T.nnet.softmax(T.nnet.sigmoid(T.tanh(v))) * np.arange(3.0),
                          [np.random.default_rng(0).standard_normal((2, 3))])


def test_a_constant_factor_gets_no_gradient_built(monkeypatch):
    # x * 0.5 differentiated wrt x: grad builds the product g * 0.5 and nothing for 0.5 (the
    # product g * x and the sum unbroadcasting it were built and thrown away; issue #23).
    x = T.dvector("x")
    cost = (T.tanh(x) * 0.5).sum()
    built = []
    original = Apply.__init__

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(self)
    monkeypatch.setattr(Apply, "__init__", counting)
    gx = grad(cost, x)
    monkeypatch.undo()
    assert all(node in set(toposort([gx])) for node in built), [n.op.label for n in built]
    value = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(function([x], gx)(value), 0.5 * (1 - np.tanh(value) ** 2))


def test_l_op_needed_builds_only_the_needed_gradients():
    from graphlens.tensor.math import Mul
    x, y, g = T.dvector("x"), T.dvector("y"), T.dvector("g")
    out = x * y
    gx, gy = Mul().L_op_needed([x, y], [out], [g], [True, False])
    assert gy is None
    values = [np.array([1.0, 2.0]), np.array([3.0, -4.0])]
    np.testing.assert_allclose(function([y, g], gx)(*values), values[0] * values[1])
    both = Mul().L_op_needed([x, y], [out], [g], [True, True])
    np.testing.assert_allclose(function([x, g], both[1])(*values), values[0] * values[1])


def test_a_variable_considered_constant_still_gets_its_own_gradient():
    # Theano: a variable in consider_constant "is not a function of anything": its inputs get
    # nothing through it, but asked for itself it gets its gradient (Theano's batch-norm test
    # asks for x with consider_constant=[x, ...]).
    x = T.dvector("x")
    y = T.exp(x)
    cost = (y * 2).sum()
    point = np.array([0.0, 1.0])
    assert function([x], grad(cost, x, consider_constant=[x]))(point).tolist() == \
        [2.0, 2 * np.e]
    gx, gy = function([x], grad(cost, [x, y], consider_constant=[y],
                                          disconnected_inputs="ignore"))(point)
    assert gx.tolist() == [0.0, 0.0] and gy.tolist() == [2.0, 2.0]
    with pytest.raises(DisconnectedInputError, match="does not depend on 'x'"):
        grad(cost, x, consider_constant=[y])
    known = grad(None, [x], known_grads={y: T.ones_like(y)}, consider_constant=[x])
    assert function([x], known)(point)[0].tolist() == [1.0, np.e]


def test_verify_grad_makes_length_one_axes_of_the_point_broadcastable():
    # Theano's batch-norm test: a (1, n) mean and std against an (m, n) batch.
    rng = np.random.RandomState(0)
    x = rng.rand(4, 3)
    verify_grad(lambda x, m, s: ((x - m) / s).sum(), [x, x.mean(axis=0)[np.newaxis],
                                                      x.std(axis=0)[np.newaxis]], rng=rng)


def test_consider_constant_gives_zeros_as_theano_and_disconnected_grad_nothing():
    x = T.dmatrix("x")
    a = np.arange(4.0).reshape(2, 2)
    g = grad((x ** 2 * graphlens.gradient.consider_constant(x)).sum(), x)
    np.testing.assert_allclose(evaluate([x], g, a), 2 * a ** 2)
    # the whole cost held constant: zeros (Theano's ConsiderConstant), not an error
    g = grad(graphlens.gradient.consider_constant(x).sum(), x)
    np.testing.assert_array_equal(evaluate([x], g, a), np.zeros((2, 2)))
    with pytest.raises(DisconnectedInputError):
        grad(graphlens.gradient.disconnected_grad(x).sum(), x)


def test_the_gradient_wrt_an_integer_input_is_the_float_one_as_in_theano():
    # Theano's test_grad_int: an imatrix X of dot(X, W) has the gradient a float X would have
    W, b = T.dmatrix("W"), T.dvector("b")
    rng = np.random.RandomState(5)
    data = (rng.randn(5, 3) * 127).astype("int32")
    w, bias = rng.randn(3, 4), rng.randn(4)

    def gradient_for(X):
        cost = T.nnet.sigmoid(T.dot(X, W) + b).sum()
        return function([X, W, b], grad(cost, X))

    as_int = gradient_for(T.imatrix("X"))(data, w, bias)
    as_float = gradient_for(T.dmatrix("X"))(data.astype("float64"), w, bias)
    np.testing.assert_allclose(as_int, as_float)
    assert np.abs(as_float).max() > 0


def test_undefined_grad_keeps_the_value_and_refuses_the_gradient():
    from graphlens.gradient import NullTypeGradError, UndefinedGrad, undefined_grad
    x = T.dvector("x")
    y = undefined_grad(x) * 2
    f = function([x], y)
    np.testing.assert_allclose(f(np.array([1.0, 3.0])), [2.0, 6.0])
    assert not any(isinstance(node.op, UndefinedGrad) for node in f.maker.fgraph.toposort())
    with pytest.raises(NullTypeGradError, match="undefined_grad"):
        grad(y.sum(), x)
    assert y.owner.inputs[0].owner.op.connection_pattern(None) == [[True]]
    assert disconnected_grad(x).owner.op.connection_pattern(None) == [[False]]


@dataclass(frozen=True)
class SplitOp(Op):
    """Two outputs: 2 * x, and a scalar not computed from x (connection_pattern says so)."""

    def make_node(self, x):
        return Apply(self, [x], [x.type(), T.dscalar()])

    def perform(self, node, inputs):
        return [inputs[0] * 2, np.asarray(7.0)]

    def connection_pattern(self, node):
        return [[True, False]]

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]


@dataclass(frozen=True)
class Join2(Op):
    """a.sum() + b; its gradient with respect to b undefined."""

    def make_node(self, a, b):
        return Apply(self, [a, b], [T.dscalar()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0].sum() + inputs[1])]

    def grad(self, inputs, output_grads):
        return [T.ones_like(inputs[0]) * output_grads[0], undefined(inputs[1], "no reason")]


def test_connection_pattern_keeps_an_unconnected_output_out_of_the_gradient():
    # Theano's Op.connection_pattern: the second output does not depend on x, so the undefined
    # gradient Join2 gives it never reaches x.
    x = T.dvector("x")
    doubled, seven = SplitOp()(x)
    g = grad(Join2()(doubled, seven), x)
    np.testing.assert_allclose(evaluate([x], g, np.array([1.0, 2.0])), [2.0, 2.0])


def test_a_wrong_number_of_gradients_is_a_type_and_value_error():
    @dataclass(frozen=True)
    class OneGrad(Op):
        def make_node(self, a, b):
            return Apply(self, [a, b], [a.type()])

        def grad(self, inputs, output_grads):
            return [output_grads[0]]

    x, y = T.dvector("x"), T.dvector("y")
    for error in (TypeError, ValueError):
        with pytest.raises(error, match="returned 1 gradients for 2 inputs"):
            grad(OneGrad()(x, y).sum(), x)
