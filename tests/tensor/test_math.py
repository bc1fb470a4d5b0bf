"""graphlens/tensor/math.py: arithmetic and smooth functions against numpy, their dtypes, static
shapes, finite-difference gradients and the errors users see."""

import operator

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import EvaluationError, GraphlensTypeError, ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor.math import IntDiv
from loop_cases import case, run, this_line

RNG_SEED = 20240


def sample(shape, dtype, low, high, rng):
    """Values of `dtype` in [low, high] (ints: whole numbers; unsigned: clipped at 0)."""
    if dtype == "bool":
        return rng.integers(max(0, np.ceil(low)), min(1, np.floor(high)) + 1, size=shape) > 0
    if np.dtype(dtype).kind in "iu":
        low = max(low, 0) if np.dtype(dtype).kind == "u" else low
        return rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def assert_values(actual, expected, dtype):
    assert actual.dtype == np.dtype(dtype)
    tol = {"float32": 1e-5, "float16": 1e-2}.get(str(dtype), 1e-12)
    np.testing.assert_allclose(actual, expected.astype(dtype), rtol=tol, atol=tol)


# name: (symbolic, numpy, domain of x, domain of y)
BINARY = {
    "add": (operator.add, np.add, (-3, 3), (-3, 3)),
    "sub": (operator.sub, np.subtract, (-3, 3), (-3, 3)),
    "mul": (operator.mul, np.multiply, (-3, 3), (-3, 3)),
    "true_div": (operator.truediv, np.true_divide, (-3, 3), (1, 3)),
    "int_div": (operator.floordiv, np.floor_divide, (-5, 5), (1, 3)),
    "mod": (operator.mod, np.mod, (-5, 5), (1, 3)),
    "pow": (operator.pow, np.power, (0.5, 3), (0, 3)),
    "add3": (lambda x, y: T.add(x, y, x), lambda x, y: x + y + x, (-3, 3), (-3, 3)),
    "mul3": (lambda x, y: T.mul(x, y, y), lambda x, y: x * y * y, (-3, 3), (-3, 3)),
}

# (x dtype, y dtype, arithmetic result, true-division result): the upcasting table's arrays.
DTYPE_PAIRS = [
    ("float64", "float64", "float64", "float64"),
    ("float32", "float32", "float32", "float32"),
    ("float32", "int8", "float32", "float32"),
    ("int32", "float32", "float64", "float64"),
    ("int8", "int16", "int16", "float64"),     # integers divide to floatX, as Theano's
    ("int32", "int64", "int64", "float64"),
    ("uint8", "int8", "int16", "float64"),
    ("uint8", "uint8", "uint8", "float64"),
    ("bool", "int8", "int8", "float64"),
]

# Broadcast patterns: shapes of x and y, and the numpy-style result.
SHAPES = [
    ((2, 3), (2, 3)),
    ((2, 3), (1, 3)),        # y is a row
    ((2, 3), (2, 1)),        # y is a col
    ((1, 3), (2, 1)),        # row against col
    ((2, 3), (3,)),          # lower rank, padded on the left
    ((), (4,)),              # scalar
    ((2, 1, 4), (3, 1)),     # both broadcast, different ranks
    ((0, 3), (1, 3)),        # empty
]


@pytest.mark.parametrize("name", BINARY)
def test_binary_values_and_dtype_over_dtypes(name):
    build, reference, x_domain, y_domain = BINARY[name]
    rng = np.random.default_rng(RNG_SEED)
    for x_dtype, y_dtype, arith, div in DTYPE_PAIRS:
        x = sample((2, 3), x_dtype, *x_domain, rng)
        y = sample((1, 3), y_dtype, *y_domain, rng)     # a row: broadcast along axis 0
        if name == "true_div" or name == "pow" and x_dtype == "bool":
            y = np.maximum(y, 1).astype(y_dtype)     # no division by zero
        if name in ("int_div", "mod") and y_dtype == "bool":
            y = np.ones_like(y)
        with case(x_dtype, y_dtype):
            out, value = run(build, x, y)
            expected_dtype = div if name == "true_div" else arith
            assert out.dtype == expected_dtype
            assert_values(value, reference(x, y), expected_dtype)


