"""Backpropagation through time (graphlens/scan/backward.py) against finite differences: taps on
sequences and outputs, non-sequences, symbolic n_steps, truncation, scan inside scan, until,
shared weights, and jacobian/hessian of graphs with a scan."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, hessian, jacobian, scan, shared, verify_grad
from graphlens.scan_module import until

RNG = np.random.default_rng(7)


def test_gradient_through_sequence_taps_output_taps_and_a_non_sequence():
    def model(x, h0, w):
        def step(x_prev2, x_now, x_next, h1, h3, w):
            return T.tanh(x_prev2 * w + x_now - 0.5 * x_next + 0.3 * h1 - 0.2 * h3)
        out, _ = scan(step, sequences=dict(input=x, taps=[-2, 0, 1]),
                      outputs_info=dict(initial=h0, taps=[-1, -3]), non_sequences=w)
        return out
    verify_grad(model, [RNG.normal(size=(9, 3)), RNG.normal(size=(3, 3)),
                        RNG.normal(size=(3,))])


def test_gradient_of_a_tanh_rnn_with_symbolic_n_steps_and_matrix_weights():
    n = T.lscalar("n")

    def model(x, h0, W, U):
        out, _ = scan(lambda x_t, h, W, U: T.tanh(T.dot(x_t, U) + T.dot(h, W)),
                      sequences=x, outputs_info=h0, non_sequences=[W, U], n_steps=n)
        return out
    points = [RNG.normal(size=(6, 2)), RNG.normal(size=(4,)), 0.5 * RNG.normal(size=(4, 4)),
              RNG.normal(size=(2, 4))]
    x, h0, W, U = [T.TensorType("float64", (None,) * p.ndim)(f"p{i}")
                   for i, p in enumerate(points)]
    cost = (model(x, h0, W, U) ** 2).sum()
    grads = function([x, h0, W, U, n], grad(cost, [x, h0, W, U]))
    f = function([x, h0, W, U, n], cost)
    got = grads(*points, 4)
    eps = 1e-6
    for position, (point, g) in enumerate(zip(points, got)):
        numeric = np.zeros_like(point)
        for index in np.ndindex(point.shape):
            shifted = [p.copy() for p in points]
            shifted[position][index] += eps
            up = f(*shifted, 4)
            shifted[position][index] -= 2 * eps
            numeric[index] = (up - f(*shifted, 4)) / (2 * eps)
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)
    # Steps past n_steps do not reach the cost: their inputs get no gradient.
    assert np.all(got[0][4:] == 0) and np.any(got[0][:4] != 0)


def test_gradient_of_a_per_step_output_and_a_state_together():
    def model(x, h0):
        h, y = scan(lambda x_t, h: [h * x_t + 1, T.sin(h) * x_t], sequences=x,
                    outputs_info=[h0, None])[0]
        return h.sum() + 2 * y.sum()
    verify_grad(model, [RNG.normal(size=(5,)), np.array(0.3)])


def test_gradient_through_go_backwards():
    def model(x, h0):
        out, _ = scan(lambda x_t, h: T.tanh(h + x_t), sequences=x, outputs_info=h0,
                      go_backwards=True)
        return out * T.arange(1, 5)
    verify_grad(model, [RNG.normal(size=(4,)), np.array(0.1)])


def test_gradient_through_a_scan_inside_a_scan():
    def model(m, w):
        def row_step(row, acc, w):
            inner, _ = scan(lambda x, a, w: T.tanh(a * w + x), sequences=row,
                            outputs_info=acc, non_sequences=w)
            return inner[-1]
        out, _ = scan(row_step, sequences=m, outputs_info=T.constant(0.1),
                      non_sequences=w)
        return out
    verify_grad(model, [RNG.normal(size=(3, 4)), np.array(0.7)])


def test_gradient_through_a_shared_weight_the_step_reads_implicitly():
    W = shared(0.4 * RNG.normal(size=(3, 3)), name="W")
    x = T.dmatrix("x")
    out, _ = scan(lambda x_t, h: T.tanh(T.dot(h, W) + x_t), sequences=x,
                  outputs_info=T.zeros((3,), dtype="float64"))
    cost = (out[-1] ** 2).sum()
    gW = function([x], grad(cost, W))
    value = RNG.normal(size=(5, 3))
    f = function([x], cost)
    numeric = np.zeros((3, 3))
    base = W.get_value()
    for index in np.ndindex(3, 3):
        for sign in (1, -1):
            shifted = base.copy()
            shifted[index] += sign * 1e-6
            W.set_value(shifted)
            numeric[index] += sign * f(value) / 2e-6
    W.set_value(base)
    np.testing.assert_allclose(gW(value), numeric, rtol=1e-5, atol=1e-8)


def test_truncate_gradient_keeps_only_the_last_steps():
    x = T.dvector("x")
    h0 = T.dscalar("h0")
    out, _ = scan(lambda x_t, h: h * 0.9 + x_t, sequences=x, outputs_info=h0,
                  truncate_gradient=2)
    gx, gh0 = function([x, h0], grad(out[-1], [x, h0]))(np.ones(5), 1.0)
    # Only the last two steps carry gradient: x[4] directly, x[3] through one step.
    np.testing.assert_allclose(gx, [0.0, 0.0, 0.0, 0.9, 1.0])
    assert float(gh0) == 0.0
    full, _ = scan(lambda x_t, h: h * 0.9 + x_t, sequences=x, outputs_info=h0)
    gx_full = function([x, h0], grad(full[-1], x))(np.ones(5), 1.0)
    np.testing.assert_allclose(gx_full, 0.9 ** np.arange(4, -1, -1))


def test_gradient_through_until_uses_the_steps_that_ran():
    h0 = T.dscalar("h0")

    def step(h):
        new = h * 1.5
        return new, until(T.gt(new, 5.0))
    out, _ = scan(step, outputs_info=h0, n_steps=50)
    g = function([h0], grad(out.sum(), h0))
    steps = function([h0], out)(1.0).shape[0]
    assert steps == 4                              # 1.5, 2.25, 3.375, 5.06
    assert float(g(1.0)) == pytest.approx(sum(1.5 ** k for k in range(1, 5)))


def test_jacobian_and_hessian_of_a_scan():
    x = T.dvector("x")
    out, _ = scan(lambda x_t, h: h * x_t + x_t ** 2, sequences=x,
                  outputs_info=T.constant(0.0, dtype="float64"))
    cost = out[-1]
    value = np.array([0.5, -1.0, 2.0])
    H = function([x], hessian(cost, x))(value)
    J = function([x], jacobian(out, x))(value)

    def final(v):
        h = 0.0
        trace = []
        for item in v:
            h = h * item + item ** 2
            trace.append(h)
        return np.array(trace)
    eps = 1e-5
    numeric_J = np.stack([(final(value + eps * e) - final(value - eps * e)) / (2 * eps)
                          for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(J, numeric_J, rtol=1e-6, atol=1e-8)
    gcost = function([x], grad(cost, x))
    numeric_H = np.stack([(gcost(value + eps * e) - gcost(value - eps * e)) / (2 * eps)
                          for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(H, numeric_H, rtol=1e-5, atol=1e-7)


def test_gradient_of_a_float32_rnn_keeps_float32():
    x = T.fmatrix("x")
    W = shared(np.eye(2, dtype="float32") * 0.5, name="W")
    out, _ = scan(lambda x_t, h: T.tanh(T.dot(h, W) + x_t), sequences=x,
                  outputs_info=T.zeros((2,), dtype="float32"))
    g = grad(out.sum(), [x, W])
    assert [v.dtype for v in g] == ["float32", "float32"]
    values = function([x], g)(np.ones((3, 2), dtype="float32"))
    assert all(v.dtype == np.float32 for v in values)


def test_a_loops_logistic_loss_gradient_stays_finite_where_scores_saturate():
    # The step's sequence-only work is hoisted out of the loop; it is taken from the
    # stabilized step, so log(1 - sigmoid(z))'s gradient is never split into exp(-z) outside
    # and a division by (1 + exp(-z))**2 inside (NaN at z = 40 before).
    X, Y = T.dtensor3("X"), T.dmatrix("Y")
    w = shared(np.ones(3), name="w")

    def step(x_t, y_t):
        p = 1 / (1 + T.exp(-T.dot(x_t, w)))
        return (-y_t * T.log(p) - (1 - y_t) * T.log(1 - p)).mean()

    losses, _ = scan(step, sequences=[X, Y])
    in_loop = function([X, Y], [losses, grad(losses.sum(), w)])
    x, y = T.dmatrix("x"), T.dvector("y")
    p = 1 / (1 + T.exp(-T.dot(x, w)))
    one = (-y * T.log(p) - (1 - y) * T.log(1 - p)).mean()
    no_loop = function([x, y], [one, grad(one, w)])
    xv = np.full((3, 4, 3), 40 / 3)
    xv[1] *= -1
    xv[2] *= 0.01
    yv = np.array([[1.0] * 4, [1.0] * 4, [0.0, 1.0, 0.0, 1.0]])
    got_losses, got_grad = in_loop(xv, yv)
    steps = [no_loop(xv[t], yv[t]) for t in range(3)]
    np.testing.assert_allclose(got_losses, [loss for loss, _ in steps], rtol=1e-12)
    np.testing.assert_allclose(got_grad, sum(g for _, g in steps), rtol=1e-12)
    # The saturated steps: -sigmoid(-40) * 40/3 (exact, not 0) and +40/3 per weight.
    assert np.all(np.isfinite(got_grad))
    np.testing.assert_allclose(steps[0][1], -np.exp(-40.0) / (1 + np.exp(-40.0)) * 40 / 3,
                               rtol=1e-12)


def test_a_loop_in_debug_mode_hoists_from_its_stabilized_step():
    # The stabilized step is rewritten in the loop's own mode's class: a DebugMode loop too.
    from graphlens.compile.mode import DebugMode
    x = T.dmatrix("x")
    w = shared(np.ones(2), name="w")
    out, _ = scan(lambda x_t: T.nnet.sigmoid(T.dot(x_t, w)) * 2, sequences=[x], mode=DebugMode())
    f = function([x], grad(out.sum(), w), mode=DebugMode())
    xv = np.arange(6.0).reshape(3, 2) / 10
    s = 1 / (1 + np.exp(-xv @ np.ones(2)))
    np.testing.assert_allclose(f(xv), (2 * s * (1 - s)) @ xv, rtol=1e-12)


def test_the_gradient_of_a_loop_builds_with_compute_test_value_raise():
    # Theano users debug shapes with test values on; the backward loop's own stand-ins have
    # none, and the gradient's value is still checked when something is built from it.
    import graphlens
    x = T.dvector("x")
    x.tag.test_value = np.ones(3)
    y = graphlens.shared(np.arange(9.0).reshape(3, 3), name="y")
    with graphlens.config.change_flags(compute_test_value="raise"):
        z, _ = graphlens.scan(lambda u, v: T.tanh(u + v), sequences=[x], non_sequences=[y])
        g = graphlens.grad(z.sum(), x)
        doubled = g * 2
    # Each step adds the scalar x[t] to all of y: its gradient sums the whole matrix's.
    expected = np.full(3, 2 * (1 - np.tanh(1.0 + np.arange(9.0).reshape(3, 3)) ** 2).sum())
    np.testing.assert_allclose(doubled.tag.test_value, expected)
    np.testing.assert_allclose(graphlens.function([x], doubled)(np.ones(3)), expected)


def test_integer_inputs_a_loop_reads_get_a_float_zero_gradient():
    # As outside a loop (grad(cast(u, 'float64').sum(), u) is zeros): Theano's scan gave
    # integer sequences and non-sequences it reads a gradient, not a disconnection.
    u, k, x = T.ivector("u"), T.iscalar("k"), T.dvector("x")
    z, _ = scan(lambda a, b, kk: T.cast(a, "float64") * 3 * b + kk, sequences=[u, x],
                non_sequences=[k])
    gu, gx, gk = grad(z.sum(), [u, x, k])
    assert gu.dtype == gk.dtype == "float64"
    values = function([u, x, k], [gu, gx, gk])(np.arange(3, dtype="int32"), np.ones(3), 2)
    np.testing.assert_array_equal(values[0], np.zeros(3))
    np.testing.assert_array_equal(values[1], [0.0, 3.0, 6.0])
    assert float(values[2]) == 0.0
    unread, _ = scan(lambda a, b: b * 2, sequences=[u, x])
    with pytest.raises(Exception, match="does not depend on 'u'"):
        grad(unread.sum(), u)


def test_an_integer_state_with_taps_gets_a_float_zero_gradient():
    # Theano's scan test_connection_pattern: grad(a[-1], a0) for integer states of two taps
    # raised a disconnection here; Theano saw the state connected (a zero, as for sequences).
    a0 = shared(np.arange(2), name="a0")
    (a, b), _ = scan(lambda a2, a1, b2, b1: (a1, b1),
                     outputs_info=[dict(initial=a0, taps=[-2, -1]),
                                   dict(initial=a0 * 2, taps=[-2, -1])], n_steps=2)
    g = grad(a[-1], a0)
    assert g.dtype == "float64"
    np.testing.assert_array_equal(function([], g)(), np.zeros(2))


def test_an_initial_state_no_step_reads_is_disconnected_as_in_theano():
    # Theano's test_grad_connectivity_matrix: z[t] = x[t-1] + 1 never reads z's earlier values,
    # so z0 reaches no output (it got zeros here, where Theano raised DisconnectedInputError).
    from graphlens.errors import DisconnectedInputError
    x0, y0, z0 = T.dvector("x0"), T.dvector("y0"), T.dvector("z0")
    (x, y, z), _ = scan(lambda a, b, c: (a ** 2, b, a + 1), outputs_info=[x0, y0, z0],
                        n_steps=3)
    cost = (x + y + z).sum()
    with pytest.raises(DisconnectedInputError, match="does not depend on 'z0'"):
        grad(cost, z0)
    gx, gy = grad(cost, [x0, y0])
    values = function([x0, y0, z0], [gx, gy])([1.0, 2.0], [3.0, 4.0], [0.0, 0.0])
    # x: x0^2, x0^4, x0^8; z: x0 + 1, x0^2 + 1, x0^4 + 1 (y carries y0 along)
    np.testing.assert_allclose(values[0], [21.0, 1097.0])
    np.testing.assert_allclose(values[1], [3.0, 3.0])
