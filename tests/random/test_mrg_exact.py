"""MRG_RandomStreams draws Theano 1.0's MRG31k3p numbers: the reference samples Theano shipped
(theano/sandbox/samples_MRG31k3p_12_7_5.txt, from L'Ecuyer's Java implementation), and each
distribution against a scalar reference written here from Theano's rng_mrg.py: one stream
stepped at a time in Python ints, sample i from stream i % nstreams, streams 2**72 steps apart,
each draw's first stream 2**134 steps after the previous draw's."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.random.mrg31k3p import A1P72, A1P134, A2P72, A2P134
from graphlens.sandbox.rng_mrg import MRG_RandomStreams

M1, M2 = 2 ** 31 - 1, 2 ** 31 - 21069

# theano/sandbox/samples_MRG31k3p_12_7_5.txt: 12 streams x 7 substreams x 5 samples from seed
# 12345, flattened in that order; these are its entries at the indices given.
REFERENCE_SAMPLES = {
    0: 0.7353244530968368, 1: 0.6142074400559068, 2: 0.11007806099951267,
    3: 0.6487741703167558, 4: 0.36619443260133266, 5: 0.2585685825906694,
    34: 0.8276205519214272, 35: 0.5180770065635443, 70: 0.8423425843939185,
    209: 0.8178138644434512, 385: 0.015444065444171429, 419: 0.18852565623819828,
}


def _int32(value):
    return (value + 2 ** 31) % 2 ** 32 - 2 ** 31


def _reduce(value, modulus):
    return _int32(value - modulus) if value < 0 or value >= modulus else value


def reference_step(state):
    """Theano's mrg_next_value on Python ints wrapped to int32: (new state, integer)."""
    x11, x12, x13, x21, x22, x23 = state
    y1 = _int32(((x12 & 511) << 22) + (x12 >> 9) + ((x13 & 16777215) << 7) + (x13 >> 24))
    y1 = _reduce(_int32(_reduce(y1, M1) + x13), M1)
    z1 = _reduce(_int32(((x21 & 65535) << 15) + 21069 * (x21 >> 16)), M2)
    z2 = _reduce(_int32(((x23 & 65535) << 15) + 21069 * (x23 >> 16)), M2)
    z2 = _reduce(_int32(_reduce(_int32(z2 + x23), M2) + z1), M2)
    return [y1, x11, x12, z2, x21, x22], (y1 - z2 + M1 if y1 <= z2 else y1 - z2)


def reference_jump(state, first, second):
    top = [sum(int(a) * v for a, v in zip(row, state[:3])) % M1 for row in first]
    return top + [sum(int(a) * v for a, v in zip(row, state[3:])) % M2 for row in second]


class ReferenceFactory:
    """Theano's MRG_RandomStreams state keeping, scalar, computing only the streams it uses."""

    def __init__(self, seed):
        self.rstate = [seed] * 6

    def streams(self, used):
        """The next draw's first `used` streams (it may have more, never read here)."""
        streams = [self.rstate]
        for _ in range(used - 1):
            streams.append(reference_jump(streams[-1], A1P72, A2P72))
        self.rstate = reference_jump(self.rstate, A1P134, A2P134)
        return streams

    def uniforms(self, count, nstreams, dtype="float64"):
        """The next draw's first call: `count` uniforms of a draw of `nstreams` streams."""
        return reference_call(self.streams(min(count, nstreams)), count, dtype)


def reference_call(streams, count, dtype="float64"):
    """One call of a draw: sample i from stream i % len(streams), which moves on."""
    values = []
    for i in range(count):
        streams[i % len(streams)], integer = reference_step(streams[i % len(streams)])
        if dtype == "float16":      # Theano's: 15 bits plus one, times float16(3.0458e-05)
            values.append(((integer & 0x7FFF) + 1) * float(np.float16(3.0458e-05)))
            continue
        values.append(np.float32(integer) * np.float32(4.6566126e-10) if dtype == "float32"
                      else integer * 4.656612873077392578125e-10)
    return np.array(values, dtype=dtype)


def test_theanos_consistency_test_gives_the_reference_samples():
    # test_rng_mrg.py's test_consistency_randomstreams.
    srng = MRG_RandomStreams(seed=12345)
    samples = []
    for _ in range(12):
        f = function([], srng.uniform(size=(7,), nstreams=7))
        samples.append(np.array([f() for _ in range(5)]).T.flatten())
    samples = np.array(samples).flatten()
    for index, value in REFERENCE_SAMPLES.items():
        assert samples[index] == value, index


