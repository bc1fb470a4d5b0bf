"""Theano's indexing functions (advanced_inc_subtensor1 & co, get_canonical_form_slice), its
CAReduce(scalar_op, axis) and DeepCopyOp: values against numpy."""

import itertools

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import scalar
from graphlens.compile import DeepCopyOp, deep_copy_op
from graphlens.tensor.elemwise import CAReduce
from graphlens.tensor.subtensor import (advanced_inc_subtensor1, advanced_set_subtensor,
                                        advanced_set_subtensor1, get_canonical_form_slice)
from graphlens.tests import unittest_tools as utt


def test_advanced_increments_and_sets_are_numpys():
    x, y = T.dmatrix("x"), T.dvector("y")
    value = np.zeros((3, 2))
    got = advanced_inc_subtensor1(x, y, [0, 0, 2]).eval({x: value, y: np.ones(2)})
    expected = value.copy()
    np.add.at(expected, [0, 0, 2], np.ones(2))
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(advanced_set_subtensor1(x, 5.0, [1]).eval({x: value}),
                                  [[0, 0], [5, 5], [0, 0]])
    np.testing.assert_array_equal(advanced_set_subtensor(x, 7.0, [0, 2], [1, 0]).eval(
        {x: value}), [[0, 7], [0, 0], [7, 0]])


def test_canonical_form_slices_read_the_same_items_symbolically():
    length, start, stop, step = T.lscalars("length", "start", "stop", "step")
    canonical, direction = get_canonical_form_slice(slice(start, stop, step), length)
    f = graphlens.function([length, start, stop, step],
                           [canonical.start, canonical.stop, canonical.step, direction])
    for n, a, b, s in itertools.product((0, 1, 6), (-8, -2, 0, 3, 8), (-8, -1, 0, 4, 8),
                                        (-3, -1, 1, 2)):
        first, last, size, way = (int(v) for v in f(n, a, b, s))
        items = np.arange(n)
        assert 0 <= first <= last <= n and size > 0
        np.testing.assert_array_equal(items[first:last:size][::way], items[a:b:s])
    i = T.lscalar("i")
    index, way = get_canonical_form_slice(i, 5)
    assert way == 1
    assert [int(graphlens.function([i], index)(v)) for v in (-2, 3)] == [3, 3]


def test_careduce_builds_the_reduction_and_answers_isinstance():
    x = T.dmatrix("x")
    value = np.arange(6.0).reshape(2, 3)
    for scalar_op, numpy_op in ((scalar.add, np.sum), (scalar.mul, np.prod),
                                (scalar.maximum, np.max), (scalar.minimum, np.min)):
        for axis in (None, (0,), (-1,), 1):
            out = CAReduce(scalar_op, axis=axis)(x)
            assert isinstance(out.owner.op, CAReduce)
            np.testing.assert_allclose(out.eval({x: value}), numpy_op(value, axis=axis))
    assert not isinstance(T.exp(x).owner.op, CAReduce)
    with pytest.raises(TypeError, match="add, mul, maximum and minimum"):
        CAReduce(scalar.xor, axis=0)


def test_deep_copy_op_copies_and_passes_the_gradient():
    x = T.dvector("x")
    value = np.ones(3)
    out = graphlens.function([x], deep_copy_op(x))(value)
    assert not np.shares_memory(out, value) and (out == value).all()
    assert isinstance(deep_copy_op, DeepCopyOp)
    utt.verify_grad(deep_copy_op, [np.random.rand(3)])
