"""graphlens/tensor/topk.py (Theano 1.0's theano.tensor.sort.topk, argtopk, topk_and_argtopk):
values and dtypes against numpy, Theano's unsorted order, the scatter gradient against finite
differences, infer_shape, printing, the errors, and a model trained through topk."""

import importlib

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import debugprint, function, grad, pp, shared
from graphlens.errors import (AxisError, EvaluationError, GraphlensTypeError,
                              InvalidArgumentError, ShapeError)
from graphlens.tensor.sort import TopKOp, argtopk, topk, topk_and_argtopk
from graphlens.trace import vanishing
from op_checks import check, check_grad, check_infer_shape

CUBE = np.random.default_rng(5).permutation(60).reshape(3, 4, 5) / 9.0 - 3.0


def extreme_first(a, kth, axis):
    """numpy's reference: positions of the |kth| largest (smallest for kth < 0), most extreme
    first, ties in x's order (a stable sort of -a, or of a)."""
    a = np.asarray(a)
    if axis is None:
        a, axis = a.ravel(), 0
    key = -a.astype("float64") if kth > 0 else a
    order = np.argsort(key, axis=axis, kind="stable")
    return order.take(np.arange(abs(kth)), axis=axis)


@pytest.mark.parametrize("axis", [-1, 0, 1, None])
@pytest.mark.parametrize("kth", [1, 2, -1, -3])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int16", "uint8"])
def test_topk_and_argtopk_match_a_stable_numpy_sort(axis, kth, dtype):
    values = (CUBE * 9 + 30).astype(dtype)
    positions = lambda a: extreme_first(a, kth, axis)
    taken = lambda a: np.take_along_axis(a if axis is not None else a.ravel(), positions(a),
                                         axis if axis is not None else 0)
    check(lambda x: topk(x, kth, axis=axis), taken, values)
    check(lambda x: argtopk(x, kth, axis=axis), positions, values, dtype="int64")


def test_worked_example_largest_first_smallest_first_and_ties_in_order():
    m = T.dmatrix("m")
    f = function([m], [T.topk(m, 2), T.argtopk(m, 2), T.topk(m, -2), T.argtopk(m, -2)])
    data = np.array([[1.0, 9.0, 4.0, 7.0], [3.0, 8.0, 3.0, 8.0]])
    top, where, bottom, where_low = f(data)
    np.testing.assert_array_equal(top, [[9.0, 7.0], [8.0, 8.0]])
    np.testing.assert_array_equal(where, [[1, 3], [1, 3]])       # equal 8s: first one first
    np.testing.assert_array_equal(bottom, [[1.0, 4.0], [3.0, 3.0]])
    np.testing.assert_array_equal(where_low, [[0, 2], [0, 2]])
    assert top.dtype == np.float64 and where.dtype == np.int64


def test_many_ties_choose_the_first_equal_values_as_a_stable_sort_does():
    # Small integers: every lane has ties, often before the larger values (5, 5, 9: the 9 and
    # the first 5 for kth=2).
    data = np.random.default_rng(8).integers(0, 4, size=(6, 7)).astype("float64")
    data[0, :3] = [5.0, 5.0, 9.0]
    m, k = T.dmatrix("m"), T.lscalar("k")
    for axis in (0, 1):
        f = function([m, k], topk_and_argtopk(m, k, axis=axis))
        for kth in range(-data.shape[axis], data.shape[axis] + 1):
            if kth == 0:
                continue
            values, positions = f(data, kth)
            want = extreme_first(data, kth, axis)
            np.testing.assert_array_equal(positions, want)
            np.testing.assert_array_equal(values, np.take_along_axis(data, want, axis))


def test_nan_counts_as_the_largest_as_numpy_sort_has_it():
    v = T.dvector("v")
    f = function([v], [T.topk(v, 2), T.argtopk(v, -2)])
    top, low = f(np.array([1.0, np.nan, 5.0, 2.0]))
    np.testing.assert_array_equal(top, [np.nan, 5.0])
    np.testing.assert_array_equal(low, [0, 3])


def test_unsorted_order_is_theanos_partition_order():
    # Theano 1.0's CPU TopKOp: argpartition at -kth, the last kth (first |kth| for kth < 0);
    # argmax for kth = 1; x's own order when |kth| is the axis's length.
    m = T.dmatrix("m")
    rows = np.random.default_rng(3).standard_normal((4, 9))
    for kth in (3, -4, 9, 1):
        got_values, got_positions = function([m], topk_and_argtopk(m, kth, sorted=False))(rows)
        if kth == 9:
            want = np.tile(np.arange(9), (4, 1))
        elif kth == 1:
            want = np.argmax(rows, axis=1)[:, None]
        else:
            want = np.argpartition(rows, -kth, axis=1)[:, -kth:] if kth > 0 else \
                np.argpartition(rows, -kth, axis=1)[:, :-kth]
        np.testing.assert_array_equal(got_positions, want)
        np.testing.assert_array_equal(got_values, np.take_along_axis(rows, want, axis=1))


