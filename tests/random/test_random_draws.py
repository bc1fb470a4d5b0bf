"""Each distribution of RandomStreams: moments on large draws, dtypes, static shapes against
the drawn shapes, symbolic sizes, and how draws print."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function, pp
from graphlens.errors import ShapeError
from graphlens.sandbox.rng_mrg import MRG_RandomStreams
from graphlens.tensor.shared_randomstreams import RandomStreams

N = 200_000      # large enough for the moment checks below, small enough to draw in ~10 ms


def draw(variable, *args):
    """One call of a function of `variable` (no inputs unless given)."""
    inputs = [a for a, _ in args]
    return function(inputs, variable)(*[v for _, v in args])


def check_moments(values, mean, std):
    # The sample mean's standard error is std / sqrt(N); 6 of them is a false alarm in 1e9.
    assert abs(values.mean() - mean) < 6 * std / np.sqrt(values.size)
    assert abs(values.std() - std) < 0.01 * std


def test_uniform_has_the_moments_of_its_interval():
    values = draw(RandomStreams(1).uniform((N,), low=2.0, high=5.0))
    assert values.dtype == np.float64 and values.shape == (N,)
    assert values.min() >= 2.0 and values.max() < 5.0
    check_moments(values, 3.5, 3 / np.sqrt(12))


def test_normal_has_its_mean_and_standard_deviation():
    values = draw(RandomStreams(2).normal((N,), avg=-1.0, std=3.0))
    check_moments(values, -1.0, 3.0)


def test_binomial_counts_have_mean_np_and_variance_npq():
    values = draw(RandomStreams(3).binomial((N,), n=10, p=0.3))
    assert values.dtype == np.int64
    check_moments(values, 3.0, np.sqrt(10 * 0.3 * 0.7))


def test_binomial_mask_in_floatx_keeps_about_p_of_the_entries():
    x = T.dmatrix("x")
    mask = RandomStreams(4).binomial(size=x.shape, n=1, p=0.7, dtype=config.floatX)
    values = draw(mask, (x, np.zeros((400, 500))))
    assert values.dtype == np.float64 and values.shape == (400, 500)
    assert set(np.unique(values)) == {0.0, 1.0}
    check_moments(values, 0.7, np.sqrt(0.7 * 0.3))


def test_poisson_has_mean_and_variance_lam():
    values = draw(RandomStreams(19).poisson((N,), lam=4.0))
    assert values.dtype == np.int64
    check_moments(values, 4.0, 2.0)


def test_random_integers_include_both_ends_uniformly():
    values = draw(RandomStreams(5).random_integers((N,), low=-2, high=3))
    counts = np.bincount(values + 2)
    assert len(counts) == 6
    np.testing.assert_allclose(counts / N, 1 / 6, atol=0.006)


def test_choice_follows_its_probabilities():
    values = draw(RandomStreams(6).choice((N,), a=4, p=[0.1, 0.2, 0.3, 0.4]))
    np.testing.assert_allclose(np.bincount(values, minlength=4) / N, [0.1, 0.2, 0.3, 0.4],
                               atol=0.006)


def test_choice_without_replacement_draws_distinct_entries_of_a_vector():
    values = draw(RandomStreams(7).choice((5,), a=[10, 20, 30, 40, 50, 60], replace=False))
    assert len(set(values.tolist())) == 5 and set(values.tolist()) <= {10, 20, 30, 40, 50, 60}


def test_permutation_rows_are_permutations_each_position_uniform():
    values = draw(RandomStreams(8).permutation((20_000,), n=5))
    assert values.shape == (20_000, 5)
    np.testing.assert_array_equal(np.sort(values, axis=1), np.tile(np.arange(5), (20_000, 1)))
    # Each value lands in each position with probability 1/5.
    np.testing.assert_allclose((values == 0).mean(axis=0), 0.2, atol=0.015)


def test_multinomial_counts_sum_to_n_with_mean_n_pvals():
    values = draw(RandomStreams(9).multinomial((N // 4,), n=4, pvals=[0.25, 0.75]))
    assert values.shape == (N // 4, 2)
    np.testing.assert_array_equal(values.sum(axis=1), 4)
    np.testing.assert_allclose(values.mean(axis=0), [1.0, 3.0], atol=0.02)


def test_multinomial_without_size_draws_one_row_per_distribution():
    pvals = T.dmatrix("pvals")
    values = draw(RandomStreams(10).multinomial(pvals=pvals),
                  (pvals, np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])))
    np.testing.assert_array_equal(values, [[1, 0, 0], [0, 0, 1]])


def test_parameters_broadcast_when_size_is_left_out():
    avg = T.dvector("avg")
    values = draw(RandomStreams(11).normal(avg=avg, std=1e-6), (avg, np.array([1.0, 5.0, 9.0])))
    np.testing.assert_allclose(values, [1.0, 5.0, 9.0], atol=1e-4)


@pytest.mark.parametrize("method, kwargs", [
    ("uniform", {}), ("normal", {}), ("binomial", {"p": 0.5}), ("random_integers", {"high": 4}),
    ("choice", {"a": 3}), ("permutation", {"n": 4}), ("multinomial", {"pvals": [0.5, 0.5]}),
    ("poisson", {"lam": 2.0}),
])
def test_static_shape_and_dtype_agree_with_the_drawn_values(method, kwargs):
    x = T.dmatrix("x")
    variable = getattr(RandomStreams(12), method)(size=(x.shape[0], 3), **kwargs)
    value = draw(variable, (x, np.zeros((4, 2))))
    assert value.dtype == variable.dtype
    assert variable.type.is_compatible_shape(value.shape)
    assert value.shape[:2] == (4, 3)


def test_constant_size_gives_a_fully_static_shape():
    variable = RandomStreams(13).permutation((2, 3), n=4)
    assert variable.type.shape == (2, 3, 4)
    assert draw(variable).shape == (2, 3, 4)


def test_symbolic_size_of_unknown_length_takes_ndim():
    size = T.lvector("size")
    variable = RandomStreams(14).uniform(size=size, ndim=2)
    assert variable.ndim == 2
    assert draw(variable, (size, np.array([3, 4]))).shape == (3, 4)
    with pytest.raises(ShapeError, match="pass ndim"):
        RandomStreams(14).uniform(size=size)


def test_float_dtype_follows_floatx_and_the_parameters():
    with config.change_flags(floatX="float32"):
        srng = RandomStreams(15)
        assert srng.uniform((2,)).dtype == "float32"
        assert srng.normal((2,), avg=T.dscalar("m")).dtype == "float64"
        assert draw(srng.uniform((3,))).dtype == np.float32
    assert RandomStreams(15).normal((2,), dtype="float32").dtype == "float32"


def test_draws_print_as_calls_with_keywords_and_without_the_state():
    x = T.dmatrix("x")
    srng = RandomStreams(16)
    assert pp(srng.binomial(size=x.shape, p=0.7)) == "binomial(size=x.shape, p=0.7)"
    assert pp(srng.normal((2, 3), std=0.1) * x) == "normal(size=[2, 3], std=0.1) * x"
    assert pp(srng.uniform()) == "uniform()"


def test_draws_in_latex_name_their_keywords():
    x = T.dmatrix("x")
    text = pp(RandomStreams(17).binomial(size=x.shape, p=0.7), latex=True)
    assert r"\mathrm{size}=" in text and r"\mathrm{p}=0.7" in text


def test_binomial_needs_an_integer_n():
    with pytest.raises(TypeError, match="n must be an integer"):
        RandomStreams(18).binomial((2,), n=1.5, p=0.5)


def test_mrg_truncated_normal_stays_within_two_standard_deviations():
    srng = MRG_RandomStreams(seed=20)
    cut = draw(srng.normal((N,), avg=1.0, std=2.0, truncate=True))
    assert cut.min() >= 1.0 - 4.0 and cut.max() <= 1.0 + 4.0
    # Theano redraws a cut sample's radius but keeps its angle, so redrawn samples lean
    # outwards: the standard deviation is 0.8904 of std (4e6 samples of Theano's method, in
    # graphlens and in plain numpy alike), not the 0.8796 of a normal cut at 2.
    check_moments(cut, 1.0, 2.0 * 0.8904)
    scaled = draw(srng.truncated_normal((N,), avg=1.0, std=2.0))
    assert scaled.max() <= 1.0 + 2 * 2.0 / 0.8796
    check_moments(scaled, 1.0, 2.0 * 0.8904 / 0.8796)


def test_mrg_choice_draws_distinct_categories_per_row_by_their_probabilities():
    p = T.dmatrix("p")
    picks = MRG_RandomStreams(seed=21).choice(size=2, a=None, replace=False, p=p)
    assert picks.type.shape == (None, 2)
    rows = 50_000
    values = draw(picks, (p, np.tile([0.5, 0.3, 0.2, 0.0], (rows, 1))))
    assert values.shape == (rows, 2) and np.all(values[:, 0] != values[:, 1])
    assert not np.any(values == 3)          # probability 0: never drawn
    np.testing.assert_allclose(np.bincount(values[:, 0]) / rows, [0.5, 0.3, 0.2], atol=0.01)
    # The second pick, given the first: P(second = 1) = 0.5 * 0.3/0.5 + 0.2 * 0.3/0.8.
    assert abs(np.mean(values[:, 1] == 1) - (0.3 + 0.075)) < 0.01
    assert pp(picks) == "choice(size=2, p=p)"
    with pytest.raises(ShapeError, match="replace=False"):
        MRG_RandomStreams(seed=21).choice(size=2, p=p)


def test_a_bad_size_names_the_size_and_the_users_line():
    sizes = T.dvector("sizes")
    with pytest.raises(ShapeError, match=r"size must be a vector of ints, got 'sizes' "
                                         r"\(float64\[\?\], built at .*test_random_draws.py:\d+\)"):
        RandomStreams(22).uniform(size=sizes)


def test_a_draw_needs_a_stream_state():
    from graphlens.errors import GraphlensTypeError
    from graphlens.random.distributions import Uniform
    with pytest.raises(GraphlensTypeError, match="needs a stream state"):
        Uniform("float64")(T.dvector("not_a_state"), np.array([2]), 0.0, 1.0)
