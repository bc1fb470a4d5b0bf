"""graphlens/tensor/type.py: TensorType (static shapes, equality, printing) and `filter`, which
checks every value a compiled function receives; its refusals are tested for their text."""

import sys

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.errors import GraphlensTypeError, ShapeError
from graphlens.tensor.type import TensorType


def test_types_compare_and_hash_by_dtype_and_shape():
    assert TensorType("float32", (None, 3)) == TensorType(np.float32, [None, 3])
    assert TensorType("float32", (None, 3)) != TensorType("float64", (None, 3))
    assert TensorType("float32", (None, 3)) != TensorType("float32", (1, 3))
    assert len({TensorType("int8", (2,)), TensorType(np.dtype("int8"), (2,))}) == 1
    assert TensorType("float32", (True, False)) == TensorType("float32", (1, None))


def test_types_print_dtype_and_shape_with_question_marks():
    assert str(TensorType("float32", (None, 784))) == "float32[?, 784]"
    assert repr(TensorType("float32", (None, 784))) == "TensorType(float32, (?, 784))"
    assert repr(TensorType("int8", (3,))) == "TensorType(int8, (3,))"
    assert str(TensorType("float64", ())) == "float64"


def test_type_properties_and_clone():
    t = TensorType("float64", (1, None, 4))
    assert (t.ndim, t.broadcastable) == (3, (True, False, False))
    assert t.clone(dtype="int8") == TensorType("int8", (1, None, 4))
    assert t.clone(shape=(None,)) == TensorType("float64", (None,))
    assert t.is_compatible_shape((1, 7, 4)) and not t.is_compatible_shape((2, 7, 4))
    assert not t.is_compatible_shape((1, 7))
    var = t("v")
    assert var.type is t and var.name == "v" and var.owner is None


def test_floatx_is_accepted_as_a_dtype_name():
    from graphlens import config
    with config.change_flags(floatX="float32"):
        assert TensorType("floatX", (False,)) == TensorType("float32", (None,))
    assert TensorType("floatX", ()).dtype == "float64"


def test_invalid_types_are_refused_with_reasons():
    with pytest.raises(GraphlensTypeError, match=r"unsupported dtype 'object'; use one of"):
        TensorType(object, ())
    with pytest.raises(ShapeError, match="a static dimension must be >= 0 or None, got -1"):
        TensorType("float32", (3, -1))


# (value, variable type, accepted result) for values that fit without losing anything.
ACCEPTED = [
    (3, TensorType("float32", ()), np.float32(3)),
    (2.5, TensorType("float32", ()), np.float32(2.5)),
    ([1, 2, 3], TensorType("int8", (None,)), np.array([1, 2, 3], "int8")),
    ([[1.5, 2]], TensorType("float64", (1, None)), np.array([[1.5, 2]])),
    (np.arange(3, dtype="int8"), TensorType("float32", (3,)), np.arange(3, dtype="float32")),
    (np.arange(3, dtype="int32"), TensorType("float64", (None,)), np.arange(3.0)),
    (np.array([True, False]), TensorType("int8", (None,)), np.array([1, 0], "int8")),
    (np.float32(1.5), TensorType("float64", ()), np.float64(1.5)),
    (np.float64(2.5), TensorType("float64", ()), np.float64(2.5)),
    (np.arange(3.0).astype(">f8"), TensorType("float64", (None,)), np.arange(3.0)),
    (np.zeros((2, 3)), TensorType("float64", (None, 3)), np.zeros((2, 3))),
    ([True, False], TensorType("bool", (None,)), np.array([True, False])),
    ([0, 1], TensorType("bool", (None,)), np.array([False, True])),
    (1 + 2j, TensorType("complex64", ()), np.complex64(1 + 2j)),
]


@pytest.mark.parametrize("value, var_type, expected", ACCEPTED)
def test_filter_accepts_values_that_fit(value, var_type, expected):
    result = var_type.filter(value)
    assert isinstance(result, np.ndarray) and result.dtype == var_type.dtype
    np.testing.assert_array_equal(result, expected)


def test_filter_returns_an_array_of_the_right_dtype_without_copying():
    data = np.zeros((2, 3), "float32")
    assert TensorType("float32", (None, None)).filter(data) is data