def test_idx_dtype_and_theanos_paths():
    # `import graphlens.tensor.sort as m` finds the function T.sort first, as in Theano.
    sort_module = importlib.import_module("graphlens.tensor.sort")
    v = T.fvector("v")
    where = argtopk(v, 2, idx_dtype="int32")
    assert where.dtype == "int32" and topk(v, 2).dtype == "float32"
    np.testing.assert_array_equal(where.eval({v: np.array([0.5, 2.0, 1.0], "float32")}), [1, 2])
    assert T.topk is sort_module.topk and T.argtopk is sort_module.argtopk
    assert T.topk_and_argtopk is sort_module.topk_and_argtopk
    assert TopKOp(axis=0, sorted=False) == TopKOp(0, False)


@pytest.mark.parametrize("axis", [-1, 0, 1, None])
@pytest.mark.parametrize("kth", [2, -3])
def test_topk_gradient_agrees_with_finite_differences(axis, kth):
    check_grad(lambda x: topk(x, kth, axis=axis) ** 2, CUBE)
    # topk_and_argtopk's values carry the same gradient; the positions carry none.
    check_grad(lambda x: topk_and_argtopk(x, kth, axis=axis)[0] * 3.0, CUBE)


def test_gradient_goes_to_the_chosen_positions_only():
    v = T.dvector("v")
    g = grad((T.topk(v, 2) * np.array([1.0, 10.0])).sum(), v)
    # The two largest of [3, 8, 3, 8] are the 8s at 1 and 3, in that order.
    np.testing.assert_array_equal(g.eval({v: np.array([3.0, 8.0, 3.0, 8.0])}), [0, 1, 0, 10])
    g_low = grad(T.topk(v, -1).sum(), v)
    np.testing.assert_array_equal(g_low.eval({v: np.array([3.0, -8.0, 3.0])}), [0, 1, 0])


def test_symbolic_kth_gives_values_gradient_and_an_undefined_gradient_for_kth():
    m, k = T.dmatrix("m"), T.iscalar("k")
    values = topk(m, k, axis=0)
    assert values.type.shape == (None, None)
    cost = (values * values).sum()
    f = function([m, k], [values, grad(cost, m)])
    data = np.array([[1.0, -2.0], [4.0, 5.0], [-3.0, 0.5]])
    top, g = f(data, -2)
    np.testing.assert_array_equal(top, [[-3.0, -2.0], [1.0, 0.5]])
    np.testing.assert_array_equal(g, [[2.0, -4.0], [0, 0], [-6.0, 1.0]])
    with pytest.raises(Exception, match="kth counts the elements"):
        grad(cost, k)


def test_argtopk_gradient_is_zero_and_the_tracer_says_why():
    w = T.dvector("w")
    positions = argtopk(w, 2)
    # w reaches the cost through the indexing only, never through the positions.
    g = grad(T.sum(w[positions]), w).eval({w: np.array([2.0, 1.0, 3.0])})
    np.testing.assert_array_equal(g, [1.0, 0.0, 1.0])
    (finding,) = vanishing(T.sum(positions * 1.0), [w]).findings
    (blocker,) = finding.blockers
    assert blocker.title == "argtopk" and blocker.kind == "zero_gradient"
    assert blocker.reason.startswith("argtopk returns positions")


@pytest.mark.parametrize("kth", [2, -3])
def test_infer_shape_never_runs_the_op(kth):
    k = T.constant(kth)
    check_infer_shape(lambda x: topk(x, k, axis=1), [CUBE], TopKOp)
    check_infer_shape(lambda x, n: argtopk(x, n, axis=0), [CUBE, np.int64(kth)], TopKOp)


def test_static_shape_from_a_constant_kth():
    x = T.TensorType("float64", (3, 7))()
    assert topk(x, -4).type.shape == (3, 4)
    assert topk_and_argtopk(x, 2, axis=0)[1].type.shape == (2, 7)


def test_printing_pp_and_debugprint():
    m = T.dmatrix("m")
    assert pp(topk(m, 2)) == "topk(m, 2, axis=1, return_indices=False)"
    assert pp(argtopk(m, -2, axis=0)) == "topk(m, -2, axis=0, return_values=False)"
    values, positions = topk_and_argtopk(m, 3, sorted=False)
    assert pp(values + 1) == "%1, %2 = topk(m, 3, axis=1, sorted=False)\n%1 + 1.0"
    text = debugprint(positions, file="str")
    assert text.splitlines()[0].startswith("TopKOp{axis=1, sorted=False}.1 [id A] int64[?, 3]")
    assert TopKOp(0, idx_dtype="int32", return_values=False).label == \
        "TopKOp{axis=0, idx_dtype=int32, return_values=False}"


