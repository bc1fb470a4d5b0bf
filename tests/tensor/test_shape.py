"""Shape ops (graphlens/tensor/shape.py, DimShuffle): values against numpy, static shapes,
errors, and finite-difference gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.errors import EvaluationError, ShapeError, UndefinedGradientError
from graphlens.gradient import grad, verify_grad
from loop_cases import FLOATS, point

DTYPES = ["float64", "float32", "int8", "int64", "bool"]


def sample(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-3, 3, size=shape) * 10).astype(dtype)


def check(build, expected_fn, array, static=True):
    """Compile `build(x)`, compare with numpy's `expected_fn(array)` and the static shape."""
    x = T.TensorType(array.dtype, array.shape if static else (None,) * array.ndim)("x")
    out = build(x)
    value = function([x], out)(array)
    expected = np.asarray(expected_fn(array))
    assert value.dtype == expected.dtype and value.shape == expected.shape
    np.testing.assert_array_equal(value, expected)
    assert len(out.type.shape) == value.ndim
    assert all(s is None or s == d for s, d in zip(out.type.shape, value.shape)), out.type
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("static", [True, False])
def test_reshape_matches_numpy_with_minus_one(dtype, static):
    array = sample((2, 3, 4), dtype)
    for shape in [(6, 4), (4, -1), (-1,), (2, 12), (24, 1), (1, 2, 1, 12), (-1, 2, 3)]:
        out = check(lambda x: T.reshape(x, shape), lambda a: a.reshape(shape), array, static)
        if static:
            assert out.type.shape == array.reshape(shape).shape
    check(lambda x: x.reshape(3, 8), lambda a: a.reshape(3, 8), array, static)


def test_reshape_with_symbolic_entries_and_ndim():
    x = T.dtensor3("x")
    n = T.lscalar("n")
    array = sample((2, 3, 4), "float64")
    f = function([x, n], [T.reshape(x, (n, -1)), x.reshape((x.shape[0], x.shape[1] * 4)),
                          T.reshape(x, T.stack([n, 12]), ndim=2)])
    for value in f(array, 2):
        np.testing.assert_array_equal(value, array.reshape(2, 12))
    assert T.reshape(x, (n, -1)).type.shape == (None, None)
    assert T.reshape(x, (n, 3)).type.shape == (None, 3)


def test_reshape_by_a_shape_vector_of_unknown_length_given_ndim():
    # Theano's scan test: my_f([...], T.reshape(output, nw_shape, ndim=3)), nw_shape an ivector.
    x, shape = T.dvector("x"), T.ivector("shape")
    out = T.reshape(x, shape, ndim=3)
    assert out.ndim == 3 and out.type.shape == (None, None, None)
    f = function([x, shape], out)
    values = np.arange(24.0)
    np.testing.assert_array_equal(f(values, np.array([2, 3, 4], "int32")),
                                  values.reshape(2, 3, 4))
    with pytest.raises(EvaluationError, match=r"the shape \(4, 6\) has 2 entries, but the "
                                              r"result was declared of rank 3"):
        f(values, np.array([4, 6], "int32"))
    with pytest.raises(ShapeError, match="pass ndim"):
        T.reshape(x, shape)


