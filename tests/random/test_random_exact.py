"""RandomStreams draws Theano's numbers: every distribution equals, draw after draw, what numpy's
RandomState gives when seeded as Theano seeded each stream (RandomState(seed).randint(2**30) per
stream, in the order the draws were made) and called as Theano's RandomFunction called it."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, scan
from graphlens.ifelse import ifelse
from graphlens.tensor.shared_randomstreams import RandomStreams


def stream_states(seed, count):
    """numpy RandomStates of a RandomStreams(seed)'s first `count` streams, as Theano seeded."""
    seedgen = np.random.RandomState(seed)
    return [np.random.RandomState(int(seedgen.randint(2 ** 30))) for _ in range(count)]


def test_theano_test_basics_uniform_then_normal_equal_numpy_draw_after_draw():
    # theano/tensor/tests/test_shared_randomstreams.py, test_basics and test_tutorial.
    random = RandomStreams(234)
    fn = function([], random.uniform((2, 2), -1, 1))
    gn = function([], random.normal((2, 2)))
    values = [fn(), fn(), gn(), gn()]
    first, second = stream_states(234, 2)
    expected = [first.uniform(-1, 1, size=(2, 2)), first.uniform(-1, 1, size=(2, 2)),
                second.normal(size=(2, 2)), second.normal(size=(2, 2))]
    for value, numpy_value in zip(values, expected):
        np.testing.assert_array_equal(value, numpy_value)


def test_theano_tutorial_value_of_seed_123():
    # doc/tutorial/examples.txt: RandomStreams(seed=123), uniform(size=(1,)) gives 0.72803009.
    value = function([], RandomStreams(seed=123).uniform(size=(1,)))()
    np.testing.assert_allclose(value, [0.72803009], rtol=1e-8)


@pytest.mark.parametrize("build, numpy_draw", [
    (lambda s: s.uniform((3, 4), low=-2.0, high=5.0), lambda r: r.uniform(-2.0, 5.0, (3, 4))),
    (lambda s: s.normal((5,), avg=1.0, std=3.0), lambda r: r.normal(1.0, 3.0, (5,))),
    (lambda s: s.normal((3,)), lambda r: r.normal(0.0, 1.0, (3,))),       # odd: a cached gauss
    (lambda s: s.binomial((4, 5), n=1, p=0.3), lambda r: r.binomial(1, 0.3, (4, 5))),
    (lambda s: s.binomial((6,), n=10, p=0.7), lambda r: r.binomial(10, 0.7, (6,))),
    (lambda s: s.poisson((7,), lam=3.5), lambda r: r.poisson(3.5, (7,))),
    (lambda s: s.random_integers((3, 3), low=-4, high=9), lambda r: r.randint(-4, 10, (3, 3))),
    (lambda s: s.choice((6,), a=5, p=[0.1, 0.2, 0.3, 0.2, 0.2]),
     lambda r: r.choice(5, (6,), True, [0.1, 0.2, 0.3, 0.2, 0.2])),
    (lambda s: s.choice((3,), a=[10, 20, 30, 40], replace=False),
     lambda r: r.choice(np.array([10, 20, 30, 40]), (3,), False, None)),
    (lambda s: s.permutation((2, 3), n=5),
     lambda r: np.array([r.permutation(5) for _ in range(6)]).reshape(2, 3, 5)),
    (lambda s: s.multinomial((4,), n=6, pvals=[0.2, 0.5, 0.3]),
     lambda r: np.array([r.multinomial(6, [0.2, 0.5, 0.3]) for _ in range(4)])),
], ids=["uniform", "normal", "normal_odd", "binomial_mask", "binomial_n", "poisson",
        "random_integers", "choice_p", "choice_no_replace", "permutation", "multinomial"])
def test_each_distribution_equals_numpy_for_three_calls(build, numpy_draw):
    f = function([], build(RandomStreams(4321)))
    (generator,) = stream_states(4321, 1)
    for _ in range(3):
        value, expected = f(), numpy_draw(generator)
        assert value.shape == expected.shape
        np.testing.assert_array_equal(value, expected)


