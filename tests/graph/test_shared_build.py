"""SharedBuild (graph/op.py): a gradient is built without the duplicate nodes and constants that
merge would otherwise remove one by one at compile time (issue #23)."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.graph.basic import Constant, toposort
from graphlens.graph.op import SharedBuild
from graphlens.tensor.shared_randomstreams import RandomStreams


def _model():
    x, y = T.dvector("x"), T.dvector("y")
    cost = (T.maximum(x, y).sum() + T.minimum(x, y).sum() + T.tanh(x).sum()
            + T.tanh(x * y).sum())
    return x, y, cost


def _gradient_nodes(cost, grads):
    forward = set(toposort([cost]))
    return [node for node in toposort(grads) if node not in forward]


def test_a_gradient_builds_each_node_and_constant_once():
    x, y, cost = _model()
    nodes = _gradient_nodes(cost, grad(cost, [x, y]))
    # Before: 24 nodes, four DimShuffle{x}(1.0) (one per sum of the same gradient) and 7
    # constant objects for 3 values (a 0 per switch, a 1 per tanh).
    assert len(nodes) == 21
    assert sum(str(node.op) == "DimShuffle{x}" for node in nodes) == 1
    keys = [(node.op, tuple(node.inputs)) for node in nodes]
    assert len(set(keys)) == len(keys)
    constants = {id(var): var for node in nodes for var in node.inputs
                 if isinstance(var, Constant)}
    assert len(constants) == len({var.signature() for var in constants.values()}) == 3


def test_the_shared_gradient_has_the_same_values():
    x, y, cost = _model()
    gx, gy = grad(cost, [x, y])
    a, b = np.array([0.3, -1.0, 2.0]), np.array([0.5, -2.0, 1.0])
    values = function([x, y], [gx, gy])(a, b)
    t, u = np.tanh(a), np.tanh(a * b)
    expected_x = (a >= b) + (a <= b) + (1 - t ** 2) + (1 - u ** 2) * b
    expected_y = (a < b) + (a > b) + (1 - u ** 2) * a
    np.testing.assert_allclose(values[0], expected_x)
    np.testing.assert_allclose(values[1], expected_y)


def test_compiling_a_gradient_merges_fewer_nodes():
    x, y, cost = _model()
    f = function([x, y], grad(cost, [x, y]))
    # Before: 9 merges (the DimShuffles and the equal constants the gradient made); now 2.
    counts = f.rewrite_log.counts()
    assert counts["merge"] == 2 and counts["fuse_elementwise"] == 3


def test_shared_build_returns_the_earlier_node_and_only_while_it_is_in_force():
    x = T.dvector("x")
    with SharedBuild():
        first, again = T.exp(x), T.exp(x)
        ones = [x + 1.0, x * 1.0]
        with SharedBuild(False):
            unshared = T.exp(x)
    assert first is again
    assert unshared is not first
    assert ones[0].owner.inputs[1] is ones[1].owner.inputs[1]      # one constant 1.0
    assert T.exp(x) is not T.exp(x)


def test_random_draws_are_never_shared():
    srng = RandomStreams(seed=3)
    mu = T.dscalar("mu")
    with SharedBuild():
        a, b = srng.normal((2,), avg=mu), srng.normal((2,), avg=mu)
    assert a is not b


def test_equal_constants_with_their_own_arrays_are_one_and_different_ones_are_not():
    x = T.dvector("x")
    with SharedBuild():
        twice = [x * T.constant(np.array([2.0])) for _ in range(2)]
        thrice = x * T.constant(np.array([3.0]))
        literal = [x * 2.0 for _ in range(2)]          # literals: one shared data array
    assert twice[0] is twice[1]
    assert thrice is not twice[0] and thrice.owner.inputs[1].data.tolist() == [3.0]
    assert literal[0] is literal[1]
    np.testing.assert_array_equal(function([x], [twice[1], thrice])(np.array([1.0, 2.0])),
                                  [[2.0, 4.0], [3.0, 6.0]])