# (value, variable type, message) for values that do not fit.
REFUSED = [
    (np.zeros(3), TensorType("float32", (None,)),
     "value has dtype float64 but the variable is float32: the cast could lose information. "
     "Pass `value.astype('float32')`, or compile with allow_input_downcast=True"),
    (np.arange(3), TensorType("int8", (None,)),
     "value has dtype int64 but the variable is int8: the cast could lose information"),
    (np.arange(3, dtype="int64"), TensorType("float32", (None,)),
     "value has dtype int64 but the variable is float32"),
    ([1.5, 2.0], TensorType("int32", (None,)), "value holds floats but the variable is int32"),
    ([1, 300], TensorType("int8", (None,)),
     "value [1, 300] does not fit dtype int8 without changing its values"),
    (300, TensorType("int8", ()), "value 300 does not fit dtype int8 without changing its values"),
    (-1, TensorType("uint64", ()), "value -1 does not fit dtype uint64 without changing its values"),
    (2**63, TensorType("int64", ()),
     "value 9223372036854775808 does not fit dtype int64 without changing its values"),
    ([0, 2], TensorType("bool", (None,)),
     "value [0, 2] does not fit dtype bool without changing its values"),
    (1 + 2j, TensorType("float64", ()), "value holds complex numbers but the variable is float64"),
    ([[1, 2], [3]], TensorType("float64", (None, None)), "value cannot be read as an array"),
    ("abc", TensorType("float64", ()), "value cannot be read as an array of numbers: 'abc'"),
    (None, TensorType("float64", ()), "value cannot be read as an array of numbers: None"),
    (np.array(["a"]), TensorType("float64", (None,)), "value has dtype <U1, not numbers"),
    (np.zeros(3), TensorType("float64", (None, None)),
     "value has rank 1 (shape (3,)) but the variable is float64[?, ?], of rank 2"),
    (np.zeros((2, 4)), TensorType("float64", (None, 3)),
     "value has shape (2, 4), which does not fit float64[?, 3]"),
]


@pytest.mark.parametrize("value, var_type, message", REFUSED)
def test_filter_refuses_values_that_do_not_fit_saying_why(value, var_type, message):
    with pytest.raises((GraphlensTypeError, ShapeError)) as info:
        var_type.filter(value)
    assert str(info.value).startswith(message)


def test_allow_downcast_accepts_lossy_conversions():
    t = TensorType("float32", (None,))
    result = t.filter(np.array([1.0, 1e-50]), allow_downcast=True)
    assert result.dtype == np.float32 and result.tolist() == [1.0, 0.0]
    assert TensorType("int8", (None,)).filter([1.7, 300], allow_downcast=True).dtype == np.int8


# ------------------------------------------ the same checks through a compiled function


def test_float64_array_into_fvector_is_refused_naming_the_input():
    x = T.fvector("x")
    f = function([x], x * 2)
    with pytest.raises(GraphlensTypeError) as info:
        f(np.array([1.0, 2.0]))
    assert str(info.value).startswith(
        "argument 0 for 'x' (float32[?], built at tests/tensor/test_type.py:")
    assert ("has dtype float64 but the variable is float32: the cast could lose information. "
            "Pass `value.astype('float32')`, or compile with allow_input_downcast=True"
            ) in str(info.value)


def test_float64_array_into_fvector_is_accepted_with_allow_input_downcast():
    x = T.fvector("x")
    f = function([x], x * 2, allow_input_downcast=True)
    result = f(np.array([1.0, 2.5]))
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, [2.0, 5.0])
    assert function([x], x * 2)([1.0, 2.5]).dtype == np.float32   # Python floats are fine


def test_wrong_rank_through_a_function_names_the_input_and_both_ranks():
    x, y = T.dmatrix("x"), T.dvector("y")
    f = function([x, y], x + y)
    with pytest.raises(GraphlensTypeError) as info:
        line = sys._getframe().f_lineno + 1
        f(np.ones((2, 3)), np.ones((2, 3)))
    message = str(info.value)
    assert message.startswith("argument 1 for 'y' (float64[?], built at "
                              "tests/tensor/test_type.py:")
    assert message.endswith("has rank 2 (shape (2, 3)) but the variable is float64[?], of rank 1 "
                            f"(at tests/tensor/test_type.py:{line})")


def test_static_length_mismatch_through_a_function_names_the_input():
    x = T.TensorType("float64", (None, 3))("x")
    with pytest.raises(ShapeError, match=r"argument 0 for 'x' \(float64\[\?, 3\], built at "
                                         r"tests/tensor/test_type.py:\d+\) has shape \(2, 4\), "
                                         r"which does not fit float64\[\?, 3\]"):
        function([x], x * 2)(np.ones((2, 4)))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint32", "uint64"])
def test_a_python_int_in_range_keeps_its_value_at_both_ends(dtype):
    info = np.iinfo(dtype)
    for value in (int(info.min), 0, 7, int(info.max)):
        result = TensorType(dtype, ()).filter(value)
        assert type(result) is np.ndarray and result.dtype == dtype and result.shape == ()
        assert int(result) == value


def test_filter_takes_theanos_strict_and_allow_downcast_arguments():
    kind = T.fmatrix().type
    exact = np.ones((2, 2), dtype="float32")
    assert kind.filter(exact, strict=True) is exact          # as it is, no copy
    for bad in (np.ones((2, 2)), [[1.0, 2.0]], np.ones(2, dtype="float32")):
        with pytest.raises(TypeError, match="strict"):
            kind.filter(bad, strict=True)
    assert kind.filter(np.ones((2, 2)), False, True).dtype == np.float32   # positional, Theano's order
    with pytest.raises(TypeError):
        kind.filter(np.ones((2, 2)) * 0.1)                  # a float64 array is not downcast