@pytest.mark.parametrize("size, streams", [((2, 3), 6), ((4, 5), 3), ((5,), 5), ((100,), 16)])
def test_uniform_guesses_theanos_stream_count_and_goes_on_across_calls(size, streams):
    f = function([], MRG_RandomStreams(seed=42).uniform(size))
    streams = ReferenceFactory(42).streams(streams)
    count = int(np.prod(size))
    for _ in range(2):          # each call starts at stream 0, where the streams stopped
        np.testing.assert_array_equal(f(), reference_call(streams, count).reshape(size))


def test_draws_of_one_factory_start_2_134_steps_apart_and_float32_rounds_as_theanos_kernel():
    srng = MRG_RandomStreams(seed=7)
    a = srng.uniform((3,), low=-2.0, high=3.0, dtype="float32")
    b = srng.uniform((4,), nstreams=2)
    values = function([], [a, b])()
    reference = ReferenceFactory(7)
    low, high = np.float32(-2.0), np.float32(3.0)
    expected_a = reference.uniforms(3, 3, "float32") * (high - low) + low
    assert values[0].dtype == np.float32
    np.testing.assert_array_equal(values[0], expected_a)
    np.testing.assert_array_equal(values[1], reference.uniforms(4, 2))


def test_float16_uniforms_are_theanos_15_bit_samples_never_0_or_1():
    # Theano's test_f16_nonzero: 31 bits times 2**-31 rounded to float16 gave 0s and 1s.
    srng = MRG_RandomStreams(seed=11)
    u = function([], srng.uniform((300, 100), dtype="float16"))()
    assert u.dtype == np.float16 and ((u > 0) & (u < 1)).all()
    np.testing.assert_array_equal(u.ravel()[:40],
                                  ReferenceFactory(11).uniforms(40, 15360, "float16")[:40])


def test_normal_is_box_muller_on_halves_of_an_even_draw_from_15360_streams():
    f = function([], MRG_RandomStreams(seed=99).normal((3, 5), avg=1.0, std=2.0))
    u = ReferenceFactory(99).uniforms(16, 15360)       # 15 samples made even
    radius, theta = np.sqrt(-2.0 * np.log(u[:8])), 2.0 * np.pi * u[8:]
    z = np.concatenate([radius * np.cos(theta), radius * np.sin(theta)])[:15]
    np.testing.assert_array_equal(f(), (z * 2.0 + 1.0).reshape(3, 5))


def test_truncated_normal_redraws_cut_samples_from_a_second_draw_and_moves_them_last():
    f = function([], MRG_RandomStreams(seed=5).normal((40,), truncate=True))
    reference = ReferenceFactory(5)
    u = reference.uniforms(40, 15360)
    radius, theta = np.sqrt(-2.0 * np.log(u[:20])), 2.0 * np.pi * u[20:]
    z0, z1 = radius * np.cos(theta), radius * np.sin(theta)
    cut0, cut1 = np.abs(z0) > 2, np.abs(z1) > 2
    assert cut0.sum() + cut1.sum() > 0           # this seed does cut some samples
    lower = 1.0 / np.e ** 2
    fix = reference.uniforms(int(cut0.sum() + cut1.sum()), 15360) * (1.0 - lower) + lower
    fix_radius = np.sqrt(-2.0 * np.log(fix))
    first = int(cut0.sum())
    expected = np.concatenate([z0[~cut0], fix_radius[:first] * np.cos(theta[cut0]),
                               z1[~cut1], fix_radius[first:] * np.sin(theta[cut1])])
    np.testing.assert_array_equal(f(), expected)


def test_binomial_is_a_uniform_below_p():
    f = function([], MRG_RandomStreams(seed=3).binomial((2, 6), p=0.4, dtype="float32"))
    u = ReferenceFactory(3).uniforms(12, 2)
    np.testing.assert_array_equal(f(), (u < 0.4).reshape(2, 6).astype("float32"))


def test_multinomial_takes_the_first_category_whose_running_sum_exceeds_the_uniform():
    pvals = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.0, 0.0, 1.0]])
    f = function([], MRG_RandomStreams(seed=11).multinomial(pvals=pvals, n=4))
    u = ReferenceFactory(11).uniforms(12, 15360)
    expected = np.zeros((3, 3), dtype="int64")
    for draw in range(4):
        for row in range(3):
            expected[row, np.argmax(np.cumsum(pvals[row]) > u[draw * 3 + row])] += 1
    np.testing.assert_array_equal(f(), expected)


def test_choice_without_replacement_renormalises_each_row_after_each_pick():
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
    f = function([], MRG_RandomStreams(seed=13).choice(size=3, p=p, replace=False))
    u = ReferenceFactory(13).uniforms(6, 15360)
    expected = np.zeros((2, 3), dtype="int64")
    for row in range(2):
        weights = p[row].copy()
        for draw in range(3):
            pick = int(np.argmax(np.cumsum(weights) > u[draw * 2 + row]))
            expected[row, draw] = pick
            weights[pick] = 0
            weights /= weights.sum()
    np.testing.assert_array_equal(f(), expected)


