"""Random draws inside scan: each step draws new numbers, the stream's state is a loop state, and
the Theano tutorial's RBM trains with its Gibbs chain written with scan."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens.tensor.shared_randomstreams import RandomStreams


def test_each_step_and_each_call_draws_new_numbers():
    srng = RandomStreams(seed=1)
    out, updates = graphlens.scan(lambda: srng.uniform(size=(2,)), n_steps=3)
    (state,) = updates.keys()
    assert state.name == "rng_uniform"
    f = graphlens.function([], out, updates=updates)
    first, second = f(), f()
    assert len({tuple(row) for row in np.concatenate([first, second])}) == 6
    assert np.all((first >= 0) & (first < 1))
    # The same seed replays the same steps: the loop draws from the stream, not a copy of it.
    srng.seed(1)
    np.testing.assert_array_equal(f(), first)


def test_a_draw_given_as_a_non_sequence_is_drawn_once_before_the_loop():
    # Theano's scan test_draw_as_input_to_scan: the draw is an argument of every step, not a
    # stream of the loop (here its stream became a loop state and compiling failed).
    srng = RandomStreams(123)
    x = T.dmatrix("x")
    y = srng.binomial(size=x.shape, p=x)
    z, updates = graphlens.scan(lambda a: a, non_sequences=y, n_steps=2)
    assert len(updates) == 0
    f = graphlens.function([x], [y, z], updates=updates)
    p = np.full((4, 5), 0.5)
    y1, z1 = f(p)
    np.testing.assert_array_equal(z1, [y1, y1])
    y2, _ = f(p)
    assert not np.array_equal(y1, y2)        # the draw's own default update still moves it
    assert 0 < y1.sum() < y1.size


def test_rbm_gibbs_chain_in_scan_trains_by_contrastive_divergence():
    rng = np.random.RandomState(0)
    prototypes = np.array([[1] * 6 + [0] * 6, [0] * 6 + [1] * 6], dtype="float64")
    data = prototypes[rng.randint(0, 2, 40)]
    data = np.abs(data - (rng.rand(*data.shape) < 0.05))
    n_visible, n_hidden = 12, 4
    W = graphlens.shared(rng.normal(0, 0.01, (n_visible, n_hidden)), name="W")
    hbias = graphlens.shared(np.zeros(n_hidden), name="hbias")
    vbias = graphlens.shared(np.zeros(n_visible), name="vbias")
    theano_rng = RandomStreams(seed=1234)

    def propup(vis):
        return T.nnet.sigmoid(T.dot(vis, W) + hbias)

    def propdown(hid):
        return T.nnet.sigmoid(T.dot(hid, W.T) + vbias)

    def gibbs_hvh(h0_sample):        # the deep learning tutorial's rbm.gibbs_hvh
        v1_mean = propdown(h0_sample)
        v1_sample = theano_rng.binomial(size=v1_mean.shape, n=1, p=v1_mean,
                                        dtype=graphlens.config.floatX)
        h1_mean = propup(v1_sample)
        h1_sample = theano_rng.binomial(size=h1_mean.shape, n=1, p=h1_mean,
                                        dtype=graphlens.config.floatX)
        return [v1_mean, v1_sample, h1_mean, h1_sample]

    def free_energy(v):
        wx_b = T.dot(v, W) + hbias
        return -T.dot(v, vbias) - T.sum(T.log(1 + T.exp(wx_b)), axis=1)

    x = T.matrix("x")
    ph_mean = propup(x)
    ph_sample = theano_rng.binomial(size=ph_mean.shape, n=1, p=ph_mean,
                                    dtype=graphlens.config.floatX)
    (nv_means, nv_samples, nh_means, nh_samples), updates = graphlens.scan(
        gibbs_hvh, outputs_info=[None, None, None, ph_sample], n_steps=1)
    chain_end = nv_samples[-1]
    cost = T.mean(free_energy(x)) - T.mean(free_energy(chain_end))
    params = [W, hbias, vbias]
    gparams = T.grad(cost, params, consider_constant=[chain_end])
    for param, gparam in zip(params, gparams):
        updates[param] = param - 0.1 * gparam
    train = graphlens.function([x], cost, updates=updates)
    reconstruct = graphlens.function([x], propdown(propup(x)))

    def error():
        return float(np.mean((reconstruct(data) - data) ** 2))

    before = error()
    for _ in range(150):
        train(data)
    after = error()
    assert after < 0.5 * before, (before, after)
