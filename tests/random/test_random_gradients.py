"""Draws and gradients: a draw is a constant to grad, its parameters get an honest zero whose
reason the tracer reports, and a mask passes the gradient to what it multiplies."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.render.dot import to_dot
from graphlens.tensor.shared_randomstreams import RandomStreams
from graphlens.trace import vanishing


def test_parameters_of_a_draw_get_a_zero_gradient_with_the_reparameterisation_reason():
    srng = RandomStreams(seed=1)
    mu, sigma = shared(np.zeros(3), name="mu"), shared(np.ones(3), name="sigma")
    cost = T.sqr(srng.normal((5, 3), avg=mu, std=sigma)).sum()
    g_mu, g_sigma = function([], grad(cost, [mu, sigma]))()
    np.testing.assert_array_equal(g_mu, np.zeros(3))
    np.testing.assert_array_equal(g_sigma, np.zeros(3))
    report = vanishing(cost, [mu, sigma])
    finding = report.finding(mu)
    assert finding.status == "blocked"
    (blocker,) = finding.blockers
    assert blocker.title == "normal"
    assert blocker.reason == ("sampled, not differentiable: use the reparameterisation "
                              "mu + sigma * normal(0, 1)")
    assert "mu + sigma * eps" in blocker.remedy
    assert "normal(size=[5, 3], avg=mu, std=sigma)" in str(report)


def test_the_reparameterised_sample_passes_gradients_to_mu_and_sigma():
    srng = RandomStreams(seed=2)
    mu, sigma = shared(np.zeros(3), name="mu"), shared(np.ones(3), name="sigma")
    eps = srng.normal((5, 3))
    cost = (mu + sigma * eps).sum()
    f = function([], [eps] + grad(cost, [mu, sigma]))
    eps_value, g_mu, g_sigma = f()
    np.testing.assert_allclose(g_mu, [5.0, 5.0, 5.0])
    np.testing.assert_allclose(g_sigma, eps_value.sum(axis=0), rtol=1e-12)
    assert vanishing(cost, [mu, sigma]).clean


def test_binomial_mask_passes_the_gradient_to_what_it_multiplies():
    srng = RandomStreams(seed=3)
    x = T.dmatrix("x")
    W = shared(np.arange(6.0).reshape(3, 2), name="W")
    mask = srng.binomial(size=x.shape, p=0.5, dtype="float64")
    cost = T.dot(mask * x, W).sum()
    g_x, g_W = grad(cost, [x, W])
    value = np.arange(12.0).reshape(4, 3)
    mask_value, gx, gw = function([x], [mask, g_x, g_W], no_default_updates=True)(value)
    np.testing.assert_allclose(gx, mask_value * W.get_value().sum(axis=1))
    np.testing.assert_allclose(gw, (mask_value * value).sum(axis=0)[:, None] * np.ones(2))
    assert 0 < mask_value.sum() < mask_value.size
    assert vanishing(cost, [W]).clean


def test_probability_of_a_mask_is_reported_as_blocked_when_it_is_a_parameter():
    srng = RandomStreams(seed=4)
    keep = shared(0.5, name="keep")
    x = T.dmatrix("x")
    cost = (srng.binomial(size=x.shape, p=keep, dtype="float64") * x).sum()
    report = vanishing(cost, [keep])
    (blocker,) = report.finding(keep).blockers
    assert blocker.title == "binomial" and blocker.reason.startswith("sampled, not diff")
    assert float(function([], grad(cost, keep))()) == 0.0


def test_pictures_draw_random_nodes_as_hexagons_with_the_state_update():
    srng = RandomStreams(seed=5)
    x = T.dmatrix("x")
    f = function([x], srng.binomial(size=x.shape, p=0.7, dtype="float64") * x)
    dot = to_dot(f, stage="after")
    random_lines = [line for line in dot.splitlines() if 'class="random"' in line]
    assert len(random_lines) == 2            # the draw, and its key in the legend
    draw_line, key_line = random_lines
    assert 'shape="hexagon"' in draw_line and "Binomial" in draw_line
    assert "random draw: new samples on every call" in draw_line
    assert 'id="legend_random"' in key_line and "1 random draw drawn" in key_line
    assert 'class="random"' not in to_dot(function([x], x * 2), stage="after")
    update_lines = [line for line in dot.splitlines() if 'class="update"' in line]
    assert len(update_lines) == 1 and "rng_binomial" in update_lines[0]