def test_a_big_draw_interleaves_15360_streams():
    f = function([], MRG_RandomStreams(seed=12345).uniform((1000, 1000)))
    values = f().ravel()
    # Stream 0 gives samples 0, 15360, 30720; stream 1 gives 1 and 15361.
    streams = [[12345] * 6]
    streams.append(reference_jump(streams[0], A1P72, A2P72))
    expected = {}
    for sample in (0, 15360, 30720):
        streams[0], integer = reference_step(streams[0])
        expected[sample] = integer * 4.656612873077392578125e-10
    for sample in (1, 15361):
        streams[1], integer = reference_step(streams[1])
        expected[sample] = integer * 4.656612873077392578125e-10
    for sample, value in expected.items():
        assert values[sample] == value, sample
    assert values[0] == REFERENCE_SAMPLES[0]


def test_seed_restarts_every_stream_as_a_fresh_factory_would_make_it():
    srng = MRG_RandomStreams(seed=1)
    u, n = srng.uniform((4,)), srng.normal((4,))
    f = function([], [u, n])
    f()
    srng.seed(77)
    fresh = MRG_RandomStreams(seed=77)
    g = function([], [fresh.uniform((4,)), fresh.normal((4,))])
    for a, b in zip(f(), g()):
        np.testing.assert_array_equal(a, b)
    assert [len(entry) for entry in srng.state_updates] == [4, 4]


def test_tutorial_copy_random_state_for_mrg_streams():
    class Graph:
        def __init__(self, seed):
            self.rng = MRG_RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1, g2 = Graph(123), Graph(987)
    f1, f2 = function([], g1.y), function([], g2.y)
    g2.rng.rstate = g1.rng.rstate
    for su1, su2 in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())
    np.testing.assert_array_equal(f1(), f2())
    np.testing.assert_array_equal(function([], g1.rng.uniform((3,)))(),
                                  function([], g2.rng.uniform((3,)))())


def test_bad_seeds_and_sizes_say_what_theano_allowed():
    with pytest.raises(ValueError, match="seed"):
        MRG_RandomStreams(seed=0)
    with pytest.raises(ValueError, match="seed"):
        MRG_RandomStreams(seed=[0, 0, 0, 1, 1, 1])
    from graphlens.errors import ShapeError
    with pytest.raises(ShapeError, match="<= 0"):
        MRG_RandomStreams().uniform((3, 0))
    with pytest.raises(ValueError, match="n=1"):
        MRG_RandomStreams().binomial((3,), n=2, p=0.5)
    with pytest.raises(ShapeError, match="size is required"):
        MRG_RandomStreams().binomial(p=0.5)
    x = T.dmatrix("x")
    assert function([x], MRG_RandomStreams().uniform(x.shape))(np.zeros((2, 3))).shape == (2, 3)


def test_theano_s_sandbox_helpers_draw_the_reference_samples():
    # rng_mrg.ff_2p72 / ff_2p134 move a state to the next substream / stream, and
    # mrg_uniform.new draws from a state it is given: the Java reference's first samples.
    import graphlens
    from graphlens.sandbox import rng_mrg
    start = np.array([12345] * 6, dtype="int32")
    np.testing.assert_array_equal(rng_mrg.ff_2p72(start),
                                  reference_jump([12345] * 6, A1P72, A2P72))
    np.testing.assert_array_equal(rng_mrg.ff_2p134(start),
                                  reference_jump([12345] * 6, A1P134, A2P134))
    state = graphlens.shared(np.array([start]))
    following, sample = rng_mrg.mrg_uniform.new(state, ndim=None, dtype="float64", size=(1,))
    assert isinstance(sample.owner.op, rng_mrg.mrg_uniform)
    state.default_update = following
    draw = function([], sample)
    drawn = [float(draw()[0]) for _ in range(5)]          # substream 0: samples 0 to 4
    state.set_value(np.array([rng_mrg.ff_2p72(start)]))    # substream 1 starts at sample 5
    drawn.append(float(draw()[0]))
    np.testing.assert_allclose(drawn, [REFERENCE_SAMPLES[k] for k in range(6)], rtol=1e-12)


def test_binomial_of_more_than_one_trial_is_not_implemented_as_in_theano():
    with pytest.raises(NotImplementedError, match="n=1"):
        MRG_RandomStreams().binomial((3,), n=2, p=0.5)


def test_guess_n_streams_warns_of_a_symbolic_size_when_asked():
    from graphlens.sandbox.rng_mrg import guess_n_streams
    with pytest.warns(UserWarning, match="15360 streams"):
        assert guess_n_streams(T.ivector().shape, warn=True) == 15360
    assert guess_n_streams((2, 2), warn=True) == 4
