"""graphlens/tensor/compare.py: comparisons, logic, sgn/round/floor/ceil, maximum/minimum, clip
and switch against numpy; their dtypes, static shapes, gradients and honest zeros."""

import operator

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import GraphlensTypeError, ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor import compare, rounding
from loop_cases import case, run, this_line

RNG_SEED = 7


def sample(shape, dtype, low, high, rng):
    """Values of `dtype` in [low, high]; ints are whole, unsigned ints and bools clipped at 0."""
    if dtype == "bool":
        return rng.integers(0, 2, size=shape) > 0
    if np.dtype(dtype).kind in "iu":
        low = max(low, 0) if np.dtype(dtype).kind == "u" else low
        return rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape).astype(dtype)
    # Multiples of 0.5 so comparisons, ties and rounding halves really happen.
    return (rng.integers(int(2 * low), int(2 * high) + 1, size=shape) / 2).astype(dtype)


COMPARISONS = {
    "lt": (operator.lt, np.less), "gt": (operator.gt, np.greater),
    "le": (operator.le, np.less_equal), "ge": (operator.ge, np.greater_equal),
    "eq": (T.eq, np.equal), "neq": (T.neq, np.not_equal),
}
DTYPE_PAIRS = [("float64", "float64"), ("float32", "float64"), ("int8", "float32"),
               ("int32", "int64"), ("uint8", "int8"), ("bool", "bool"), ("bool", "int16")]
