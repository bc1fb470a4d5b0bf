"""`graphlens.tensor.raw_random`: draws from a RandomState variable the user holds give
numpy's numbers and (the state after the draw, the samples), as Theano's did."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import In, function
from graphlens.errors import GraphlensTypeError
from graphlens.tensor import raw_random as rr
from graphlens.tensor.shared_randomstreams import RandomStreams


def test_uniform_from_a_state_argument_gives_numpys_values_and_the_state_after():
    rng = rr.random_state_type()
    post, u = rr.uniform(rng, (2, 3), low=-1.0, high=2.0)
    f = function([rng], [post, u])
    after, values = f(np.random.RandomState(7))
    numpy_rng = np.random.RandomState(7)
    np.testing.assert_array_equal(values, numpy_rng.uniform(-1.0, 2.0, (2, 3)))
    assert isinstance(after, np.random.RandomState)
    assert after.uniform() == numpy_rng.uniform()      # the state after the draw


def test_the_argument_state_itself_is_not_moved():
    rng = rr.random_state_type()
    post, u = rr.normal(rng, (3,))
    given = np.random.RandomState(3)
    function([rng], u)(given)
    assert given.normal() == np.random.RandomState(3).normal()


def test_an_updated_mutable_in_draws_numpys_sequence_over_calls():
    rng = rr.random_state_type()
    post, u = rr.normal(rng, (4,), avg=1.0, std=2.0)
    f = function([In(rng, value=np.random.RandomState(11), update=post, mutable=True)], u)
    numpy_rng = np.random.RandomState(11)
    for _ in range(3):
        np.testing.assert_array_equal(f(), numpy_rng.normal(1.0, 2.0, (4,)))
    assert f[rng].normal() == numpy_rng.normal()           # f[rng]: the kept state


def test_f_of_rng_is_one_randomstate_that_the_function_draws_from():
    # Theano's container held the RandomState itself: `f[rng]` is the same object on every read,
    # each call moves it on, and reseeding it reaches the next call (it was a new copy per read).
    rng = rr.random_state_type()
    post, u = rr.uniform(rng, (3,))
    f = function([In(rng, value=np.random.RandomState(4), update=post, mutable=True)], u)
    held = f[rng]
    first = f()
    assert f[rng] is held
    np.testing.assert_array_equal(first, np.random.RandomState(4).uniform(size=3))
    assert held.uniform() == np.random.RandomState(4).uniform(size=4)[3]   # moved by the call
    held.seed(9)
    np.testing.assert_array_equal(f(), np.random.RandomState(9).uniform(size=3))
    mine = np.random.RandomState(21)
    f[rng] = mine                       # the user's own object, kept and moved
    np.testing.assert_array_equal(f(), np.random.RandomState(21).uniform(size=3))
    assert f[rng] is mine and mine.uniform() == np.random.RandomState(21).uniform(size=4)[3]


def test_random_function_calls_any_randomstate_method_as_theano():
    rf = rr.RandomFunction('uniform', T.dvector)
    assert rf.destroy_map == {} and str(rf) == "RandomFunction{uniform}"
    rng = rr.random_state_type()
    post, out = rf(rng, (4,), -2.0, 2.0)
    assert out.type == T.dvector
    values = function([rng], out)(np.random.RandomState(5))
    np.testing.assert_array_equal(values, np.random.RandomState(5).uniform(-2.0, 2.0, (4,)))


def test_an_inplace_random_function_writes_the_new_state_over_its_input():
    rf = rr.RandomFunction(np.random.RandomState.uniform, T.dvector, inplace=True)
    assert rf.destroy_map == {0: [0]}
    rng = rr.random_state_type()
    post, out = rf(rng, (2,), 0.0, 1.0)
    f = function([In(rng, value=np.random.RandomState(9), update=post, mutable=True)], out,
                 accept_inplace=True)
    numpy_rng = np.random.RandomState(9)
    np.testing.assert_array_equal(f(), numpy_rng.uniform(0.0, 1.0, (2,)))
    np.testing.assert_array_equal(f(), numpy_rng.uniform(0.0, 1.0, (2,)))


def test_random_function_with_added_axes_uses_theanos_helper():
    rf = rr.RandomFunction(rr.permutation_helper, T.lmatrix, ndim_added=1)
    rng = rr.random_state_type()
    post, out = rf(rng, (3,), 5)
    values = function([rng], out)(np.random.RandomState(2))
    numpy_rng = np.random.RandomState(2)
    np.testing.assert_array_equal(values, [numpy_rng.permutation(5) for _ in range(3)])


def test_shared_randomstate_is_a_state_variable_raw_draws_read():
    state = graphlens.shared(np.random.RandomState(4))
    assert state.type == rr.random_state_type and str(state.type) == "RandomStateType"
    post, k = rr.random_integers(state, (5,), low=0, high=3)
    f = function([], k, updates=[(state, post)])
    numpy_rng = np.random.RandomState(4)
    np.testing.assert_array_equal(f(), numpy_rng.randint(0, 4, (5,)))
    np.testing.assert_array_equal(f(), numpy_rng.randint(0, 4, (5,)))


def test_minus_one_in_size_takes_the_length_from_the_parameters():
    rng = rr.random_state_type()
    pvals = T.dtensor3()
    post, out = rr.multinomial(rng, n=9, pvals=pvals, size=(10, 1, -1))
    assert out.ndim == 4 and out.broadcastable == (False, True, False, False)
    draw = function([rng, pvals], out)(np.random.RandomState(1),
                                       np.array([[[.1, .9], [.2, .8], [.3, .7]]]))
    assert draw.shape == (10, 1, 3, 2)
    np.testing.assert_array_equal(draw.sum(axis=-1), 9)


def test_choice_with_a_zero_p_means_no_probabilities_as_theano():
    rng = rr.random_state_type()
    post, out = rr.choice(rng, (11, 8), 10, 1, 0)
    values = function([rng], out)(np.random.RandomState(6))
    np.testing.assert_array_equal(values, np.random.RandomState(6).choice(10, (11, 8), True))


def test_randomstreams_gen_takes_a_raw_function_as_theanos():
    a, b = RandomStreams(seed=234), RandomStreams(seed=234)
    via_gen = a.gen(rr.normal, (2, 2), 0.0, 3.0)
    direct = b.normal((2, 2), std=3.0)
    np.testing.assert_array_equal(function([], via_gen)(), function([], direct)())
    assert via_gen.rng.name == "rng_normal"


def test_size_none_takes_the_parameters_shape_and_poisson_checks_ndim():
    rng = rr.random_state_type()
    low = T.dvector()
    post, u = rr.uniform(rng, low=low, high=1.0)
    assert u.ndim == 1
    values = function([rng, low], u)(np.random.RandomState(8), [-5.0, 0.5])
    np.testing.assert_array_equal(values, np.random.RandomState(8).uniform([-5.0, 0.5], 1.0))
    with pytest.raises(TypeError):
        rr.poisson(rng, size=None, ndim=2)
    with pytest.raises(GraphlensTypeError):
        rr.permutation(rng, size=None, n=4, ndim=2)


def test_infer_ndim_bcast_gives_theanos_triple():
    ndim, size, bcast = rr._infer_ndim_bcast(None, (2, 1))
    assert (ndim, bcast) == (2, (False, True))
    assert list(size.eval()) == [2, 1]


def test_a_random_function_has_no_gradient():
    rng = rr.random_state_type()
    low = T.dscalar()
    post, u = rr.RandomFunction('uniform', T.dvector)(rng, (2,), low, 1.0)
    with pytest.raises(Exception, match="no gradient through raw random"):
        graphlens.grad(u.sum(), low)
