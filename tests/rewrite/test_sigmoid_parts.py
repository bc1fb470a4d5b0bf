"""sigmoid_bce_parts (tensor/nnet/sigmoid_parts.py) and the rule that puts it in a graph
(rewrite/sigmoid_xent.py's sigmoid_parts_shared, #23): the loss, sigmoid(z) and sigmoid(-z) of
one z from two exps, as stable as the three ops it replaces (the loss bit for bit)."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.errors import GraphlensTypeError, ShapeError
from graphlens.ifelse import ifelse
from graphlens.compile.mode import Mode
from graphlens.gradient_check import verify_grad
from graphlens.tensor.nnet.sigmoid_parts import SigmoidBCEParts, sigmoid_bce_parts

# Scores where the sigmoid saturates in float64 (|z| > 37), where exp(-z) overflows
# (z < -709.78) and where exp(z) underflows to 0 (|z| > 745); signed zeros.
EXTREME = np.array([40.0, -40.0, 720.0, -720.0, 750.0, -750.0, 800.0, -800.0, 0.0, -0.0,
                    1e-300, -1e-300, 3.5, -3.5])
WITHOUT_RULE = Mode("FAST_RUN", exclude=("sigmoid_parts_shared",))


def _reference_sigmoid(z):
    """sigmoid(z) in extended precision where numpy has it, then rounded: the true value."""
    wide = z.astype(np.longdouble)
    return (1 / (1 + np.exp(-wide))).astype(np.float64)


def _parts_function(dtype="float64"):
    z, t = T.TensorType(dtype, (None,))("z"), T.TensorType(dtype, (None,))("t")
    return function([z, t], sigmoid_bce_parts(z, t), mode="NONE")


def test_the_loss_is_sigmoid_binary_crossentropy_bit_for_bit():
    z, t = T.dvectors("z", "t")
    plain = function([z, t], T.nnet.sigmoid_binary_crossentropy(z, t), mode="NONE")
    rng = np.random.default_rng(0)
    scores = np.concatenate([EXTREME, rng.standard_normal(200) * 20])
    for targets in (np.zeros_like(scores), np.ones_like(scores), rng.random(len(scores))):
        loss, _, _ = _parts_function()(scores, targets)
        np.testing.assert_array_equal(loss, plain(scores, targets))
        assert np.isfinite(loss).all()


def test_both_sigmoids_are_exact_where_the_scores_saturate():
    _, p, q = _parts_function()(EXTREME, np.ones_like(EXTREME))
    np.testing.assert_allclose(p, _reference_sigmoid(EXTREME), rtol=4e-16, atol=0)
    np.testing.assert_allclose(q, _reference_sigmoid(-EXTREME), rtol=4e-16, atol=0)
    # The small side is the exp itself, never 1 - 1 or 1 / inf.
    assert q[0] == np.exp(-40.0) / (1 + np.exp(-40.0)) and q[0] > 0
    assert p[3] == np.exp(-720.0) and p[3] > 0              # subnormal, exact
    assert (p[[6, 7]] == [1.0, 0.0]).all() and (q[[6, 7]] == [0.0, 1.0]).all()
    assert (p[[8, 9]] == 0.5).all() and (q[[8, 9]] == 0.5).all()


def test_float32_scores_keep_their_dtype():
    scores = np.array([20.0, -20.0, 100.0, -100.0, 0.5], dtype="float32")
    loss, p, q = _parts_function("float32")(scores, np.array([1, 0, 1, 0, 1], "float32"))
    assert loss.dtype == p.dtype == q.dtype == np.float32
    # (z = -100: a float32 subnormal, 3.7e-44, exact to its spacing of 1.4e-45)
    np.testing.assert_allclose(p, _reference_sigmoid(scores.astype("float64")), rtol=2e-7,
                               atol=1.5e-45)
    assert q[0] > 0 and p[3] > 0


def test_targets_broadcast_to_the_scores_and_a_scalar_works():
    z, t = T.dmatrix("z"), T.TensorType("float64", (1, None))("t")
    f = function([z, t], sigmoid_bce_parts(z, t))
    scores, targets = np.array([[1.0, -2.0], [3.0, 50.0]]), np.array([[1.0, 0.0]])
    loss, p, _ = f(scores, targets)
    assert loss.shape == p.shape == (2, 2)
    np.testing.assert_allclose(loss, np.logaddexp(0, scores) - targets * scores, rtol=1e-15)
    s, one = T.dscalar("s"), T.dscalar("one")
    loss, p, q = function([s, one], sigmoid_bce_parts(s, one))(np.array(-3.0), np.array(1.0))
    small = np.exp(-3.0)
    assert p.shape == () and p == small / (1 + small) and q == 1 / (1 + small)
    np.testing.assert_allclose(loss, 3 + np.log1p(np.exp(-3.0)), rtol=1e-15)


def test_targets_that_would_broadcast_the_scores_longer_are_refused():
    with pytest.raises(ShapeError, match="broadcast to the scores"):
        sigmoid_bce_parts(T.TensorType("float64", (1,))("z"), T.dvector("t"))
    with pytest.raises(GraphlensTypeError, match="one float dtype"):
        sigmoid_bce_parts(T.dvector("z"), T.fvector("t"))


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)

    def weighted(z, t):
        loss, p, q = SigmoidBCEParts()(z, t)
        return loss + 2.0 * p - 3.0 * q
    verify_grad(weighted, [rng.standard_normal(7) * 3, rng.random(7)], rng=rng)


def _logreg_step(mode=None, n_features=5):
    """The tutorial's logistic-regression step (gallery/logreg.py) on scores z given as an
    input: its prediction, per-example loss and the loss's gradient with respect to z."""
    z, y = T.dvectors("z", "y")
    p_1 = 1 / (1 + T.exp(-z))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    return function([z, y], [p_1 > 0.5, xent, grad(xent.mean(), z)], mode=mode)


