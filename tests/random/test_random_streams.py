"""RandomStreams as compiled functions use it: fresh draws per call through default updates,
seeding, reproducibility across processes, no_default_updates, all-or-nothing state updates,
and draws that rewrites never fold or merge."""

import os
import subprocess
import sys

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.errors import EvaluationError, GraphlensTypeError
from graphlens.random.distributions import Uniform
from graphlens.sandbox.rng_mrg import MRG_RandomStreams
from graphlens.tensor.shared_randomstreams import RandomStreams

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_theano_tutorial_fresh_draws_repeated_draws_and_one_draw_per_call():
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = function([], rv_u)
    g = function([], rv_n, no_default_updates=True)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    assert np.all(f() != f())
    np.testing.assert_array_equal(g(), g())
    # One variable is one draw, however often the graph reads it.
    np.testing.assert_allclose(nearly_zeros(), 0, atol=1e-15)


def same_state(a, b):
    """True when two RandomStates are at the same point of their stream."""
    (_, key_a, *rest_a), (_, key_b, *rest_b) = a.get_state(), b.get_state()
    return np.array_equal(key_a, key_b) and rest_a == rest_b


def test_each_call_advances_the_state_by_one_draw():
    srng = RandomStreams(seed=1)
    u = srng.uniform((3,))
    before = u.rng.get_value()
    held = u.rng.get_value(borrow=True)
    function([], u)()
    after = u.rng.get_value()
    before.uniform(0.0, 1.0, (3,))          # numpy's own RandomState moved on by the same draw
    assert same_state(after, before)
    # The update gave the variable a new state: the RandomState a caller still holds is not
    # moved (the draw read a copy of it).
    assert not same_state(held, after)
    assert u.rng.get_value(borrow=True) is not held


def test_same_seed_gives_same_draws_and_reseeding_restarts_every_stream():
    def build(seed):
        srng = RandomStreams(seed)
        return srng, function([], [srng.uniform((4,)), srng.normal((4,))])

    srng_a, f_a = build(42)
    _, f_b = build(42)
    first = f_a()
    for a, b in zip(first, f_b()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])      # two streams, two sequences
    f_a()
    srng_a.seed(42)
    for a, b in zip(first, f_a()):
        np.testing.assert_array_equal(a, b)
    srng_a.seed(43)
    assert not np.array_equal(first[0], f_a()[0])
    srng_a.seed()                   # no seed: back to the constructor's, streams restarted
    for a, b in zip(first, f_a()):
        np.testing.assert_array_equal(a, b)


def test_two_streams_of_one_seed_draw_different_numbers():
    srng = RandomStreams(seed=12)
    first, second = function([], [srng.uniform((8,)), srng.uniform((8,))])()
    assert not np.allclose(first, second)
    assert not same_state(srng.state_updates[0][0].get_value(),
                          srng.state_updates[1][0].get_value())


def test_streams_of_different_seeds_differ():
    a = function([], RandomStreams(1).uniform((8,)))()
    b = function([], RandomStreams(2).uniform((8,)))()
    assert not np.allclose(a, b)


DRAW_SCRIPT = """
import numpy as np
import graphlens.tensor as T
from graphlens import function
from graphlens.tensor.shared_randomstreams import RandomStreams
srng = RandomStreams(seed=2024)
x = T.dmatrix('x')
f = function([x], [srng.binomial(size=x.shape, p=0.3), srng.normal((3,)), srng.permutation(n=6)])
values = [f(np.zeros((2, 5))) for _ in range(2)]
print(repr([v.tolist() for call in values for v in call]))
"""


def test_same_seed_gives_the_same_draws_in_two_processes():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONHASHSEED="random")
    processes = [subprocess.Popen([sys.executable, "-c", DRAW_SCRIPT], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]           # side by side: half the wall time
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr
    assert outputs[0][0] == outputs[1][0]
    assert len(outputs[0][0]) > 100


def test_no_default_updates_true_keeps_every_stream():
    srng = RandomStreams(seed=3)
    u, n = srng.uniform((3,)), srng.normal((3,))
    f = function([], [u, n], no_default_updates=True)
    first = f()
    second = f()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_no_default_updates_list_keeps_only_those_streams():
    srng = RandomStreams(seed=4)
    u, n = srng.uniform((3,)), srng.normal((3,))
    f = function([], [u, n], no_default_updates=[n.rng])
    first, second = f(), f()
    assert not np.array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])



def test_explicit_update_wins_over_the_default_one():
    srng = RandomStreams(seed=6)
    u = srng.uniform((2,))
    f = function([], u, updates=[(u.rng, u.rng)])       # explicitly: keep the state
    np.testing.assert_array_equal(f(), f())




