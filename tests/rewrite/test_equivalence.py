"""Rewrites never change results beyond floating-point tolerance: real models and random
elementwise expression trees give the same values in FAST_RUN and NONE."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import graphlens.tensor as T
from graphlens import config, function, grad, shared


def _train(mode, steps=3):
    """A 5-8-8-3 tanh MLP with softmax cross-entropy and L2, trained by SGD in `mode`."""
    rng = np.random.default_rng(7)
    sizes = (5, 8, 8, 3)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append(shared(rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)))
        params.append(shared(np.zeros(n_out)))
    x, y = T.dmatrix("x"), T.lvector("y")
    h = x
    for i in range(0, len(params), 2):
        h = T.dot(h, params[i]) + params[i + 1]
        h = T.tanh(h) if i + 2 < len(params) else h
    p = T.nnet.softmax(h)
    cost = T.nnet.categorical_crossentropy(p, y).mean() + 1e-3 * sum(
        T.sqr(w).sum() for w in params[::2])
    grads = grad(cost, params)
    step = function([x, y], [cost, T.argmax(p, axis=1)],
                    updates=[(w, w - 0.5 * g) for w, g in zip(params, grads)], mode=mode)
    data, labels = rng.standard_normal((16, 5)), rng.integers(0, 3, 16)
    history = [step(data, labels) for _ in range(steps)]
    return history, [w.get_value() for w in params]


def test_an_mlp_with_softmax_crossentropy_trains_the_same_in_both_modes():
    fast_history, fast_params = _train("FAST_RUN")
    slow_history, slow_params = _train("NONE")
    for (fast_cost, fast_pred), (slow_cost, slow_pred) in zip(fast_history, slow_history):
        np.testing.assert_allclose(fast_cost, slow_cost, rtol=1e-12)
        np.testing.assert_array_equal(fast_pred, slow_pred)
    for fast, slow in zip(fast_params, slow_params):
        np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-13)


def _logistic_regression(mode):
    rng = np.random.default_rng(1)
    w, b = shared(np.zeros(4, dtype="float32")), shared(np.float32(0.0))
    x, t = T.fmatrix("x"), T.fvector("t")
    p = T.nnet.sigmoid(T.dot(x, w) + b)
    cost = T.nnet.binary_crossentropy(p, t).mean()
    gw, gb = grad(cost, [w, b])
    step = function([x, t], [cost, gw], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)],
                    mode=mode)
    data = rng.standard_normal((20, 4)).astype("float32")
    target = (data[:, 0] > 0).astype("float32")
    return [step(data, target) for _ in range(5)], w.get_value()


def test_logistic_regression_trains_the_same_in_both_modes_in_float32():
    # floatX=float32, as a Theano float32 model runs: under float64, 0.1 * gw would be float64
    # (0.1 is not exact in float32) and the update of the float32 w would be refused.
    with config.change_flags(floatX="float32"):
        (fast_steps, fast_w), (slow_steps, slow_w) = (_logistic_regression("FAST_RUN"),
                                                      _logistic_regression("NONE"))
    for (fast_cost, fast_grad), (slow_cost, slow_grad) in zip(fast_steps, slow_steps):
        assert fast_cost.dtype == slow_cost.dtype == np.float32
        np.testing.assert_allclose(fast_cost, slow_cost, rtol=1e-5)
        np.testing.assert_allclose(fast_grad, slow_grad, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fast_w, slow_w, rtol=1e-4, atol=1e-6)


def test_second_derivatives_agree_in_both_modes():
    x = T.dvector("x")
    cost = T.sum(T.tanh(x) ** 3 + T.exp(-x * x))
    hessian = T.hessian(cost, x)
    gradient = grad(cost, x)
    value = np.array([0.3, -1.2, 2.0])
    fast = function([x], [gradient, hessian])(value)
    slow = function([x], [gradient, hessian], mode="NONE")(value)
    for got, want in zip(fast, slow):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


# Random elementwise trees: leaves are the inputs or constants, nodes are ops including the
# spellings rewrites look for (x * 1, x - x, log(1 + x), exp(x) - 1, log(sigmoid(x)), ...).
UNARY = {
    "neg": lambda a: -a, "abs": abs, "tanh": T.tanh, "sin": T.sin,
    "sigmoid": T.nnet.sigmoid, "sqr": T.sqr, "times_one": lambda a: a * 1,
    "plus_zero": lambda a: 0 + a, "minus_itself": lambda a: a - a, "double_neg": lambda a: -(-a),
    "log_one_plus": lambda a: T.log(1 + abs(a)), "exp_minus_one": lambda a: T.exp(T.tanh(a)) - 1,
    "log_sigmoid": lambda a: T.log(T.nnet.sigmoid(a)), "softplus": T.nnet.softplus,
}
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "max": T.maximum, "div_safe": lambda a, b: a / (1 + abs(b))}

leaves = st.sampled_from(["x", "y", "half", "two"])
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.sampled_from(sorted(BINARY)), children, children)),
    max_leaves=10)


def _build(tree, env):
    if isinstance(tree, str):
        return env[tree]
    op, *children = tree
    args = [_build(child, env) for child in children]
    return UNARY[op](*args) if op in UNARY else BINARY[op](*args)


@settings(max_examples=60, deadline=None)
@given(trees)
def test_random_elementwise_trees_agree_in_both_modes(tree):
    x, y = T.dvectors("x", "y")
    env = {"x": x, "y": y, "half": T.constant(0.5), "two": T.constant(2.0)}
    out = _build(tree, env)
    if out is x or out is y or out.owner is None:
        out = out + x * 0.0
    values = np.array([-2.5, -0.3, 0.0, 0.7, 3.0]), np.array([1.5, -2.0, 0.4, 0.0, -0.9])
    fast = function([x, y], out, on_unused_input="ignore")(*values)
    slow = function([x, y], out, on_unused_input="ignore", mode="NONE")(*values)
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)
