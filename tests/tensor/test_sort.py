"""graphlens/tensor/sort.py (Theano's theano.tensor.sort): sort and argsort against numpy, the
permutation gradient of sort, argsort's zero gradient with its reason, printing and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.errors import AxisError, EvaluationError, InvalidArgumentError
from graphlens.tensor.sort import Argsort, ScatterAlongAxis, TakeAlongAxis
from graphlens.trace import vanishing
from op_checks import check, check_grad

CUBE = np.random.default_rng(11).permutation(24).reshape(2, 3, 4) / 7.0 - 1.5


@pytest.mark.parametrize("axis", [-1, 0, 1, 2, None])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "uint16"])
def test_sort_and_argsort_match_numpy(axis, dtype):
    values = (CUBE * 10).astype(dtype)
    check(lambda x: T.sort(x, axis=axis), lambda a: np.sort(a, axis=axis), values)
    check(lambda x: T.argsort(x, axis=axis), lambda a: np.argsort(a, axis=axis), values,
          dtype="int64")


def test_methods_and_kinds():
    values = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 5.0]])
    check(lambda x: x.sort(), lambda a: np.sort(a), values)
    check(lambda x: x.sort(axis=0, kind="mergesort"), lambda a: np.sort(a, axis=0), values)
    # A stable argsort keeps tied elements in their order.
    check(lambda x: x.argsort(kind="stable"), lambda a: np.argsort(a, kind="stable"), values,
          dtype="int64")


def test_sort_puts_nan_last_like_numpy():
    values = np.array([2.0, np.nan, -1.0])
    check(lambda x: T.sort(x), lambda a: np.sort(a), values)


@pytest.mark.parametrize("axis", [-1, 0, 1, None])
def test_sort_gradient_agrees_with_finite_differences(axis):
    check_grad(lambda x: T.sort(x, axis=axis) * np.arange(1.0, 25.0).reshape(
        (2, 3, 4) if axis is not None else (24,)), CUBE)


def test_sort_gradient_sends_each_gradient_back_to_its_element():
    v = T.dvector("v")
    weights = np.array([1.0, 10.0, 100.0])
    g = grad((T.sort(v) * weights).sum(), v)
    # sorted: [v[1], v[2], v[0]], so v[1] gets 1, v[2] 10 and v[0] 100.
    np.testing.assert_array_equal(g.eval({v: np.array([5.0, -2.0, 0.5])}), [100.0, 1.0, 10.0])


def test_argsort_gradient_is_zero_and_the_tracer_says_why():
    w = T.dvector("w")
    positions = T.argsort(w)
    cost = T.sum(positions * w)          # w reaches the cost directly and through argsort
    g = grad(cost, w).eval({w: np.array([2.0, 1.0, 3.0])})
    np.testing.assert_array_equal(g, [1.0, 0.0, 2.0])     # only the direct path: argsort(w)
    (finding,) = vanishing(T.sum(positions * 1.0), [w]).findings
    assert finding.status == "blocked"
    (blocker,) = finding.blockers
    assert (blocker.title, blocker.kind) == ("argsort", "zero_gradient")
    assert blocker.reason == Argsort.zero_gradient_reason
    assert blocker.reason.startswith("argsort returns positions")
    assert "T.sort(x)" in blocker.remedy


def test_take_and_scatter_along_axis_are_each_others_gradient():
    positions = T.constant(np.array([[2, 0, 0], [1, 1, 2]]))
    check_grad(lambda x: TakeAlongAxis(1)(x, positions) ** 2, np.array([[1.0, 2, 3], [4, 5, 6]]))
    check_grad(lambda x, v: ScatterAlongAxis(1)(x, positions, v) ** 2,
               np.array([[1.0, 2, 3], [4, 5, 6]]), np.array([[0.5, -1, 2], [1, 1, 3]]))
    x, v = T.dmatrix("x"), T.dmatrix("v")
    value = function([x, v], ScatterAlongAxis(1)(x, positions, v))(np.zeros((2, 3)),
                                                                   np.ones((2, 3)))
    np.testing.assert_array_equal(value, [[2.0, 0.0, 1.0], [0.0, 2.0, 1.0]])   # repeats add up


def test_sort_prints_its_axis_and_kind():
    m = T.dmatrix("m")
    assert pp(T.sort(m)) == "sort(m, axis=1)"
    assert pp(T.argsort(m, axis=0, kind="stable")) == "argsort(m, axis=0, kind='stable')"


def test_errors_name_the_argument():
    with pytest.raises(AxisError, match="sort: axis 2 is out of range"):
        T.sort(T.dmatrix("m"), axis=2)
    with pytest.raises(InvalidArgumentError, match="kind must be one of"):
        T.sort(T.dvector(), kind="bogosort")
    with pytest.raises(InvalidArgumentError, match="tensors have no fields"):
        T.argsort(T.dvector(), order="name")
    with pytest.raises(AxisError):
        T.sort(T.dscalar("s"))
    assert T.sort(T.dscalar("s"), axis=None).ndim == 1       # flattened, as numpy


def test_searchsorted_refusals_are_theanos_classes():
    from graphlens.tensor.extra_ops import searchsorted
    x, v = T.dvector("x"), T.dvector("v")
    with pytest.raises(ValueError, match="sorted vector"):
        searchsorted(T.dmatrix(), v)
    with pytest.raises(ValueError, match="positions must be ints of the rank"):
        searchsorted(x, v, sorter=T.lmatrix())          # a sorter of another rank
    with pytest.raises(TypeError, match="positions must be ints"):
        searchsorted(x, v, sorter=T.fvector())          # float positions


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_matches_numpy_and_has_a_zero_gradient(side):
    from graphlens.tensor.extra_ops import searchsorted
    from graphlens.tensor.sort import Searchsorted
    haystack = np.array([1.0, 2.0, 2.0, 5.0])
    needles = np.array([[2.0, 0.0], [6.0, 1.5]])
    check(lambda x, v: searchsorted(x, v, side), lambda x, v: np.searchsorted(x, v, side),
          haystack, needles, dtype="int64")
    order = np.array([2, 0, 3, 1])
    unsorted = haystack[np.argsort(order)]
    check(lambda x, v, s: searchsorted(x, v, side, sorter=s),
          lambda x, v, s: np.searchsorted(x, v, side, sorter=s), unsorted, needles,
          np.argsort(unsorted), dtype="int64")
    v = T.dvector("v")
    positions = searchsorted(T.constant(haystack), v, side)
    assert pp(positions) == (f"searchsorted({pp(positions.owner.inputs[0])}, v, side='right')"
                             if side == "right" else
                             f"searchsorted({pp(positions.owner.inputs[0])}, v)")
    (finding,) = vanishing(T.sum(positions * 1.0), [v]).findings
    assert finding.blockers[0].reason == Searchsorted.zero_gradient_reason
    with pytest.raises(InvalidArgumentError, match="side must be 'left' or 'right'"):
        searchsorted(T.dvector(), v, "middle")


def test_take_along_axis_refuses_to_broadcast_positions():
    x, p = T.dmatrix("x"), T.lmatrix("p")
    f = function([x, p], TakeAlongAxis(1)(x, p))
    with pytest.raises((EvaluationError, ValueError), match="all lengths but axis 1 must agree"):
        f(np.zeros((3, 4)), np.zeros((1, 2), dtype="int64"))


def test_sort_and_argsort_take_a_symbolic_axis_read_when_the_function_runs():
    # Theano's SortOp took its axis as an input: sort(a, T.scalar()) and argsort(a, T.lscalar()).
    a, axis, k = T.dmatrix("a"), T.scalar("axis"), T.lscalar("k")
    m = np.array([[3.0, 1.0, 2.0], [0.5, 4.0, -1.0]])
    f = function([a, axis], T.sort(a, axis))
    g = function([a, k], T.argsort(a, k))
    for value in (0, 1, -1, -2):
        np.testing.assert_array_equal(f(m, value), np.sort(m, value))
        np.testing.assert_array_equal(g(m, value), np.argsort(m, value))
    for bad in (2, -3):
        with pytest.raises(AssertionError, match="whole number in"):
            g(m, bad)
    with pytest.raises(AssertionError, match="whole number in"):
        f(m, 0.5)
    d = grad((T.sort(a, k)[0] * [1.0, 2.0, 3.0]).sum(), a)
    np.testing.assert_array_equal(function([a, k], d)(m, 0), [[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])
    np.testing.assert_array_equal(function([a, k], d)(m, 1), [[3.0, 1.0, 2.0], [0.0, 0.0, 0.0]])
