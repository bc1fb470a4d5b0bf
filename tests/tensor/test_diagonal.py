"""graphlens/tensor/diagonal.py: Theano's diag (vector -> matrix, matrix -> vector) and
diagonal against numpy; offsets, other axes, static shapes, gradients, printing, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import grad, pp
from graphlens.errors import AxisError, InvalidArgumentError
from graphlens.tensor.diagonal import AllocDiag, ExtractDiag
from op_checks import check, check_grad

MATRIX = np.arange(12.0).reshape(3, 4) - 5.5
CUBE = np.arange(24.0).reshape(2, 3, 4) / 3.0


@pytest.mark.parametrize("k", [0, 1, -1, 3, -2, 5])
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_diag_of_a_matrix_is_its_diagonal_and_of_a_vector_a_matrix(k, dtype):
    check(lambda x: T.diag(x, k), lambda a: np.diag(a, k), MATRIX.astype(dtype))
    check(lambda v: T.diag(v, k), lambda a: np.diag(a, k), np.arange(1, 4).astype(dtype))


@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 0, 2), (-1, 2, 1),
                                                  (0, -1, 0), (2, 1, 2)])
def test_diagonal_over_any_two_axes_matches_numpy(offset, axis1, axis2):
    check(lambda x: T.diagonal(x, offset, axis1, axis2),
          lambda a: np.diagonal(a, offset, axis1, axis2), CUBE)
    check(lambda x: x.diagonal(offset, axis1, axis2),
          lambda a: np.diagonal(a, offset, axis1, axis2), CUBE)
    check_grad(lambda x: T.diagonal(x, offset, axis1, axis2) ** 2, CUBE)


@pytest.mark.parametrize("k", [0, 2, -1])
def test_diag_gradients_agree_with_finite_differences(k):
    check_grad(lambda x: T.diag(x, k) ** 2, MATRIX)
    check_grad(lambda v: T.diag(v, k) * np.arange(1.0, 1.0 + (3 + abs(k)) ** 2).reshape(
        3 + abs(k), 3 + abs(k)), np.array([0.5, -1.0, 2.0]))


def test_diag_gradient_lands_on_the_diagonal_only():
    m = T.dmatrix("m")
    g = grad(T.diag(m, 1).sum(), m).eval({m: MATRIX})
    np.testing.assert_array_equal(g, np.eye(3, 4, 1))


def test_static_shapes():
    x = T.TensorType("float64", (3, 5))("x")
    assert T.diag(x).type.shape == (3,)
    assert T.diag(x, 3).type.shape == (2,)
    assert T.diag(x, -4).type.shape == (0,)
    assert T.diag(T.TensorType("float64", (4,))("v"), -2).type.shape == (6, 6)
    assert T.diag(T.dvector("v")).type.shape == (None, None)


def test_diag_prints_what_it_does():
    m, v = T.dmatrix("m"), T.dvector("v")
    assert pp(T.diag(m)) == "diagonal(m)"
    assert pp(T.diag(m, -1)) == "diagonal(m, offset=-1)"
    assert pp(T.diag(v, 2)) == "alloc_diag(v, offset=2)"
    assert isinstance(T.diag(m).owner.op, ExtractDiag)
    assert isinstance(T.diag(v).owner.op, AllocDiag)


def test_errors_are_clear():
    with pytest.raises(InvalidArgumentError, match="diag at .* takes a vector or a matrix"):
        T.diag(T.dscalar("s"))
    with pytest.raises(InvalidArgumentError, match="the offset must be an int"):
        T.diag(T.dvector("v"), 1.5)
    with pytest.raises(InvalidArgumentError, match="axis1 and axis2 are both axis 1"):
        T.diagonal(T.dtensor3("t"), 0, 1, -2)
    with pytest.raises(AxisError):
        T.diagonal(T.dmatrix("m"), 0, 0, 2)
    assert isinstance(InvalidArgumentError("x"), ValueError)   # Theano raised ValueError


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2), (3, 3, 3)])
def test_fill_diagonal_matches_numpy_and_differentiates(shape):
    from graphlens.tensor.extra_ops import fill_diagonal

    def reference(a):
        out = a.copy()
        np.fill_diagonal(out, 7.0)
        return out

    values = np.arange(float(np.prod(shape))).reshape(shape)
    check(lambda x: fill_diagonal(x, 7.0), reference, values)
    check_grad(lambda x, v: fill_diagonal(x, v) ** 2, values, np.array(0.5))
    m = T.dmatrix("m")
    g = grad(fill_diagonal(m, 7.0).sum(), m).eval({m: np.ones((2, 3))})
    np.testing.assert_array_equal(g, 1 - np.eye(2, 3))


@pytest.mark.parametrize("offset", [0, 1, -2, 4])
def test_fill_diagonal_offset_matches_numpy(offset):
    from graphlens.tensor.extra_ops import fill_diagonal_offset

    def reference(a):
        out = a.copy()
        rows = np.arange(out.shape[0])[:, None]
        out[np.arange(out.shape[1])[None, :] - rows == offset] = -1.0
        return out

    check(lambda x: fill_diagonal_offset(x, -1.0, offset), reference, MATRIX)
    check_grad(lambda x: fill_diagonal_offset(x, -1.0, offset) ** 2, MATRIX)


@pytest.mark.parametrize("k", [0, 1, -1, 5])
def test_tril_triu_and_tri_match_numpy(k):
    check(lambda x: T.tril(x, k), lambda a: np.tril(a, k), MATRIX)
    check(lambda x: T.triu(x, k), lambda a: np.triu(a, k), CUBE)
    check_grad(lambda x: T.tril(x, k) ** 2, MATRIX)
    check_grad(lambda x: T.triu(x, k) ** 2, MATRIX)
    assert np.array_equal(T.tri(3, 4, k).eval(), np.tri(3, 4, k))
    assert T.tri(2).dtype == "float64" and T.tri(2, dtype="int8").dtype == "int8"


def test_triangles_keep_infinities_off_their_side_out_of_the_result():
    m = T.dmatrix("m")
    value = T.tril(m).eval({m: np.array([[1.0, np.inf], [2.0, 3.0]])})
    np.testing.assert_array_equal(value, [[1.0, 0.0], [2.0, 3.0]])   # not NaN (inf * 0)


def test_identity_like_has_the_shape_and_dtype_of_its_model():
    check(T.identity_like, lambda a: np.eye(*a.shape, dtype=a.dtype),
          np.zeros((2, 3), dtype="float32"))
    with pytest.raises(InvalidArgumentError, match="identity_like at .* takes a matrix"):
        T.identity_like(T.dvector())
