"""Reductions (graphlens/tensor/reduce.py): values and dtypes against numpy, static shapes,
and finite-difference gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.errors import AxisError
from graphlens.gradient import grad, verify_grad

SHAPES = [(5,), (3, 4), (2, 3, 4)]
DTYPES = ["float64", "float32", "int8", "int32", "uint8", "bool"]


def sample(shape, dtype, seed=0):
    """Small values of `dtype` with repeats (ties) and zeros, so every rule is exercised."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.4
    if dtype.startswith(("int", "uint")):
        low = 0 if dtype.startswith("uint") else -3
        return rng.integers(low, 4, size=shape).astype(dtype)
    return rng.uniform(-2, 2, size=shape).astype(dtype)


def axes_for(ndim):
    """None, each axis, a negative axis, and a tuple of axes (for rank >= 2)."""
    axes = [None, 0, -1]
    if ndim >= 2:
        axes += [1, (0, ndim - 1), (-1, 0)]
    if ndim == 3:
        axes += [(0, 1, 2), (1, 2)]
    return axes


def run(build, array, static):
    """(symbolic result, its value) for `build` applied to an input holding `array`."""
    (out, value), = run_many([build], array, static)
    return out, value


def run_many(builds, array, static):
    """[(symbolic result, value)] of several builds, compiled as one function (fast)."""
    shape = array.shape if static else (None,) * array.ndim
    x = T.TensorType(array.dtype, shape)("x")
    outs = [build(x) for build in builds]
    return list(zip(outs, function([x], outs)(array)))


def assert_like_numpy(out, value, expected):
    expected = np.asarray(expected)
    assert value.dtype == expected.dtype == np.dtype(out.dtype)
    assert value.shape == expected.shape
    if expected.dtype.kind == "f":
        tol = 1e-5 if expected.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(value, expected)
    # The static shape from make_node agrees with what perform produced (None = unknown).
    assert len(out.type.shape) == value.ndim
    assert all(s is None or s == d for s, d in zip(out.type.shape, value.shape))


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean", "var", "std", "all",
                                  "any"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_reduction_value_and_dtype_match_numpy_for_every_axis_and_keepdims(name, dtype, shape):
    array = sample(shape, dtype)
    for static in (False, True):
        cases = [(axis, keepdims) for axis in axes_for(len(shape)) for keepdims in (False, True)]
        builds = [lambda x, a=axis, k=keepdims: getattr(T, name)(x, axis=a, keepdims=k)
                  for axis, keepdims in cases]
        for (axis, keepdims), (out, value) in zip(cases, run_many(builds, array, static)):
            expected = getattr(np, name)(array, axis=axis, keepdims=keepdims)
            assert_like_numpy(out, value, expected)
            if static:
                assert None not in out.type.shape


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "bool"])
@pytest.mark.parametrize("shape", SHAPES)
def test_argmax_argmin_match_numpy_including_ties_and_keepdims(name, dtype, shape):
    array = sample(shape, dtype)
    cases = [(axis, keepdims) for axis in (None, 0, -1) + ((1,) if len(shape) > 1 else ())
             for keepdims in (False, True)]
    builds = [lambda x, a=axis, k=keepdims: getattr(T, name)(x, axis=a, keepdims=k)
              for axis, keepdims in cases]
    for (axis, keepdims), (out, value) in zip(cases, run_many(builds, array, static=True)):
        assert_like_numpy(out, value, getattr(np, name)(array, axis=axis, keepdims=keepdims))


def test_sum_and_prod_dtypes_follow_numpy_accumulators():
    expected = {"int8": "int64", "int16": "int64", "int32": "int64", "int64": "int64",
                "uint8": "uint64", "bool": "int64", "float32": "float32",
                "float64": "float64", "complex64": "complex64"}
    for dtype, result in expected.items():
        x = T.TensorType(dtype, (None,))("x")
        assert T.sum(x).dtype == result == str(np.sum(np.zeros(2, dtype)).dtype)
        assert T.prod(x).dtype == result
        assert x.max().dtype == dtype


def test_mean_var_std_of_integers_are_float64_like_numpy():
    x = T.bvector("x")
    array = np.array([100, 101, 102, 127], dtype="int8")
    f = function([x], [x.mean(), x.var(), x.std()])
    values = f(array)
    for value, expected in zip(values, [array.mean(), array.var(), array.std()]):
        assert value.dtype == np.float64
        assert value == pytest.approx(expected, rel=1e-15)


def test_var_and_std_with_ddof_match_numpy():
    array = sample((3, 4), "float64")
    for axis in (None, 0, -1):
        for ddof in (0, 1):
            out, value = run(lambda x: T.var(x, axis=axis, ddof=ddof, keepdims=True), array,
                             static=False)
            assert_like_numpy(out, value, np.var(array, axis=axis, ddof=ddof, keepdims=True))
            out, value = run(lambda x: T.std(x, axis=axis, ddof=ddof), array, static=True)
            assert_like_numpy(out, value, np.std(array, axis=axis, ddof=ddof))
    ints = np.array([1, 2, 4], dtype="int16")
    out, value = run(lambda x: T.var(x, ddof=1), ints, static=False)
    assert_like_numpy(out, value, np.var(ints, ddof=1))
    verify_grad(lambda v: T.std(v, axis=1, ddof=1), [point((3, 4), "float64")])