SHAPES = [((2, 3), (2, 3)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((1, 3), (2, 1)),
          ((2, 3), (3,)), ((), (4,)), ((2, 1, 4), (3, 1)), ((0, 3), (1, 3))]


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparison_values_are_bool_over_dtypes_and_broadcast_patterns(name):
    build, reference = COMPARISONS[name]
    rng = np.random.default_rng(RNG_SEED)
    cases = [((2, 3), (1, 3), dtypes) for dtypes in DTYPE_PAIRS]
    cases += [(x_shape, y_shape, ("float64", "float64")) for x_shape, y_shape in SHAPES]
    for x_shape, y_shape, (x_dtype, y_dtype) in cases:
        x, y = sample(x_shape, x_dtype, -2, 2, rng), sample(y_shape, y_dtype, -2, 2, rng)
        with case(x_shape, y_shape, x_dtype, y_dtype):
            out, value = run(build, x, y)
            assert out.dtype == "bool" and value.dtype == np.bool_
            np.testing.assert_array_equal(value, reference(x, y))
            xs, ys = T.TensorType(x_dtype, x_shape)(), T.TensorType(y_dtype, y_shape)()
            static = build(xs, ys)
            assert static.type.shape == np.broadcast_shapes(x_shape, y_shape) == value.shape


def test_comparisons_with_python_numbers_on_either_side():
    x = T.bvector("x")
    u = T.TensorType("uint8", (None,))("u")
    f = function([x, u], [x < 2.5, 1 < x, x >= 1, T.eq(x, 2), T.neq(3, x), u > -1, u < 300])
    values = f(np.array([1, 2, 3], "int8"), np.array([0, 255, 7], "uint8"))
    expected = [[True, True, False], [False, True, True], [True, True, True],
                [False, True, False], [True, True, False], [True] * 3, [True] * 3]
    for value, want in zip(values, expected):
        assert value.dtype == np.bool_
        np.testing.assert_array_equal(value, want)


LOGICAL = {"and": (operator.and_, np.bitwise_and), "or": (operator.or_, np.bitwise_or),
           "xor": (operator.xor, np.bitwise_xor)}


@pytest.mark.parametrize("name", LOGICAL)
def test_logical_ops_on_bools_and_bitwise_on_integers(name):
    build, reference = LOGICAL[name]
    rng = np.random.default_rng(RNG_SEED)
    for x_dtype, y_dtype, dtype in [("bool", "bool", "bool"), ("int8", "int8", "int8"),
                                    ("bool", "int16", "int16"), ("uint8", "int8", "int16")]:
        for x_shape, y_shape in SHAPES[:6]:
            x, y = sample(x_shape, x_dtype, -9, 9, rng), sample(y_shape, y_dtype, -9, 9, rng)
            with case(x_dtype, y_dtype, x_shape, y_shape):
                out, value = run(build, x, y)
                assert out.dtype == dtype
                np.testing.assert_array_equal(value, reference(x, y).astype(dtype))
                assert value.dtype == np.dtype(dtype)
                xs, ys = T.TensorType(x_dtype, x_shape)(), T.TensorType(y_dtype, y_shape)()
                assert build(xs, ys).type.shape == value.shape


def test_logical_ops_with_python_operands_keep_the_tensor_dtype():
    b, p = T.bvector("b"), T.TensorType("bool", (None,))("p")
    outputs = [b & 6, 3 | b, b ^ 1, ~b, ~p, p & True, p | (b > 2)]
    assert [o.dtype for o in outputs] == ["int8"] * 4 + ["bool"] * 3
    values = function([b, p], outputs)(np.array([5, -2], "int8"), np.array([True, False]))
    expected = [[4, 6], [7, -1], [4, -1], [-6, 1], [False, True], [True, False], [True, False]]
    for value, want in zip(values, expected):
        np.testing.assert_array_equal(value, want)


@pytest.mark.parametrize("build", [operator.and_, operator.or_, operator.xor, operator.inv])
def test_logical_ops_on_floats_are_refused_naming_op_and_line(build):
    x = T.fvector("x")
    make, line = (lambda: build(x, 1) if build is not operator.inv else build(x)), this_line()
    with pytest.raises(GraphlensTypeError) as info:
        make()
    message = str(info.value)
    assert f" at tests/tensor/test_compare.py:{line} is not defined for float32 inputs" in message
    assert "'x' (float32[?]" in message and "compare first" in message


PIECEWISE = {"sgn": (T.sgn, np.sign), "round": (T.round, np.round),
             "floor": (T.floor, np.floor), "ceil": (T.ceil, np.ceil)}


# Theano's upgrade_to_float: floor, ceil and trunc of integers are floats (int8, int16, uint8,
# bool: float32; wider: float64); sgn and round keep the dtype.
WHOLE_FLOAT = {"float64": "float64", "float32": "float32", "int8": "float32",
               "int32": "float64", "uint8": "float32", "bool": "float32"}


@pytest.mark.parametrize("name", PIECEWISE)
def test_piecewise_constant_values_and_dtypes(name):
    build, reference = PIECEWISE[name]
    rng = np.random.default_rng(RNG_SEED)
    for dtype in ["float64", "float32", "int8", "int32", "uint8", "bool"]:
        for shape in [(), (7,), (2, 1, 3)]:
            x = sample(shape, dtype, -3, 3, rng)
            with case(dtype, shape):
                out, value = run(build, x)
                want_dtype = WHOLE_FLOAT[dtype] if name in ("floor", "ceil") else dtype
                assert out.dtype == want_dtype and value.dtype == np.dtype(want_dtype)
                want = x if dtype == "bool" else reference(x)     # numpy has no sign of bools
                np.testing.assert_array_equal(value, want)
                xs = T.TensorType(dtype, shape)()
                assert build(xs).type.shape == shape == value.shape


def test_round_is_half_to_even_like_numpy():
    x = T.dvector("x")
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999999999999994])
    np.testing.assert_array_equal(function([x], T.round(x))(halves), [-2, -2, -0, 0, 2, 2, 0])


def test_trunc_of_integers_is_a_float_as_theanos():
    x = T.bvector("x")
    value = function([x], T.trunc(x))(np.array([-3, 0, 5], dtype="int8"))
    assert value.dtype == np.float32
    np.testing.assert_array_equal(value, [-3.0, 0.0, 5.0])
    assert T.trunc(T.lvector()).dtype == "float64"


