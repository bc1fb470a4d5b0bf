"""Function.copy: the Theano tutorial's accumulator copies, swapped shared variables, no updates."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.errors import GraphlensTypeError
from graphlens.tensor.shared_randomstreams import RandomStreams


def test_theano_tutorial_copies_an_accumulator_with_its_own_state_and_without_updates():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    accumulator(10)
    new_state = shared(0)
    new_accumulator = accumulator.copy(swap={state: new_state})
    # Theano 1.0's copies return a list, even of one output (the tutorial prints [array(0)]).
    assert new_accumulator(100) == [0] and isinstance(new_accumulator(0), list)
    assert int(new_state.get_value()) == 100 and int(state.get_value()) == 10
    null_accumulator = accumulator.copy(delete_updates=True)
    assert null_accumulator(9000) == [10] and int(state.get_value()) == 10
    assert int(accumulator(0)) == 10            # the original still returns one value


def test_copy_swaps_shared_variables_and_deletes_updates():
    W, W2 = shared(np.ones(2), name="W"), shared(np.full(2, 10.0), name="W2")
    x = T.dvector("x")
    f = function([x], (x * W).sum(), updates=[(W, W + 1)], name="f")
    swapped = f.copy(swap={W: W2}, name="g")
    assert float(swapped(np.ones(2))[0]) == 20.0
    np.testing.assert_array_equal(W2.get_value(), [11.0, 11.0])
    np.testing.assert_array_equal(W.get_value(), [1.0, 1.0])
    frozen = f.copy(delete_updates=True)
    assert float(frozen(np.ones(2))[0]) == 2.0
    np.testing.assert_array_equal(W.get_value(), [1.0, 1.0])
    assert swapped.name == "g" and frozen.name == "f copy"
    assert float(f(np.ones(2))) == 2.0 and float(f(np.ones(2))) == 4.0
    with pytest.raises(GraphlensTypeError, match="same type"):
        f.copy(swap={W: shared(np.ones((2, 2)))})


def test_copy_without_updates_repeats_the_draw():
    srng = RandomStreams(seed=9)
    u = srng.uniform((3,))
    frozen = function([], u).copy(delete_updates=True, share_memory=True)
    np.testing.assert_array_equal(frozen(), frozen())


def test_a_swapped_copy_locks_its_own_shared_variables():
    import threading
    first, second = shared(np.int64(0), name="first"), shared(np.int64(0), name="second")
    step = function([], [], updates=[(first, first + 1)])
    other = step.copy(swap={first: second})

    def work():
        for _ in range(2000):
            other()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (int(first.get_value()), int(second.get_value())) == (0, 8000)
    assert other._update_locks == (second.update_lock,)
