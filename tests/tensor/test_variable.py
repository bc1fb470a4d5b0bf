"""graphlens/tensor/variable.py: operators and methods of TensorVariable, constants (weak Python
numbers), as_tensor_variable, and the errors of using a symbol as a value."""

import operator

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function
from graphlens.errors import GraphlensTypeError
from graphlens.tensor.variable import TensorConstant

# operator: (numpy reference); each applied as x op y and as y op x with a Python number.
OPERATORS = {
    "+": (operator.add, "Add"), "-": (operator.sub, "Sub"), "*": (operator.mul, "Mul"),
    "/": (operator.truediv, "TrueDiv"), "//": (operator.floordiv, "IntDiv"),
    "%": (operator.mod, "Mod"), "**": (operator.pow, "Pow"),
}


@pytest.mark.parametrize("symbol", OPERATORS)
def test_binary_operators_build_their_op_on_both_sides(symbol):
    apply, op_name = OPERATORS[symbol]
    x = T.dvector("x")
    values = np.array([1.5, 2.0, 3.0])
    forward, reflected = apply(x, 2), apply(2, x)
    assert type(forward.owner.op).__name__ == op_name == type(reflected.owner.op).__name__
    got_forward, got_reflected = function([x], [forward, reflected])(values)
    np.testing.assert_allclose(got_forward, apply(values, 2.0), rtol=1e-15)
    np.testing.assert_allclose(got_reflected, apply(2.0, values), rtol=1e-15)


def test_unary_operators_comparisons_and_logic():
    x, b = T.dvector("x"), T.bvector("b")
    outputs = [-x, +x, abs(x), x < 0, x <= 0, x > 0, x >= 0, (x > 0) & (x < 2),
               (x < 0) | (x > 2), (x > 0) ^ (x > 1), ~b, 3 & b, 1 | b]
    assert outputs[1] is x
    data = np.array([-1.0, 0.0, 1.5, 3.0])
    got = function([x, b], outputs, on_unused_input="ignore")(data, np.array([5, 6, 7, 8], "int8"))
    expected = [-data, data, np.abs(data), data < 0, data <= 0, data > 0, data >= 0,
                (data > 0) & (data < 2), (data < 0) | (data > 2), (data > 0) ^ (data > 1),
                [-6, -7, -8, -9], [1, 2, 3, 0], [5, 7, 7, 9]]
    for value, want in zip(got, expected):
        np.testing.assert_array_equal(value, want)


def test_equality_is_identity_so_variables_work_as_dict_keys():
    x, y = T.dvector("x"), T.dvector("y")
    assert (x == y) is False and (x == x) is True
    assert {x: 1, y: 2}[y] == 2
    assert T.eq(x, y).dtype == "bool"


def test_matmul_transpose_and_shape_properties():
    a, b = T.dmatrix("a"), T.dmatrix("b")
    left, right = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    prod, rprod, transposed, shape, size = function([a, b], [
        a @ b, np.float64(1.0) * (a.T.T @ b), a.T, a.shape, a.size])(left, right)
    np.testing.assert_array_equal(prod, left @ right)
    np.testing.assert_array_equal(rprod, left @ right)
    np.testing.assert_array_equal(transposed, left.T)
    assert shape.tolist() == [2, 3] and shape.dtype == np.int64 and size == 6
    assert (a.dtype, a.ndim, a.broadcastable) == ("float64", 2, (False, False))


def test_methods_match_their_functions():
    x = T.dmatrix("x")
    data = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])
    outputs = [x.sum(axis=0), x.prod(axis=1), x.mean(), x.var(axis=1), x.std(), x.max(axis=1),
               x.min(), x.argmax(axis=1), x.argmin(), x.all(), x.any(axis=0),
               x.reshape((3, 2)), x.reshape(6), x.dimshuffle(1, "x", 0), x.transpose(1, 0),
               x.flatten(), x.astype("int8"), x.clip(-1, 1), x.dot(x.T), x.sum(keepdims=True)]
    expected = [data.sum(0), data.prod(1), data.mean(), data.var(1), data.std(), data.max(1),
                data.min(), data.argmax(1), data.argmin(), data.all(), data.any(0),
                data.reshape(3, 2), data.reshape(6), data.T[:, None, :], data.T,
                data.ravel(), data.astype("int8"), data.clip(-1, 1), data @ data.T,
                data.sum(keepdims=True)]
    for number, (value, want) in enumerate(zip(function([x], outputs)(data), expected)):
        assert value.shape == np.shape(want), number
        np.testing.assert_allclose(value, want, rtol=1e-14, err_msg=str(number))


def test_eval_with_values_for_the_inputs():
    x, y = T.dscalar("x"), T.dscalar("y")
    assert (x * 2 + y).eval({x: 3.0, y: 1.0}) == 7.0
    assert T.constant(4.0).eval() == 4.0