def test_build_errors_name_the_op_the_input_and_the_users_line():
    m = T.TensorType("float64", (2, 3))("m")
    here = r"at tests/tensor/test_topk.py:\d+: "
    with pytest.raises(InvalidArgumentError, match=r"topk " + here + "kth must not"):
        topk(m, 0)
    with pytest.raises(ShapeError, match=r"argtopk " + here + r"kth=-4 asks for 4 elements, but "
                                         r"axis 1 of x has only 3"):
        argtopk(m, -4)
    with pytest.raises(GraphlensTypeError, match=r"kth must be an integer scalar, got "
                                                 r"'k' \(float64"):
        topk(m, T.dscalar("k"))
    with pytest.raises(ShapeError, match="x must have at least one axis, got 's'"):
        topk(T.dscalar("s"), 1)
    with pytest.raises(AxisError, match="topk"):
        topk(m, 1, axis=2)
    with pytest.raises(GraphlensTypeError, match="complex numbers have no order"):
        topk(T.zvector("z"), 1)
    with pytest.raises(GraphlensTypeError, match=r"argtopk " + here +
                                                 r"idx_dtype must be an integer dtype"):
        argtopk(m, 1, idx_dtype="float32")
    with pytest.raises(InvalidArgumentError, match="both False: no output"):
        TopKOp(return_values=False, return_indices=False)(m, 1)


def test_run_time_kth_too_large_is_a_value_error_naming_the_users_line():
    m, k = T.dmatrix("m"), T.lscalar("k")
    f = function([m, k], topk(m, k))               # the line the error names
    with pytest.raises(ValueError, match=r"kth=5 asks for 5 elements, but axis 1 of x has only"
                                         r" 3") as caught:
        f(np.zeros((2, 3)), 5)
    assert isinstance(caught.value, EvaluationError)
    assert "test_topk.py" in str(caught.value)
    with pytest.raises(ValueError, match="kth must not be 0"):
        f(np.zeros((2, 3)), 0)


def test_hard_example_mining_mlp_trains_through_topk():
    # The mean loss of the 8 hardest examples of a batch, a classic use of topk in training:
    # its gradient reaches every weight through the examples topk chose, and it falls.
    rng = np.random.default_rng(1)
    x, y = T.dmatrix("x"), T.ivector("y")
    W1 = shared(rng.standard_normal((6, 8)) * 0.3, name="W1")
    W2 = shared(rng.standard_normal((8, 3)) * 0.3, name="W2")
    p_y = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1)), W2))
    losses = T.nnet.categorical_crossentropy(p_y, y)
    cost = topk(losses, 8).mean()
    grads = grad(cost, [W1, W2])
    train = function([x, y], [cost, argtopk(losses, 8)],
                     updates=[(p, p - 0.5 * g) for p, g in zip([W1, W2], grads)])
    data_x = rng.standard_normal((40, 6))
    data_y = np.argmax(data_x[:, :3], axis=1).astype("int32")
    hidden = np.tanh(data_x @ W1.get_value()) @ W2.get_value()
    p = np.exp(hidden - hidden.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    numpy_losses = -np.log(p[np.arange(40), data_y])
    first, hardest = train(data_x, data_y)
    np.testing.assert_allclose(first, np.sort(numpy_losses)[-8:].mean(), rtol=1e-12)
    np.testing.assert_array_equal(hardest, np.argsort(-numpy_losses, kind="stable")[:8])
    costs = [float(train(data_x, data_y)[0]) for _ in range(30)]
    assert costs[-1] < 0.7 * float(first)


def test_topk_and_its_gradients_positions_share_one_selection_once_compiled():
    # The gradient of topk reads argtopk of the same x and kth: the rewrite
    # topk_share_selection makes them one node with both outputs; a different kth stays apart.
    m = T.dmatrix("m")
    cost = (T.topk(m, 2) ** 2).sum()
    f = function([m], [cost, grad(cost, m), T.argtopk(m, -2)])
    nodes = [n for n in f.fgraph.toposort() if isinstance(n.op, TopKOp)]
    assert sorted(len(n.outputs) for n in nodes) == [1, 2]
    assert "topk_share_selection" in f.rewrite_log.counts()
    data = np.array([[1.0, 9.0, 4.0, 7.0], [3.0, 8.0, 3.0, 8.0]])
    value, g, low = f(data)
    assert value == 81 + 49 + 64 + 64
    np.testing.assert_array_equal(g, [[0, 18, 0, 14], [0, 16, 0, 16]])
    np.testing.assert_array_equal(low, [[0, 2], [0, 2]])