def test_reshape_rejects_wrong_sizes_and_bad_shapes_clearly():
    x = T.TensorType("float64", (2, 3))("x")
    with pytest.raises(ShapeError, match=r"cannot reshape 'x' \(float64\[2, 3\]"):
        T.reshape(x, (4, 2))
    with pytest.raises(ShapeError, match="at most one -1"):
        T.reshape(x, (-1, -1))
    y = T.dmatrix("y")
    f = function([y], T.reshape(y, (5, -1)))
    with pytest.raises(EvaluationError, match=r"cannot reshape an array of shape \(2, 3\)"):
        f(np.zeros((2, 3)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_flatten_for_each_ndim(dtype):
    array = sample((2, 3, 4), dtype)
    for ndim in (1, 2, 3):
        for static in (True, False):
            out = check(lambda x: T.flatten(x, ndim), lambda a: a.reshape(a.shape[:ndim - 1]
                                                                            + (-1,)),
                        array, static)
            if static:
                assert None not in out.type.shape
    check(lambda x: x.flatten(), lambda a: a.reshape(-1), array)
    with pytest.raises(ShapeError, match="ndim=4 is out of range"):
        T.flatten(T.dtensor3("t"), 4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_transpose_and_T_match_numpy(dtype):
    array = sample((2, 3, 4), dtype)
    check(lambda x: x.T, lambda a: a.T, array)
    check(lambda x: T.transpose(x), lambda a: a.transpose(), array)
    check(lambda x: T.transpose(x, (1, 0, 2)), lambda a: a.transpose(1, 0, 2), array, False)
    check(lambda x: x.transpose(2, 0, 1), lambda a: a.transpose(2, 0, 1), array)
    check(lambda x: x.transpose(-1, 0, 1), lambda a: a.transpose(-1, 0, 1), array)
    check(lambda x: x[0].T, lambda a: a[0].T, array)
    with pytest.raises(ShapeError, match=r"axes \(0, 1\) are not a permutation of the 3 axes"):
        T.transpose(T.dtensor3("t"), (0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_dimshuffle_inserts_drops_and_permutes_axes(dtype):
    vector = sample((3,), dtype)
    check(lambda x: x.dimshuffle("x", 0), lambda a: a[None, :], vector)
    check(lambda x: x.dimshuffle(0, "x"), lambda a: a[:, None], vector, False)
    check(lambda x: T.dimshuffle(x, ("x", 0, "x")), lambda a: a[None, :, None], vector, False)
    matrix = sample((1, 3), dtype)
    check(lambda x: x.dimshuffle(1), lambda a: a[0], matrix)
    check(lambda x: x.dimshuffle(1, "x", "x"), lambda a: a.T[:, :, None], matrix)
    tensor = sample((2, 1, 4), dtype)
    check(lambda x: x.dimshuffle(2, "x", 0), lambda a: a[:, 0, :].T[:, None, :], tensor)


def test_dimshuffle_refuses_to_drop_an_axis_not_known_to_be_1():
    with pytest.raises(ShapeError, match="drops axis 0"):
        T.dmatrix("m").dimshuffle(1)
    with pytest.raises(ShapeError, match="invalid pattern"):
        T.dmatrix("m").dimshuffle(0, 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_squeeze_and_padding(dtype):
    array = sample((1, 3, 1), dtype)
    check(lambda x: T.squeeze(x), lambda a: np.squeeze(a), array)
    check(lambda x: x.squeeze(axis=0), lambda a: np.squeeze(a, axis=0), array)
    check(lambda x: T.squeeze(x, axis=-1), lambda a: np.squeeze(a, axis=-1), array)
    matrix = sample((2, 3), dtype)
    check(lambda x: T.shape_padleft(x), lambda a: a[None], matrix, False)
    check(lambda x: T.shape_padleft(x, 2), lambda a: a[None, None], matrix)
    check(lambda x: T.shape_padright(x, 2), lambda a: a[:, :, None, None], matrix, False)
    check(lambda x: T.shape_padaxis(x, 1), lambda a: a[:, None], matrix)
    check(lambda x: T.shape_padaxis(x, -1), lambda a: a[:, :, None], matrix)
    assert T.shape_padleft(T.dmatrix(), 2).broadcastable == (True, True, False, False)


def test_squeeze_without_static_ones_keeps_every_axis():
    x = T.dmatrix("x")
    assert T.squeeze(x) is not None and T.squeeze(x).ndim == 2


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 0, 5)])
def test_shape_is_an_int64_vector(shape):
    array = np.zeros(shape)
    out = check(lambda x: x.shape, lambda a: np.asarray(a.shape, dtype="int64"), array, False)
    assert out.type.shape == (len(shape),)
    check(lambda x: T.shape(x)[-1:] if shape else T.shape(x),
          lambda a: np.asarray(a.shape[-1:] if shape else a.shape, dtype="int64"), array, False)


def test_size_is_the_number_of_elements():
    x = T.dtensor3("x")
    assert function([x], x.size)(np.zeros((2, 3, 4))) == 24


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_alloc_zeros_ones_match_numpy(dtype):
    n = T.lscalar("n")
    value = T.TensorType(dtype, (None,))("v")
    v = np.arange(3).astype(dtype)
    f = function([value, n], [T.alloc(value, n, 3), T.alloc(value[0], 2, n),
                              T.zeros((n, 2), dtype=dtype), T.ones((2, n), dtype=dtype)])
    a, b, zeros, ones = f(v, 4)
    np.testing.assert_array_equal(a, np.broadcast_to(v, (4, 3)))
    np.testing.assert_array_equal(b, np.full((2, 4), v[0]))
    np.testing.assert_array_equal(zeros, np.zeros((4, 2), dtype))
    np.testing.assert_array_equal(ones, np.ones((2, 4), dtype))
    for out in (a, b, zeros, ones):
        assert out.dtype == dtype
    assert T.alloc(value, n, 3).type.shape == (None, 3)
    assert T.alloc(0.0, 2, 5).type.shape == (2, 5)
    assert T.zeros((2, 3)).dtype == "float64"


def test_alloc_refuses_an_undeclared_runtime_broadcast():
    m = T.dmatrix("m")
    with pytest.raises(ShapeError, match="cannot fill length 4"):
        T.alloc(T.TensorType("float64", (3,))("v"), 2, 4)
    f = function([m], T.alloc(m, 4, 3))
    np.testing.assert_array_equal(f(np.ones((4, 3))), np.ones((4, 3)))
    with pytest.raises(EvaluationError, match="not declared broadcastable"):
        f(np.ones((1, 3)))
    r = T.drow("r")
    np.testing.assert_array_equal(function([r], T.alloc(r, 4, 3))(np.ones((1, 3))),
                                  np.ones((4, 3)))


def test_make_vector_builds_a_vector_of_scalars():
    a, b = T.lscalars("a", "b")
    out = T.make_vector(a, b, 7)
    assert out.type.shape == (3,) and out.dtype == "int64"
    np.testing.assert_array_equal(function([a, b], out)(1, 2), [1, 2, 7])


# ---- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_reshape_flatten_transpose_grads(dtype):
    x = point((2, 3, 4), dtype)
    verify_grad(lambda v: T.reshape(v, (6, -1)) * T.arange(4).astype(dtype), [x])
    verify_grad(lambda v: T.reshape(v, (v.shape[0], -1)) ** 2, [x])
    verify_grad(lambda v: T.flatten(v, 2) ** 2, [x])
    verify_grad(lambda v: T.flatten(v) ** 2, [x])
    verify_grad(lambda v: v.T ** 2, [x])
    verify_grad(lambda v: T.transpose(v, (1, 2, 0)) * T.arange(2).astype(dtype), [x])


@pytest.mark.parametrize("dtype", FLOATS)
def test_dimshuffle_squeeze_padding_grads_under_broadcasting(dtype):
    m, v = point((3, 4), dtype), point((4,), dtype, seed=2)
    verify_grad(lambda a, b: a * b.dimshuffle("x", 0), [m, v])
    verify_grad(lambda a, b: a.dimshuffle(1, 0) * b.dimshuffle(0, "x"), [m, v])
    verify_grad(lambda a, b: a + T.shape_padleft(b), [m, v])
    verify_grad(lambda b: T.shape_padright(b, 2) ** 2, [v])
    verify_grad(lambda b: T.squeeze(T.shape_padaxis(b, 0)) ** 3, [v])
    verify_grad(lambda a: T.sqr(a.dimshuffle("x", 1, "x", 0)), [m])


@pytest.mark.parametrize("dtype", FLOATS)
def test_alloc_grad_sums_over_broadcast_axes(dtype):
    v = point((4,), dtype)
    verify_grad(lambda b: T.alloc(b, 3, 4) * T.arange(12).reshape((3, 4)).astype(dtype), [v])
    verify_grad(lambda b: T.alloc(b[0], 2, 3) ** 2, [v])
    verify_grad(lambda b: T.alloc(b.dimshuffle(0, "x"), 4, 5) ** 2, [v])
    b = T.TensorType(dtype, (None,))("b")
    g = function([b], grad(T.alloc(b, 3, 4).sum(), b))(v)
    np.testing.assert_allclose(g, np.full(4, 3.0))
    assert g.dtype == dtype


def test_make_vector_grad_routes_each_entry():
    a, b = T.dscalars("a", "b")
    out = T.make_vector(a, b * 2.0, dtype="float64")
    ga, gb = grad((out * np.array([3.0, 5.0])).sum(), [a, b])
    f = function([a, b], [ga, gb])
    assert [float(g) for g in f(1.0, 1.0)] == [3.0, 10.0]


def test_gradient_with_respect_to_a_length_is_undefined_and_says_why():
    x = T.dvector("x")
    n = T.lscalar("n")
    cost = T.alloc(x.sum(), n, 2).sum()
    gx = grad(cost, x)         # fine: only the gradient with respect to n is undefined
    assert function([x, n], gx)(np.ones(3), 4).tolist() == [8.0, 8.0, 8.0]
    with pytest.raises(UndefinedGradientError, match=r"'n' .* used as a length by Alloc"):
        grad(cost, n)
    with pytest.raises(UndefinedGradientError, match="used as a length by Reshape"):
        grad(T.reshape(x, (n, -1)).sum(), n)


def test_a_float_length_is_a_type_error_not_truncated():
    # reshape(x, (2.5, 2)) ran as (2, 2); numpy and Theano refuse float lengths (TypeError).
    x = T.dvector("x")
    for shape in [(2.5, 2), (T.dscalar("n"), 2), (np.float64(2.0), 2)]:
        with pytest.raises(TypeError, match="shape entries must be integers"):
            T.reshape(x, shape)
    n = T.lscalar("n")
    np.testing.assert_array_equal(T.reshape(x, (n, np.int32(2))).eval({x: np.arange(4.0), n: 2}),
                                  [[0.0, 1.0], [2.0, 3.0]])


def test_make_vector_of_a_vector_is_theanos_type_error():
    from graphlens.tensor.shape import make_vector
    with pytest.raises(TypeError, match="make_vector takes scalars"):
        make_vector(T.lvector("n"))
    assert make_vector(T.lscalar("n"), 3).ndim == 1
