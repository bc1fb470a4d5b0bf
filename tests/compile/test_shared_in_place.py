"""Updated shared variables are written in place, as Theano's pfunc made them mutable: a sparse
update (inc_subtensor of W's rows) writes those rows into W's array instead of copying W, and
nothing the call still reads, nor a copy of the function without updates, sees the change."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.compile.destroy import overwritten_inputs
from graphlens.errors import InconsistencyError
from tests.compile.test_destroy import DoubleInPlace


def _sparse_step():
    W = shared(np.arange(12.0).reshape(4, 3), name="W")
    idx = T.ivector("idx")
    rows = W[idx]
    cost = T.sqr(rows).sum()
    step = function([idx], cost, updates=[(W, T.inc_subtensor(rows, -0.25 * T.grad(cost, rows)))])
    return W, step


def test_a_sparse_update_writes_its_rows_into_the_shared_array():
    W, step = _sparse_step()
    array = W.get_value(borrow=True)
    expected = array.copy()
    cost = step(np.array([1, 3], dtype="int32"))
    # cost read the rows before they were written; the rows move by -0.25 * 2 * row.
    assert float(cost) == float((expected[[1, 3]] ** 2).sum())
    expected[[1, 3]] *= 0.5
    np.testing.assert_array_equal(W.get_value(), expected)
    # The very array the variable held: no copy of all of W was made.
    assert W.get_value(borrow=True) is array
    assert W in {var for var in step.shared_inputs}
    assert overwritten_inputs(step.fgraph) == {step.fgraph.inputs[1]}


def test_a_failed_call_puts_back_the_rows_it_wrote():
    W = shared(np.zeros((4, 2)), name="W")
    V = shared(np.zeros((3, 2)), name="V")
    i, j = T.ivectors("i", "j")
    g = T.dmatrix("g")
    # V's increment reads W's new rows, so W's are written (in place) first; then V's fails
    # on a bad index.
    new_W = T.inc_subtensor(W[i], g)
    step = function([i, j, g], [], updates=[(W, new_W), (V, T.inc_subtensor(V[j], new_W[i]))])
    W_array = W.get_value(borrow=True)
    ok = np.ones((2, 2))
    step(np.array([0, 0], dtype="int32"), np.array([1, 2], dtype="int32"), ok)
    np.testing.assert_array_equal(W.get_value(), [[2, 2], [0, 0], [0, 0], [0, 0]])
    assert W.get_value(borrow=True) is W_array
    with pytest.raises(IndexError):
        step(np.array([0, 3], dtype="int32"), np.array([1, 7], dtype="int32"), ok)
    # Nothing of the failed call stays: W's rows 0 and 3 are as they were.
    np.testing.assert_array_equal(W.get_value(), [[2, 2], [0, 0], [0, 0], [0, 0]])
    np.testing.assert_array_equal(V.get_value(), [[0, 0], [2, 2], [2, 2]])
    schedule = [type(node.op).__name__ for node in step.vm.nodes]
    assert schedule.count("AdvancedIncSubtensor") == 2


def test_an_argument_sharing_the_updated_array_is_read_as_it_was():
    w = shared(np.array([1.0, 2.0]), name="w")
    x = T.dvector("x")
    moved = T.inc_subtensor(w[:], 1.0)
    # x * moved reads x after w's array was overwritten by moved (it needs its value).
    f = function([x], [x * moved, x + 1.0], updates=[(w, moved)])
    product, plus_one = f(w.get_value(borrow=True))
    np.testing.assert_array_equal(product, [2.0, 6.0])
    np.testing.assert_array_equal(plus_one, [2.0, 3.0])
    np.testing.assert_array_equal(w.get_value(), [2.0, 3.0])
    # A view of it, by keyword: the same.
    product, plus_one = f(x=w.get_value(borrow=True)[::-1])
    np.testing.assert_array_equal(product, [9.0, 8.0])
    np.testing.assert_array_equal(plus_one, [4.0, 3.0])


def test_another_shared_variable_on_the_same_array_keeps_its_value():
    data = np.array([1.0, 2.0])
    a = shared(data, name="a", borrow=True)
    b = shared(data, name="b", borrow=True)
    moved = T.inc_subtensor(a[:], 1.0)
    # b * moved reads b after a's array (which b's shares) is written.
    f = function([], b * moved, updates=[(a, moved)])
    for old_a in ([1.0, 2.0], [2.0, 3.0]):
        np.testing.assert_array_equal(f(), [1.0, 2.0] * (np.array(old_a) + 1))
        np.testing.assert_array_equal(a.get_value(), np.array(old_a) + 1)
        np.testing.assert_array_equal(b.get_value(), [1.0, 2.0])
    assert f._updated_in_place == {a}


def test_a_copy_without_updates_changes_no_shared_value():
    W, step = _sparse_step()
    without = step.copy(delete_updates=True)
    before = W.get_value()
    cost = without(np.array([0, 2], dtype="int32"))
    assert float(cost[0]) == float((before[[0, 2]] ** 2).sum())
    np.testing.assert_array_equal(W.get_value(), before)
    # The original still updates.
    step(np.array([0], dtype="int32"))
    assert W.get_value()[0].tolist() == [0.0, 0.5, 1.0]


def test_the_users_in_place_op_may_overwrite_an_updated_shared_variable_only():
    w = shared(np.ones(2), name="w")
    f = function([], [], updates=[(w, DoubleInPlace()(w))], accept_inplace=True)
    array = w.get_value(borrow=True)
    f()
    f()
    np.testing.assert_array_equal(w.get_value(), [4.0, 4.0])
    assert w.get_value(borrow=True) is array
    v = shared(np.ones(2), name="v")
    with pytest.raises(InconsistencyError, match="would overwrite 'v'.*a shared variable the "
                                                 "function does not update"):
        function([], DoubleInPlace()(v), updates=[(w, w + 1.0)], accept_inplace=True)


def test_a_shared_variable_read_but_not_updated_is_never_overwritten():
    w = shared(np.array([1.0, 2.0]), name="w")
    u = shared(np.zeros(2), name="u")
    f = function([], [], updates=[(u, T.exp(w) + 1.0)])
    held = w.get_value(borrow=True)
    f()
    np.testing.assert_array_equal(held, [1.0, 2.0])
    np.testing.assert_allclose(u.get_value(), np.exp([1.0, 2.0]) + 1.0)
    assert overwritten_inputs(f.fgraph) == set()


def test_the_journal_keeps_only_writes_into_the_watched_arrays():
    from graphlens.graph.overwrites import journal, put_back, remember_overwrite
    W = np.arange(12.0).reshape(4, 3)
    made_in_the_call = np.zeros((4, 3))
    with journal([W]) as written:
        remember_overwrite(made_in_the_call, (slice(0, 2),))     # a loop's own buffer
        assert written == []
        view = W[1:]
        remember_overwrite(view, (np.array([0, 2]),))            # rows 1 and 3 of W
        view[[0, 2]] = -1.0
        assert len(written) == 1
        put_back(written)
    np.testing.assert_array_equal(W, np.arange(12.0).reshape(4, 3))
    remember_overwrite(W, (slice(None),))                         # no journal open: nothing
