"""Per-step gradient norms of loops (graphlens/trace/steps.py, scan/probe.py): exact against a
hand-written numpy BPTT, the terminal plot, and their place in gradient_stats."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import shared
from graphlens.trace.stats import gradient_stats
from graphlens.trace.steps import StepGradients, plot_norms, step_gradients


def _tanh_rnn(scale, steps=30, seed=0):
    rng = np.random.default_rng(seed)
    W = shared(rng.normal(size=(6, 6)) * scale, name="W")
    U = shared(rng.normal(size=(2, 6)), name="U")
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    h, _ = graphlens.scan(lambda x_t, h: T.tanh(T.dot(x_t, U) + T.dot(h, W)), sequences=x,
                          outputs_info=h0, name="rnn")
    cost = (h[-1] ** 2).sum() + 0.0 * h.sum()
    data = rng.normal(size=(steps, 2))
    return cost, x, h0, W, U, data


def _numpy_norms(W, U, data):
    states, h = [], np.zeros(W.shape[0])
    for row in data:
        h = np.tanh(row @ U + h @ W)
        states.append(h)
    grad_h = 2 * states[-1]
    norms = [np.linalg.norm(grad_h)]
    for t in range(len(states) - 1, 0, -1):
        grad_h = (grad_h * (1 - states[t] ** 2)) @ W.T
        norms.append(np.linalg.norm(grad_h))
    return norms[::-1]


def test_per_step_norms_equal_a_hand_written_bptt():
    cost, x, h0, W, U, data = _tanh_rnn(scale=0.3)
    (loop,) = step_gradients(cost, {x: data, h0: np.zeros(6)})
    assert loop.name == "rnn: h[t]"
    assert loop.where.endswith("test_steps.py:19")         # the graphlens.scan(...) line
    np.testing.assert_allclose(loop.norms, _numpy_norms(W.get_value(), U.get_value(), data),
                               rtol=1e-10)


def test_a_gradient_dying_within_ten_steps_is_reported_and_plotted():
    cost, x, h0, W, U, data = _tanh_rnn(scale=0.3)
    (loop,) = step_gradients(cost, {x: data, h0: np.zeros(6)})
    norms = np.array(loop.norms)
    expected = next(back for back, n in enumerate(norms[::-1]) if n < 1e-4 * norms.max())
    assert loop.vanishes_after() == expected and expected <= 10
    lines = loop.plot()
    assert lines[0] == "gradient norm per step of rnn: h[t]"
    top_row, bottom_row = lines[1], lines[8]
    # Only the last steps reach the top decade; the first ones not even the bottom row.
    assert top_row.endswith("#") and top_row.split("|")[1].startswith(" " * 20)
    assert bottom_row.split("|")[1].endswith("#" * 20) and bottom_row.split("|")[1][0] == " "
    assert lines[-1].strip().startswith("step 0") and lines[-1].strip().endswith("29")


def test_a_healthy_recurrence_does_not_vanish():
    cost, x, h0, W, U, data = _tanh_rnn(scale=0.0, steps=5)
    # With W = 0 nothing flows back through time: only the last step has a gradient.
    (loop,) = step_gradients(cost, {x: data, h0: np.zeros(6)})
    assert loop.norms[:4] == (0.0, 0.0, 0.0, 0.0) and loop.norms[4] > 0
    healthy = StepGradients("loop", "m.py:1", (1.0, 0.9, 1.1, 1.0))
    assert healthy.vanishes_after() is None


def test_gradient_stats_lists_the_loop_and_ranks_its_vanishing_as_a_suspect():
    cost, x, h0, W, U, data = _tanh_rnn(scale=0.3)
    stats = gradient_stats(cost, [W, U], {x: data, h0: np.zeros(6)})
    assert [loop.name for loop in stats.steps] == ["rnn: h[t]"]
    vanishing = [s for s in stats.suspects if s.subject == "rnn: h[t]"]
    assert vanishing and vanishing[0].kind == "vanishing"
    assert "steps back (30 steps ran)" in vanishing[0].message
    text = str(stats)
    assert "gradient norm per step of rnn: h[t]" in text


def test_plot_groups_long_sequences_into_columns():
    lines = plot_norms([10.0 ** (-k / 50) for k in range(400)][::-1], 4, 80, "long")
    assert lines[0] == "long (5 steps per column)"
    assert all(len(line.split("|")[1]) == 80 for line in lines[1:5])


def test_plot_of_no_steps_and_of_zero_gradients_says_so():
    assert plot_norms([], 8, 80, "t") == ["t: no steps ran"]
    assert plot_norms([0.0, 0.0], 8, 80, "t") == ["t: every step's gradient is exactly 0"]


def test_a_cost_without_loops_has_no_step_report():
    v = T.dvector("v")
    assert step_gradients((v ** 2).sum(), {v: np.ones(2)}) == []
