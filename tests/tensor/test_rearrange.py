"""graphlens/tensor/rearrange.py: tile and roll as Theano's and numpy's; static shapes,
gradients, symbolic arguments, printing and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.errors import AxisError, EvaluationError, GraphlensTypeError, InvalidArgumentError
from op_checks import check, check_grad

MATRIX = np.arange(6.0).reshape(2, 3) - 2.5


@pytest.mark.parametrize("reps", [2, (2,), (1, 3), (2, 2), (3, 1, 2), (0, 2), [2, 1, 1, 2]])
@pytest.mark.parametrize("dtype", ["float64", "int8", "bool"])
def test_tile_matches_numpy(reps, dtype):
    check(lambda x: T.tile(x, reps), lambda a: np.tile(a, reps), (MATRIX > 0).astype(dtype)
          if dtype == "bool" else MATRIX.astype(dtype))


def test_tile_of_a_vector_with_ndim_and_static_shape():
    check(lambda x: T.tile(x, 2, ndim=3), lambda a: np.tile(a, (1, 1, 2)), np.arange(3.0))
    x = T.TensorType("float64", (2, 3))("x")
    assert T.tile(x, (2, 3)).type.shape == (4, 9)
    assert T.tile(x, (2, T.iscalar())).type.shape == (4, None)
    assert T.tile(x, (3, 1, 1)).type.shape == (3, 2, 3)


def test_tile_with_symbolic_counts_and_a_count_vector():
    x, n, reps = T.dmatrix("x"), T.iscalar("n"), T.lvector("reps")
    f = function([x, n, reps], [T.tile(x, (n, 2)), T.tile(x, reps, ndim=3), T.tile(x, n)])
    by_n, by_vector, by_scalar = f(MATRIX, 3, np.array([2, 2]))
    np.testing.assert_array_equal(by_n, np.tile(MATRIX, (3, 2)))
    np.testing.assert_array_equal(by_vector, np.tile(MATRIX, (1, 2, 2)))
    np.testing.assert_array_equal(by_scalar, np.tile(MATRIX, 3))


@pytest.mark.parametrize("reps", [(2, 3), (3, 1, 2), 2])
def test_tile_gradient_sums_the_copies(reps):
    check_grad(lambda x: T.tile(x, reps) ** 2, MATRIX)
    x = T.dmatrix("x")
    g = grad(T.tile(x, reps).sum(), x).eval({x: MATRIX})
    np.testing.assert_array_equal(g, np.full(MATRIX.shape, np.prod(reps)))


def test_tile_errors_are_theanos_value_errors_with_our_message():
    x = T.dmatrix("x")
    with pytest.raises(InvalidArgumentError, match="ndim=1 is less than the rank"):
        T.tile(x, (2, 2), ndim=1)
    with pytest.raises(InvalidArgumentError, match="3 counts for a result of rank ndim=2"):
        T.tile(x, (2, 2, 2), ndim=2)
    with pytest.raises(InvalidArgumentError, match="reps must be integers"):
        T.tile(x, 1.5)
    with pytest.raises(InvalidArgumentError, match="reps must hold ints"):
        T.tile(x, (2, 1.5))
    with pytest.raises(InvalidArgumentError, match="pass ndim"):
        T.tile(x, T.lvector("reps"))
    with pytest.raises(InvalidArgumentError, match="counts must be >= 0"):
        T.tile(x, (2, -1))
    assert isinstance(InvalidArgumentError("x"), ValueError)      # as Theano's ValueError


@pytest.mark.parametrize("shift, axis", [(1, None), (-2, None), (1, 0), (4, 1), (-1, -1),
                                         (0, 1), (7, None)])
def test_roll_matches_numpy(shift, axis):
    check(lambda x: T.roll(x, shift, axis), lambda a: np.roll(a, shift, axis), MATRIX)
    check_grad(lambda x: T.roll(x, shift, axis) * np.arange(6.0).reshape(2, 3), MATRIX)


def test_roll_with_a_symbolic_shift():
    v, k = T.dvector("v"), T.iscalar("k")
    f = function([v, k], [T.roll(v, k), grad((T.roll(v, k) * np.arange(4.0)).sum(), v)])
    rolled, g = f(np.array([1.0, 2.0, 3.0, 4.0]), 1)
    np.testing.assert_array_equal(rolled, [4.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g, [1.0, 2.0, 3.0, 0.0])


def test_tile_and_roll_print_as_calls():
    m, k = T.dmatrix("m"), T.lscalar("k")
    assert pp(T.tile(m, (2, 3))) == "tile(m, 2, 3)"
    assert pp(T.roll(m, k, axis=1)) == "roll(m, k, axis=1)"


def test_roll_refuses_bad_axes_and_shifts():
    with pytest.raises(AxisError, match="roll: axis 2 is out of range"):
        T.roll(T.dmatrix(), 1, axis=2)
    with pytest.raises(GraphlensTypeError, match="roll: shift must be an int scalar"):
        T.roll(T.dvector(), 1.5)
    t, n = T.lmatrix("t"), T.iscalar("n")
    with pytest.raises((EvaluationError, ValueError), match="cannot tile an array of shape"):
        function([t, n], T.tile(t, (n, 1)))(np.ones((2, 2), dtype="int64"), -1)