def test_the_tutorial_step_computes_its_loss_and_both_sigmoids_in_one_node():
    fast, before = _logreg_step(), _logreg_step(WITHOUT_RULE)
    ops = [type(node.op).__name__ for node in fast.fgraph.toposort()]
    assert ops.count("SigmoidBCEParts") == 1
    assert not {"Sigmoid", "SigmoidBinaryCrossentropy", "Exp"} & set(ops)
    records = [r for r in fast.rewrite_log if r.rule == "sigmoid_parts_shared"]
    assert len(records) == 3 and {r.phase for r in records} == {"share"}
    assert "sigmoid_parts_shared" not in before.rewrite_log.counts()
    # Each score on its right side (t = 1 where z > 0): the gradient is the small sigmoid / n,
    # which the tutorial's (p - t) / n rounds to 0 from |z| = 37 on.
    targets = (EXTREME > 0).astype("float64")
    (pred, loss, gz), (pred0, loss0, gz0) = fast(EXTREME, targets), before(EXTREME, targets)
    np.testing.assert_array_equal(pred, pred0)
    np.testing.assert_array_equal(loss, loss0)           # the same kernel's bits
    assert np.isfinite(loss).all()
    n = len(EXTREME)
    # sigmoid(z) - 1 = -sigmoid(-z): the reference without the cancellation.
    exact = np.where(targets == 1, -_reference_sigmoid(-EXTREME), _reference_sigmoid(EXTREME))
    np.testing.assert_allclose(gz, exact / n, rtol=4e-15, atol=1e-320)
    assert gz[0] == -np.exp(-40.0) / (1 + np.exp(-40.0)) / n
    # At z = 720 the three-op graph's sigmoid(-z) was 1 / (1 + inf) = 0; now exp(-720).
    assert gz0[2] == 0 and gz[2] < 0
    np.testing.assert_allclose(gz, gz0, rtol=1e-15, atol=1e-300)


def test_the_rule_fires_on_the_train_step_with_weights_and_keeps_its_values():
    rng = np.random.default_rng(2)
    w0 = rng.standard_normal(4) * 30               # scores of +-100: saturated
    data, labels = rng.standard_normal((16, 4)), (rng.random(16) > 0.5).astype("float64")
    results = []
    for mode in (None, WITHOUT_RULE):
        x, y = T.dmatrix("x"), T.dvector("y")
        w = shared(w0.copy(), name="w")
        p_1 = 1 / (1 + T.exp(-T.dot(x, w)))
        xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
        train = function([x, y], [p_1 > 0.5, xent], updates=[(w, w - 0.1 * grad(xent.mean(), w))],
                         mode=mode)
        results.append(train(data, labels) + [w.get_value()])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-14)


def test_the_rule_needs_the_loss_and_a_sigmoid_of_its_scores():
    z, t = T.dvectors("z", "t")
    lone_loss = function([z, t], T.nnet.sigmoid_binary_crossentropy(z, t))
    lone_sigmoid = function([z], [T.nnet.sigmoid(z), T.nnet.sigmoid(-z)])
    other_scores = function([z, t], [T.nnet.sigmoid_binary_crossentropy(z, t),
                                     T.nnet.sigmoid(t)])
    for f in (lone_loss, lone_sigmoid, other_scores):
        assert "sigmoid_parts_shared" not in f.rewrite_log.counts()


def test_targets_computed_from_the_sigmoid_are_left_alone():
    # Replacing sigmoid(z) by an output of a node that reads it would make a cycle.
    z = T.dvector("z")
    p = T.nnet.sigmoid(z)
    f = function([z], [T.nnet.sigmoid_binary_crossentropy(z, p * 0.5), p])
    loss, prob = f(np.array([1.0, -2.0]))
    np.testing.assert_allclose(prob, 1 / (1 + np.exp(-np.array([1.0, -2.0]))), rtol=1e-15)
    np.testing.assert_allclose(loss, np.logaddexp(0, [1.0, -2.0]) - prob * 0.5 * [1.0, -2.0],
                               rtol=1e-14)