def test_sum_of_int8_does_not_overflow():
    x = T.bvector("x")
    assert function([x], x.sum())(np.full(1000, 127, dtype="int8")) == 127000


def test_reductions_of_an_empty_axis_give_numpy_identities():
    array = np.zeros((0, 3))
    for name in ("sum", "prod", "all", "any"):
        out, value = run(lambda x: getattr(T, name)(x, axis=0), array, static=False)
        assert_like_numpy(out, value, getattr(np, name)(array, axis=0))


def test_reduction_of_a_scalar_is_the_scalar():
    out, value = run(lambda x: T.sum(x) + T.max(x), np.array(2.5), static=True)
    assert out.type.shape == () and value == 5.0


def test_method_spellings_equal_the_functions():
    x = T.dmatrix("x")
    array = sample((3, 4), "float64")
    f = function([x], [x.sum(axis=1), x.prod(0), x.mean(-1, keepdims=True), x.max(),
                       x.argmin(axis=0), x.std(axis=(0, 1))])
    expected = [array.sum(axis=1), array.prod(0), array.mean(-1, keepdims=True), array.max(),
                array.argmin(axis=0), array.std()]
    for value, want in zip(f(array), expected):
        np.testing.assert_allclose(value, want, rtol=1e-12)


def test_bad_axis_names_the_variable_and_line():
    x = T.dmatrix("x")
    with pytest.raises(AxisError, match=r"axis 2 is out of range for 'x' .*test_reduce.py:\d+"):
        T.sum(x, axis=2)
    with pytest.raises(AxisError, match="repeated axis"):
        T.sum(x, axis=(1, -1))
    with pytest.raises(AxisError, match="one axis or all"):
        T.argmax(T.dtensor3("t"), axis=(0, 1))


def test_argmax_over_all_axes_as_a_tuple_is_the_flat_index():
    out, value = run(lambda x: T.argmax(x, axis=(0, 1)), np.array([[1., 9.], [3., 4.]]), True)
    assert value == 1 and out.dtype == "int64"


# ---- gradients -------------------------------------------------------------------------------

FLOATS = ["float64", "float32"]


def point(shape, dtype, seed=1, low=0.5, high=2.0):
    """A point away from ties and zeros, with random signs."""
    rng = np.random.default_rng(seed)
    magnitude = rng.uniform(low, high, size=shape)
    return (magnitude * rng.choice([-1, 1], size=shape)).astype(dtype)


GRAD_CASES = [((5,), None), ((3, 4), 0), ((3, 4), -1), ((3, 4), None), ((2, 3, 4), (0, 2)),
              ((2, 3, 4), 1)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axis", GRAD_CASES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_mean_prod_grads_match_finite_differences(dtype, shape, axis, keepdims):
    x = point(shape, dtype)
    verify_grad(lambda v: T.sum(v, axis=axis, keepdims=keepdims), [x])
    verify_grad(lambda v: T.mean(v, axis=axis, keepdims=keepdims), [x])
    verify_grad(lambda v: T.prod(v, axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axis", GRAD_CASES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_min_var_std_grads_match_finite_differences(dtype, shape, axis, keepdims):
    # Distinct values (a permutation) keep max/min away from ties, where they have no derivative.
    x = (np.random.default_rng(3).permutation(int(np.prod(shape))).reshape(shape) / 3.0 - 1.0
         ).astype(dtype)
    verify_grad(lambda v: T.max(v, axis=axis, keepdims=keepdims), [x])
    verify_grad(lambda v: T.min(v, axis=axis, keepdims=keepdims), [x])
    verify_grad(lambda v: T.var(v, axis=axis, keepdims=keepdims), [x])
    verify_grad(lambda v: T.std(v, axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("dtype", FLOATS)
def test_reduction_grads_under_broadcasting(dtype):
    x, b = point((3, 4), dtype), point((4,), dtype, seed=2)
    verify_grad(lambda u, v: T.sum(u * v.dimshuffle("x", 0), axis=0), [x, b])
    verify_grad(lambda u, v: T.max(u + v.dimshuffle("x", 0), axis=1, keepdims=True), [x, b])
    verify_grad(lambda u, v: T.prod(u, axis=1, keepdims=True) * v, [x, b])
    verify_grad(lambda u: u / T.sum(u, axis=1, keepdims=True), [np.abs(x)])


@pytest.mark.parametrize("dtype", FLOATS)
def test_prod_grad_is_exact_with_one_or_two_zeros_in_a_slice(dtype):
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.5, 2.0, -1.0]], dtype=dtype)
    verify_grad(lambda v: T.prod(v, axis=1), [x])
    verify_grad(lambda v: T.prod(v, axis=0, keepdims=True), [x])
    v = T.TensorType(dtype, (None, None))("v")
    g = function([v], grad(T.prod(v, axis=1).sum(), v))(x)
    # Row 0: one zero, its gradient is the product of the others; rows with two zeros give 0.
    expected = np.array([[6.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-2.0, -1.5, 3.0]])
    np.testing.assert_allclose(g, expected)
    assert g.dtype == dtype


def test_prod_grad_computes_no_nan_at_zeros():
    v = T.dvector("v")
    with np.errstate(all="raise"):
        g = function([v], grad(T.prod(v), v))(np.array([0.0, 0.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0])


def test_max_tie_rule_every_tied_element_receives_the_gradient():
    v = T.dmatrix("v")
    array = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]])
    gmax = function([v], grad(T.max(v, axis=1).sum(), v))(array)
    np.testing.assert_array_equal(gmax, [[0, 1, 1], [1, 0, 0]])
    gmin = function([v], grad((T.min(v) * 2.0), v))(np.array([[1.0, -1.0], [-1.0, 4.0]]))
    np.testing.assert_array_equal(gmin, [[0, 2], [2, 0]])


