"""Every row of the upcasting table in docs/upcasting.md, read from the document itself.

Each row is built under both floatX settings; the declared dtype must match the table, and the
compiled function must return an array of exactly that dtype.
"""

import pathlib
import re

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function
from graphlens.graph.basic import Constant, graph_inputs

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "upcasting.md"
ROW = re.compile(r"^\| `(?P<expr>[^`]+)` \| (?P<f64>\w+) \| (?P<f32>\w+) \| (?P<rule>\w+) \|$")


def table_rows():
    """(expression, dtype under floatX=float64, dtype under floatX=float32) for every row."""
    rows = [ROW.match(line) for line in DOC.read_text().splitlines()]
    return [(m["expr"], m["f64"], m["f32"]) for m in rows if m]


def namespace():
    """Fresh variables named as in the table (created under the current floatX)."""
    names = {"T": T, "np": np, "vector": T.vector(), "u8": T.TensorType("uint8", (None,))(),
             "u16": T.TensorType("uint16", (None,))(), "bool": T.TensorType("bool", (None,))()}
    for prefix in "bwilfdc":
        names[prefix + "vector"] = getattr(T, prefix + "vector")()
        names[prefix + "scalar"] = getattr(T, prefix + "scalar")()
    return names


def sample(var):
    """A small value for an input variable: ones of its dtype (a length-3 vector or a scalar)."""
    return np.ones((3,) * var.ndim, dtype=var.dtype)


ROWS = table_rows()


def test_the_table_has_every_rule():
    assert len(ROWS) >= 80
    rules = {line.rsplit("|", 2)[1].strip() for line in DOC.read_text().splitlines()
             if ROW.match(line)}
    assert rules == {"1", "2", "3", "4", "5", "ops"}


@pytest.mark.parametrize("expression, dtype64, dtype32", ROWS, ids=[r[0] for r in ROWS])
def test_upcasting_table_row(expression, dtype64, dtype32):
    for float_x, expected in (("float64", dtype64), ("float32", dtype32)):
        with config.change_flags(floatX=float_x):
            result = eval(expression, namespace())
            assert result.dtype == expected, f"{expression} under floatX={float_x}"
            inputs = [v for v in graph_inputs([result]) if not isinstance(v, Constant)]
            value = function(inputs, result)(*[sample(v) for v in inputs])
        assert value.dtype == np.dtype(expected), f"{expression} under floatX={float_x}"


def test_weak_python_int_widens_instead_of_wrapping():
    x = T.bvector("x")
    np.testing.assert_array_equal(function([x], x + 300)(np.array([100, -100], "int8")),
                                  np.array([400, 200], "int16"))
    u = T.TensorType("uint8", (None,))("u")
    np.testing.assert_array_equal(function([u], u + -1)(np.array([0, 255], "uint8")),
                                  np.array([-1, 254], "int16"))


def test_weak_python_int_that_fits_wraps_like_numpy():
    # bvector + 1 stays int8, so 127 + 1 wraps exactly as numpy's int8 arithmetic does.
    x = T.bvector("x")
    assert function([x], x + 1)(np.array([127], "int8"))[0] == -128