@pytest.mark.parametrize("name", BINARY)
def test_binary_values_and_static_shapes_over_broadcast_patterns(name):
    build, reference, x_domain, y_domain = BINARY[name]
    rng = np.random.default_rng(RNG_SEED)
    for x_shape, y_shape in SHAPES:
        x = sample(x_shape, "float64", *x_domain, rng)
        y = sample(y_shape, "float64", *y_domain, rng)
        expected_shape = np.broadcast_shapes(x_shape, y_shape)
        with case(x_shape, y_shape):
            out, value = run(build, x, y)
            assert value.shape == expected_shape
            assert_values(value, reference(x, y), "float64")
            # Fully static input types: make_node's shape must be perform's.
            xs, ys = T.TensorType("float64", x_shape)(), T.TensorType("float64", y_shape)()
            out = build(xs, ys)
            assert out.type.shape == expected_shape
            assert function([xs, ys], out)(x, y).shape == expected_shape


# (expression, x dtype, numpy reference, result dtype): Python numbers are weak.
PYTHON_OPERANDS = [
    (lambda x: x + 2, "int8", lambda x: x + np.int8(2), "int8"),
    (lambda x: 2 - x, "int8", lambda x: np.int8(2) - x, "int8"),
    (lambda x: x * 2.5, "int8", lambda x: x * np.float32(2.5), "float32"),
    (lambda x: x * 0.1, "int8", lambda x: x * 0.1, "float64"),
    (lambda x: x / 2, "int8", lambda x: x / 2, "float64"),
    (lambda x: 3 / x, "int32", lambda x: 3 / x, "float64"),
    (lambda x: x // 2, "int16", lambda x: x // np.int16(2), "int16"),
    (lambda x: x % 3, "int16", lambda x: x % np.int16(3), "int16"),
    (lambda x: x ** 2, "int32", lambda x: x ** np.int32(2), "int32"),
    (lambda x: x + 2.0, "float32", lambda x: x + np.float32(2), "float32"),
    (lambda x: 2.0 - x, "float32", lambda x: np.float32(2) - x, "float32"),
    (lambda x: x * 3, "float32", lambda x: x * np.float32(3), "float32"),
    (lambda x: 1 / x, "float32", lambda x: np.float32(1) / x, "float32"),
    (lambda x: x ** 0.5, "float32", lambda x: x ** np.float32(0.5), "float32"),
    (lambda x: x * 0.1, "float32", lambda x: x.astype("float64") * 0.1, "float64"),
    (lambda x: 2 ** x, "float32", lambda x: np.float32(2) ** x, "float32"),
    (lambda x: 7.5 // x, "float64", lambda x: 7.5 // x, "float64"),
    (lambda x: 7.5 % x, "float64", lambda x: 7.5 % x, "float64"),
    (lambda x: -x, "uint8", lambda x: -x, "uint8"),
    (lambda x: x + 300, "int8", lambda x: x.astype("int16") + 300, "int16"),
    (lambda x: x + 1, "bool", lambda x: x.astype("int8") + np.int8(1), "int8"),
    (lambda x: x * 1.5, "bool", lambda x: x * np.float32(1.5), "float32"),
    (lambda x: x * 2, "uint8", lambda x: x.astype("int16") * 2, "int16"),
]


def test_python_number_operands():
    rng = np.random.default_rng(RNG_SEED)
    for number, (build, x_dtype, reference, dtype) in enumerate(PYTHON_OPERANDS):
        x = sample((2, 3), x_dtype, 1, 4, rng)
        with case(number, x_dtype):
            out, value = run(build, x)
            assert out.dtype == dtype
            assert_values(value, reference(x), dtype)


# name: (function, numpy, domain): the smooth float functions and the other unary ops.
UNARY = {
    "neg": (operator.neg, np.negative, (-3, 3)),
    "abs": (abs, np.abs, (-3, 3)),
    "exp": (T.exp, np.exp, (-3, 3)),
    "log": (T.log, np.log, (0.5, 4)),
    "log1p": (T.log1p, np.log1p, (-0.5, 3)),
    "expm1": (T.expm1, np.expm1, (-3, 3)),
    "sqrt": (T.sqrt, np.sqrt, (0.5, 4)),
    "sqr": (T.sqr, np.square, (-3, 3)),
    "sin": (T.sin, np.sin, (-3, 3)),
    "cos": (T.cos, np.cos, (-3, 3)),
    "tan": (T.tan, np.tan, (-1.2, 1.2)),
    "tanh": (T.tanh, np.tanh, (-3, 3)),
    "sinh": (T.sinh, np.sinh, (-3, 3)),
    "cosh": (T.cosh, np.cosh, (-3, 3)),
    "arcsin": (T.arcsin, np.arcsin, (-0.9, 0.9)),
    "arccos": (T.arccos, np.arccos, (-0.9, 0.9)),
    "arctan": (T.arctan, np.arctan, (-3, 3)),
}
SAME_DTYPE = ("neg", "abs", "sqr")   # the rest compute integers in a float dtype
FLOAT_OF = {"float64": "float64", "float32": "float32", "int8": "float32", "int16": "float32",
            "uint8": "float32", "bool": "float32", "int32": "float64", "int64": "float64"}


@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_dtype(name):
    build, reference, domain = UNARY[name]
    rng = np.random.default_rng(RNG_SEED)
    for dtype in FLOAT_OF:
        if name == "neg" and dtype == "bool":
            continue      # refused: test_negating_or_subtracting_bools_is_refused_with_advice
        low, high = domain
        if np.dtype(dtype).kind != "f":
            # Whole numbers inside the domain (at least 1 where log and sqrt need it).
            low = max(np.ceil(low), 1 if name in ("log", "sqrt") else 0 if dtype in (
                "bool", "uint8") else -np.inf)
            high = max(np.floor(high), low)
        x = sample((2, 3), dtype, low, high, rng)
        with case(dtype):
            out, value = run(build, x)
            expected = dtype if name in SAME_DTYPE else FLOAT_OF[dtype]
            assert out.dtype == expected
            computed_in = x if name in SAME_DTYPE else x.astype(expected)
            assert_values(value, reference(computed_in), expected)


@pytest.mark.parametrize("name", UNARY)
def test_unary_static_shape_and_values_over_shapes(name):
    build, reference, domain = UNARY[name]
    rng = np.random.default_rng(RNG_SEED)
    for shape in [(), (5,), (1, 4), (2, 0), (2, 1, 3)]:
        x = sample(shape, "float64", *domain, rng)
        xs = T.TensorType("float64", shape)()
        with case(shape):
            out = build(xs)
            value = function([xs], out)(x)
            assert out.type.shape == shape == value.shape
            assert_values(value, reference(x), "float64")


def test_fill_zeros_like_ones_like_values_dtypes_and_shapes():
    x = T.TensorType("float32", (2, None))("x")
    n = T.bvector("n")
    fill_row = T.fill(x, T.TensorType("int8", (1, None))())
    assert fill_row.type.shape == (2, None) and fill_row.dtype == "int8"   # the value's dtype
    outputs = [T.zeros_like(x), T.ones_like(x), T.zeros_like(n), T.ones_like(x, dtype="int64"),
               T.fill(x, 7.0), T.fill(n, 2)]
    f = function([x, n], outputs)
    values = f(np.arange(6, dtype="float32").reshape(2, 3), np.array([5, 6], "int8"))
    expected = [np.zeros((2, 3), "float32"), np.ones((2, 3), "float32"), np.zeros(2, "int8"),
                np.ones((2, 3), "int64"), np.full((2, 3), 7, "float32"), np.full(2, 2, "int8")]
    for value, want in zip(values, expected):
        assert value.dtype == want.dtype
        np.testing.assert_array_equal(value, want)


def test_fill_broadcasts_a_row_value_to_the_models_shape():
    x, r = T.dmatrix("x"), T.drow("r")
    value = function([x, r], T.fill(x, r))(np.zeros((3, 2)), np.array([[1.0, 2.0]]))
    np.testing.assert_array_equal(value, [[1, 2], [1, 2], [1, 2]])
    xs, rs = T.TensorType("float64", (3, 2))(), T.TensorType("float64", (1, 2))()
    static = T.fill(xs, rs)
    assert static.type.shape == (3, 2)
    assert function([xs, rs], static)(np.zeros((3, 2)), np.ones((1, 2))).shape == (3, 2)


def test_integer_pow_and_division_by_zero_follow_numpy():
    x, y = T.lvector("x"), T.lvector("y")
    f = function([x, y], [x ** y, x // y, x % y])
    with np.errstate(divide="ignore"):
        powers, quotients, remainders = f(np.array([2, -3, 7]), np.array([3, 2, -2]))
    np.testing.assert_array_equal(powers, [8, 9, 1 // 49])
    np.testing.assert_array_equal(quotients, [0, -2, -4])
    np.testing.assert_array_equal(remainders, [2, 1, -1])


# ---------------------------------------------------------------- gradients

# name: (function of x, y; domain of x; domain of y)
BINARY_GRADS = {
    "add": (operator.add, (-2, 2), (-2, 2)),
    "sub": (operator.sub, (-2, 2), (-2, 2)),
    "mul": (operator.mul, (-2, 2), (-2, 2)),
    "true_div": (operator.truediv, (-2, 2), (0.5, 2)),
    "mod": (operator.mod, (2.2, 2.8), (1.6, 2.0)),       # x / y in (1.1, 1.75): no jump
    "pow": (operator.pow, (0.5, 2), (-1.5, 1.5)),
    "add3": (lambda x, y: T.add(x, y, x * y), (-2, 2), (-2, 2)),
    "mul3": (lambda x, y: T.mul(x, y, x), (-2, 2), (-2, 2)),
}

# How y reaches x's shape (2, 3): its own shape and the pattern that broadcasts it.
GRAD_BROADCASTS = {
    "same": ((2, 3), (2, 3), lambda x: x, lambda y: y),
    "row": ((2, 3), (3,), lambda x: x, lambda y: y.dimshuffle("x", 0)),
    "col": ((2, 3), (2,), lambda x: x, lambda y: y.dimshuffle(0, "x")),
    "rank": ((2, 3), (3,), lambda x: x, lambda y: y),
    "scalar": ((2, 3), (), lambda x: x, lambda y: y),
    "x_col_y_row": ((2,), (3,), lambda x: x.dimshuffle(0, "x"), lambda y: y.dimshuffle("x", 0)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", BINARY_GRADS)
def test_binary_gradient_matches_finite_differences(name, dtype):
    build, x_domain, y_domain = BINARY_GRADS[name]
    rng = np.random.default_rng(RNG_SEED)
    for pattern, (x_shape, y_shape, adapt_x, adapt_y) in GRAD_BROADCASTS.items():
        x, y = sample(x_shape, dtype, *x_domain, rng), sample(y_shape, dtype, *y_domain, rng)
        with case(pattern):
            verify_grad(lambda a, b: build(adapt_x(a), adapt_y(b)), [x, y], rng=rng)


UNARY_GRAD_DOMAINS = {
    "neg": (-3, 3), "abs": (0.2, 2), "exp": (-2, 2), "log": (0.5, 3), "log1p": (-0.5, 3),
    "expm1": (-2, 2), "sqrt": (0.5, 3), "sqr": (-2, 2), "sin": (-3, 3), "cos": (-3, 3),
    "tan": (-1.2, 1.2), "tanh": (-2, 2), "sinh": (-2, 2), "cosh": (-2, 2),
    "arcsin": (-0.8, 0.8), "arccos": (-0.8, 0.8), "arctan": (-3, 3),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_gradient_matches_finite_differences(name, dtype):
    build = UNARY[name][0]
    rng = np.random.default_rng(RNG_SEED)
    for shape in [(), (4,), (2, 3)]:
        x = sample(shape, dtype, *UNARY_GRAD_DOMAINS[name], rng)
        if name == "abs":
            x = x * rng.choice([-1, 1], size=shape).astype(dtype)    # both sides of the kink
        with case(shape):
            verify_grad(build, [x], rng=rng)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fill_gradient_goes_to_the_value_summed_over_broadcast(dtype):
    x = np.ones((2, 3), dtype)
    verify_grad(lambda m, v: T.fill(m, v.dimshuffle("x", 0)) * m,
                [x, np.array([0.5, -1.0, 2.0], dtype)])
    m, v = T.TensorType(dtype, (None, None))("m"), T.TensorType(dtype, (1, None))("v")
    gm, gv = grad(T.fill(m, v).sum(), [m, v], disconnected_inputs="ignore")
    gm_value, gv_value = function([m, v], [gm, gv])(x, np.zeros((1, 3), dtype))
    np.testing.assert_array_equal(gm_value, np.zeros((2, 3)))   # only m's shape matters
    np.testing.assert_array_equal(gv_value, [[2.0, 2.0, 2.0]])


def test_abs_gradient_at_zero_is_exactly_zero():
    x = T.dvector("x")
    g = function([x], grad(abs(x).sum(), x))(np.array([-2.0, 0.0, 3.0, -0.0]))
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0, 0.0])


def test_pow_gradient_in_the_exponent_is_zero_where_the_base_is_zero():
    x, y = T.dvector("x"), T.dvector("y")
    gy = function([x, y], grad((x ** y).sum(), y))(np.array([0.0, 0.0, 2.0]),
                                                    np.array([1.5, 2.0, 3.0]))
    np.testing.assert_allclose(gy, [0.0, 0.0, np.log(2) * 8], rtol=1e-15)


def test_int_div_gradient_is_exactly_zero_and_says_why():
    x, y = T.dvector("x"), T.dvector("y")
    gx, gy = grad((x // y).sum(), [x, y])
    values = function([x, y], [gx, gy])(np.array([3.5, -2.0]), np.array([1.5, 0.7]))
    for value in values:
        assert value.dtype == np.float64
        np.testing.assert_array_equal(value, [0.0, 0.0])
    reason = IntDiv.zero_gradient_reason
    assert isinstance(reason, str) and "piecewise constant" in reason


def test_an_integer_operand_of_a_float_result_gets_its_float_gradient_as_in_theano():
    # Theano's grad: "DO NOT force integer variables to have zero grad"; only an integer result
    # passes zeros on (k * 2 below).
    x, k = T.dvector("x"), T.lvector("k")
    gx, gk = grad((x * k).sum(), [x, k])
    value_x, value_k = function([x, k], [gx, gk])(np.array([1.0, 2.0]), np.array([3, -4]))
    np.testing.assert_array_equal(value_x, [3.0, -4.0])
    np.testing.assert_array_equal(value_k, [1.0, 2.0])
    assert value_k.dtype == np.float64
    gk = grad((x * (k * 2)).sum(), k)
    through_integers = function([x, k], gk, on_unused_input="ignore")
    np.testing.assert_array_equal(through_integers(np.array([1.0, 2.0]), np.array([3, -4])),
                                  [0.0, 0.0])


def test_gradient_of_a_row_operand_is_summed_over_the_broadcast_axis():
    x, r = T.dmatrix("x"), T.drow("r")
    g = function([x, r], grad((x * r).sum(), r))(np.arange(6.0).reshape(3, 2), np.ones((1, 2)))
    assert g.shape == (1, 2)
    np.testing.assert_array_equal(g, [[0 + 2 + 4, 1 + 3 + 5]])


# ---------------------------------------------------------------- errors


def test_incompatible_static_shapes_name_the_op_lengths_and_line():
    a = T.TensorType("float64", (2, 3))("a")
    b = T.TensorType("float64", (4, 3))("b")
    build, line = (lambda: a * b), this_line()
    with pytest.raises(ShapeError) as info:
        build()
    message = str(info.value)
    assert message.startswith(f"Mul at tests/tensor/test_math.py:{line}: ")
    assert "axis 0 has lengths [2, 4]" in message
    assert "'a' (float64[2, 3]" in message and "'b' (float64[4, 3]" in message


def test_runtime_broadcast_of_a_non_broadcastable_axis_is_refused():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    out, line = x - y, this_line()
    f = function([x, y], out)
    with pytest.raises(EvaluationError) as info:
        f(np.ones((2, 3)), np.ones((1, 3)))
    message = str(info.value)
    assert message.startswith(f"Sub failed at tests/tensor/test_math.py:{line}: ShapeError: Sub: "
                              f"input 'y' (float64[?, ?]")
    assert "has length 1 on axis 0 at run time, but that axis was not declared broadcastable" \
        in message
    assert "(input shapes (2, 3), (1, 3))" in message and "T.row()/T.col()" in message


def test_runtime_shape_mismatch_names_the_op_the_shapes_and_the_line():
    x, y = T.dvector("x"), T.dvector("y")
    out, line = x + y, this_line()
    with pytest.raises(EvaluationError) as info:
        function([x, y], out)(np.ones(3), np.ones(4))
    message = str(info.value)
    assert message.startswith(f"Add failed at tests/tensor/test_math.py:{line}:")
    assert "x (float64[?], built at" in message and "shape (3,)" in message
    assert "shape (4,)" in message


def test_negating_or_subtracting_bools_is_refused_with_advice():
    p, q = T.TensorType("bool", (None,))("p"), T.TensorType("bool", (None,))("q")
    build, line = (lambda: -p), this_line()
    with pytest.raises(GraphlensTypeError) as info:
        build()
    assert str(info.value).startswith(f"Neg at tests/tensor/test_math.py:{line} is not defined "
                                      f"for bool inputs ('p' (bool[?]")
    assert "use ~x (logical not)" in str(info.value)
    with pytest.raises(GraphlensTypeError, match=r"Sub at .* is not defined for bool inputs.*"
                                                 r"use x \^ y \(xor\)"):
        p - q
    assert function([p], 1 - p)(np.array([True, False])).tolist() == [0, 1]


def test_complex_floor_division_is_refused():
    z = T.cvector("z")
    with pytest.raises(GraphlensTypeError, match="IntDiv at .* is not defined for complex64"):
        z // 2


@pytest.mark.parametrize("called", ["sgn", "round", "trunc", "floor", "ceil"])
def test_piecewise_constant_ops_name_the_function_called_in_reason_and_remedy(called):
    x = T.dvector("x")
    op = getattr(T, called)(x).owner.op
    assert op.zero_gradient_reason == (f"{called} is piecewise constant: its derivative is 0 "
                                       f"wherever it exists")
    assert f"straight_through(T.{called}(" in op.gradient_remedy
    assert f"keeps {called}'s value in the forward pass" in op.gradient_remedy
