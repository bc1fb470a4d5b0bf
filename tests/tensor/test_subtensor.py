"""Indexing (graphlens/tensor/subtensor.py): basic and advanced indexing, set/inc_subtensor,
against numpy; static shapes; errors; finite-difference gradients."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.compile.function import function
from graphlens.errors import (DisconnectedInputError, EvaluationError, GraphlensTypeError,
                              ShapeError)
from graphlens.gradient import grad, verify_grad
from loop_cases import FLOATS, point

DTYPES = ["float64", "float32", "int16", "uint8", "bool"]


def sample(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(0, 5, size=shape) * 10).astype(dtype)


def check(array, index_fn, static=True, extra=()):
    """x[index_fn(x, *extra symbolic)] against numpy's array[index_fn(array, *extra values)].

    `extra` holds (symbolic variable, value) pairs used inside the index.
    """
    x = T.TensorType(array.dtype, array.shape if static else (None,) * array.ndim)("x")
    out = index_fn(x, *[var for var, _ in extra])
    value = function([x] + [var for var, _ in extra], out, on_unused_input="ignore")(
        array, *[v for _, v in extra])
    _assert_matches(out, value, np.asarray(index_fn(array, *[v for _, v in extra])))
    return out


def _assert_matches(out, value, expected):
    """The compiled value equals numpy's, and the static shape of `out` allows it."""
    assert value.dtype == expected.dtype and value.shape == expected.shape
    np.testing.assert_array_equal(value, expected)
    assert len(out.type.shape) == value.ndim, (out.type, value.shape)
    assert all(s is None or s == d for s, d in zip(out.type.shape, value.shape)), \
        (out.type, value.shape)


def check_many(array, index_fns, static):
    """Like check, for several indexings of one input compiled as one function (fast)."""
    x = T.TensorType(array.dtype, array.shape if static else (None,) * array.ndim)("x")
    outs = [index_fn(x) for index_fn in index_fns]
    for index_fn, out, value in zip(index_fns, outs, function([x], outs)(array)):
        _assert_matches(out, value, np.asarray(index_fn(array)))
    return outs


