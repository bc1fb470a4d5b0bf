"""Matrix products (graphlens/tensor/blas.py): T.dot for every rank combination against
numpy's dot, dtypes, static shapes, errors and finite-difference gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.errors import EvaluationError, ShapeError
from graphlens.gradient import grad, verify_grad

# (shape of x, shape of y) for every rank pair numpy's dot accepts, up to rank 3.
RANK_PAIRS = [((), ()), ((), (3,)), ((2, 3), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)),
              ((2, 3), (3, 4)), ((2, 5, 3), (3,)), ((2, 5, 3), (3, 4)), ((3,), (2, 3, 4)),
              ((5, 3), (2, 3, 4)), ((2, 5, 3), (4, 3, 2)), ((1, 3), (3, 1))]


def sample(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-3, 3, size=shape) * (10 if dtype[0] in "iu" else 1)).astype(dtype)


def run(x_array, y_array, static):
    def variable(array, name):
        return T.TensorType(array.dtype, array.shape if static else (None,) * array.ndim)(name)
    x, y = variable(x_array, "x"), variable(y_array, "y")
    out = T.dot(x, y)
    return out, function([x, y], out)(x_array, y_array)


@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("float32", "float32"),
                                    ("int32", "int32"), ("int8", "float32"),
                                    ("float32", "float64")])
@pytest.mark.parametrize("static", [True, False])
def test_dot_matches_numpy_for_every_rank_pair(dtypes, static):
    for x_shape, y_shape in RANK_PAIRS:
        x_array, y_array = sample(x_shape, dtypes[0], 1), sample(y_shape, dtypes[1], 2)
        out, value = run(x_array, y_array, static)
        expected = np.dot(x_array, y_array)
        assert value.shape == expected.shape, (x_shape, y_shape)
        assert value.dtype == expected.dtype == np.dtype(out.dtype)
        tol = 1e-5 if value.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)
        if static:
            assert out.type.shape == expected.shape, (x_shape, y_shape, out.type)


def test_dot_spellings():
    x, w = T.dmatrix("x"), T.dmatrix("w")
    a, b = sample((2, 3), "float64"), sample((3, 4), "float64", 1)
    f = function([x, w], [x @ w, x.dot(w), T.dot(w.T, x.T)])
    for value in f(a, b)[:2]:
        np.testing.assert_allclose(value, a @ b)
    np.testing.assert_allclose(f(a, b)[2], b.T @ a.T)


def test_dot_inner_length_mismatch_is_clear_at_build_and_run_time():
    x = T.TensorType("float64", (2, 3))("x")
    y = T.TensorType("float64", (4, 5))("y")
    with pytest.raises(ShapeError, match=r"inner lengths differ, 3 and 4: 'x'.*@ 'y'"):
        T.dot(x, y)
    with pytest.raises(ShapeError, match="inner lengths differ, 3 and 4"):
        T.dot(T.TensorType("float64", (2, 2, 3))("t"), y)
    a, b = T.dmatrix("a"), T.dvector("b")
    f = function([a, b], T.dot(a, b))
    with pytest.raises(EvaluationError, match=r"x has shape \(2, 3\) and y \(4,\)"):
        f(np.zeros((2, 3)), np.zeros(4))


# ---- gradients -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_dot_grads_for_every_rank_pair(dtype):
    for x_shape, y_shape in RANK_PAIRS:
        x_array, y_array = sample(x_shape, dtype, 3), sample(y_shape, dtype, 4)
        verify_grad(T.dot, [x_array, y_array])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_dot_grads_under_broadcasting_and_with_a_bias(dtype):
    x, w, b = sample((4, 3), dtype, 5), sample((3, 2), dtype, 6), sample((2,), dtype, 7)
    verify_grad(lambda x, w, b: T.tanh(T.dot(x, w) + b.dimshuffle("x", 0)), [x, w, b])
    verify_grad(lambda x, w: T.dot(x[0], w).dimshuffle("x", 0) * T.dot(x, w), [x, w])


def test_dot_grad_of_mixed_dtypes_keeps_each_input_dtype():
    x, w = T.fmatrix("x"), T.dmatrix("w")
    gx, gw = grad(T.dot(x, w).sum(), [x, w])
    assert (gx.dtype, gw.dtype) == ("float32", "float64")
    value = function([x, w], gx)(np.ones((2, 3), "float32"), np.ones((3, 4)))
    np.testing.assert_array_equal(value, np.full((2, 3), 4.0))


def test_matrix_vector_grads_are_outer_products():
    m, v = T.dmatrix("m"), T.dvector("v")
    gm, gv = grad(T.dot(m, v).sum(), [m, v])
    m_value, v_value = sample((2, 3), "float64"), sample((3,), "float64", 1)
    gm_value, gv_value = function([m, v], [gm, gv])(m_value, v_value)
    np.testing.assert_allclose(gm_value, np.outer(np.ones(2), v_value))
    np.testing.assert_allclose(gv_value, m_value.sum(axis=0))
