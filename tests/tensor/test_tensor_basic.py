"""graphlens/tensor/basic.py (named apart from tests/graph/test_basic.py: pytest needs unique
basenames without __init__.py files): constructors by prefix and rank, cast, eye, arange."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function, grad
from graphlens.errors import EvaluationError, GraphlensTypeError, ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor.basic import Cast

PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32",
            "d": "float64", "c": "complex64", "z": "complex128"}
RANKS = {"scalar": (), "vector": (None,), "row": (1, None), "col": (None, 1),
         "matrix": (None, None), "tensor3": (None,) * 3, "tensor4": (None,) * 4}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_prefixed_constructors_have_the_prefix_dtype_and_rank_shape(prefix):
    for rank, shape in RANKS.items():
        var = getattr(T, prefix + rank)("v")
        assert (var.dtype, var.type.shape, var.name) == (PREFIXES[prefix], shape, "v")
        assert var.broadcastable == tuple(d == 1 for d in shape)
    a, b = getattr(T, prefix + "scalars")("a", "b")
    m1, m2, m3 = getattr(T, prefix + "matrices")("m1", "m2", "m3")
    assert (a.name, b.name, a.dtype, a.ndim) == ("a", "b", PREFIXES[prefix], 0)
    assert [m.name for m in (m1, m2, m3)] == ["m1", "m2", "m3"] and m3.ndim == 2
    assert a is not b


@pytest.mark.parametrize("float_x", ["float64", "float32"])
def test_generic_constructors_follow_float_x(float_x):
    with config.change_flags(floatX=float_x):
        made = [T.scalar(), T.vector(), T.row(), T.col(), T.matrix(), T.tensor3(), T.tensor4()]
        assert [v.dtype for v in made] == [float_x] * 7
        assert [v.type.shape for v in made] == list(RANKS.values())
        assert T.tensor(shape=(2, None)).type == T.TensorType(float_x, (2, None))


def test_tensor_type_accepts_theano_broadcastable_patterns():
    x = T.TensorType("float32", (True, False))("x")
    assert x.type.shape == (1, None) and x.broadcastable == (True, False) and x.name == "x"
    assert T.TensorType("int8", [False, True, False])().type.shape == (None, 1, None)
    assert T.TensorType(np.float64, (2, 3)) == T.TensorType("float64", (2, 3))
    with pytest.raises(GraphlensTypeError, match="unsupported dtype 'object'"):
        T.TensorType(object, (2,))


CAST_PAIRS = [
    ("float64", "float32"), ("float32", "float64"), ("float64", "int32"), ("float32", "int8"),
    ("int64", "float32"), ("int8", "int64"), ("int32", "uint8"), ("float64", "bool"),
    ("int16", "bool"), ("bool", "float32"), ("bool", "int8"), ("float64", "complex128"),
]


def test_cast_values_match_numpy_astype_and_static_shapes_are_kept():
    rng = np.random.default_rng(4)
    for source, target in CAST_PAIRS:
        for shape in [(), (5,), (2, 1, 3)]:
            x = (rng.normal(size=shape) * 50).astype(source)
            xs = T.TensorType(source, shape)("x")
            out = T.cast(xs, target)
            value = function([xs], out)(x)
            assert out.dtype == target and value.dtype == np.dtype(target), (source, target)
            assert out.type.shape == shape == value.shape
            np.testing.assert_array_equal(value, x.astype(target))


def test_cast_spellings_floatx_noop_and_astype():
    x = T.ivector("x")
    assert T.cast(x, "int32") is x
    assert T.cast(x, np.float32).dtype == "float32"
    assert x.astype("int8").owner.op == Cast("int8")
    with config.change_flags(floatX="float32"):
        assert T.cast(x, "floatX").dtype == "float32"
    assert T.cast(x, "floatX").dtype == "float64"
    assert T.cast(2.7, "int8").dtype == "int8"


def test_cast_rounds_toward_zero_and_bool_is_nonzero():
    x = T.dvector("x")
    to_int, to_bool = function([x], [T.cast(x, "int16"), T.cast(x, "bool")])(
        np.array([-2.7, -0.5, 0.0, 0.5, 2.7]))
    np.testing.assert_array_equal(to_int, [-2, 0, 0, 0, 2])
    np.testing.assert_array_equal(to_bool, [True, True, False, True, True])


@pytest.mark.parametrize("source, target", [("float64", "float32"), ("float32", "float64"),
                                            ("float64", "float64")])
def test_float_cast_gradient_matches_finite_differences(source, target):
    x = np.random.default_rng(2).normal(size=(2, 3)).astype(source)
    verify_grad(lambda v: T.cast(v, target) * T.cast(v, target), [x])
    v = T.TensorType(source, (None, None))("v")
    assert grad(T.cast(v, target).sum(), v).dtype == source


@pytest.mark.parametrize("target", ["int8", "int32", "int64", "uint8", "bool"])
def test_cast_to_integer_or_bool_has_exactly_zero_gradient_and_says_why(target):
    x = T.dvector("x")
    g = grad((T.cast(x, target) * x).sum(), x)   # only the second factor's x carries a slope
    values = np.array([-1.5, 0.3, 2.0])
    np.testing.assert_array_equal(function([x], g)(values), values.astype(target))
    only_cast = function([x], grad(T.cast(x, target).sum() * 1.0, x))(values)
    np.testing.assert_array_equal(only_cast, [0.0, 0.0, 0.0])
    reason = Cast(target).zero_gradient_reason
    assert f"a cast to {target}" in reason and "derivative is 0" in reason


@pytest.mark.parametrize("target", ["float32", "float64", "complex64"])
def test_cast_to_float_claims_no_zero_gradient(target):
    assert Cast(target).zero_gradient_reason is None


@pytest.mark.parametrize("n, m, k", [(3, None, 0), (3, 2, 1), (2, 4, -1), (4, 4, 5), (0, 3, 0)])
def test_eye_values_dtype_and_static_shape(n, m, k):
    out = T.eye(n, m, k)
    value = function([], out)()
    expected = np.eye(n, m, k)
    assert out.dtype == "float64" and out.type.shape == expected.shape == value.shape
    np.testing.assert_array_equal(value, expected)
    assert T.eye(n, m, k, dtype="int8").dtype == "int8"
    assert T.eye(n, m, k, dtype=np.int16).owner.op.label == "Eye{dtype=int16}"
    with config.change_flags(floatX="float32"):
        assert T.eye(n, m, k).dtype == T.eye(n, m, k, dtype="floatX").dtype == "float32"


def test_eye_of_symbolic_sizes():
    n, k = T.lscalar("n"), T.iscalar("k")
    out = T.eye(n, n + 1, k, dtype="float32")
    assert out.type.shape == (None, None) and out.dtype == "float32"
    value = function([n, k], out)(3, -1)
    assert value.dtype == np.float32
    np.testing.assert_array_equal(value, np.eye(3, 4, -1))


def test_eye_refuses_float_sizes_naming_them():
    with pytest.raises(GraphlensTypeError, match=r"eye: n, m and k each must be an int scalar, got an unnamed "
                                                 r"variable \(float32, built at "
                                                 r"tests/tensor/test_tensor_basic.py:\d+\)"):
        T.eye(2.5)
    with pytest.raises(GraphlensTypeError, match=r"eye: n, m and k each must be an int scalar, got 'v' \(int64\[\?\]"):
        T.eye(T.lvector("v"))


ARANGES = [((5,), "int64"), ((2, 11, 3), "int64"), ((10, 2, -2), "int64"), ((3, 3), "int64"),
           ((2.5,), "float32"), ((0, 1, 0.25), "float32"), ((-1, 1.5, 0.5), "float32"),
           ((0, 1, 0.1), "float64")]       # Theano: 0.1 is not exact in float32


@pytest.mark.parametrize("bounds, dtype", ARANGES)
def test_arange_with_constant_bounds_knows_its_length(bounds, dtype):
    out = T.arange(*bounds)
    value = function([], out)()
    expected = np.arange(*bounds, dtype=dtype)
    assert out.dtype == dtype == value.dtype
    assert out.type.shape == expected.shape == value.shape
    np.testing.assert_array_equal(value, expected)


def test_arange_of_symbolic_bounds_counts_integers_in_64_bits_as_theano():
    start, stop = T.iscalar("start"), T.iscalar("stop")
    out = T.arange(start, stop, 2)
    assert out.dtype == "int64" and out.type.shape == (None,)
    np.testing.assert_array_equal(function([start, stop], out)(1, 8), [1, 3, 5, 7])
    f = T.fscalar("f")
    floats = T.arange(0, f, 0.5)
    assert floats.dtype == "float32"
    np.testing.assert_array_equal(function([f], floats)(2), [0, 0.5, 1, 1.5])
    assert T.arange(5, dtype="int8").dtype == "int8"
    assert T.arange(5, dtype=np.float32).owner.op.label == "ARange{dtype=float32}"
    assert T.arange(5, dtype="floatX").dtype == "float64"


def test_arange_with_a_zero_step_is_refused():
    with pytest.raises(ShapeError, match=r"arange at tests/tensor/test_tensor_basic.py:\d+: "
                                         r"step is 0"):
        T.arange(0, 5, 0)
    step = T.lscalar("step")
    f = function([step], T.arange(0, 5, step))
    with pytest.raises(EvaluationError, match=r"ARange.* failed at tests/tensor/"
                                              r"test_tensor_basic.py:\d+: ShapeError: arange: "
                                              r"step is 0"):
        f(0)


def test_arange_refuses_vector_bounds():
    with pytest.raises(GraphlensTypeError, match=r"arange takes scalars, got 'v' \(int64\[\?\]"):
        T.arange(T.lvector("v"))


def test_zeros_and_ones_of_symbolic_shapes():
    n = T.lscalar("n")
    zeros, ones = T.zeros((n, 2)), T.ones((3,), dtype="int8")
    z, o = function([n], [zeros, ones])(4)
    assert z.dtype == np.float64 and o.dtype == np.int8
    np.testing.assert_array_equal(z, np.zeros((4, 2)))
    np.testing.assert_array_equal(o, [1, 1, 1])