BASIC_INDICES = [
    lambda a: a[1], lambda a: a[-1], lambda a: a[1:3], lambda a: a[::-1], lambda a: a[::-2],
    lambda a: a[3:0:-1], lambda a: a[-2:], lambda a: a[:, 1], lambda a: a[1, -2],
    lambda a: a[:, ::2, 1], lambda a: a[None], lambda a: a[:, None, 1:],
    lambda a: a[..., 0], lambda a: a[0, ...], lambda a: a[..., None], lambda a: a[1, ..., 2:],
    lambda a: a[1, 2, 3], lambda a: a[10:], lambda a: a[-10:2], lambda a: a[:, :, ::-3],
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("static", [True, False])
def test_basic_indexing_matches_numpy(dtype, static):
    array = sample((4, 3, 5), dtype)
    for out in check_many(array, BASIC_INDICES, static):
        if static:
            assert None not in out.type.shape
        assert not isinstance(out.owner.op, T.subtensor.AdvancedSubtensor)


def test_basic_index_is_a_view_with_static_shape():
    x = T.TensorType("float64", (4, 5))("x")
    assert x[1:3, ::-2].type.shape == (2, 3)
    assert x[None, 2].type.shape == (1, 5)
    assert x[..., -1].type.shape == (4,)
    assert x[1].owner.op.view_map == {0: [0]}


def test_symbolic_scalar_indices_and_slice_bounds():
    i, j, k = T.lscalars("i", "j", "k")
    array = sample((6, 4), "float64")
    for fn, values in [(lambda a, i, j, k: a[i], (2, 0, 0)),
                       (lambda a, i, j, k: a[i:j], (1, 5, 0)),
                       (lambda a, i, j, k: a[j:i:k], (1, 5, -2)),
                       (lambda a, i, j, k: a[-i:, j], (3, 1, 0)),
                       (lambda a, i, j, k: a[::k, i], (0, 0, 3)),
                       (lambda a, i, j, k: a[i, j:], (4, 2, 1))]:
        out = check(array, fn, static=False,
                    extra=[(i, values[0]), (j, values[1]), (k, values[2])])
        assert not isinstance(out.owner.op, T.subtensor.AdvancedSubtensor)
    n32 = T.iscalar("n")
    check(array, lambda a, n: a[n, n:], static=True, extra=[(n32, 3)])


ADVANCED_INDICES = [
    lambda a: a[[0, 2, 2]], lambda a: a[np.array([[1, 0], [-1, 2]])],
    lambda a: a[:, [1, 0]], lambda a: a[[0, 1], [2, 0]], lambda a: a[[0, 1], :, [2, 0]],
    lambda a: a[1, :, [0, 3]], lambda a: a[:, 1, [0, 3]], lambda a: a[[[0], [1]], [0, 2]],
    lambda a: a[None, [1, 0]], lambda a: a[..., [4, 0]], lambda a: a[[2, 1], 1:],
    lambda a: a[np.array([True, False, True, False])],
    lambda a: a[np.array([[True, False, True]] * 4)],
    lambda a: a[:, np.array([False, True, True])], lambda a: a[1, np.array([True, False, True])],
    lambda a: a[[]], lambda a: a[:, [], 1],
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("static", [True, False])
def test_advanced_indexing_matches_numpy_placement_and_shape(dtype, static):
    array = sample((4, 3, 5), dtype)
    for out in check_many(array, ADVANCED_INDICES, static):
        assert isinstance(out.owner.op, T.subtensor.AdvancedSubtensor)
        if static:
            assert None not in out.type.shape, out.type


def test_symbolic_index_arrays_and_masks():
    idx = T.lvector("idx")
    mask = T.bvector("mask").astype("bool")
    matrix = T.imatrix("m")
    array = sample((5, 3), "float64")
    out = check(array, lambda a, i: a[i], static=False, extra=[(idx, np.array([4, 0, -1, 0]))])
    assert out.type.shape == (None, None)
    out = check(array, lambda a, i: a[i, 1:], static=True, extra=[(idx, np.array([1, 1]))])
    assert out.type.shape == (None, 2)
    check(array, lambda a, m: a[m], static=True,
          extra=[(matrix, np.array([[0, 1], [2, 3]], dtype="int32"))])
    x = T.dmatrix("x")
    m = T.bvector("m")
    f = function([x, m], x[T.cast(m, "bool")])
    np.testing.assert_array_equal(f(array, np.array([1, 0, 0, 1, 1], dtype="int8")),
                                  array[[0, 3, 4]])
    assert mask.dtype == "bool"


def test_picking_one_entry_per_row_as_in_the_tutorial():
    p = T.dmatrix("p")
    y = T.ivector("y")
    picked = p[T.arange(y.shape[0]), y]
    probabilities = np.array([[0.1, 0.9], [0.7, 0.3], [0.5, 0.5]])
    labels = np.array([1, 0, 1], dtype="int32")
    value = function([p, y], picked)(probabilities, labels)
    np.testing.assert_array_equal(value, probabilities[np.arange(3), labels])
    assert picked.ndim == 1


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_set_and_inc_subtensor_basic(dtype):
    array = sample((4, 5), dtype)
    cases = [(lambda a: a[1:3], 7), (lambda a: a[:, -1], np.arange(4)),
             (lambda a: a[::-2, 1], np.array([1, 2])), (lambda a: a[2], np.arange(5)),
             (lambda a: a[None, 1:, ::2], 3)]
    for region_fn, value in cases:
        value = np.asarray(value).astype(dtype)
        x = T.TensorType(dtype, (None, None))("x")
        y = T.TensorType(dtype, (None,) * value.ndim)("y")
        f = function([x, y], [T.set_subtensor(region_fn(x), y), T.inc_subtensor(region_fn(x), y)])
        set_value, inc_value = f(array, value)
        expected_set, expected_inc = array.copy(), array.copy()
        region_fn(expected_set)[...] = value
        region_fn(expected_inc)[...] += value
        np.testing.assert_array_equal(set_value, expected_set)
        np.testing.assert_array_equal(inc_value, expected_inc)
        assert set_value.dtype == dtype
    np.testing.assert_array_equal(array, sample((4, 5), dtype))     # inputs untouched


def test_set_and_inc_subtensor_advanced_repeated_indices_accumulate():
    x = T.dvector("x")
    idx = T.lvector("idx")
    y = T.dvector("y")
    f = function([x, idx, y], [T.inc_subtensor(x[idx], y), T.set_subtensor(x[idx], y)])
    inc, assigned = f(np.zeros(4), np.array([1, 1, 3, 1]), np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(inc, [0.0, 7.0, 0.0, 3.0])
    np.testing.assert_array_equal(assigned, [0.0, 4.0, 0.0, 3.0])   # numpy: the last one wins
    m = T.dmatrix("m")
    g = function([m], T.inc_subtensor(m[[0, 0, 2], [1, 1, 0]], 1.0))(np.zeros((3, 2)))
    np.testing.assert_array_equal(g, [[0, 2], [0, 0], [1, 0]])
    masked = function([m], T.set_subtensor(m[m > 0.5], 0.0))(np.array([[0.2, 0.9], [0.7, 0.1]]))
    np.testing.assert_array_equal(masked, [[0.2, 0.0], [0.0, 0.1]])


def test_set_subtensor_casts_a_weak_value_and_refuses_an_unsafe_one():
    x = T.ivector("x")
    out = T.set_subtensor(x[0], 5)
    assert out.dtype == "int32"
    with pytest.raises(GraphlensTypeError, match="cannot put"):
        T.set_subtensor(x[0], T.dscalar("d"))


def test_indexing_errors_are_clear():
    x = T.TensorType("float64", (3, 4))("x")
    with pytest.raises(ShapeError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(ShapeError, match=r"index 3 is out of bounds for axis 0 of 'x'"):
        x[3]
    with pytest.raises(ShapeError, match="step cannot be zero"):
        x[::0]
    with pytest.raises(GraphlensTypeError, match="index array must be int or bool"):
        x[T.dvector("f")]
    with pytest.raises(GraphlensTypeError, match="an index must be an int scalar"):
        x[T.dscalar("s"):]
    with pytest.raises(ShapeError, match="does not fit axis 0"):
        x[np.array([True, False])]
    with pytest.raises(GraphlensTypeError, match="take an indexed variable"):
        T.set_subtensor(x, 1.0)
    with pytest.raises(ShapeError, match="more axes than the region"):
        T.set_subtensor(x[0], T.dmatrix("m"))
    with pytest.raises(ShapeError, match="does not fit the region"):
        T.set_subtensor(x[0], T.TensorType("float64", (3,))("y"))


def test_runtime_index_errors_name_the_node():
    x = T.dvector("x")
    i = T.lscalar("i")
    with pytest.raises(EvaluationError, match="out of bounds"):
        function([x, i], x[i])(np.zeros(3), 5)


def test_inc_subtensor_refuses_an_undeclared_runtime_broadcast():
    x = T.dmatrix("x")
    y = T.dmatrix("y")
    f = function([x, y], T.inc_subtensor(x[1:], y))
    np.testing.assert_array_equal(f(np.zeros((3, 2)), np.ones((2, 2))), [[0, 0], [1, 1], [1, 1]])
    with pytest.raises(EvaluationError, match="not declared broadcastable"):
        f(np.zeros((3, 2)), np.ones((1, 2)))
    r = T.drow("r")
    value = function([x, r], T.inc_subtensor(x[1:], r))(np.zeros((3, 2)), np.ones((1, 2)))
    np.testing.assert_array_equal(value, [[0, 0], [1, 1], [1, 1]])


# ---- gradients -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_basic_indexing_grads(dtype):
    x = point((4, 3, 5), dtype)
    for index_fn in BASIC_INDICES[:16]:
        verify_grad(lambda v: index_fn(v) ** 2, [x])


@pytest.mark.parametrize("dtype", FLOATS)
def test_advanced_indexing_grads_accumulate_repeated_indices(dtype):
    x = point((4, 3, 5), dtype)
    for index_fn in ADVANCED_INDICES:
        verify_grad(lambda v: index_fn(v) ** 2, [x])
    v = T.TensorType(dtype, (None,))("v")
    g = function([v], grad(v[[0, 2, 2, 2]].sum(), v))(np.ones(3, dtype=dtype))
    np.testing.assert_array_equal(g, [1.0, 0.0, 3.0])
    assert g.dtype == dtype


@pytest.mark.parametrize("dtype", FLOATS)
def test_set_and_inc_subtensor_grads_with_broadcast_values(dtype):
    x, row = point((4, 5), dtype), point((5,), dtype, seed=2)
    scalar = point((), dtype, seed=3)
    verify_grad(lambda a, b: T.set_subtensor(a[1:3], b) ** 2, [x, row])
    verify_grad(lambda a, b: T.inc_subtensor(a[::-2], b) ** 2, [x, row])
    verify_grad(lambda a, s: T.set_subtensor(a[:, 1], s) ** 2, [x, scalar])
    verify_grad(lambda a, s: T.inc_subtensor(a[2, 1:], s) ** 2, [x, scalar])
    verify_grad(lambda a, b: T.inc_subtensor(a[[0, 0, 3]], b) ** 2, [x, row])
    verify_grad(lambda a, b: T.set_subtensor(a[[1, 3], 2:], b[:3]) ** 2, [x, row])
    verify_grad(lambda a, s: T.inc_subtensor(a[a > 0], s) ** 2, [x, scalar])


def test_set_subtensor_grad_of_x_is_zero_in_the_overwritten_region():
    x = T.dvector("x")
    y = T.dscalar("y")
    out = T.set_subtensor(x[1:3], y)
    gx, gy = grad((out * np.array([1.0, 2.0, 3.0, 4.0])).sum(), [x, y])
    gx_value, gy_value = function([x, y], [gx, gy])(np.zeros(4), 1.0)
    np.testing.assert_array_equal(gx_value, [1.0, 0.0, 0.0, 4.0])
    assert gy_value == 5.0


def test_gradient_through_an_argmax_index_is_the_max_gradient():
    x = T.dvector("x")
    g = function([x], grad(x[T.argmax(x)] * 3.0, x))(np.array([1.0, 5.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 3.0, 0.0])


def test_an_index_is_disconnected_from_the_cost_as_in_theano():
    p = T.dmatrix("p")
    y = T.ivector("y")
    i = T.lscalar("i")
    cost = -T.log(p[T.arange(y.shape[0]), y]).mean() + p[i:].sum()
    gp = grad(cost, p)
    value = function([p, y, i], gp)(np.full((2, 2), 0.5), np.array([0, 1], dtype="int32"), 1)
    np.testing.assert_allclose(value, [[-1.0, 0.0], [1.0, 0.0]])
    # Theano's Subtensor gave its indices a disconnected gradient: DisconnectedInputError (a
    # ValueError), or zeros with disconnected_inputs='ignore'
    with pytest.raises(DisconnectedInputError,
                       match=r"'y' \(int32\[\?\], built at .*test_subtensor.py:\d+\) \(an "
                             r"integer: as an index or slice bound"):
        grad(cost, y)
    with pytest.raises(ValueError, match="'i'.*slice bound"):
        grad(cost, [p, i])
    gi = grad(cost, i, disconnected_inputs="ignore")
    assert function([i], gi)(1) == 0


def test_a_list_holding_slices_indexes_as_a_tuple_as_in_theano():
    """Keras' Theano backend reverses axes with x[[slice(None, None, -1), slice(None)]]: Theano
    (and numpy before 1.23) read a list holding a slice, None or ... as a tuple of indices."""
    x = T.dtensor3("x")
    xv = sample((2, 3, 4), "float64", 5)
    reversed_first = x[[slice(None, None, -1), slice(None), slice(None)]]
    padded = x[[slice(1, None), None, Ellipsis]]
    picked = x[[1, 0]]                     # a list of ints stays an advanced index
    got = function([x], [reversed_first, padded, picked])(xv)
    np.testing.assert_array_equal(got[0], xv[::-1])
    np.testing.assert_array_equal(got[1], xv[1:, None, ...])
    np.testing.assert_array_equal(got[2], xv[[1, 0]])
    assert reversed_first.type.shape == (None, None, None) and padded.ndim == 4