def test_argmax_all_any_give_an_honest_zero_gradient_with_a_reason():
    v = T.dvector("v")
    cost = T.cast(T.argmax(v), "float64") + T.cast(T.any(v > 1), "float64") + T.sum(v) * 0.0
    g = function([v], grad(cost, v))(np.array([0.5, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0])
    only_argmax = function([v], grad(T.cast(T.argmax(v), "float64"), v))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(only_argmax, [0.0, 0.0])
    for op in (T.argmax(v).owner.op, T.argmin(v).owner.op, T.all(v).owner.op,
               T.any(v).owner.op):
        assert "derivative is 0" in op.zero_gradient_reason


def test_mean_grad_of_float32_stays_float32():
    v = T.fmatrix("v")
    g = grad(T.mean(v, axis=0).sum(), v)
    assert g.dtype == "float32"
    value = function([v], g)(np.ones((4, 2), dtype="float32"))
    np.testing.assert_allclose(value, np.full((4, 2), 0.25))


def test_prod_no_zeros_in_input_values_and_gradients_as_theanos():
    import pickle
    from graphlens.tensor.reduce import Prod
    x = T.dmatrix("x")
    value = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    np.testing.assert_allclose(function([x], Prod(axis=1, no_zeros_in_input=True)(x))(value),
                               [6, 120, 504])
    # The gradient of the whole product is prod / x, and its own gradient exists (Theano's
    # values from its test of this flag).
    g = grad(Prod(no_zeros_in_input=True)(x), x)
    # prod / x itself: none of the zero handling (comparisons, switches) of the default.
    from graphlens.graph.basic import ancestors
    ops = {type(v.owner.op).__name__ for v in ancestors([g]) if v.owner is not None}
    assert ops == {"DimShuffle", "Mul", "Prod", "TrueDiv"}
    np.testing.assert_allclose(function([x], g)(value), 362880.0 / value)
    np.testing.assert_allclose(function([x], grad(g.sum(), x))(value)[0],
                               [663696.0, 422568.0, 301872.0])
    verify_grad(Prod(axis=1, no_zeros_in_input=True), [value], rng=np.random.default_rng(4))
    verify_grad(lambda a: grad(Prod(no_zeros_in_input=True)(a), a), [value],
                rng=np.random.default_rng(5))
    # T.prod's keyword reaches the op; Prod() reduces every axis and pickles.
    assert T.prod(x, axis=0, no_zeros_in_input=True).owner.op == Prod((0,), True)
    assert Prod()(x).owner.op == Prod((0, 1)) != Prod((0, 1), True)
    assert pickle.loads(pickle.dumps(Prod())) == Prod()


def test_sum_prod_mean_take_theanos_positional_order():
    # Theano 1.0 (and numpy): sum(x, axis, dtype, keepdims, acc_dtype); mean(x, axis, dtype,
    # op, keepdims, acc_dtype). T.sum(x, 0, 'float32') once read 'float32' as keepdims.
    import graphlens
    x = T.dmatrix("x")
    value = np.arange(6.0).reshape(2, 3)
    cases = [(T.sum(x, 0, "float32"), np.sum(value, 0, "float32")),
             (x.sum(1, "float32", True), np.sum(value, 1, "float32", keepdims=True)),
             (T.prod(x, 1, None, True), np.prod(value, 1, keepdims=True)),
             (x.prod(0, "float32"), np.prod(value, 0, "float32")),
             (T.mean(x, 0, "float32"), np.mean(value, 0, "float32")),
             (T.mean(x, 1, None, False, True), np.mean(value, 1, keepdims=True)),
             (x.mean(None, "float32", True), np.mean(value, None, "float32", keepdims=True))]
    f = graphlens.function([x], [expr for expr, _ in cases])
    for got, ((expr, want)) in zip(f(value), cases):
        assert got.dtype == want.dtype and got.shape == want.shape, expr
        np.testing.assert_allclose(got, want, rtol=1e-6)
