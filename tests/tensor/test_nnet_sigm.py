"""graphlens/tensor/nnet/sigm.py (Theano's theano.tensor.nnet.sigm): ultra_fast_sigmoid and
hard_sigmoid against Theano's formulas, dtypes, gradients, printing and fusion."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.compile.mode import Mode
from graphlens.rewrite.composite import Composite
from op_checks import check, check_grad


def theano_ultra_fast_sigmoid(x):
    """Theano 1.0's piecewise formula, evaluated element by element (the reference only)."""
    def one(value):
        t = 0.5 * abs(value)
        if t < 1.7:
            z = 1.5 * t / (1 + t)
        elif t < 3:
            z = 0.935409070603099 + 0.0458812946797165 * (t - 1.7)
        else:
            z = 0.99505475368673
        return 0.5 * ((z if value >= 0 else -z) + 1.0)
    return np.array([one(v) for v in np.asarray(x, dtype="float64").reshape(-1)]).reshape(
        np.shape(x))


POINTS = np.array([[-8.0, -5.0, -3.0, -1.0, -0.2, 0.0], [0.3, 1.0, 2.5, 3.5, 5.9, 30.0]])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_ultra_fast_sigmoid_is_theanos_approximation(dtype):
    check(T.nnet.ultra_fast_sigmoid, theano_ultra_fast_sigmoid, POINTS.astype(dtype),
          dtype=dtype, rtol=1e-6)
    grid = np.linspace(-40, 40, 8001)
    x = T.dvector("x")
    approx = function([x], T.nnet.ultra_fast_sigmoid(x))(grid)
    assert np.abs(approx - 1 / (1 + np.exp(-grid))).max() < 0.028   # the worst: x near +-0.54


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_hard_sigmoid_is_a_clipped_line(dtype):
    check(T.nnet.hard_sigmoid, lambda a: np.clip(0.2 * a.astype("float64") + 0.5, 0, 1),
          POINTS.astype(dtype), dtype=dtype)


@pytest.mark.parametrize("dtype, result", [("int8", "float32"), ("int32", "float64"),
                                           ("uint8", "float32")])
def test_integer_inputs_give_theanos_float_dtype(dtype, result):
    values = np.array([[-3, 0, 1, 4]], dtype=dtype) if dtype != "uint8" else \
        np.array([[0, 1, 4, 9]], dtype=dtype)
    check(T.nnet.hard_sigmoid, lambda a: np.clip(0.2 * a + 0.5, 0, 1), values, dtype=result)
    check(T.nnet.ultra_fast_sigmoid, theano_ultra_fast_sigmoid, values, dtype=result, rtol=1e-6)


def test_gradients_agree_with_finite_differences_away_from_the_kinks():
    # Kinks: |x| = 3.4 and 6 for ultra_fast_sigmoid (a jump at 3.4), |x| = 2.5 for hard_sigmoid.
    smooth = np.array([[-7.0, -4.5, -2.0, -0.4], [0.6, 2.0, 4.5, 7.0]])
    check_grad(T.nnet.ultra_fast_sigmoid, smooth)
    check_grad(T.nnet.hard_sigmoid, smooth)


def test_gradient_values_by_region():
    x = T.dvector("x")
    points = np.array([0.0, 2.0, 5.0, 7.0, -2.5, 2.5, 3.0])
    g_fast = grad(T.nnet.ultra_fast_sigmoid(x).sum(), x).eval({x: points[:4]})
    np.testing.assert_allclose(g_fast, [0.375, 0.375 / 4, 0.25 * 0.0458812946797165, 0.0])
    g_hard = grad(T.nnet.hard_sigmoid(x).sum(), x).eval({x: points[4:]})
    np.testing.assert_allclose(g_hard, [0.2, 0.2, 0.0])   # the ends included, as Theano's clip


def test_they_print_by_name_and_fuse():
    x = T.dvector("x")
    assert pp(T.nnet.ultra_fast_sigmoid(x)) == "ultra_fast_sigmoid(x)"
    assert pp(T.nnet.hard_sigmoid(x)) == "hard_sigmoid(x)"
    f = function([x], T.nnet.hard_sigmoid(x * 2) + T.nnet.ultra_fast_sigmoid(x),
                 mode=Mode("FAST_RUN", exclude=("inplace",)))
    (node,) = f.fgraph.toposort()
    assert isinstance(node.op, Composite)
    value = np.array([-3.0, 0.1, 1.0])
    np.testing.assert_allclose(f(value), np.clip(0.4 * value + 0.5, 0, 1)
                               + theano_ultra_fast_sigmoid(value))


def test_theanos_module_path():
    from graphlens.tensor.nnet import sigm
    assert sigm.ultra_fast_sigmoid is T.nnet.ultra_fast_sigmoid
    assert sigm.hard_sigmoid is T.nnet.hard_sigmoid and sigm.sigmoid is T.nnet.sigmoid
