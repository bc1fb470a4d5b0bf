"""Joining (graphlens/tensor/join.py): concatenate, join and stack against numpy, static shapes,
errors and finite-difference gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.errors import AxisError, EvaluationError, ShapeError
from graphlens.gradient import grad, verify_grad
from loop_cases import FLOATS, point

DTYPES = ["float64", "float32", "int8", "int64", "bool"]


def sample(shape, dtype, seed=0):
    return (np.random.default_rng(seed).uniform(-3, 3, size=shape) * 10).astype(dtype)


def check(build, expected_fn, arrays, static=True):
    xs = [T.TensorType(a.dtype, a.shape if static else (None,) * a.ndim)(f"x{i}")
          for i, a in enumerate(arrays)]
    out = build(*xs)
    value = function(xs, out)(*arrays)
    expected = np.asarray(expected_fn(*arrays))
    assert value.dtype == expected.dtype and value.shape == expected.shape
    np.testing.assert_array_equal(value, expected)
    assert all(s is None or s == d for s, d in zip(out.type.shape, value.shape))
    if static:
        assert out.type.shape == value.shape
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("static", [True, False])
def test_concatenate_matches_numpy_on_every_axis(dtype, static):
    a, b, c = sample((2, 3, 4), dtype), sample((2, 3, 4), dtype, 1), sample((2, 3, 4), dtype, 2)
    for axis in (0, 1, 2, -1, -3):
        check(lambda *xs: T.concatenate(list(xs), axis=axis),
              lambda *arrays: np.concatenate(arrays, axis=axis), [a, b, c], static)
    check(lambda x, y: T.concatenate([x, y[:, :1]], axis=1),
          lambda x, y: np.concatenate([x, y[:, :1]], axis=1), [a, b], static)
    check(lambda x: T.concatenate([x]), lambda x: np.concatenate([x]), [a], static)


def test_join_is_theanos_spelling_and_concat_an_alias():
    a, b = sample((2, 3), "float64"), sample((4, 3), "float64", 1)
    check(lambda x, y: T.join(0, x, y), lambda x, y: np.concatenate([x, y]), [a, b])
    check(lambda x, y: T.concat([y, x], axis=-2), lambda x, y: np.concatenate([y, x]), [a, b])


def test_concatenate_upcasts_mixed_dtypes_like_numpy():
    for dtypes in [("int8", "float32"), ("int32", "float32"), ("bool", "int16"),
                   ("uint8", "int8"), ("float32", "float64")]:
        arrays = [sample((2, 2), d, i) for i, d in enumerate(dtypes)]
        out = check(lambda x, y: T.concatenate([x, y]), lambda x, y: np.concatenate([x, y]),
                    arrays)
        assert out.dtype == str(np.concatenate(arrays).dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_stack_matches_numpy_for_each_axis_and_rank(dtype):
    vectors = [sample((3,), dtype, i) for i in range(3)]
    for axis in (0, 1, -1, -2):
        check(lambda *xs: T.stack(list(xs), axis=axis),
              lambda *arrays: np.stack(arrays, axis=axis), vectors)
    matrices = [sample((2, 3), dtype, i) for i in range(2)]
    for axis in (0, 1, 2, -1):
        check(lambda *xs: T.stack(list(xs), axis=axis),
              lambda *arrays: np.stack(arrays, axis=axis), matrices, static=False)
    scalars = [sample((), dtype, i) for i in range(4)]
    check(lambda *xs: T.stack(list(xs)), lambda *arrays: np.stack(arrays), scalars)


def test_a_list_of_variables_becomes_a_stacked_vector():
    a, b = T.dscalars("a", "b")
    out = T.as_tensor_variable([a, b, a])
    assert out.type.shape == (3,)
    np.testing.assert_array_equal(function([a, b], out)(1.0, 2.0), [1.0, 2.0, 1.0])


def test_join_errors_name_the_problem():
    m, v = T.dmatrix("m"), T.dvector("v")
    with pytest.raises(ShapeError, match=r"one rank >= 1.*'m'.*'v'"):
        T.concatenate([m, v])
    with pytest.raises(AxisError, match="axis 2 is out of range for rank 2"):
        T.concatenate([m, m], axis=2)
    with pytest.raises(AxisError, match="axis -4 is out of range for rank 3"):
        T.stack([m, m], axis=-4)
    with pytest.raises(ShapeError, match="at least one"):
        T.concatenate([])
    with pytest.raises(ShapeError, match="one rank >= 1"):
        T.concatenate([T.dscalar("s")])
    a = T.TensorType("float64", (2, 3))("a")
    b = T.TensorType("float64", (2, 4))("b")
    with pytest.raises(ShapeError, match=r"lengths \[3, 4\] differ on axis 1"):
        T.concatenate([a, b])
    assert T.concatenate([a, b], axis=1).type.shape == (2, 7)
    f = function([m], T.concatenate([m, m[:, :1]]))
    with pytest.raises(EvaluationError):
        f(np.zeros((2, 3)))


# ---- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_concatenate_and_stack_grads(dtype):
    a, b = point((2, 3), dtype), point((4, 3), dtype, 2)
    c = point((2, 5), dtype, 3)
    verify_grad(lambda x, y: T.concatenate([x, y]) ** 2, [a, b])
    verify_grad(lambda x, y: T.concatenate([x, y, x], axis=-2) ** 2, [a, b])
    verify_grad(lambda x, y: T.concatenate([x, y], axis=1) ** 2, [a, c])
    verify_grad(lambda x, y: T.stack([x, x * 2, x[::-1]], axis=1) ** 2, [a, c])
    v, w = point((3,), dtype, 4), point((), dtype, 5)
    verify_grad(lambda x, s: T.stack([x[0], s, x[2] * s]) ** 2, [v, w])
    verify_grad(lambda x, s: T.concatenate([x, s.dimshuffle("x")]) ** 2, [v, w])


def test_concatenate_grad_of_mixed_dtypes_returns_each_input_dtype():
    f32, f64 = T.fvector("f32"), T.dvector("f64")
    cost = (T.concatenate([f32, f64]) * np.arange(5.0)).sum()
    g32, g64 = grad(cost, [f32, f64])
    assert (g32.dtype, g64.dtype) == ("float32", "float64")
    v32, v64 = function([f32, f64], [g32, g64])(np.ones(2, "float32"), np.ones(3))
    np.testing.assert_array_equal(v32, [0.0, 1.0])
    np.testing.assert_array_equal(v64, [2.0, 3.0, 4.0])
