"""Theano's op classes and small functions at `graphlens.tensor` (T.ARange, T.ceil_intdiv, ...)."""

import numpy as np

import graphlens.tensor as T
from graphlens import function
from graphlens.tensor import opt


def test_arange_op_class_builds_as_theanos():
    start, stop = T.lscalar('start'), T.lscalar('stop')
    out = T.ARange('int64')(start, stop, 2)
    assert isinstance(T.arange(start, stop).owner.op, T.ARange)
    np.testing.assert_array_equal(function([start, stop], out)(1, 8), [1, 3, 5, 7])


def test_ceil_intdiv_rounds_up_exactly_for_int64():
    a = T.lvector('a')
    big = 2 ** 62 + 1          # a float division would lose the remainder
    values = function([a], T.ceil_intdiv(a, 2))(np.array([7, -7, 6, 0, big]))
    np.testing.assert_array_equal(values, [4, -3, 3, 0, 2 ** 61 + 1])
    assert T.ceil_intdiv(a, 2).dtype == 'int64'


def test_power_is_pow_and_theanos_classes_are_the_ops_built():
    x = T.dvector('x')
    np.testing.assert_allclose(T.power(x, 3).eval({x: [2.0]}), [8.0])
    assert isinstance(T.reshape(x, (1, -1)).owner.op, T.Reshape)
    assert isinstance(T.alloc(0.0, 2, 3).owner.op, T.Alloc)
    assert T.Eye('float64')(2, 2, 0).eval().tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_opt_make_vector_is_the_shape_vector_op():
    n = T.lscalar('n')
    vec = opt.make_vector(n, 3)
    assert isinstance(vec.owner.op, opt.MakeVector)
    np.testing.assert_array_equal(vec.eval({n: 2}), [2, 3])


def test_dimshuffle_from_a_broadcastable_pattern_refuses_a_bad_order_when_made():
    import pytest
    from graphlens.tensor.elemwise import DimShuffle
    with pytest.raises(ValueError, match="not broadcastable"):
        DimShuffle([False, True, False], ('x', 'x'))          # drops axes 0 and 2
    with pytest.raises(ValueError, match="at most once"):
        DimShuffle([False, True, False], (0, 1, 2, 0))
    x = T.TensorType('float64', (False, True, False))('x')
    assert DimShuffle(x.broadcastable, (2, 0))(x).broadcastable == (False, False)


def test_inverse_permutation_inverts_each_row():
    perm = T.lmatrix('perm')
    rows = np.array([[2, 0, 1, 3], [3, 2, 1, 0]])
    inverse = T.inverse_permutation(perm).eval({perm: rows})
    assert inverse.dtype == np.int64
    for row, inv in zip(rows, inverse):
        np.testing.assert_array_equal(row[inv], np.arange(4))
        np.testing.assert_array_equal(inv[row], np.arange(4))
    small = T.ivector('p')
    assert T.inverse_permutation(small).dtype == 'int32'