def test_floor_and_ceil_of_complex_are_refused():
    z = T.cvector("z")
    for build in (T.floor, T.ceil):
        with pytest.raises(GraphlensTypeError, match="is not defined for complex64 inputs"):
            build(z)


CHOICES = {
    "maximum": (T.maximum, np.maximum),
    "minimum": (T.minimum, np.minimum),
    "clip": (lambda x, y: T.clip(x, y, y + 1), lambda x, y: np.clip(x, y, y + 1)),
    "switch": (lambda x, y: T.switch(x > y, x, y * 2), lambda x, y: np.where(x > y, x, y * 2)),
}


@pytest.mark.parametrize("name", CHOICES)
def test_choice_values_dtypes_and_static_shapes(name):
    build, reference = CHOICES[name]
    rng = np.random.default_rng(RNG_SEED)
    cases = [((2, 3), (1, 3), dtypes, np.result_type(*dtypes)) for dtypes in
             [("float64", "float64"), ("float32", "float32"), ("int8", "float32"),
              ("int32", "float32"), ("int8", "int16"), ("uint8", "int8")]]
    cases += [(x_shape, y_shape, ("float64",) * 2, "float64") for x_shape, y_shape in SHAPES]
    for x_shape, y_shape, (x_dtype, y_dtype), dtype in cases:
        x, y = sample(x_shape, x_dtype, -3, 3, rng), sample(y_shape, y_dtype, -3, 3, rng)
        with case(x_shape, y_shape, x_dtype, y_dtype):
            out, value = run(build, x, y)
            assert out.dtype == dtype and value.dtype == dtype
            np.testing.assert_array_equal(value, reference(x, y).astype(dtype))
            xs, ys = T.TensorType(x_dtype, x_shape)(), T.TensorType(y_dtype, y_shape)()
            static = build(xs, ys)
            assert static.type.shape == np.broadcast_shapes(x_shape, y_shape)
            assert function([xs, ys], static)(x, y).shape == static.type.shape


def test_choices_with_python_numbers_keep_the_tensor_dtype():
    f32, b = T.fvector("f32"), T.bvector("b")
    outputs = [T.maximum(f32, 0), T.minimum(1.5, f32), T.clip(f32, -1, 1.0), T.clip(b, 0, 5),
               T.switch(f32 > 0, f32, 0), T.switch(b, 1.0, f32), T.maximum(b, 300)]
    assert [o.dtype for o in outputs] == ["float32"] * 3 + ["int8", "float32", "float32",
                                                            "int16"]
    x = np.array([-2.0, 0.5, 3.0], "float32")
    values = function([f32, b], outputs)(x, np.array([-3, 0, 9], "int8"))
    expected = [[0, 0.5, 3], [-2, 0.5, 1.5], [-1, 0.5, 1], [0, 0, 5], [0, 0.5, 3], [1, 0.5, 1],
                [300, 300, 300]]
    for value, want, out in zip(values, expected, outputs):
        assert value.dtype == out.dtype
        np.testing.assert_array_equal(value, want)


def test_switch_takes_its_dtype_from_the_branches_not_the_condition():
    c, a = T.ivector("c"), T.fvector("a")
    out = T.switch(c, a, 0)
    assert out.dtype == "float32"
    value = function([c, a], out)(np.array([0, 2, -1], "int32"), np.ones(3, "float32"))
    np.testing.assert_array_equal(value, [0, 1, 1])
    assert value.dtype == np.float32


def test_switch_with_incompatible_static_shapes_names_op_and_line():
    c = T.TensorType("bool", (2, 3))("c")
    a = T.TensorType("float64", (3, 2))("a")
    make, line = (lambda: T.switch(c, a, 0.0)), this_line()
    with pytest.raises(ShapeError) as info:
        make()
    assert str(info.value).startswith(f"Switch at tests/tensor/test_compare.py:{line}: the "
                                      f"inputs cannot broadcast, axis 0 has lengths [2, 3]")


# ---------------------------------------------------------------- gradients

