"""The rules that make a small training step's graph as short as the numpy a person writes
(#23): a reduction of a sum is one reduction (reduction_of_a_sum), lengths are read from
what a reduction or a product reads (size_through_reduction, size_through_product), and an
alloc of read lengths is one node (alloc_of_read_lengths). Each test checks the values against
the unoptimized graph and that the rule fired."""

import warnings

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.gradient_check import verify_grad
from graphlens.rewrite.shape_only import AllocFromShapes
from graphlens.rewrite.specialize import SumMean


def _agree(inputs, outputs, values, rtol=1e-12):
    fast = function(inputs, outputs)
    slow = function(inputs, outputs, mode="NONE")
    for got, want in zip(fast(*values), slow(*values)):
        assert np.shape(got) == np.shape(want)
        assert np.asarray(got).dtype == np.asarray(want).dtype
        np.testing.assert_allclose(got, want, rtol=rtol)
    return fast


def _ops(f):
    return [type(node.op).__name__ for node in f.fgraph.toposort()]


def _fired(f, rule):
    return f.rewrite_log.counts().get(rule, 0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mean_of_row_sums_is_one_reduction(dtype):
    x = T.TensorType(dtype, (None, None))("x")
    value = np.random.default_rng(0).standard_normal((64, 8)).astype(dtype)
    f = _agree([x], [T.sqr(x).sum(axis=1).mean()], [value], rtol=1e-5 if dtype == "float32"
               else 1e-12)
    assert _fired(f, "reduction_of_a_sum") == 1
    assert _ops(f).count("SumMean") == 1 and "Sum" not in _ops(f) and "Mean" not in _ops(f)
    np.testing.assert_allclose(f(value)[0], (value.astype("float64") ** 2).sum() / 64,
                               rtol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("inner, outer", [(1, 0), (0, 0), (2, 1), ((0, 2), 0), (1, (0, 1))])
def test_a_sum_or_mean_of_a_sum_over_any_axes_of_a_3d_array(inner, outer):
    x = T.dtensor3("x")
    value = np.random.default_rng(1).standard_normal((3, 4, 5))
    summed = value.sum(axis=inner)
    for reduce, want in ((T.mean, summed.mean(axis=outer)), (T.sum, summed.sum(axis=outer))):
        f = _agree([x], [reduce(x.sum(axis=inner), axis=outer)], [value])
        assert _fired(f, "reduction_of_a_sum") == 1 and len(_ops(f)) == 1
        np.testing.assert_allclose(f(value)[0], want, rtol=1e-12)


def test_a_sum_read_elsewhere_is_not_computed_twice():
    x = T.dmatrix("x")
    rows = x.sum(axis=1)
    f = _agree([x], [rows.mean(), rows * 2], [np.ones((4, 3))])
    assert _fired(f, "reduction_of_a_sum") == 0 and _ops(f).count("Sum") == 1


def test_integer_sums_keep_their_two_reductions():
    x = T.imatrix("x")
    f = _agree([x], [x.sum(axis=1).mean()], [np.arange(12, dtype="int32").reshape(4, 3)])
    assert _fired(f, "reduction_of_a_sum") == 0


def test_a_mean_over_no_rows_is_nan_with_numpys_warning_as_before():
    x = T.dmatrix("x")
    f = function([x], x.sum(axis=1).mean())
    assert "SumMean" in _ops(f)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert np.isnan(f(np.ones((0, 3))))
    assert any("Mean of empty slice" in str(w.message) for w in caught)
    np.testing.assert_allclose(f(np.ones((2, 0))), 0.0)


def test_sum_mean_gradient_matches_finite_differences():
    verify_grad(lambda x: SumMean((0, 1), (0,))(x), [np.random.default_rng(2).random((4, 3))])
    verify_grad(lambda x: SumMean((0, 2), (2,))(x), [np.random.default_rng(3).random((2, 3, 4))])


def test_lengths_are_read_through_reductions_and_products():
    x, w = T.dmatrix("x"), T.dmatrix("w")
    h = T.dot(x, w)
    outputs = [T.cast(h.sum(axis=1).shape[0], "float64") * 1.0,
               T.cast(T.dot(x.T, h).shape[1], "float64") * 1.0]
    f = _agree([x, w], outputs, [np.ones((5, 3)), np.ones((3, 2))])
    assert [float(v) for v in f(np.ones((5, 3)), np.ones((3, 2)))] == [5.0, 2.0]


def test_size_through_a_reduction_and_a_product_fire():
    x, w = T.dmatrix("x"), T.dmatrix("w")
    h = T.dot(x, w)
    # The gradient of a mean of row sums reads the rows of the row sums: from x, after the rules.
    f = _agree([x, w], grad(T.sqr(h).sum(axis=1).mean(), [w]), [np.ones((5, 3)), np.ones((3, 2))])
    assert _fired(f, "size_through_reduction") >= 1 and _fired(f, "size_through_product") >= 1
    sizes = [node for node in f.fgraph.toposort() if type(node.op).__name__ == "AxisSize"]
    assert sizes and all(node.inputs[0] is f.fgraph.inputs[0] for node in sizes)


def test_the_sgn_gradient_of_w1_is_one_alloc_reading_its_lengths():
    rng = np.random.default_rng(0)
    x = T.dmatrix("x")
    w1 = shared(rng.standard_normal((5, 3)), name="w1")
    w2 = shared(rng.standard_normal((3, 5)), name="w2")
    cost = T.sqr(T.dot(T.sgn(T.dot(x, w1)), w2) - x).sum(axis=1).mean()
    f = _agree([x], [cost] + grad(cost, [w1, w2]), [rng.standard_normal((7, 5))])
    assert _fired(f, "alloc_of_read_lengths") == 1
    assert "Alloc" not in _ops(f) and _ops(f).count("AllocFromShapes") == 1
    gw1 = f(rng.standard_normal((4, 5)))[1]
    assert gw1.shape == (5, 3) and not gw1.any() and gw1.flags.writeable
    # The gallery's model: the nodes numpy's hand-written step has, and no more.
    assert len(_ops(f)) == 11


@pytest.mark.parametrize("value", [0.0, 2.5])
def test_an_alloc_of_read_constant_and_given_lengths(value):
    x, y, n = T.dmatrix("x"), T.dvector("y"), T.lscalar("n")
    out = T.alloc(value, x.shape[1], 4, y.shape[0], n)
    f = _agree([x, y, n], [out], [np.ones((2, 3)), np.ones(5), 2])
    assert _fired(f, "alloc_of_read_lengths") == 1
    (node,) = [node for node in f.fgraph.toposort() if isinstance(node.op, AllocFromShapes)]
    assert node.op.axes == (1, None, 0, None)
    result = f(np.ones((2, 3)), np.ones(5), 6)[0]
    assert result.shape == (3, 4, 5, 6) and (result == value).all()


def test_an_alloc_of_a_value_that_may_broadcast_is_left_alone():
    v, x = T.dvector("v"), T.dmatrix("x")
    f = _agree([v, x], [T.alloc(v, x.shape[0], x.shape[1])], [np.arange(3.0), np.ones((2, 3))])
    assert _fired(f, "alloc_of_read_lengths") == 0


def test_alloc_from_shapes_gradient_matches_finite_differences():
    def filled(value, x):
        return AllocFromShapes((1, None))(value.dimshuffle("x", "x"), x, 2) * x[0, 0]
    verify_grad(filled, [np.array(0.7), np.random.default_rng(4).random((3, 4))])


def _tutorial_xent_gradient(mode=None):
    z, t = T.dvectors("z", "t")
    p = 1 / (1 + T.exp(-z))
    cost = (-t * T.log(p) - (1 - t) * T.log(1 - p)).mean()
    return function([z, t], grad(cost, z), mode=mode), function([z, t], grad(cost, z),
                                                                    mode="NONE")


def test_the_binary_xent_gradient_divides_once_and_keeps_its_precision():
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no budget warning: the rule does not loop
        f, slow = _tutorial_xent_gradient()
    assert _fired(f, "sigmoid_pair_common_factors") == 1
    rng = np.random.default_rng(5)
    z, t = rng.standard_normal(50) * 4, (rng.random(50) > 0.5).astype("float64")
    np.testing.assert_allclose(f(z, t), slow(z, t), rtol=1e-12, atol=1e-17)
    soft = rng.random(50)
    np.testing.assert_allclose(f(z, soft), slow(z, soft), rtol=1e-12, atol=1e-17)
    # Where p rounds to 1 the gradient is still -sigmoid(-z) / n, to the last bit.
    extreme = f(np.array([40.0, -40.0, 800.0, -800.0]), np.array([1.0, 0.0, 1.0, 0.0]))
    np.testing.assert_allclose(extreme, [-np.exp(-40.0) / 4, np.exp(-40.0) / 4, 0.0, 0.0],
                               rtol=1e-12, atol=1e-300)


def test_the_common_factors_of_the_pair_are_applied_once():
    from graphlens.compile.mode import get_mode
    f, _ = _tutorial_xent_gradient(get_mode("FAST_RUN").excluding("fusion", "inplace"))
    ops = _ops(f)
    assert ops.count("TrueDiv") == 1 and "Neg" in ops and ops.count("Sigmoid") == 2


def test_a_pair_with_different_factors_is_left_alone():
    z, t, a = T.dvectors("z", "t", "a")
    f = _agree([z, t, a], [(1 - t) * T.nnet.sigmoid(z) * a - t * T.nnet.sigmoid(-z) * 2.0],
               [np.linspace(-3, 3, 5), np.linspace(0, 1, 5), np.arange(5.0)])
    assert _fired(f, "sigmoid_pair_common_factors") == 0


def test_sum_mean_of_integers_averages_in_float64_as_mean_does():
    x = T.imatrix("x")
    f = function([x], SumMean((0, 1), (0,))(x))
    result = f(np.arange(6, dtype="int32").reshape(2, 3))
    assert result.dtype == np.float64 and result == 7.5


@pytest.mark.parametrize("transpose_a, transpose_b", [(False, False), (True, False),
                                                      (False, True), (True, True)])
def test_a_length_of_a_transposing_product_reads_the_right_operand_axis(transpose_a,
                                                                        transpose_b):
    from graphlens.rewrite.specialize import Dot22
    from graphlens.tensor.reduce import AxisSize
    a, b = T.dmatrix("a"), T.dmatrix("b")
    product = Dot22(transpose_a, transpose_b)(a, b)
    rows, columns = (T.cast(AxisSize((axis,))(product), "float64") * 1.0 for axis in (0, 1))
    shape_a = (3, 2) if transpose_a else (2, 3)
    shape_b = (4, 3) if transpose_b else (3, 4)
    f = _agree([a, b], [rows, columns], [np.ones(shape_a), np.ones(shape_b)])
    assert _fired(f, "size_through_product") == 2 and "Dot22" not in _ops(f)
    assert [float(v) for v in f(np.ones(shape_a), np.ones(shape_b))] == [2.0, 4.0]