def test_failed_call_leaves_every_state_and_shared_value_unchanged():
    srng = RandomStreams(seed=7)
    x = T.dmatrix("x")
    W = shared(np.ones((3, 2)), name="W")
    mask = srng.binomial(size=x.shape, p=0.5, dtype="float64")
    y = T.dot(mask * x, W)
    f = function([x], y, updates=[(W, W + 1)])
    state, weights = mask.rng.get_value(), W.get_value()
    with pytest.raises(EvaluationError, match="dot"):
        f(np.ones((4, 5)))              # (4, 5) @ (3, 2): fails after the draw was made
    assert same_state(mask.rng.get_value(), state)
    np.testing.assert_array_equal(W.get_value(), weights)
    good = f(np.ones((4, 3)))
    assert good.shape == (4, 2)
    assert not same_state(mask.rng.get_value(), state)


def test_state_can_be_read_and_restored_to_repeat_a_draw():
    srng = RandomStreams(seed=8)
    u = srng.uniform((4,))
    f = function([], u)
    saved = srng[u]
    first = f()
    srng[u] = saved
    np.testing.assert_array_equal(f(), first)
    with pytest.raises(ValueError, match="random stream state"):
        srng[u] = np.zeros(5)
    with pytest.raises(GraphlensTypeError, match="stream's state"):
        srng[T.dvector("v")]




def test_merge_and_constant_folding_keep_two_draws_of_equal_inputs():
    srng = RandomStreams(seed=10)
    state = srng.uniform((3,)).rng
    # Two draws from the same state and size: equal inputs, yet two independent samples.
    op = Uniform("float64")
    a, _ = op(state, T.as_tensor_variable(np.array([3])), 0.0, 1.0)
    b, _ = op(state, T.as_tensor_variable(np.array([3])), 0.0, 1.0)
    f = function([], [a, b], no_default_updates=True)
    draws = [node for node in f.fgraph.apply_nodes if node.op.draws_random]
    assert len(draws) == 2
    constant_state = T.as_tensor_variable(state.get_value(return_internal_type=True))
    c, _ = op(constant_state, T.as_tensor_variable(np.array([3])), 0.0, 1.0)
    g = function([], c)
    assert any(node.op.draws_random for node in g.fgraph.apply_nodes)


def test_mrg_random_streams_at_theanos_path_draws_masks_and_rows():
    srng = MRG_RandomStreams(seed=1234)
    mask = srng.binomial(size=(1000, 50), p=0.8, dtype="float32")
    value = function([], mask)()
    assert value.dtype == np.float32 and abs(value.mean() - 0.8) < 0.01
    pvals = T.dmatrix("pvals")
    onehot = function([pvals], srng.multinomial(pvals=pvals))(np.eye(3))
    np.testing.assert_array_equal(onehot, np.eye(3))
    assert MRG_RandomStreams().default_instance_seed == 12345
    u = srng.uniform((2, 3), nstreams=4)
    assert function([], u)().shape == (2, 3)


def test_seed_must_be_a_non_negative_int():
    with pytest.raises(GraphlensTypeError, match="seed"):
        RandomStreams(seed=-1)
    with pytest.raises(GraphlensTypeError, match="seed"):
        RandomStreams(seed="abc")



def test_theano_paths_reach_the_same_classes():
    import graphlens.random as random_room
    import graphlens.tensor as tensor_module
    assert tensor_module.shared_randomstreams.RandomStreams is random_room.RandomStreams
    assert MRG_RandomStreams is random_room.MRG_RandomStreams
    import graphlens.sandbox.rng_mrg as rng_mrg
    assert rng_mrg.MRG_RandomStreams is MRG_RandomStreams


def test_theano_tutorial_reseeds_and_rewinds_one_stream_through_its_value():
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    f = function([], rv_u)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    rng_val = rv_u.rng.get_value(borrow=True)
    rng_val.seed(89234)                         # reseeds this stream only, in place
    rv_u.rng.set_value(rng_val, borrow=True)
    reseeded = f()
    rv_u.rng.get_value(borrow=True).seed(89234)
    np.testing.assert_array_equal(f(), reseeded)
    state_after_v0 = rv_u.rng.get_value().get_state()
    nearly_zeros()                              # advances rv_u's stream
    v1 = f()
    rng = rv_u.rng.get_value(borrow=True)
    rng.set_state(state_after_v0)
    rv_u.rng.set_value(rng, borrow=True)
    v2 = f()
    v3 = f()
    assert not np.allclose(v1, v2)
    np.testing.assert_array_equal(v1, v3)
    with pytest.raises(TypeError, match="state must be"):
        rng.set_state(np.zeros(5))                 # numpy's own check: a real RandomState


def test_theano_tutorial_copies_random_state_between_graphs():
    class Graph:
        def __init__(self, seed):
            self.rng = RandomStreams(seed)
            self.y = self.rng.uniform(size=(1,))

    g1, g2 = Graph(seed=123), Graph(seed=987)
    f1, f2 = function([], g1.y), function([], g2.y)
    assert f1() != f2()
    for (su1, su2) in zip(g1.rng.state_updates, g2.rng.state_updates):
        su2[0].set_value(su1[0].get_value())
    np.testing.assert_array_equal(f1(), f2())
