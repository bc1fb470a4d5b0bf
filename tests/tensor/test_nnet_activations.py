"""graphlens/tensor/nnet/activations.py and relu's alpha: Theano's leaky relu, elu, selu,
softsign and sigmoid_binary_crossentropy against numpy; dtypes, gradients, printing."""

import numpy as np
import scipy.special
import pytest

import graphlens.tensor as T
from graphlens import function, pp
from op_checks import check, check_grad

POINTS = np.array([[-3.0, -0.7, -0.1, 0.2], [0.9, 1.5, 4.0, -8.0]])
ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_and_dtypes_match_theanos_formulas(dtype):
    values = POINTS.astype(dtype)
    # Theano 1.0's literal rule (floatX=float64): 0.1 and SELU's constants are not exact in
    # float32, so they are float64 literals and a float32 input's result is float64.
    check(lambda x: T.nnet.relu(x, 0.1), lambda a: np.where(a > 0, a, 0.1 * a.astype("float64")),
          values, dtype="float64")
    check(lambda x: T.nnet.relu(x), lambda a: np.maximum(a, 0), values)
    check(lambda x: T.nnet.elu(x), lambda a: np.where(a > 0, a, np.expm1(a)), values)
    check(lambda x: T.nnet.elu(x, 0.5), lambda a: np.where(a > 0, a, 0.5 * np.expm1(a)),
          values)
    check(T.nnet.selu, lambda a: SCALE * np.where(a > 0, a, ALPHA * np.expm1(a).astype("float64")),
          values, dtype="float64")
    check(T.nnet.softsign, lambda a: a / (1 + np.abs(a)), values)


def test_softsign_of_integers_is_float_and_prints_by_name():
    check(T.nnet.softsign, lambda a: a / (1 + np.abs(a)), np.array([-3, 0, 2], dtype="int8"),
          dtype="float32")
    assert pp(T.nnet.softsign(T.dvector("v"))) == "softsign(v)"


def test_gradients_agree_with_finite_differences():
    for build in (lambda x: T.nnet.relu(x, 0.2), T.nnet.elu, T.nnet.selu, T.nnet.softsign):
        check_grad(build, POINTS)


def test_relu_alpha_may_be_symbolic():
    x, a = T.dvector("x"), T.dscalar("a")
    value = function([x, a], T.nnet.relu(x, a))(np.array([-2.0, 3.0]), 0.25)
    np.testing.assert_array_equal(value, [-0.5, 3.0])


def test_sigmoid_binary_crossentropy_is_the_stable_form_of_binary_crossentropy():
    targets = np.array([[1.0, 0.0, 0.3, 1.0], [0.0, 1.0, 0.5, 0.0]])
    sigmoid = 1 / (1 + np.exp(-POINTS))
    check(T.nnet.sigmoid_binary_crossentropy,
          lambda o, t: -(t * np.log(sigmoid) + (1 - t) * np.log(1 - sigmoid)), POINTS, targets)
    check_grad(T.nnet.sigmoid_binary_crossentropy, POINTS, targets)
    o, t = T.dvector("o"), T.dvector("t")
    far = function([o, t], T.nnet.sigmoid_binary_crossentropy(o, t))(np.array([800.0, -800.0]),
                                                                      np.array([0.0, 1.0]))
    np.testing.assert_allclose(far, [800.0, 800.0])      # log(sigmoid) would give inf
    assert T.nnet.logsoftmax is T.nnet.log_softmax


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fused_sigmoid_writing_into_its_own_input_stays_overflow_free(dtype):
    x = T.TensorType(dtype, (None,))("x")
    f = function([x], T.nnet.sigmoid(x * 2.0) * 2)      # sigmoid writes into x * 2's array
    assert "sigmoid" in f.fgraph.outputs[0].owner.op.label
    values = np.array([-800, -50, -1e-30, 0, 3, 50, 800, np.nan], dtype=dtype)
    with np.errstate(over="raise", divide="raise"):     # exp's underflow to 0 is fine
        result = f(values)
    expected = 2 * scipy.special.expit(values.astype("float64") * 2)
    assert result.dtype == dtype
    np.testing.assert_allclose(result, expected.astype(dtype), rtol=2e-7 if dtype == "float32"
                               else 1e-15, atol=np.finfo(dtype).tiny)   # subnormals round


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_standalone_sigmoid_computes_in_its_dtype_with_constants_of_that_dtype(dtype,
                                                                             monkeypatch):
    import graphlens.tensor.nnet.basic as nnet_basic
    x = T.TensorType(dtype, (None,))("x")
    f = function([x], T.nnet.sigmoid(x))
    values = np.array([-800, -50, -1e-30, 0, 3, 50, 800, np.nan], dtype=dtype)
    with np.errstate(over="ignore"):
        # The same formula, step by step in the dtype: every bit agrees.
        expected = np.divide(np.ones((), dtype), np.add(np.exp(-values), np.ones((), dtype)))
    result = f(values)
    assert result.dtype == dtype and result.tobytes() == expected.tobytes()
    # numpy is handed arrays of the dtype, never a Python float to convert on every call.
    operands = []

    class Recording:
        def __getattr__(self, name):
            real = getattr(np, name)
            if not isinstance(real, np.ufunc):
                return real
            return lambda *args, **kwargs: operands.extend(args) or real(*args, **kwargs)
    monkeypatch.setattr(nnet_basic, "np", Recording())
    out = np.empty_like(values)
    nnet_basic._sigmoid_kernel([values], out)
    assert out.tobytes() == expected.tobytes()
    assert operands and all(isinstance(a, np.ndarray) and a.dtype == dtype for a in operands)


def test_kernel_constants_are_shared_read_only_arrays_of_their_dtype():
    from graphlens.tensor.kernels import constant_of
    one = constant_of(1, np.dtype("float32"))
    assert one is constant_of(1, np.dtype("float32")) and one.dtype == "float32"
    assert one.shape == () and one == 1 and not one.flags.writeable
    assert constant_of(0, np.dtype("float16")).dtype == "float16"