# x has shape (2, 3); y has its own shape and a pattern (symbolic, numpy) that broadcasts it.
GRAD_PATTERNS = {
    "same": ((2, 3), lambda y: y, lambda y: y),
    "row": ((3,), lambda y: y.dimshuffle("x", 0), lambda y: y[None, :]),
    "col": ((2,), lambda y: y.dimshuffle(0, "x"), lambda y: y[:, None]),
    "scalar": ((), lambda y: y, lambda y: y),
}


def separated(y_shape, broadcast, dtype, rng):
    """Points x, y with |x - y| >= 0.25 everywhere: away from the kinks of maximum and clip."""
    y = rng.uniform(-1, 1, size=y_shape)
    gap = rng.uniform(0.25, 1, size=(2, 3)) * rng.choice([-1, 1], size=(2, 3))
    return (broadcast(y) + gap).astype(dtype), y.astype(dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["maximum", "minimum", "clip_low", "clip_high", "switch"])
def test_choice_gradients_match_finite_differences(name, dtype):
    rng = np.random.default_rng(RNG_SEED)
    for pattern, (y_shape, adapt, broadcast) in GRAD_PATTERNS.items():
        x, y = separated(y_shape, broadcast, dtype, rng)
        mask = T.constant(rng.integers(0, 2, size=(2, 3)) > 0)
        build = {
            "maximum": lambda a, b: T.maximum(a, adapt(b)) * a,
            "minimum": lambda a, b: T.minimum(adapt(b), a) * a,
            "clip_low": lambda a, b: T.clip(a, adapt(b), 5.0),
            "clip_high": lambda a, b: T.clip(a, -5.0, adapt(b)),
            "switch": lambda a, b: T.switch(mask, a * a, T.exp(adapt(b))),
        }[name]
        with case(pattern):
            verify_grad(build, [x, y], rng=rng)


def test_maximum_and_minimum_ties_send_the_gradient_to_x():
    x, y = T.dvector("x"), T.dvector("y")
    f = function([x, y], grad(T.maximum(x, y).sum(), [x, y]) + grad(T.minimum(x, y).sum(),
                                                                     [x, y]))
    gx_max, gy_max, gx_min, gy_min = f(np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0]))
    np.testing.assert_array_equal(gx_max, [1, 0, 1])
    np.testing.assert_array_equal(gy_max, [0, 1, 0])
    np.testing.assert_array_equal(gx_min, [1, 1, 0])
    np.testing.assert_array_equal(gy_min, [0, 0, 1])


