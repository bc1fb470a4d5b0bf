"""T.choose (graphlens/tensor/choose.py) and T.mgrid / T.ogrid (graphlens/tensor/grids.py):
values and dtypes against numpy, inferred shapes, finite-difference gradients, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import EvaluationError, GraphlensTypeError, InvalidArgumentError
from graphlens.tensor.choose import Choose
from tests.tensor.loop_cases import FLOATS, point, this_line
from tests.tensor.op_checks import check, check_grad, check_infer_shape

A = np.array([[0, 2, 1], [1, 0, 2]], dtype="int32")
OUT_OF_RANGE = np.array([[0, 4, -1], [3, 0, 2]], dtype="int32")


@pytest.mark.parametrize("dtype", FLOATS)
def test_choose_from_a_list_broadcasts_as_numpy(dtype):
    choices = [point((2, 3), dtype, 1), point((1, 3), dtype, 2), point((3,), dtype, 3)]
    check(lambda a, x, y, z: T.choose(a, [x, y, z]), lambda a, x, y, z: np.choose(a, [x, y, z]),
          A, *choices)


@pytest.mark.parametrize("mode", ["wrap", "clip"])
def test_choose_from_a_stacked_tensor_with_wrap_and_clip(mode):
    stacked = point((3, 2, 3), "float64", 4)
    check(lambda a, c: T.choose(a, c, mode=mode),
          lambda a, c: np.choose(a, c, mode=mode), OUT_OF_RANGE, stacked)
    # a stacked tensor of lower rank than a: numpy pads the choices on the left.
    rows = point((3, 3), "float32", 5)
    check(lambda a, c: T.choose(a, c, mode=mode), lambda a, c: np.choose(a, c, mode=mode),
          OUT_OF_RANGE, rows)


def test_choose_dtype_is_the_choices_upcast():
    a = T.ivector("a")
    out = T.choose(a, [T.ivector("i"), T.fvector("f")])
    assert out.dtype == "float64"
    value = function([a, *out.owner.inputs[1:]], out)(
        np.array([0, 1], dtype="int32"), np.array([5, 6], dtype="int32"),
        np.array([0.5, 1.5], dtype="float32"))
    np.testing.assert_array_equal(value, [5.0, 1.5])


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose_gradient_goes_to_the_chosen_entries(mode):
    a = A if mode == "raise" else OUT_OF_RANGE
    # y is a declared row: its gradient sums over the rows it was broadcast along.
    check_grad(lambda x, y, z: T.choose(a, [x, T.addbroadcast(y, 0), z], mode=mode),
               point((2, 3), "float64", 1), point((1, 3), "float64", 2), point((3,), "float64", 3))
    check_grad(lambda c: T.choose(a, T.addbroadcast(c, 2), mode=mode),
               point((3, 2, 1), "float64", 4))
    # Exact values: d sum(choose) / d choice_k counts how often k is picked per position.
    a_var, c = T.imatrix("a"), T.tensor3("c")
    gc = function([a_var, c], grad(T.choose(a_var, c, mode=mode).sum(), c))(
        a, point((5, 2, 3), "float64", 6))
    expected = np.stack([np.choose(a, np.eye(5)[k][:, None, None] * np.ones((5, 2, 3)),
                                   mode=mode) for k in range(5)])
    np.testing.assert_array_equal(gc, expected)


def test_choose_infer_shape_does_not_choose():
    check_infer_shape(lambda a, x, y: T.choose(a, [x, y]),
                      [A % 2, point((2, 3), "float64"), point((1, 3), "float64")], Choose)
    check_infer_shape(lambda a, c: T.choose(a, c), [A, point((3, 2, 3), "float64")], Choose)


def test_choose_errors_name_the_input_and_the_line():
    with pytest.raises(GraphlensTypeError, match="a must hold int indices"):
        T.choose(T.vector("a"), [T.vector("x")])
    with pytest.raises(InvalidArgumentError, match="out= is not supported"):
        T.choose(T.ivector("a"), [T.vector("x")], out=T.vector("o"))
    with pytest.raises(InvalidArgumentError, match="mode must be"):
        T.choose(T.ivector("a"), [T.vector("x")], mode="nearest")
    a, x, y = T.ivector("a"), T.vector("x"), T.vector("y")
    line = this_line() + 1
    f = function([a, x, y], T.choose(a, [x, y]))
    with pytest.raises(EvaluationError, match=rf"test_choose_grids.py:{line}"):
        f(np.array([0, 5], dtype="int32"), np.zeros(2), np.ones(2))


def test_mgrid_and_ogrid_match_numpy_values_dtypes_and_shapes():
    n = T.lscalar("n")
    dense = T.mgrid[0:3, 1:n:2]
    opened = T.ogrid[0:3, 1:n:2]
    got_dense = function([n], dense)(8)
    got_open = function([n], opened)(8)
    for got, want in zip(got_dense, np.mgrid[0:3, 1:8:2]):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == "int64"
    for got, want in zip(got_open, np.ogrid[0:3, 1:8:2]):
        np.testing.assert_array_equal(got, want)
    assert [g.type.shape for g in dense] == [(3, None), (3, None)]
    assert [g.type.shape for g in opened] == [(3, 1), (1, None)]
    floats = function([], T.mgrid[0:1:0.25, 0:2])()
    for got, want in zip(floats, np.mgrid[0:1:0.25, 0:2]):
        np.testing.assert_allclose(got, want)
    assert len(T.mgrid[0:4]) == 1


def test_grids_refuse_what_they_cannot_build():
    with pytest.raises(InvalidArgumentError, match="complex step"):
        T.mgrid[0:1:5j]
    with pytest.raises(InvalidArgumentError, match="stop given"):
        T.ogrid[0:]
