"""Theano's `numeric_grad` (graphlens/gradient_check.py): one-sided finite differences of a
Python function, element by element, and its error measures; `subgraph_grad`
(graphlens/subgraph.py): back-propagation piece by piece adds up to `grad` of the whole."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import gradient
from graphlens.compile.function import function
from graphlens.compile.shared import shared
from graphlens.errors import GradientCheckError, GraphlensTypeError, InvalidArgumentError
from graphlens.gradient import grad, numeric_grad, subgraph_grad, verify_grad


def test_numeric_grad_is_the_one_sided_difference_of_each_element():
    point = np.array([[1.0, -2.0], [0.5, 3.0]])
    ng = numeric_grad(lambda x: (x ** 3).sum(), point)
    assert isinstance(ng.gf, np.ndarray) and ng.gf.shape == (2, 2)   # one point: one array
    eps = 1e-7
    np.testing.assert_allclose(ng.gf, ((point + eps) ** 3 - point ** 3) / eps, rtol=1e-6)
    np.testing.assert_allclose(ng.gf, 3 * point ** 2, rtol=1e-5)


def test_numeric_grad_of_several_points_gives_one_array_each():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([[0.5], [-1.5]])
    ng = numeric_grad(lambda x, y: (x.sum() * y ** 2).sum(), [a, b])
    assert isinstance(ng.gf, list) and [g.shape for g in ng.gf] == [(3,), (2, 1)]
    np.testing.assert_allclose(ng.gf[0], np.full(3, (b ** 2).sum()), rtol=1e-5)
    np.testing.assert_allclose(ng.gf[1], 2 * a.sum() * b, rtol=1e-5)
    # The points themselves are not moved.
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])


def test_numeric_grad_steps_by_dtype_and_by_eps():
    for name, step in [("float64", 1e-7), ("float32", 3e-4), ("float16", 1e-1)]:
        assert numeric_grad.type_eps[name] == numeric_grad.type_eps[np.dtype(name)] == step
    # f(x) = x**2: the forward difference is 2x + eps exactly, so the step shows.
    x32 = np.array([1.0], dtype="float32")
    ng = numeric_grad(lambda x: (x.astype("float64") ** 2).sum(), x32)
    assert ng.gf.dtype == np.float32
    # 2 + eps, give or take float32's rounding of 1 + eps: float32's step, not float64's.
    assert 2e-4 < ng.gf[0] - 2.0 < 1e-3
    ng = numeric_grad(lambda x: (x ** 2).sum(), np.array([1.0]), eps=0.5)
    np.testing.assert_allclose(ng.gf, [2.5])
    # Mixed dtypes: the step of the coarsest, the work in the most precise.
    ng = numeric_grad(lambda x, y: (x ** 2).sum() + (y ** 2).sum(),
                      [np.array([1.0]), np.array([1.0], dtype="float32")])
    assert ng.gf[0].dtype == np.float64
    np.testing.assert_allclose(ng.gf[0], [2.0 + 3e-4], rtol=1e-7)


def test_numeric_grad_refuses_an_integer_point_by_name():
    with pytest.raises(GraphlensTypeError, match="point 1 has dtype int64"):
        numeric_grad(lambda x, i: x.sum(), [np.array([1.0]), np.array([2])])


def test_abs_rel_err_and_max_err_measure_the_worst_element():
    abs_err, rel_err = numeric_grad.abs_rel_err(np.array([1.0, 0.0]), np.array([3.0, 0.0]))
    np.testing.assert_array_equal(abs_err, [2.0, 0.0])
    np.testing.assert_array_equal(rel_err, [0.5, 0.0])      # 0 vs 0: the 1e-8 floor, no NaN
    ng = numeric_grad(lambda x, y: (x ** 2).sum() + (y ** 2).sum(),
                      [np.array([1.0, 2.0]), np.array([3.0])])
    errors = ng.abs_rel_errors([np.array([2.0, 4.0]), np.array([6.5])])
    assert len(errors) == 2
    np.testing.assert_allclose(errors[1][0], [0.5], rtol=1e-5)
    arg, position, abs_err, rel_err = ng.max_err([np.array([2.0, 4.0]), np.array([6.5])],
                                                 1e-4, 1e-4)
    assert (arg, position) == (1, 0)
    assert abs_err == pytest.approx(0.5, rel=1e-5)
    assert rel_err == pytest.approx(0.5 / 12.5, rel=1e-5)
    # Default tolerances are verify_grad's for the dtype: a right gradient scores below 1.
    arg, position, abs_err, rel_err = ng.max_err([np.array([2.0, 4.1]), np.array([6.0])])
    assert (arg, position) == (0, 1) and abs_err == pytest.approx(0.1, rel=1e-5)


def test_abs_rel_errors_refuses_a_wrong_count_or_shape():
    ng = numeric_grad(lambda x: (x ** 2).sum(), [np.array([1.0, 2.0])])
    with pytest.raises(ValueError, match="got 2 gradient arrays"):
        ng.abs_rel_errors([np.zeros(2), np.zeros(2)])
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        ng.abs_rel_errors([np.zeros(3)])
    with pytest.raises(ValueError, match="not finite"):
        ng.max_err([np.array([np.nan, 1.0])], 1e-4, 1e-4)


def test_numeric_grad_checks_a_compiled_gradient_as_theanos_tests_did():
    x = T.dvector("x")
    cost = T.sum(T.tanh(x) * x)
    f_cost = function([x], cost)
    f_grad = function([x], grad(cost, x))
    point = np.array([0.3, -1.2, 2.0])
    ng = numeric_grad(f_cost, [point])
    arg, position, abs_err, rel_err = ng.max_err([f_grad(point)], 1e-4, 1e-4)
    assert abs_err < 1e-5
    wrong = f_grad(point) + np.array([0.0, 0.0, 0.01])
    assert ng.max_err([wrong], 1e-4, 1e-4)[:2] == (0, 2)


def test_the_theano_paths_and_verify_grads_explanation_use_the_same_differences():
    assert graphlens.tensor.numeric_grad is numeric_grad is gradient.numeric_grad
    assert graphlens.gradient.subgraph_grad is graphlens.subgraph_grad is subgraph_grad
    # verify_grad's failure message shows numeric_grad's elementwise gradient of its cost.
    with pytest.raises(GradientCheckError, match="numeric gradient:"):
        verify_grad(lambda x: T.switch(x > 0, x, 0) + T.zero_grad(x ** 2),
                    [np.array([0.5, -0.5])])


def _two_layer_mlp():
    rng = np.random.default_rng(7)
    x, t = T.dvector("x"), T.dvector("t")
    w1 = shared(rng.standard_normal((3, 4)), name="w1")
    w2 = shared(rng.standard_normal((4, 2)), name="w2")
    a1 = T.tanh(T.dot(x, w1))
    a2 = T.tanh(T.dot(a1, w2))
    cost2 = T.sqr(a2 - t).sum() + T.sqr(w2.sum())
    cost1 = T.sqr(w1.sum())
    return x, t, w1, w2, a1, cost1, cost2


def test_subgraph_grad_layer_by_layer_equals_the_whole_gradient():
    # Theano's documented example: back-propagate one layer at a time.
    x, t, w1, w2, a1, cost1, cost2 = _two_layer_mlp()
    params, costs, ends = [[w2], [w1]], [cost2, cost1], [[a1], [x]]
    next_grad, param_grads = None, []
    for i in range(2):
        param_grad, next_grad = subgraph_grad(wrt=params[i], end=ends[i], start=next_grad,
                                              cost=costs[i])
        next_grad = dict(zip(ends[i], next_grad))
        param_grads.extend(param_grad)
    whole = grad(cost1 + cost2, [w2, w1])
    point = (np.array([0.4, -0.7, 1.1]), np.array([0.2, -0.3]))
    pieces = function([x, t], param_grads)(*point)
    expected = function([x, t], whole)(*point)
    assert pieces[0].shape == (4, 2) and pieces[1].shape == (3, 4)
    np.testing.assert_allclose(pieces[0], expected[0], rtol=1e-12)
    np.testing.assert_allclose(pieces[1], expected[1], rtol=1e-12)
    assert np.abs(pieces[1]).max() > 1e-3          # a real gradient, not zeros


def test_subgraph_grad_stops_at_end_and_returns_its_gradient():
    x, t, w1, w2, a1, cost1, cost2 = _two_layer_mlp()
    (g_w2, g_w1), (g_a1,) = subgraph_grad(wrt=[w2, w1], end=[a1], cost=cost2)
    point = (np.array([0.4, -0.7, 1.1]), np.array([0.2, -0.3]))
    g_w2_v, g_w1_v, g_a1_v = function([x, t], [g_w2, g_w1, g_a1])(*point)
    # w1 lies behind a1, which is held constant: no gradient reaches it.
    np.testing.assert_array_equal(g_w1_v, np.zeros((3, 4)))
    whole_w2, whole_a1 = function([x, t], grad(cost2, [w2, a1]))(*point)
    np.testing.assert_allclose(g_w2_v, whole_w2, rtol=1e-12)
    np.testing.assert_allclose(g_a1_v, whole_a1, rtol=1e-12)


def test_subgraph_grad_details_separates_start_and_cost():
    x, t, w1, w2, a1, cost1, cost2 = _two_layer_mlp()
    known = T.dvector("known")
    wrt_grads, end_grads, start_grads, cost_grads = subgraph_grad(
        wrt=[w1], end=[x], start={a1: known}, cost=cost1, details=True)
    assert len(start_grads) == len(cost_grads) == 2          # over wrt then end
    f = function([x, known], wrt_grads + start_grads + cost_grads)
    total, from_start, _, from_cost, _ = f(np.array([0.4, -0.7, 1.1]),
                                           np.array([1.0, 0.0, -2.0, 0.5]))
    np.testing.assert_allclose(total, from_start + from_cost, rtol=1e-12)
    np.testing.assert_allclose(from_cost, np.full((3, 4), 2 * w1.get_value().sum()),
                               rtol=1e-12)
    _, _, none_start, _ = subgraph_grad(wrt=[w1], end=[x], cost=cost1, details=True)
    assert none_start is None


def test_subgraph_grad_errors_say_what_was_wrong():
    x, t, w1, w2, a1, cost1, cost2 = _two_layer_mlp()
    with pytest.raises(InvalidArgumentError, match="needs a cost or start"):
        subgraph_grad(wrt=[w1], end=[x])
    with pytest.raises(GraphlensTypeError, match="end must be a list"):
        subgraph_grad(wrt=[w1], end=x, cost=cost1)
    with pytest.raises(GraphlensTypeError, match="start must be a dict"):
        subgraph_grad(wrt=[w1], end=[x], start=[a1])


def test_a_variable_held_constant_still_gets_its_own_gradient():
    # Theano's rule, which subgraph_grad's end gradients rely on: consider_constant stops the
    # gradient at h, and h itself, when asked for, gets its gradient.
    x = T.dscalar("x")
    h = x ** 2
    cost = h * 3.0 + x
    g_h, g_x = grad(cost, [h, x], consider_constant=[h])
    g_h_v, g_x_v = function([x], [g_h, g_x], on_unused_input="ignore")(2.0)
    assert (float(g_h_v), float(g_x_v)) == (3.0, 1.0)
