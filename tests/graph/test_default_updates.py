"""Default updates: shared variables' own updates, applied unless a function is told not to."""

import pytest

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.graph.default_updates import default_update_pairs
from graphlens.errors import GraphlensTypeError
from graphlens.tensor.shared_randomstreams import RandomStreams


def test_no_default_updates_rejects_other_values():
    with pytest.raises(GraphlensTypeError, match="no_default_updates"):
        function([], RandomStreams(5).uniform(), no_default_updates="yes")


def test_user_shared_variable_default_update_counts_calls():
    counter = shared(0, name="counter")
    counter.default_update = counter + 1
    x = T.dscalar("x")
    f = function([x], x * counter)
    assert [float(f(2.0)) for _ in range(3)] == [0.0, 2.0, 4.0]
    assert int(counter.get_value()) == 3
    g = function([x], x * counter, no_default_updates=True)
    g(1.0)
    assert int(counter.get_value()) == 3


def test_default_updates_that_read_other_defaults_are_followed():
    step = shared(1, name="step")
    step.default_update = step * 2
    total = shared(0, name="total")
    total.default_update = total + step
    f = function([], total)
    f(), f(), f()
    assert int(total.get_value()) == 1 + 2 + 4 and int(step.get_value()) == 8


def test_default_updates_are_found_below_a_100000_node_chain_and_along_long_chains():
    u = RandomStreams(seed=11).uniform((2,))
    y = u
    for _ in range(100_000):
        y = T.exp(y)
    (pair,) = default_update_pairs([y], [], False)
    assert pair[0] is u.rng and pair[1] is u.update[1]
    # Each default update reads the next variable, which has one too: 1,000 rounds, each
    # looking only at what the round before added.
    counters = [shared(0, name=f"c{i}") for i in range(1_000)]
    for current, following in zip(counters, counters[1:]):
        current.default_update = following + 1
    counters[-1].default_update = counters[-1] + 1
    pairs = default_update_pairs([counters[0]], [], False)
    assert [var for var, _ in pairs] == counters