def test_a_graph_with_a_lazy_ifelse_keeps_the_three_ops():
    z, t, c = T.dvector("z"), T.dvector("t"), T.dscalar("c")
    loss = T.nnet.sigmoid_binary_crossentropy(z, t)
    f = function([z, t, c], [ifelse(c, loss, T.nnet.sigmoid(z)), loss])
    assert "sigmoid_parts_shared" not in f.rewrite_log.counts()
    got = f(np.array([1.0, -1.0]), np.array([1.0, 0.0]), np.array(0.0))
    np.testing.assert_allclose(got[0], 1 / (1 + np.exp(-np.array([1.0, -1.0]))), rtol=1e-15)


def test_pictures_name_each_output_once_on_a_port_its_edges_leave_from():
    from graphlens.render.picture import pydotprint
    z, t = T.dvectors("z", "t")
    loss, p, q = sigmoid_bce_parts(z, t)
    f = function([z, t], [loss, p * q + 1.0, p > 0.5])
    lines = pydotprint(f, format="dot").splitlines()
    (node,) = [line for line in lines if line.startswith("  a_n0 [")]
    assert node.startswith('  a_n0 [shape="Mrecord", style="rounded,filled", '
                           'fillcolor="#f2f2f2", label="{{<i0> scores|<i1> targets}|'
                           'SigmoidBCEParts\\nfloat64[?]|'
                           '{<o0> loss|<o1> sigmoid|<o2> sigmoid(-z)}}"')
    leaving = sorted((line.split(" [")[0].split("-> ")[1], line.split('tailport="')[1][:2])
                     for line in lines if line.startswith("  a_n0 -> "))
    # The loss into its output; p into the comparison and, like q, into the fused p * q + 1.
    assert leaving == [("a_n1_0", "o1"), ("a_n1_0", "o2"), ("a_n2", "o1"), ("a_o0", "o0")]
    assert not any("taillabel" in line for line in lines)


def test_the_share_phase_visits_no_node_of_a_graph_without_the_loss():
    from graphlens.compile.mode import get_mode
    from graphlens.graph.fg import FunctionGraph
    from graphlens.rewrite.db import optimize
    phases = []

    def progress(stage, counts):
        phases.append(counts["phase"])
    x = T.dvector("x")
    for outputs, expected in (([T.nnet.sigmoid(x) * 2.0], False),
                              ([T.nnet.sigmoid_binary_crossentropy(x, x * 0.5),
                                T.nnet.sigmoid(x)], True)):
        phases.clear()
        fgraph = FunctionGraph([x], outputs)
        log = optimize(fgraph, get_mode("FAST_RUN"), progress=progress)
        assert ("share" in phases) is expected and "fusion" in phases
        assert ("sigmoid_parts_shared" in log.counts()) is expected


def test_the_denoising_autoencoders_log_likelihood_becomes_one_loss_and_shares_its_exps():
    # gallery/denoising_autoencoder.py: L = -sum(x * log(z) + (1 - x) * log(1 - z), axis=1),
    # the log-likelihood negated outside its sum.
    a, x = T.dmatrix("a"), T.dmatrix("x")
    z = T.nnet.sigmoid(a)
    cost = T.mean(-T.sum(x * T.log(z) + (1 - x) * T.log(1 - z), axis=1))
    f = function([a, x], [cost, grad(cost, a)])
    counts = f.rewrite_log.counts()
    assert counts.get("sigmoid_binary_crossentropy_of_scores") == 1
    assert counts.get("sigmoid_parts_shared") == 3
    scores = np.array([[40.0, -40.0, 800.0], [-800.0, 0.5, -2.0]])
    targets = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    value, gradient = f(scores, targets)
    loss = np.logaddexp(0, scores) - targets * scores
    np.testing.assert_allclose(value, loss.sum(axis=1).mean(), rtol=1e-15)
    exact = np.where(targets == 1, -_reference_sigmoid(-scores), _reference_sigmoid(scores))
    np.testing.assert_allclose(gradient, exact / 2, rtol=4e-15, atol=1e-320)
    assert gradient[0, 0] < 0 and gradient[0, 1] > 0       # exp(-40) / 2, not 0


def test_pp_prints_an_output_of_the_node_among_other_outputs():
    from graphlens.printing import pp
    z, t = T.dvectors("z", "t")
    loss, p, q = sigmoid_bce_parts(z, t)
    # Among other outputs each is named (the loss was dropped before); alone, the binding
    # line is the outputs, as for a loop's.
    assert pp([loss, p > 0.5]) == ("%1, %2, %3 = sigmoid_bce_parts(z, t)\nout1 = %1\n"
                                   "out2 = %2 > 0.5")
    assert pp([loss, p, q]) == "%1, %2, %3 = sigmoid_bce_parts(z, t)"


def test_a_train_function_holding_the_node_pickles_and_copies():
    import copy
    import pickle
    fast = _logreg_step()
    assert any(isinstance(node.op, SigmoidBCEParts) for node in fast.fgraph.apply_nodes)
    targets = (EXTREME > 0).astype("float64")
    want = fast(EXTREME, targets)
    for again in (pickle.loads(pickle.dumps(fast)), copy.deepcopy(fast)):
        for got, expected in zip(again(EXTREME, targets), want):
            np.testing.assert_array_equal(got, expected)
