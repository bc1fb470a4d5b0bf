"""Theano's TensorVariable methods (round, sort, argsort, nonzero, nonzero_values, norm, repeat,
cumsum, cumprod, diagonal), graphlens/tensor/norm.py and round's modes."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import grad, pp
from graphlens.errors import InvalidArgumentError
from graphlens.tensor.rounding import Round, RoundHalfAwayFromZero
from graphlens.trace import vanishing
from op_checks import check, check_grad

MATRIX = np.array([[0.5, -1.5, 2.5, 0.0], [-2.5, 3.0, -0.4999, 1.25]])


def test_methods_build_the_same_ops_as_the_functions():
    x = T.dmatrix("x")
    pairs = [(x.round(), T.round(x)), (x.sort(), T.sort(x)), (x.argsort(0), T.argsort(x, 0)),
             (x.nonzero_values(), T.nonzero_values(x)), (x.repeat(2, 1), T.repeat(x, 2, 1)),
             (x.cumsum(1), T.cumsum(x, 1)), (x.cumprod(), T.cumprod(x)),
             (x.diagonal(1), T.diagonal(x, 1)), (x.norm(2, axis=1), (abs(x) ** 2).sum(1) ** 0.5)]
    for method, function in pairs:
        assert pp(method) == pp(function)
    assert [pp(v) for v in x.nonzero()] == [pp(v) for v in T.nonzero(x)]


def test_round_modes_match_numpy_and_python():
    check(lambda x: x.round(), np.round, MATRIX)
    check(lambda x: T.round(x, "half_to_even"), np.round, MATRIX)
    away = np.sign(MATRIX) * np.floor(np.abs(MATRIX) + 0.5)
    check(lambda x: x.round("half_away_from_zero"), lambda a: away, MATRIX)
    check(lambda x: T.round(x, mode="half_away_from_zero"), lambda a: away.astype("float32"),
          MATRIX.astype("float32"))
    check(lambda x: T.round(x, mode="half_away_from_zero"), lambda a: a,
          np.array([-3, 4], dtype="int16"))
    # Exact at the largest double below 0.5, where floor(x + 0.5) would give 1.
    check(lambda x: T.round(x, "half_away_from_zero"), lambda a: np.zeros(1),
          np.array([0.49999999999999994]))
    with pytest.raises(InvalidArgumentError, match="round: mode must be one of"):
        T.round(T.dvector(), "up")


def test_round_half_away_from_zero_blocks_the_gradient_and_says_why():
    w = T.dvector("w")
    rounded = T.round(w, "half_away_from_zero")
    assert pp(rounded) == "round_half_away_from_zero(w)"
    assert isinstance(rounded.owner.op, Round) and isinstance(rounded.owner.op,
                                                               RoundHalfAwayFromZero)
    np.testing.assert_array_equal(grad(rounded.sum(), w).eval({w: np.array([0.2, 1.7])}), [0, 0])
    (finding,) = vanishing(T.sum(rounded), [w]).findings
    (blocker,) = finding.blockers
    assert blocker.kind == "zero_gradient"
    assert blocker.reason == "round is piecewise constant: its derivative is 0 wherever it exists"
    assert "straight_through(T.round(x), x)" in blocker.remedy


@pytest.mark.parametrize("L", [1, 2, 3, 0.5, np.inf, -np.inf, 0])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_norm_matches_numpy(L, axis):
    if axis is None:
        def reference(a):
            flat = a.reshape(-1)
            if L == 0:
                return np.count_nonzero(flat)
            return np.linalg.norm(flat, L)
    else:
        def reference(a):
            if L == 0:
                return np.count_nonzero(a, axis=axis)
            return np.linalg.norm(a, L, axis=axis)
    check(lambda x: x.norm(L, axis=axis), reference, MATRIX, rtol=1e-12,
          dtype="int64" if L == 0 else None)


def test_norm_keepdims_dtype_and_gradient():
    check(lambda x: x.norm(2, axis=1, keepdims=True),
          lambda a: np.linalg.norm(a, axis=1, keepdims=True), MATRIX)
    check(lambda x: x.norm(2), lambda a: np.linalg.norm(a).astype("float32"),
          MATRIX.astype("float32"))
    nonzero = MATRIX + 0.125 * (MATRIX == 0)
    check_grad(lambda x: x.norm(2, axis=0), nonzero)
    check_grad(lambda x: x.norm(3), nonzero)
    check_grad(lambda x: x.norm(np.inf, axis=1), nonzero)
    with pytest.raises(InvalidArgumentError, match="L must be a number"):
        T.dvector().norm("fro")


def test_more_of_theanos_methods_match_numpy():
    cube = np.arange(24.0).reshape(2, 3, 4) - 7
    check(lambda x: x.zeros_like(), np.zeros_like, cube)
    check(lambda x: x.ones_like(dtype="int8"), lambda a: np.ones_like(a, dtype="int8"), cube)
    check(lambda x: x.ravel(), np.ravel, cube)
    check(lambda x: x.swapaxes(0, 2), lambda a: a.swapaxes(0, 2), cube)
    check(lambda x: T.swapaxes(x, -1, 1), lambda a: a.swapaxes(-1, 1), cube)
    check(lambda x: x.trace(), np.trace, MATRIX)
    check(lambda x: x.ptp(), np.ptp, cube)
    check(lambda x: x.ptp(axis=1, keepdims=True), lambda a: np.ptp(a, axis=1, keepdims=True),
          cube)
    check(lambda x: x.searchsorted(np.array([0.0, 9.5])),
          lambda a: np.searchsorted(a, [0.0, 9.5]), np.sort(cube.reshape(-1)), dtype="int64")
    check_grad(lambda x: x.swapaxes(0, 1) * np.arange(6.0).reshape(3, 2), MATRIX[:, :3])


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take_matches_numpy_in_each_mode(mode, axis):
    positions = np.array([[0, 1], [1, 1]]) if mode == "raise" else np.array([[-5, 1], [7, 2]])
    check(lambda x: x.take(positions, axis, mode), lambda a: np.take(a, positions, axis,
                                                                    mode=mode), MATRIX)
    check(lambda x: T.take(x, 1, axis), lambda a: np.take(a, 1, axis), MATRIX)
    check_grad(lambda x: T.take(x, positions, axis, mode) ** 2, MATRIX)
    with pytest.raises(InvalidArgumentError, match="mode must be one of"):
        T.take(T.dvector(), [0], mode="nearest")


def test_reshape_takes_theanos_shape_then_ndim_and_numpys_lengths():
    x = T.dvector("x")
    values = np.arange(6.0)
    s, n = T.lvector("s"), T.lscalar("n")
    assert x.reshape(shape=(3, 2)).eval({x: values}).shape == (3, 2)       # Theano's keyword
    assert x.reshape(s, 2).eval({x: values, s: [3, 2]}).shape == (3, 2)    # shape vector, ndim
    assert x.reshape(n, 3).eval({x: values, n: 2}).shape == (2, 3)         # numpy's lengths
    np.testing.assert_array_equal(x.reshape((2, -1)).eval({x: values}), values.reshape(2, 3))
    with pytest.raises(TypeError, match="given twice"):
        x.reshape((2, 3), shape=(3, 2))