def test_clip_bounds_are_inclusive_for_the_gradient_of_x():
    x, low, high = T.dvector("x"), T.dvector("low"), T.dvector("high")
    grads = grad(T.clip(x, low, high).sum(), [x, low, high])
    gx, glow, ghigh = function([x, low, high], grads)(
        np.array([-2.0, 0.0, 0.5, 1.0, 3.0]), np.zeros(5), np.ones(5))
    np.testing.assert_array_equal(gx, [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(glow, [1, 0, 0, 0, 0])
    np.testing.assert_array_equal(ghigh, [0, 0, 0, 0, 1])


def test_clip_with_low_above_high_is_theanos_and_agrees_with_its_gradient():
    # Theano: below low gives low, else above high gives high (np.clip: high everywhere).
    x = T.dvector("x")
    values = np.array([-3.0, 0.5, 2.0])
    np.testing.assert_array_equal(T.clip(x, 1.0, -1.0).eval({x: values}), [1.0, 1.0, -1.0])
    points = np.array([[-0.7, 0.3, 1.9], [2.2, -1.4, 0.6]])
    for build in (lambda a: T.clip(a, 0, a), lambda a: T.clip(a, a, 0),
                  lambda a: T.clip(0, a, a), lambda a: T.clip(a, a, a)):
        verify_grad(build, [points], rng=np.random.default_rng(2))


def test_clip_of_complex_is_refused_as_theanos():
    with pytest.raises(TypeError, match="complex64"):
        T.clip(T.cvector("z"), 0.0, 1.0)


def test_switch_gradient_goes_to_the_chosen_branch_summed_over_broadcast():
    c, a, b = T.TensorType("bool", (None, None))("c"), T.drow("a"), T.dcol("b")
    ga, gb = grad(T.switch(c, a, b).sum(), [a, b])
    cond = np.array([[True, False, True], [True, True, False]])
    value_a, value_b = function([c, a, b], [ga, gb])(cond, np.ones((1, 3)), np.ones((2, 1)))
    np.testing.assert_array_equal(value_a, [[2, 1, 1]])
    np.testing.assert_array_equal(value_b, [[1], [1]])


ZERO_GRADIENT = {
    "lt": lambda x: T.cast(x < 0.3, "float64"),
    "ge": lambda x: T.switch(x >= 0.3, 1.0, -1.0),
    "eq": lambda x: T.cast(T.eq(x, 0.5), "float64") * 3,
    "and": lambda x: T.cast((x > 0) & (x < 1), "float64"),
    "invert": lambda x: T.cast(~(x > 0), "float64"),
    "sgn": T.sgn,
    "round": T.round,
    "floor": T.floor,
    "ceil": lambda x: T.ceil(x) * 2,
    "switch_condition": lambda x: T.switch(x, 2.0, 3.0),
}


@pytest.mark.parametrize("name", ZERO_GRADIENT)
def test_zero_gradient_ops_give_exactly_zero(name):
    x = T.dvector("x")
    g = grad(ZERO_GRADIENT[name](x).sum(), x)
    value = function([x], g)(np.array([-1.3, 0.0, 0.3, 0.5, 2.7]))
    assert value.dtype == np.float64
    np.testing.assert_array_equal(value, np.zeros(5))


@pytest.mark.parametrize("op", [compare.Lt(), compare.Gt(), compare.Le(), compare.Ge(),
                                compare.Eq(), compare.Neq(), compare.And(), compare.Or(),
                                compare.Xor(), compare.Invert(), rounding.Sgn(), rounding.Round(),
                                rounding.Floor(), rounding.Ceil()],
                         ids=lambda op: op.label)
def test_zero_gradient_ops_say_why(op):
    reason = op.zero_gradient_reason
    assert isinstance(reason, str) and len(reason) > 20 and "0" in reason


@pytest.mark.parametrize("op", [compare.Maximum(), compare.Minimum(), compare.Clip()],
                         ids=lambda op: op.label)
def test_differentiable_choices_claim_no_zero_gradient(op):
    assert op.zero_gradient_reason is None


def test_sgn_fused_with_other_ops_writes_into_its_input_with_the_same_values():
    x = T.dmatrix("x")
    f = function([x], T.sgn(x * 2.0) * 3.0)
    assert "Composite{sgn(i0 * 2.0) * 3.0}" in f.fgraph.outputs[0].owner.op.label
    values = np.array([[-2.5, 0.0, 4.0], [-0.0, 1e-300, -np.inf]])
    np.testing.assert_array_equal(f(values), np.sign(values) * 3.0)
    b = T.bmatrix("b")
    np.testing.assert_array_equal(function([b], T.sgn(b) * 2)(np.array([[0, 1]], "int8")),
                                  [[0, 2]])


def test_switch_takes_the_shared_type_of_its_branches_dtype():
    # The gradient of every maximum/minimum makes two switches: their results share the one
    # TensorType of their dtype and shape (no new type object each), of the branches' dtype.
    from graphlens.tensor.type import tensor_type
    cond, ints = T.dvector("d"), T.ivector("i")
    same = T.switch(cond > 0, T.dvector("g"), 0)
    assert same.type is tensor_type("float64", (None,))
    retyped = T.switch(cond, ints, T.ivector("j"))      # the float condition does not upcast
    assert retyped.type is tensor_type("int32", (None,))
    assert str(T.switch(T.bvector("b"), T.fvector("x"), 0).type) == "float32[?]"
