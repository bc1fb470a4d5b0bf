"""graphlens/tensor/nnet.py: sigmoid, softplus, relu, softmax, log_softmax and the
cross-entropies against numpy; dtypes, static shapes, stability, gradients and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import AxisError, GraphlensTypeError, ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor import nnet
from loop_cases import case

RNG_SEED = 11


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True, initial=-np.inf))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
    with np.errstate(divide="ignore"):      # log(0) of an empty axis; the result is empty
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


UNARY = {
    "sigmoid": (nnet.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    "softplus": (nnet.softplus, lambda x: np.log1p(np.exp(x))),
    "relu": (nnet.relu, lambda x: np.maximum(x, 0)),
    # Theano 1.0 made a vector a 1 x n row before its softmax (see test_softmax_of_a_vector_...).
    "softmax": (nnet.softmax, lambda x: np_softmax(np.atleast_2d(x), -1)),
    "log_softmax": (nnet.log_softmax, lambda x: np_log_softmax(np.atleast_2d(x), -1)),
}
FLOAT_OF = {"float64": "float64", "float32": "float32", "int8": "float32", "uint8": "float32",
            "int16": "float32", "bool": "float32", "int32": "float64", "int64": "float64"}
TOLERANCE = {"float64": 1e-12, "float32": 2e-6}


@pytest.mark.parametrize("name", UNARY)
def test_values_and_dtypes_over_dtypes_and_shapes(name):
    build, reference = UNARY[name]
    rng = np.random.default_rng(RNG_SEED)
    for dtype in FLOAT_OF:
        for shape in [(5,), (2, 3), (2, 1, 4), (3, 0)]:
            if dtype == "bool":
                x = rng.integers(0, 2, size=shape) > 0
            elif np.dtype(dtype).kind in "iu":
                x = rng.integers(0 if dtype == "uint8" else -4, 5, size=shape).astype(dtype)
            else:
                x = rng.uniform(-4, 4, size=shape).astype(dtype)
            xs = T.TensorType(dtype, (None,) * len(shape))("x")
            with case(dtype, shape):
                out = build(xs)
                value = function([xs], out)(x)
                expected = dtype if name == "relu" else FLOAT_OF[dtype]
                assert out.dtype == expected and value.dtype == np.dtype(expected)
                tol = TOLERANCE.get(expected, 0)
                np.testing.assert_allclose(value, reference(x.astype("float64")), rtol=tol,
                                           atol=tol)
                static = build(T.TensorType(dtype, shape)())
                assert static.type.shape == value.shape == reference(x.astype("float64")).shape


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sigmoid_softplus_and_softmax_never_overflow(dtype):
    x = T.TensorType(dtype, (None,))("x")
    f = function([x], [nnet.sigmoid(x), nnet.softplus(x), nnet.softmax(x),
                       nnet.log_softmax(x)])
    big = np.array([-800.0, -30.0, 0.0, 30.0, 800.0], dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow is fine
        sigmoid, softplus, softmax, log_softmax = f(big)
    np.testing.assert_allclose(sigmoid, [0, 1 / (1 + np.exp(30)), 0.5, 1 / (1 + np.exp(-30)), 1],
                               rtol=1e-6)
    np.testing.assert_allclose(softplus, [0, np.log1p(np.exp(-30)), np.log(2), 30, 800],
                               rtol=1e-6)
    np.testing.assert_array_equal(softmax, [[0, 0, 0, 0, 1]])
    # Where softmax underflows to 0, its log stays finite and exact.
    np.testing.assert_allclose(log_softmax, [big - 800], rtol=1e-6)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_softmax_and_log_softmax_over_any_axis(axis):
    x = T.dtensor3("x")
    values = np.random.default_rng(axis + 5).normal(size=(2, 3, 4)) * 3
    sm, lsm = function([x], [nnet.softmax(x, axis=axis), nnet.log_softmax(x, axis=axis)])(values)
    np.testing.assert_allclose(sm, np_softmax(values, axis), rtol=1e-12)
    np.testing.assert_allclose(lsm, np_log_softmax(values, axis), rtol=1e-12)
    np.testing.assert_allclose(sm.sum(axis=axis), 1, rtol=1e-12)
    assert nnet.softmax(x, axis=axis).owner.op == nnet.Softmax(axis % 3)   # one label per axis


def test_theanos_softmax_op_instance_makes_a_vector_a_row_too():
    # Theano's `softmax_op` (and `Softmax()`) padded in make_node, so code holding the op
    # instance gets the row as the function's callers do.
    from graphlens.tensor.nnet.nnet import softmax_op
    v = T.dvector("v")
    for op in (softmax_op, nnet.Softmax(), nnet.LogSoftmax()):
        out = op(v)
        assert out.type.shape == (1, None)
        assert out.owner.op == type(op)(1)          # the node's op names its real axis
    values = np.array([0.5, 1.5, -1.0])
    np.testing.assert_allclose(function([v], softmax_op(v))(values), np_softmax(values[None], -1),
                               rtol=1e-12)
    assert softmax_op == nnet.Softmax() and nnet.Softmax(-1)(v).ndim == 1


@pytest.mark.parametrize("build", [nnet.softmax, nnet.log_softmax, T.nnet.logsoftmax])
def test_softmax_of_a_vector_is_a_row_as_in_theano(build):
    # Theano 1.0's Softmax/LogSoftmax padded a vector to a 1 x n row: rnnslu.py scans a
    # softmax of a vector and reads s[:, 0, :]. An explicit axis keeps the vector.
    v = T.dvector("v")
    out = build(v)
    assert out.ndim == 2 and out.type.shape == (1, None) and out.broadcastable == (True, False)
    values = np.array([1.0, -2.0, 0.5])
    expected = np_softmax(values[None], -1)
    if build is not nnet.softmax:
        expected = np.log(expected)
    np.testing.assert_allclose(function([v], out)(values), expected, rtol=1e-12)
    assert build(v, axis=-1).ndim == 1
    verify_grad(lambda x: build(x) * np.array([[1.0, 2.0, 3.0]]), [values],
                rng=np.random.default_rng(RNG_SEED))


def test_softmax_errors_name_the_variable_and_axis():
    s = T.dscalar("s")
    with pytest.raises(ShapeError, match=r"softmax needs at least one axis, got 's' \(float64, "
                                         r"built at tests/tensor/test_nnet.py:\d+\)"):
        nnet.softmax(s)
    m = T.dmatrix("m")
    with pytest.raises(AxisError, match=r"softmax: axis 2 is out of range for 'm' \(float64\[\?, "
                                        r"\?\]"):
        nnet.softmax(m, axis=2)
    with pytest.raises(AxisError, match="log_softmax: axis -3 is out of range"):
        nnet.log_softmax(m, axis=-3)


def test_binary_crossentropy_values_and_row_target_broadcast():
    p, t = T.fmatrix("p"), T.frow("t")
    out = nnet.binary_crossentropy(p, t)
    assert out.dtype == "float32" and out.type.shape == (None, None)
    probs = np.array([[0.1, 0.5, 0.9], [0.3, 0.6, 0.2]], "float32")
    target = np.array([[1.0, 0.0, 0.25]], "float32")
    value = function([p, t], out)(probs, target)
    expected = -(target * np.log(probs) + (1 - target) * np.log(1 - probs))
    assert value.dtype == np.float32
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_categorical_crossentropy_with_one_hot_and_with_int_labels():
    p = T.dmatrix("p")
    one_hot, labels = T.dmatrix("one_hot"), T.lvector("labels")
    probs = np_softmax(np.random.default_rng(3).normal(size=(4, 3)), -1)
    classes = np.array([2, 0, 1, 1])
    f = function([p, one_hot, labels], [nnet.categorical_crossentropy(p, one_hot),
                                        nnet.categorical_crossentropy(p, labels)])
    by_one_hot, by_label = f(probs, np.eye(3)[classes], classes)
    expected = -np.log(probs[np.arange(4), classes])
    np.testing.assert_allclose(by_one_hot, expected, rtol=1e-12)
    np.testing.assert_allclose(by_label, expected, rtol=1e-12)
    assert by_label.shape == (4,)


def test_categorical_crossentropy_of_wrong_rank_names_both_inputs():
    p, t = T.dmatrix("p"), T.dtensor3("t")
    with pytest.raises(ShapeError) as info:
        nnet.categorical_crossentropy(p, t)
    message = str(info.value)
    assert message.startswith("categorical_crossentropy: 't' (float64[?, ?, ?], built at "
                              "tests/tensor/test_nnet.py:")
    assert "must be one-hot like 'p' (float64[?, ?]" in message


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["sigmoid", "softplus", "relu"])
def test_elementwise_gradients_match_finite_differences(name, dtype):
    build = UNARY[name][0]
    rng = np.random.default_rng(RNG_SEED)
    for shape in [(), (4,), (2, 3)]:
        x = rng.uniform(0.2, 3, size=shape) * rng.choice([-1, 1], size=shape)  # not at relu's 0
        with case(shape):
            verify_grad(lambda v: build(v) * (v + 1), [x.astype(dtype)], rng=rng)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("build", [nnet.softmax, nnet.log_softmax])
def test_softmax_gradients_match_finite_differences_over_axes(build, dtype):
    rng = np.random.default_rng(RNG_SEED)
    for shape, axis in [((5,), -1), ((3, 4), 1), ((3, 4), 0), ((2, 3, 2), 1)]:
        x = rng.normal(size=shape).astype(dtype)
        with case(shape, axis):
            verify_grad(lambda v: build(v, axis=axis), [x], rng=rng)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_crossentropy_gradients_match_finite_differences(dtype):
    rng = np.random.default_rng(RNG_SEED)
    probs = rng.uniform(0.1, 0.9, size=(3, 4)).astype(dtype)
    target = rng.uniform(0, 1, size=(3, 4)).astype(dtype)
    verify_grad(nnet.binary_crossentropy, [probs, target], rng=rng)
    verify_grad(lambda p, t: nnet.binary_crossentropy(p, t.dimshuffle("x", 0)),
                [probs, target[0]], rng=rng)
    logits = rng.normal(size=(3, 4)).astype(dtype)
    labels = T.constant(np.array([3, 0, 1]))
    verify_grad(lambda z: nnet.categorical_crossentropy(nnet.softmax(z), labels), [logits],
                rng=rng)
    verify_grad(lambda z, t: nnet.categorical_crossentropy(nnet.softmax(z), t),
                [logits, target], rng=rng)


def test_relu_gradient_at_zero_is_exactly_zero():
    x = T.dvector("x")
    g = function([x], grad(nnet.relu(x).sum(), x))(np.array([-1.0, 0.0, -0.0, 1e-300, 2.0]))
    np.testing.assert_array_equal(g, [0, 0, 0, 1, 1])


def test_sigmoid_gradient_stays_finite_at_extremes():
    x = T.dvector("x")
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        g = function([x], grad(nnet.sigmoid(x).sum(), x))(np.array([-800.0, 0.0, 800.0]))
    np.testing.assert_allclose(g, [0, 0.25, 0], atol=1e-300)


@pytest.mark.parametrize("build", [nnet.sigmoid, nnet.softplus, nnet.relu, nnet.softmax,
                                   nnet.log_softmax])
def test_complex_inputs_are_refused_naming_the_line(build):
    z = T.cvector("z")
    with pytest.raises(GraphlensTypeError, match=r"at tests/tensor/test_nnet.py:\d+ is not "
                                                 r"defined for complex.* \('z' \(complex64"):
        build(z)
