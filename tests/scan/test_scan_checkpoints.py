"""graphlens/scan/checkpoints.py (Theano's theano.scan_checkpoints): the values at block ends
and the gradients equal scan's, for lengths that are and are not multiples of save_every_N,
with padding or without, outputs not fed back, non-sequences, n_steps alone, and an RNN
classifier trained both ways."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, grad, scan, scan_checkpoints, shared
from graphlens.errors import InvalidArgumentError
from graphlens.gradient import verify_grad

RNG = np.random.default_rng(4)
W_VALUE = RNG.standard_normal((3, 3)) * 0.5


def block_ends(n, every):
    """The steps whose values scan_checkpoints keeps: each block's last (the last may be short)."""
    return [min((i + 1) * every, n) - 1 for i in range(-(-n // every))]


@pytest.mark.parametrize("every", [1, 3, 4, 10])
def test_values_and_gradients_equal_scans_for_any_length(every):
    W = shared(W_VALUE, name="W")
    xs, h0 = T.dmatrix("xs"), T.dvector("h0")
    step = lambda x, h: T.tanh(x + T.dot(h, W))                       # noqa: E731
    full, _ = scan(step, sequences=[xs], outputs_info=[h0])
    kept, _ = scan_checkpoints(step, sequences=[xs], outputs_info=[h0], save_every_N=every)
    wrt = [W, xs, h0]
    f = function([xs, h0], [full, kept] + grad((full[-1] ** 2).sum(), wrt)
                 + grad((kept[-1] ** 2).sum(), wrt))
    for n in (1, 3, 7, 8, 12):
        full_value, kept_value, *grads = f(RNG.standard_normal((n, 3)), RNG.standard_normal(3))
        assert kept_value.shape == (len(block_ends(n, every)), 3)
        np.testing.assert_allclose(kept_value, full_value[block_ends(n, every)], rtol=1e-13)
        for by_scan, by_checkpoints in zip(grads[:3], grads[3:]):
            np.testing.assert_allclose(by_checkpoints, by_scan, rtol=1e-12, atol=1e-14)


def test_gradient_agrees_with_finite_differences():
    def build(xs, h0, w):
        h, _ = scan_checkpoints(lambda x, h, w: T.tanh(x * w + h[::-1]), sequences=[xs],
                                outputs_info=[h0], non_sequences=[w], save_every_N=2)
        return h
    verify_grad(build, [RNG.standard_normal((5, 3)), RNG.standard_normal(3),
                        RNG.standard_normal(3)], rng=np.random.default_rng(2))


def test_outputs_not_fed_back_and_non_sequences_keep_their_order():
    xs, h0, scale = T.dmatrix("xs"), T.dvector("h0"), T.dscalar("scale")

    def step(x, h, scale):            # outputs: (not fed back, fed back, not fed back)
        new_h = T.tanh(x + scale * h)
        return [x.sum() * scale, new_h, new_h.max()]

    info = [None, h0, None]
    full, _ = scan(step, sequences=[xs], outputs_info=info, non_sequences=[scale])
    kept, _ = scan_checkpoints(step, sequences=[xs], outputs_info=info,
                               non_sequences=[scale], save_every_N=3)
    f = function([xs, h0, scale], full + kept)
    data = RNG.standard_normal((8, 2))
    values = f(data, np.array([0.5, -0.5]), 0.7)
    ends = block_ends(8, 3)
    for by_scan, by_checkpoints in zip(values[:3], values[3:]):
        np.testing.assert_allclose(by_checkpoints, by_scan[ends], rtol=1e-14)
    np.testing.assert_allclose(values[3], data.sum(axis=1)[ends] * 0.7)


def test_n_steps_without_sequences_and_a_sequence_longer_than_the_loop():
    k, a = T.lscalar("k"), T.dscalar("a")
    powers, _ = scan_checkpoints(lambda p: p * 2, outputs_info=[a], n_steps=k, save_every_N=4)
    np.testing.assert_array_equal(function([a, k], powers)(1.0, 10), [16.0, 256.0, 1024.0])
    xs = T.dvector("xs")
    sums, _ = scan_checkpoints(lambda x, s: s + x, sequences=[xs], outputs_info=[a],
                               n_steps=5, save_every_N=2)
    np.testing.assert_array_equal(function([xs, a], sums)(np.arange(9.0), 0.0), [1, 6, 10])


def test_padding_false_needs_whole_blocks_and_says_so():
    xs, h0 = T.dvector("xs"), T.dscalar("h0")
    sums, _ = scan_checkpoints(lambda x, s: s + x, sequences=[xs], outputs_info=[h0],
                               save_every_N=3, padding=False)
    f = function([xs, h0], sums)
    np.testing.assert_array_equal(f(np.arange(6.0), 0.0), [3.0, 15.0])
    with pytest.raises(AssertionError, match="the length of sequence 0 must be a multiple of "
                                             "save_every_N=3"):
        f(np.arange(7.0), 0.0)
    theanos_later_name, _ = scan_checkpoints(lambda x, s: s + x, sequences=[xs],
                                             outputs_info=[h0], save_every_N=3, no_padding=True)
    with pytest.raises(AssertionError):
        function([xs, h0], theanos_later_name)(np.arange(7.0), 0.0)


def test_refused_arguments():
    xs, h0 = T.dvector("xs"), T.dscalar("h0")
    with pytest.raises(InvalidArgumentError, match=r"output 0 has taps \[-2\]"):
        scan_checkpoints(lambda x, a, b: a + b, sequences=[xs],
                         outputs_info=[dict(initial=T.dvector("h"), taps=[-2])])
    with pytest.raises(InvalidArgumentError, match="save_every_N must be a positive int"):
        scan_checkpoints(lambda x, s: s + x, sequences=[xs], outputs_info=[h0], save_every_N=0)
    with pytest.raises(InvalidArgumentError, match="sequence 0 is a dict"):
        scan_checkpoints(lambda a, b, s: s + a, sequences=[dict(input=xs, taps=[0, 1])],
                         outputs_info=[h0])
    with pytest.raises(InvalidArgumentError, match="give n_steps"):
        scan_checkpoints(lambda s: s + 1, outputs_info=[h0])


def test_theanos_paths():
    import graphlens.scan_module as scan_module
    assert graphlens.scan_checkpoints is scan_module.scan_checkpoints is scan_checkpoints


def test_rnn_sentence_classifier_trains_identically_with_checkpoints():
    # A many-to-one RNN (embeddings, tanh recurrence, softmax on the last state) trained by
    # gradient descent: with scan and with scan_checkpoints, the same costs and weights.
    def trainer(checkpointed):
        rng = np.random.default_rng(9)
        emb = shared(rng.uniform(-0.5, 0.5, (20, 4)), name="emb")
        wx = shared(rng.uniform(-0.5, 0.5, (4, 6)), name="wx")
        wh = shared(rng.uniform(-0.5, 0.5, (6, 6)), name="wh")
        wo = shared(rng.uniform(-0.5, 0.5, (6, 3)), name="wo")
        words, label = T.lvector("words"), T.lscalar("label")
        step = lambda x, h: T.tanh(T.dot(x, wx) + T.dot(h, wh))       # noqa: E731
        h0 = T.zeros((6,))
        if checkpointed:
            h, _ = scan_checkpoints(step, sequences=[emb[words]], outputs_info=[h0],
                                    save_every_N=4)
        else:
            h, _ = scan(step, sequences=[emb[words]], outputs_info=[h0])
        p = T.nnet.softmax(T.dot(h[-1], wo))[0]
        cost = -T.log(p[label])
        params = [emb, wx, wh, wo]
        return function([words, label], cost, updates=[
            (q, q - 0.3 * g) for q, g in zip(params, grad(cost, params))]), params

    with_scan, scan_params = trainer(False)
    with_checkpoints, checkpoint_params = trainer(True)
    sentences = [np.random.default_rng(s).integers(0, 20, size=n) for s, n in
                 enumerate([9, 5, 12, 7, 4, 11])]
    costs = []
    for epoch in range(3):
        for number, sentence in enumerate(sentences):
            costs.append((float(with_scan(sentence, number % 3)),
                          float(with_checkpoints(sentence, number % 3))))
    np.testing.assert_allclose([c[1] for c in costs], [c[0] for c in costs], rtol=1e-10)
    assert np.mean([c[0] for c in costs[-6:]]) < np.mean([c[0] for c in costs[:6]])
    for by_scan, by_checkpoints in zip(scan_params, checkpoint_params):
        np.testing.assert_allclose(by_checkpoints.get_value(), by_scan.get_value(),
                                   rtol=1e-9, atol=1e-12)