@pytest.mark.parametrize("use, message", [
    (lambda v: bool(v > 0), "a symbolic comparison has no truth value"),
    (len, "len() of a symbolic variable is unknown; use x.shape[0]"),
    (iter, "a symbolic variable cannot be iterated (x): its length is not known when the "
           "graph is built; index it, e.g. x[0]"),
    (lambda v: sum(v.dimshuffle(0, "x")), "a symbolic variable cannot be iterated ("),
])
def test_using_a_symbol_as_a_value_explains_what_to_do(use, message):
    x = T.dvector("x")
    with pytest.raises(GraphlensTypeError) as info:
        use(x)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("float_x", ["float64", "float32"])
def test_constants_dtypes_and_weakness(float_x):
    with config.change_flags(floatX=float_x):
        inexact = "float64" if float_x == "float64" else float_x
        cases = [(2.0, "float32", True), (0.1, inexact, True), (2, "int8", True),
                 (300, "int16", True), (2**40, "int64", True), (1j, "complex128", True),
                 (True, "bool", False), (np.float64(2.0), "float64", False),
                 (np.int8(3), "int8", False), ([1, 2], "int64", False),
                 ([1.5, 2.5], float_x, False), (np.zeros(2, "float32"), "float32", False)]
        for value, dtype, weak in cases:
            c = T.constant(value)
            assert isinstance(c, TensorConstant)
            assert (c.dtype, c.weak) == (dtype, weak), value
            assert c.type.shape == np.shape(value)
    assert T.constant(2.0, dtype="float32").weak is False
    with config.change_flags(floatX=float_x):
        assert T.constant(1, dtype="floatX").dtype == float_x
        assert T.zeros_like(T.bvector(), dtype="floatX").dtype == float_x
        assert T.ones_like(T.dvector(), "floatX").dtype == float_x


def test_constant_data_is_read_only_and_not_shared_with_the_callers_array():
    source = np.array([1.0, 2.0])
    c = T.constant(source)
    source[0] = 99.0
    assert c.data.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        c.data[0] = 5.0


def test_as_tensor_variable_passes_variables_and_stacks_lists_of_them():
    x, s = T.dvector("x"), T.dscalar("s")
    assert T.as_tensor_variable(x) is x
    stacked = T.as_tensor_variable([s, 2.0, s * 3])
    assert stacked.type.shape == (3,)
    np.testing.assert_array_equal(function([s], stacked)(2.0), [2.0, 2.0, 6.0])
    assert T.as_tensor_variable(x, ndim=1) is x


@pytest.mark.parametrize("value, message", [
    ("abc", "cannot make a tensor of 'abc': unsupported dtype '<U3'"),
    (None, "cannot make a tensor of None: unsupported dtype 'object'"),
    (2 ** 70, "cannot make a tensor of 1180591620717411303424: "),
    ([[1, 2], [3]], "cannot make a tensor of [[1, 2], [3]]: "),
])
def test_as_tensor_variable_refuses_what_is_not_numbers(value, message):
    with pytest.raises(GraphlensTypeError) as info:
        T.as_tensor_variable(value)
    assert str(info.value).startswith(message)
    with pytest.raises(GraphlensTypeError, match="cannot make a tensor of"):
        T.dvector("x") + value


def test_as_tensor_variable_checks_the_rank():
    # Theano's: leading axes of length 1 are added or dropped to reach ndim, no others.
    assert T.as_tensor_variable(T.dvector(), ndim=2).type.shape == (1, None)
    with pytest.raises(GraphlensTypeError, match=r"expected a tensor of rank 1, got float64\[\?, \?\]"):
        T.as_tensor_variable(T.dmatrix(), ndim=1)
    with pytest.raises(ValueError):             # Theano's class for it
        T.as_tensor_variable(T.dmatrix(), ndim=1)


def test_a_vector_of_known_length_unpacks_as_in_theano():
    """`rows, cols = x.shape` and `list(x.shape)` (Keras' Theano backend squeezes that way)."""
    x = T.dtensor3("x")
    rows, cols, depth = x.shape
    head = list(x.shape[1:])
    assert len(head) == 2
    stacked = tuple(T.stack([rows, 7]))
    value = np.zeros((2, 3, 4))
    f = function([x], [rows, cols, depth, head[1], stacked[1]])
    assert [int(v) for v in f(value)] == [2, 3, 4, 4, 7]
    assert T.get_vector_length(x.shape[::2]) == 2
    assert T.get_vector_length(T.constant([1.0, 2.0, 3.0])) == 3
    with pytest.raises(ValueError, match="length of .* is not known"):
        T.get_vector_length(T.dvector("v"))
    with pytest.raises(TypeError, match="not a vector"):
        T.get_vector_length(x)
