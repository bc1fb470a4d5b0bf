"""graphlens/tensor/nonzero.py: nonzero (tuple or matrix), flatnonzero and nonzero_values as
Theano's, against numpy; gradients, the zero-gradient reason, printing and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.errors import InvalidArgumentError
from graphlens.tensor.nonzero import Nonzero
from graphlens.trace import vanishing
from op_checks import assert_static_shape_fits, check, check_grad

MATRIX = np.array([[0.0, 1.5, 0.0, -2.0], [3.0, 0.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "bool"])
@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 2)])
def test_nonzero_matches_numpy(dtype, shape):
    values = MATRIX.reshape(-1)[:int(np.prod(shape))].reshape(shape).astype(dtype)
    variable = T.TensorType(dtype, (None,) * len(shape))("x")
    positions = T.nonzero(variable)
    assert isinstance(positions, tuple) and len(positions) == len(shape)
    got = function([variable], list(positions))(values)
    for mine, numpys in zip(got, np.nonzero(values)):
        assert mine.dtype == np.int64
        np.testing.assert_array_equal(mine, numpys)
    check(lambda x: T.nonzero(x, return_matrix=True), lambda a: np.array(np.nonzero(a)),
          values, dtype="int64")
    check(lambda x: T.flatnonzero(x), np.flatnonzero, values, dtype="int64")
    check(lambda x: T.nonzero_values(x), lambda a: a[np.nonzero(a)], values)
    check(lambda x: x.nonzero_values(), lambda a: a[np.nonzero(a)], values)


def test_nonzero_method_and_matrix_static_shape():
    m = T.dmatrix("m")
    rows, cols = m.nonzero()
    assert T.nonzero(m, return_matrix=True).type.shape == (2, None)
    value = function([m], m[rows, cols])(MATRIX)
    np.testing.assert_array_equal(value, [1.5, -2.0, 3.0, 0.5])
    assert_static_shape_fits(rows, np.zeros(4))


def test_nonzero_values_gradient_reaches_exactly_the_selected_elements():
    # The mask keeps the zeros where they are when verify_grad moves x a little.
    mask = T.constant((MATRIX != 0).astype("float64"))
    check_grad(lambda x: T.nonzero_values(x * mask) ** 2, MATRIX + 0.25)
    m = T.dmatrix("m")
    g = grad(T.sum(T.nonzero_values(m) * 3.0), m).eval({m: MATRIX})
    np.testing.assert_array_equal(g, 3.0 * (MATRIX != 0))


def test_nonzero_gradient_is_zero_and_the_tracer_says_why():
    w = T.dvector("w")
    cost = T.sum(T.cast(T.nonzero(w)[0], "float64"))
    (finding,) = vanishing(cost, [w]).findings
    (blocker,) = finding.blockers
    assert finding.status == "blocked"
    assert (blocker.title, blocker.kind) == ("nonzero", "zero_gradient")
    assert blocker.reason == Nonzero.zero_gradient_reason
    assert blocker.reason.startswith("nonzero returns positions")
    assert "T.nonzero_values(x)" in blocker.remedy


def test_nonzero_prints_and_refuses_scalars():
    m = T.dmatrix("m")
    assert pp(T.nonzero(m, return_matrix=True)) == "nonzero(m)"
    for build in (T.nonzero, T.flatnonzero, T.nonzero_values):
        with pytest.raises(InvalidArgumentError, match="at least one axis"):
            build(T.dscalar("s"))
