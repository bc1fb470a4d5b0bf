"""graphlens/tensor/tensordot.py and blas.BatchedDot: outer, tensordot, batched_dot and
batched_tensordot against numpy; dtypes, static shapes, gradients, printing and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, pp
from graphlens.errors import EvaluationError, GraphlensTypeError, InvalidArgumentError, ShapeError
from graphlens.tensor.blas import BatchedDot
from op_checks import check, check_grad

RNG = np.random.default_rng(17)
A = RNG.normal(size=(2, 3, 4))
B = RNG.normal(size=(4, 3, 5))


def test_outer_matches_numpy_and_flattens_other_ranks():
    u, v = RNG.normal(size=3), RNG.normal(size=4)
    check(T.outer, np.outer, u, v)
    check(T.outer, np.outer, A[0], v)
    check_grad(T.outer, u, v)
    check(T.outer, np.outer, u.astype("float32"), v.astype("float32"))


@pytest.mark.parametrize("axes", [0, 1, [[1], [1]], [[1, 2], [1, 0]], [[2, 1], [0, 1]], (2, 0),
                                  [[-1], [0]]])
def test_tensordot_matches_numpy(axes):
    check(lambda a, b: T.tensordot(a, b, axes), lambda a, b: np.tensordot(a, b, axes), A, B,
          rtol=1e-10)
    check_grad(lambda a, b: T.tensordot(a, b, axes), A, B)


def test_tensordot_default_axes_and_dtypes():
    a, b = RNG.normal(size=(3, 4, 5)), RNG.normal(size=(4, 5, 2))
    check(lambda x, y: T.tensordot(x, y), lambda x, y: np.tensordot(x, y), a, b, rtol=1e-10)
    counts = RNG.integers(-3, 3, size=(5, 2)).astype("int8")
    check(lambda x, y: T.tensordot(x, y, 1), lambda x, y: np.tensordot(x, y, 1),
          a.astype("float32"), counts, dtype="float32", rtol=1e-5)
    x = T.TensorType("float64", (3, 4, 5))("x")
    y = T.TensorType("float64", (4, 5, 2))("y")
    assert T.tensordot(x, y).type.shape == (3, 2)
    assert T.tensordot(x, y, 0).type.shape == (3, 4, 5, 4, 5, 2)


def test_tensordot_errors_name_the_axes():
    a, b = T.dtensor3("a"), T.dmatrix("b")
    with pytest.raises(InvalidArgumentError, match="axes=3 must be between 0 and"):
        T.tensordot(a, b, 3)
    with pytest.raises(InvalidArgumentError, match="1 axes of a but 2 of b"):
        T.tensordot(a, b, [[0], [0, 1]])
    with pytest.raises(InvalidArgumentError, match="axis 3 is out of range for a"):
        T.tensordot(a, b, [[3], [0]])
    with pytest.raises(InvalidArgumentError, match="axis 0 of b is listed twice"):
        T.tensordot(a, b, [[0, 1], [0, 0]])
    with pytest.raises(InvalidArgumentError, match="an int or a pair"):
        T.tensordot(a, b, "last")
    x = T.TensorType("float64", (3, 4))("x")
    with pytest.raises(ShapeError, match="axis 1 of a has length 4 but axis 0 of b has 3"):
        T.tensordot(x, x, [[1], [0]])


@pytest.mark.parametrize("shapes", [((5, 3, 4), (5, 4, 2)), ((5, 3, 4), (5, 4)),
                                    ((5, 4), (5, 4, 2)), ((5, 4), (5, 4)), ((5,), (5, 3)),
                                    ((5, 3), (5,)), ((5, 2, 3, 4), (5, 4, 2))])
def test_batched_dot_is_dot_of_each_pair(shapes):
    a, b = RNG.normal(size=shapes[0]), RNG.normal(size=shapes[1])

    def reference(x, y):
        if x.ndim == 1 or y.ndim == 1:
            return (x.reshape(x.shape + (1,) * (y.ndim - 1)) * y if x.ndim == 1
                    else x * y.reshape(y.shape + (1,) * (x.ndim - 1)))
        return np.stack([np.dot(xi, yi) for xi, yi in zip(x, y)])

    check(T.batched_dot, reference, a, b, rtol=1e-10)
    check_grad(T.batched_dot, a, b)


def test_batched_dot_dtype_shape_and_printing():
    a = T.TensorType("float32", (5, 3, 4))("a")
    b = T.TensorType("int8", (None, 4, 2))("b")
    out = T.batched_dot(a, b)
    assert out.dtype == "float32" and out.type.shape == (5, 3, 2)
    assert isinstance(out.owner.op, BatchedDot)
    assert pp(out) == "batched_dot(a, b)"


@pytest.mark.parametrize("axes, shape_b", [([[2, 3], [2, 1]], (3, 5, 4, 2)),
                                           (1, (3, 5, 4, 2)), ([[1], [3]], (3, 5, 4, 2)),
                                           (2, (3, 4, 5, 2))])
def test_batched_tensordot_matches_a_loop_of_tensordots(axes, shape_b):
    a, b = RNG.normal(size=(3, 2, 4, 5)), RNG.normal(size=shape_b)
    # numpy's axes of one pair: an int n stays n; named axes lose the batch axis.
    inner = axes if isinstance(axes, int) else [[i - 1 for i in axes[0]],
                                                [j - 1 for j in axes[1]]]
    check(lambda x, y: T.batched_tensordot(x, y, axes),
          lambda x, y: np.stack([np.tensordot(xi, yi, inner) for xi, yi in zip(x, y)]),
          a, b, rtol=1e-10)
    check_grad(lambda x, y: T.batched_tensordot(x, y, axes), a, b)


def test_batched_dot_errors():
    with pytest.raises(GraphlensTypeError, match="need a batch axis"):
        T.batched_dot(T.dscalar(), T.dvector())
    with pytest.raises(ShapeError, match="batch lengths differ, 5 and 4"):
        T.batched_dot(T.TensorType("float64", (5, 3))(), T.TensorType("float64", (4, 3))())
    with pytest.raises(InvalidArgumentError, match="axis 0 of a is the batch axis"):
        T.batched_tensordot(T.dtensor3("a"), T.dtensor3("b"), [[0], [1]])
    a, b = T.dtensor3("a"), T.dtensor3("b")
    f = function([a, b], T.batched_dot(a, b))
    with pytest.raises((EvaluationError, ValueError), match="do not fit"):
        f(np.ones((2, 3, 4)), np.ones((3, 4, 2)))
