"""In-place evaluation: an elementwise node or a set/inc_subtensor writes into an input's array
only when nothing can tell: never an input, a constant or a shared variable, a value read later,
an output, or the base of a view that is read later."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.compile.mode import Mode

NO_FUSION = Mode("FAST_RUN", exclude=("fusion",))


def _destroyers(f):
    return [node for node in f.fgraph.toposort() if getattr(node.op, "destroyed", ())]


def _same_as_none(inputs, outputs, values, mode=NO_FUSION):
    f = function(inputs, outputs, mode=mode)
    expected = function(inputs, outputs, mode="NONE")(*values)
    for got, want in zip(f(*values), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    return f


def test_the_result_of_a_product_is_reused_for_the_next_elementwise_op():
    x, w = T.dmatrices("x", "w")
    f = _same_as_none([x, w], [T.tanh(T.dot(x, w))], [np.ones((2, 3)), np.ones((3, 4))])
    (node,) = _destroyers(f)
    assert node.op.label == "Composite{tanh(i0)}{destroyed=0}"


def test_inputs_constants_and_shared_values_are_never_written():
    # An elementwise op never writes into a shared value, updated or not; a set/inc_subtensor
    # may write into one the function updates (tests/compile/test_shared_in_place.py).
    x = T.dvector("x")
    w = shared(np.array([1.0, 2.0]), name="w")
    c = np.array([3.0, 4.0])
    f = function([x], [T.exp(x) + T.tanh(w) * c], updates=[(w, w * 2)])
    value, before = np.array([0.5, -0.5]), w.get_value(borrow=True)
    kept_value, kept_before = value.copy(), before.copy()
    f(value)
    np.testing.assert_array_equal(value, kept_value)
    np.testing.assert_array_equal(before, kept_before)
    np.testing.assert_array_equal(w.get_value(), kept_before * 2)
    assert all(node.inputs[i].owner is not None
               for node in _destroyers(f) for i in node.op.destroyed)


def test_a_value_read_later_is_not_overwritten():
    x, w = T.dmatrices("x", "w")
    product = T.dot(x, w)
    f = _same_as_none([x, w], [T.tanh(product), T.exp(product)],
                      [np.ones((2, 2)) * 0.3, np.eye(2)])
    # Only the last reader of the product may write into it.
    assert len(_destroyers(f)) == 1


def test_an_output_is_not_overwritten():
    x, w = T.dmatrices("x", "w")
    product = T.dot(x, w)
    f = _same_as_none([x, w], [product, T.tanh(product)], [np.ones((2, 2)) * 0.3, np.eye(2)])
    assert _destroyers(f) == []


def test_the_base_of_a_view_read_later_is_not_overwritten():
    x, w = T.dmatrices("x", "w")
    product = T.dot(x, w)
    outputs = [T.tanh(product.T), product[0] + 1]       # the transpose is a view of product
    f = _same_as_none([x, w], outputs, [np.arange(4.0).reshape(2, 2), np.eye(2)])
    assert all(node.op.inner_nodes()[0].op.label != "Tanh" for node in _destroyers(f))


def test_a_view_of_a_dead_value_may_be_overwritten():
    x, w = T.dmatrices("x", "w")
    f = _same_as_none([x, w], [T.tanh(T.dot(x, w).T)], [np.arange(6.0).reshape(2, 3),
                                                          np.ones((3, 2))])
    assert len(_destroyers(f)) == 1


def test_an_input_read_twice_by_one_node_is_not_overwritten():
    x, w = T.dmatrices("x", "w")
    product = T.dot(x, w)
    f = _same_as_none([x, w], [product * product], [np.ones((2, 2)) * 2, np.eye(2)])
    assert _destroyers(f) == []


def test_updates_of_shared_variables_stay_correct_over_many_calls():
    w = shared(np.ones((2, 2)), name="w")
    x = T.dmatrix("x")
    step = function([x], T.sum(T.dot(x, w)), updates=[(w, w - 0.1 * T.dot(x.T, x))])
    data = np.array([[1.0, 0.0], [0.0, 2.0]])
    expected = np.ones((2, 2))
    for _ in range(3):
        assert float(step(data)) == np.sum(data @ expected)
        expected = expected - 0.1 * data.T @ data
    np.testing.assert_allclose(w.get_value(), expected)


def test_the_schedule_is_the_one_the_analysis_saw():
    x, w = T.dmatrices("x", "w")
    product = T.dot(x, w)
    # The long branch comes first depth-first; the schedule runs the short one (the sum) first.
    long_branch = T.tanh(T.exp(T.tanh(product) * 2.0).dot(w))
    f = function([x, w], [long_branch, T.sin(product).sum()])
    assert f.vm.nodes == f.fgraph.schedule() != f.fgraph.toposort()
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    p = xv @ wv
    long_value, short_value = f(xv, wv)
    np.testing.assert_allclose(long_value, np.tanh(np.exp(np.tanh(p) * 2.0) @ wv), rtol=1e-12)
    np.testing.assert_allclose(short_value, np.sin(p).sum(), rtol=1e-12)


def _subtensor_writers(f):
    return [node for node in f.fgraph.toposort() if getattr(node.op, "inplace", False)]


def test_the_gradient_of_a_slice_adds_into_its_zeros_in_place():
    x = T.dvector("x")
    f = function([x], T.grad(T.sum(x[1:3] ** 2), x))
    value = np.array([1.0, 2.0, 3.0, 4.0])
    kept = value.copy()
    np.testing.assert_array_equal(f(value), [0.0, 4.0, 6.0, 0.0])
    np.testing.assert_array_equal(value, kept)
    (node,) = _subtensor_writers(f)
    assert node.op.label == "IncSubtensor{1:3, inc, inplace=True}"
    assert node.op.destroy_map == {0: [0]} and node.inputs[0].owner is not None


def test_an_embedding_gradient_accumulates_repeated_rows_in_place():
    table = shared(np.arange(12.0).reshape(4, 3), name="table")
    ids = T.lvector("ids")
    cost = T.sum(table[ids] * np.array([1.0, 2.0, 3.0]))
    f = function([ids], T.grad(cost, table))
    got = f(np.array([1, 3, 1]))
    expected = np.zeros((4, 3))
    expected[1] = 2 * np.array([1.0, 2.0, 3.0])
    expected[3] = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(got, expected)
    (node,) = _subtensor_writers(f)
    assert type(node.op).__name__ == "AdvancedIncSubtensor"
    np.testing.assert_array_equal(table.get_value(), np.arange(12.0).reshape(4, 3))


def test_set_subtensor_never_writes_an_input_a_shared_value_or_a_value_read_later():
    x = T.dvector("x")
    w = shared(np.array([1.0, 2.0, 3.0]), name="w")
    doubled = x * 2
    outputs = [T.set_subtensor(x[0], 9.0), T.set_subtensor(w[1], 9.0),
               T.set_subtensor(doubled[2], 9.0), doubled]
    f = _same_as_none([x], outputs, [np.array([1.0, 2.0, 3.0])])
    value = np.array([1.0, 2.0, 3.0])
    first, second, third, fourth = f(value)
    np.testing.assert_array_equal(value, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(w.get_value(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(third, [2.0, 4.0, 9.0])
    np.testing.assert_array_equal(fourth, [2.0, 4.0, 6.0])
    assert _subtensor_writers(f) == []


def test_a_chain_of_set_subtensors_writes_one_array():
    x = T.dvector("x")
    y = x * 1.5
    for i in range(4):
        y = T.set_subtensor(y[i], float(i))
    f = _same_as_none([x], [y], [np.ones(6)])
    assert len(_subtensor_writers(f)) == 4
    np.testing.assert_array_equal(f(np.ones(6))[0], [0.0, 1.0, 2.0, 3.0, 1.5, 1.5])


def test_an_inplace_subtensor_copies_a_read_only_array():
    from graphlens.tensor.subtensor import IncSubtensor
    x = T.dvector("x")
    node = IncSubtensor((("int", 0),), True, inplace=True)(x, 5.0).owner
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    (result,) = node.op.perform(node, [frozen, np.asarray(5.0)])
    np.testing.assert_array_equal(result, [5.0, 0.0, 0.0])
    np.testing.assert_array_equal(frozen, [0.0, 0.0, 0.0])