def test_float32_draws_are_numpys_float64_draws_cast():
    f = function([], RandomStreams(8).uniform((5,), dtype="float32"))
    (generator,) = stream_states(8, 1)
    value = f()
    assert value.dtype == np.float32
    np.testing.assert_array_equal(value, generator.uniform(0.0, 1.0, (5,)).astype("float32"))


def test_size_left_out_broadcasts_the_parameters_as_numpy_does():
    low, high = T.dvector("low"), T.dmatrix("high")
    f = function([low, high], RandomStreams(9).uniform(low=low, high=high))
    low_value, high_value = np.array([0.0, 1.0, 2.0]), np.full((2, 3), 10.0)
    (generator,) = stream_states(9, 1)
    np.testing.assert_array_equal(f(low_value, high_value),
                                  generator.uniform(low_value, high_value, None))


def test_random_integers_with_vector_bounds_equal_one_randint_per_entry():
    # Theano's random_integers_helper: randint(low[i], high[i] + 1) entry by entry.
    f = function([], RandomStreams(10).random_integers((2, 3), low=[0, 5, -3], high=[1, 50, 3]))
    (generator,) = stream_states(10, 1)
    expected = [generator.randint(low, high + 1)
                for low, high in [(0, 1), (5, 50), (-3, 3)] * 2]
    np.testing.assert_array_equal(f(), np.reshape(expected, (2, 3)))


def test_streams_are_seeded_in_the_order_the_draws_were_made():
    srng = RandomStreams(77)
    draws = [srng.uniform((2,)), srng.normal((2,)), srng.binomial((2,), p=0.5)]
    values = function([], draws[::-1])()[::-1]        # compiled in another order: no matter
    first, second, third = stream_states(77, 3)
    np.testing.assert_array_equal(values[0], first.uniform(0.0, 1.0, (2,)))
    np.testing.assert_array_equal(values[1], second.normal(0.0, 1.0, (2,)))
    np.testing.assert_array_equal(values[2], third.binomial(1, 0.5, (2,)))


def test_seed_reseeds_every_stream_as_theano_and_later_streams_continue_the_first_seeds():
    srng = RandomStreams(234)
    u, n = srng.uniform((3,)), srng.normal((3,))
    f = function([], [u, n])
    f()
    srng.seed(5)
    first, second = stream_states(5, 2)
    values = f()
    np.testing.assert_array_equal(values[0], first.uniform(0.0, 1.0, (3,)))
    np.testing.assert_array_equal(values[1], second.normal(0.0, 1.0, (3,)))
    later = function([], srng.uniform((2,)))()
    np.testing.assert_array_equal(later, stream_states(234, 3)[2].uniform(0.0, 1.0, (2,)))
    srng.seed()                       # the constructor's seed: the first values again
    again = f()
    first, second = stream_states(234, 2)
    np.testing.assert_array_equal(again[0], first.uniform(0.0, 1.0, (3,)))
    np.testing.assert_array_equal(again[1], second.normal(0.0, 1.0, (3,)))


def test_setitem_with_a_randomstate_and_getitem_as_theanos_tests():
    # test_shared_randomstreams.py's test_setitem and test_getitem.
    random = RandomStreams(234)
    out = random.uniform((2, 2))
    fn = function([], out, updates=random.updates())
    random.seed(888)
    random[out.rng] = np.random.RandomState(55)
    reference = np.random.RandomState(55)
    np.testing.assert_array_equal(fn(), reference.uniform(size=(2, 2)))
    np.testing.assert_array_equal(fn(), reference.uniform(size=(2, 2)))
    copy = np.random.RandomState()
    copy.set_state(random[out.rng].get_state())
    np.testing.assert_array_equal(fn(), copy.uniform(size=(2, 2)))


