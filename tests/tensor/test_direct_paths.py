"""The direct (no list, no wrapper) paths the evaluator calls instead of `perform` (#23) compute
exactly what `perform` does: the binary cross-entropy of scores, and an elementwise op with one
input that has a shape (p > 0.5, x * 2.0)."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.compile.straight import _direct
from graphlens.errors import EvaluationError


def _node(f, name):
    (node,) = [n for n in f.fgraph.toposort() if type(n.op).__name__ == name]
    return node


def _reference_bce(z, t):
    p = 1 / (1 + np.exp(-z))
    return -(t * np.log(p) + (1 - t) * np.log1p(-p))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sigmoid_bce_direct_equals_perform(dtype):
    z, t = T.TensorType(dtype, (None,))("z"), T.TensorType(dtype, (None,))("t")
    f = function([z, t], T.nnet.sigmoid_binary_crossentropy(z, t))
    node = _node(f, "SigmoidBinaryCrossentropy")
    direct = _direct(node.op.perform, node)
    assert direct is not None
    rng = np.random.default_rng(0)
    zv, tv = (rng.standard_normal(40) * 5).astype(dtype), rng.random(40).astype(dtype)
    got = direct(zv, tv)
    want = node.op.perform(node, [zv, tv])[0]
    assert got.dtype == want.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(got, _reference_bce(zv.astype("float64"), tv.astype("float64")),
                               rtol=1e-5 if dtype == "float32" else 1e-12)


def test_sigmoid_bce_of_a_broadcast_score_and_of_scalars():
    z, t = T.TensorType("float64", (1,))("z"), T.dvector("t")
    f = function([z, t], T.nnet.sigmoid_binary_crossentropy(z, t))
    targets = np.array([0.0, 0.3, 1.0])
    np.testing.assert_allclose(f(np.array([2.0]), targets), _reference_bce(2.0, targets),
                               rtol=1e-12)
    zs, ts = T.dscalar("zs"), T.dscalar("ts")
    g = function([zs, ts], T.nnet.sigmoid_binary_crossentropy(zs, ts))
    result = g(-3.0, 1.0)
    assert isinstance(result, np.ndarray) and result.shape == ()
    np.testing.assert_allclose(result, _reference_bce(-3.0, 1.0), rtol=1e-12)


def test_an_elementwise_op_with_one_shaped_input_runs_directly():
    p = T.dvector("p")
    f = function([p], p > 0.5)
    node = _node(f, "Gt")
    assert _direct(node.op.perform, node) is not None
    np.testing.assert_array_equal(f(np.array([0.2, 0.5, 0.9])), [False, False, True])
    assert f(np.array([0.7])).dtype == np.bool_


def test_two_shaped_inputs_still_refuse_an_undeclared_broadcast():
    a, b = T.dvector("a"), T.dvector("b")
    f = function([a, b], a > b)
    node = _node(f, "Gt")
    assert _direct(node.op.perform, node) is None
    with pytest.raises(EvaluationError, match="not declared broadcastable"):
        f(np.ones(3), np.ones(1))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sigmoid_direct_equals_perform_and_stays_overflow_free(dtype):
    x = T.TensorType(dtype, (None,))("x")
    f = function([x], T.nnet.sigmoid(x), mode="NONE")
    node = _node(f, "Sigmoid")
    direct = _direct(node.op.perform, node)
    assert direct is not None
    values = np.array([-800.0, -40.0, -1.0, 0.0, 1e-30, 2.0, 40.0, 800.0], dtype=dtype)
    with np.errstate(over="raise"):
        got = direct(values)
    want = node.op.perform(node, [values])[0]
    assert got.dtype == want.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, want)
    expected = np.array([0.0, 4.248354255291589e-18, 0.2689414213699951, 0.5, 0.5,
                         0.8807970779778823, 1.0, 1.0])
    np.testing.assert_allclose(got, expected.astype(dtype),
                               rtol=3e-7 if dtype == "float32" else 1e-15)   # a few float32 ulps
    assert got[1] > 0                       # exp(-40) survives: no 1 - p cancellation
    assert f(values[1:2])[0] == got[1]      # the compiled call takes the same path


def test_sigmoid_of_integers_keeps_the_general_path_and_its_float_dtype():
    k = T.lvector("k")
    f = function([k], T.nnet.sigmoid(k), mode="NONE")
    node = _node(f, "Sigmoid")
    assert _direct(node.op.perform, node) is not node.op.perform
    result = f(np.array([-1, 0, 3]))
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, [0.2689414213699951, 0.5, 0.9525741268224334],
                               rtol=1e-15)
