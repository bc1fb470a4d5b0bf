"""bartlett, compress, cpu_contiguous and Theano's one-node op classes DiffOp, FillDiagonal,
FillDiagonalOffset (graphlens/tensor/windows.py, theano_op_classes.py): values against numpy,
gradients against finite differences, shapes without running the op."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.tensor.extra_ops import (Bartlett, CpuContiguous, DiffOp, FillDiagonal,
                                        FillDiagonalOffset, bartlett, compress, cpu_contiguous)
from graphlens.tests import unittest_tools as utt

A = np.random.RandomState(3).rand(4, 5)


def test_bartlett_is_numpys_window_with_its_length_known_without_running():
    M = T.iscalar("M")
    f = graphlens.function([M], bartlett(M))
    for points in (0, 1, 5, 8):
        np.testing.assert_allclose(f(points), np.bartlett(points))
    assert f(5).dtype == np.float64
    lengths = graphlens.function([M], bartlett(M).shape)
    assert lengths(7).tolist() == [7] and lengths(-3).tolist() == [0]
    assert not any(isinstance(n.op, Bartlett) for n in lengths.maker.fgraph.toposort())
    with pytest.raises(TypeError):
        bartlett(T.dscalar())


def test_compress_and_cpu_contiguous():
    x = T.dmatrix("x")
    condition = np.array([1, 0, 1, 1, 0])
    np.testing.assert_array_equal(compress(condition, x, axis=1).eval({x: A}),
                                  np.compress(condition, A, axis=1))
    np.testing.assert_array_equal(compress([0, 1], x).eval({x: A}), np.compress([0, 1], A))
    utt.verify_grad(lambda a: compress(condition, a, axis=1), [A])
    f = graphlens.function([x], cpu_contiguous(x.T))
    assert f(A).flags["C_CONTIGUOUS"] and (f(A) == A.T).all()
    assert any(isinstance(n.op, CpuContiguous) for n in f.maker.fgraph.toposort())
    utt.verify_grad(lambda a: cpu_contiguous(a.T) * 2, [A])


@pytest.mark.parametrize("n, axis", [(0, -1), (1, -1), (2, -1), (1, 0), (3, 0)])
def test_diffop_is_numpys_diff_with_its_gradient(n, axis):
    x = T.dmatrix("x")
    np.testing.assert_allclose(DiffOp(n, axis)(x).eval({x: A}), np.diff(A, n=n, axis=axis))
    utt.verify_grad(DiffOp(n=n, axis=axis), [A], eps=1e-6)
    assert graphlens.function([x], DiffOp(n, axis)(x).shape)(A).tolist() == list(
        np.diff(A, n=n, axis=axis).shape)


def test_fill_diagonal_ops_set_the_diagonal_and_differentiate():
    x, v = T.dmatrix("x"), T.dscalar("v")
    expected = A.copy()
    np.fill_diagonal(expected, 9.0)
    np.testing.assert_array_equal(FillDiagonal()(x, v).eval({x: A, v: 9.0}), expected)
    shifted = FillDiagonalOffset()(x, v, -1).eval({x: np.zeros((3, 4)), v: 7.0})
    np.testing.assert_array_equal(shifted, np.eye(3, 4, -1) * 7)
    utt.verify_grad(lambda a, val: FillDiagonal()(a, val), [A, np.array(3.0)])
    for offset in (2, -1):
        utt.verify_grad(lambda a, val: FillDiagonalOffset()(a, val, offset), [A, np.array(3.0)])


def test_fill_diagonal_offset_takes_a_symbolic_offset_as_theano():
    from graphlens.tensor.extra_ops import fill_diagonal_offset
    x, v, k = T.dmatrix("x"), T.dscalar("v"), T.iscalar("k")
    f = graphlens.function([x, v, k], fill_diagonal_offset(x, v, k))
    for offset in (-3, -1, 0, 2, 4):
        np.testing.assert_array_equal(f(np.zeros((3, 4)), 7.0, offset),
                                      np.eye(3, 4, offset) * 7)
    g = graphlens.function([x, v, k], T.grad(fill_diagonal_offset(x, v, k).sum() * 1.0, v))
    assert g(np.zeros((3, 4)), 7.0, 2) == 2.0       # two entries on diagonal 2


def test_bincount_assert_nonneg_raises_an_assertion_error_as_theano():
    from graphlens.tensor.extra_ops import bincount
    x = T.ivector("x")
    f = graphlens.function([x], bincount(x, assert_nonneg=True))
    np.testing.assert_array_equal(f(np.array([1, 2, 2], dtype="int32")), [0, 1, 2])
    with pytest.raises(AssertionError, match="negative"):
        f(np.array([-1, 2], dtype="int32"))
    with pytest.raises(ValueError):                 # without the assert: numpy's ValueError
        graphlens.function([x], bincount(x))(np.array([-1, 2], dtype="int32"))