def test_borrowed_randomstate_is_the_streams_own_until_a_call_moves_it():
    srng = RandomStreams(3)
    u = srng.uniform((2,))
    f = function([], u)
    own = u.rng.get_value(borrow=True)
    assert isinstance(own, np.random.RandomState)
    own.seed(42)                       # no set_value: still the stream's state
    np.testing.assert_array_equal(f(), np.random.RandomState(42).uniform(size=(2,)))
    copied = u.rng.get_value()
    copied.seed(1)                     # a copy: the stream goes on from its own state
    reference = np.random.RandomState(42)
    reference.uniform(size=(2,))
    np.testing.assert_array_equal(f(), reference.uniform(size=(2,)))


def test_no_default_updates_repeats_the_first_numpy_draw():
    srng = RandomStreams(11)
    g = function([], srng.normal((3,)), no_default_updates=True)
    expected = stream_states(11, 1)[0].normal(size=(3,))
    np.testing.assert_array_equal(g(), expected)
    np.testing.assert_array_equal(g(), expected)


def test_draws_in_a_loop_take_one_draw_per_step_from_the_stream():
    srng = RandomStreams(12)
    x = T.dvector("x")
    steps, updates = scan(lambda x_t: x_t + srng.uniform((3,)), sequences=[x])
    f = function([x], steps, updates=updates)
    (generator,) = stream_states(12, 1)
    for _ in range(2):
        expected = np.arange(4.0)[:, None] + [generator.uniform(size=(3,)) for _ in range(4)]
        np.testing.assert_array_equal(f(np.arange(4.0)), expected)


def test_gibbs_steps_draw_numpys_binomials_with_the_steps_probabilities():
    srng = RandomStreams(13)
    v0 = T.dvector("v0")

    def gibbs(v):
        return srng.binomial(size=v.shape, n=1, p=0.2 + 0.6 * v, dtype="float64")

    chain, updates = scan(gibbs, outputs_info=[v0], n_steps=3)
    f = function([v0], chain)                  # no updates given: the loop's state still moves
    (generator,) = stream_states(13, 1)
    for _ in range(2):
        v, expected = np.array([0.0, 1.0, 0.0, 1.0]), []
        for _ in range(3):
            v = generator.binomial(1, 0.2 + 0.6 * v, (4,)).astype("float64")
            expected.append(v)
        np.testing.assert_array_equal(f(np.array([0.0, 1.0, 0.0, 1.0])), expected)


def test_a_draw_in_an_ifelse_branch_equals_numpy():
    srng = RandomStreams(14)
    flag = T.iscalar("flag")
    f = function([flag], ifelse(flag, srng.uniform((2,)), T.zeros((2,))))
    (generator,) = stream_states(14, 1)
    np.testing.assert_array_equal(f(1), generator.uniform(size=(2,)))
    np.testing.assert_array_equal(f(1), generator.uniform(size=(2,)))


def test_tutorial_copy_random_state_makes_two_graphs_draw_alike():
    class Graph:
        def __init__(self, seed):
            self.rng = RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1, g2 = Graph(123), Graph(987)
    f1, f2 = function([], g1.y), function([], g2.y)
    np.testing.assert_allclose(f1(), [0.72803009], rtol=1e-8)
    np.testing.assert_array_equal(f2(), stream_states(987, 1)[0].uniform(size=(1,)))
    for su1, su2 in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())
    np.testing.assert_array_equal(f1(), f2())


def test_shuffle_row_elements_permutes_each_row_by_numpys_permutation():
    # Theano's test_shuffle_row_elements: row r of the result is x[r][permutation(n)].
    x = T.dmatrix("x")
    shuffled = RandomStreams(15).shuffle_row_elements(x)
    f = function([x], [shuffled, shuffled.permutation])
    value = np.arange(12.0).reshape(3, 4) * 10
    (generator,) = stream_states(15, 1)
    result, permutation = f(value)
    expected = np.array([generator.permutation(4) for _ in range(3)])
    np.testing.assert_array_equal(permutation, expected)
    np.testing.assert_array_equal(result, np.take_along_axis(value, expected, axis=1))
