"""A mismatch that declared static shapes already prove is an error when the graph is built,
with test values off: it names the op, both shapes and the user's line."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import config
from graphlens.errors import ShapeError
from graphlens.tensor.type import TensorType

HERE = "test_static_shape_errors.py"


def line_of(marker):
    with open(__file__) as source:
        for number, line in enumerate(source, 1):
            if line.rstrip().endswith("# " + marker):
                return number
    raise AssertionError(marker)


def test_dot_of_declared_784_columns_with_785_rows_fails_at_its_line():
    assert config.compute_test_value == "off"
    x = TensorType("float64", (None, 784))("x")
    W = TensorType("float64", (785, 10))("W")
    with pytest.raises(ShapeError) as info:
        T.dot(x, W)  # DOT
    message = str(info.value)
    assert "dot" in message and "784 and 785" in message
    assert "float64[?, 784]" in message and "float64[785, 10]" in message
    assert f"{HERE}:{line_of('DOT')}" in message


def test_elementwise_of_lengths_3_and_4_fails_naming_the_op_and_both_shapes():
    a = TensorType("float64", (3,))("a")
    b = TensorType("float64", (4,))("b")
    with pytest.raises(ShapeError) as info:
        a * b  # MUL
    message = str(info.value)
    assert "Mul at " in message and f"{HERE}:{line_of('MUL')}: " in message
    assert "float64[3]" in message and "float64[4]" in message and "[3, 4]" in message


def test_broadcastable_and_unknown_lengths_are_never_a_mismatch():
    row = T.drow("row")                                       # (1, ?)
    m = TensorType("float64", (3, 4))("m")
    assert (row + m).type.shape == (3, 4)
    assert (T.dvector() + TensorType("float64", (4,))()).type.shape == (4,)
    col = TensorType("float64", (3, 1))("col")
    assert (col * TensorType("float64", (1, 5))()).type.shape == (3, 5)
    # Lengths known only from a shared variable's current value prove nothing at build time:
    # set_value may change them (the views show them, the call checks them).
    W = graphlens.shared(np.zeros((5, 2)))
    assert T.dot(TensorType("float64", (None, 4))(), W).type.shape == (None, None)


def test_crossentropy_of_5_rows_and_6_labels_fails_at_its_line():
    p = TensorType("float64", (5, 10))("p")
    y = TensorType("int32", (6,))("y")
    with pytest.raises(ShapeError) as info:
        T.nnet.categorical_crossentropy(p, y)  # XENT
    message = str(info.value)
    assert "5 rows" in message and "6 labels" in message
    assert "float64[5, 10]" in message and "int32[6]" in message
    assert f"{HERE}:{line_of('XENT')}" in message
    good = T.nnet.categorical_crossentropy(p, TensorType("int32", (5,))("y"))
    assert good.type.shape == (5,)
