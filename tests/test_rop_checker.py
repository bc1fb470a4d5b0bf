"""`graphlens.tests.test_rop`: Theano's RopLop_checker passes a right derivative and catches a
wrong one (graphlens builds Rop from gradients, so an op's derivative is its `grad`);
`break_op` makes Rop refuse."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.tests.test_rop import RopLop_checker, break_op


class Doubling(Op):
    """2 * x, with a gradient that is right unless `sign` is -1 (a deliberate bug)."""

    def __init__(self, sign=1):
        self.sign = sign

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [2 * inputs[0]]

    def grad(self, inputs, output_grads):
        return [self.sign * 2 * output_grads[0]]


class _Checker(RopLop_checker):
    def runTest(self):            # the checks are called by the tests below
        pass


@pytest.fixture
def checker():
    case = _Checker()
    case.setUp()
    return case


def test_a_right_r_op_passes_for_vector_and_matrix_inputs(checker):
    checker.check_rop_lop(Doubling()(checker.x), checker.in_shape)
    checker.check_rop_lop(T.exp(checker.x) * checker.x, checker.in_shape)
    checker.check_mat_rop_lop(T.tanh(checker.mx).sum(axis=0), (checker.mat_in_shape[1],))


def test_a_wrong_derivative_is_caught(checker):
    with pytest.raises(AssertionError, match="OP mismatch"):
        checker.check_rop_lop(Doubling(sign=-1)(checker.x), checker.in_shape)


def test_break_op_is_the_identity_without_derivatives(checker):
    x = checker.x
    assert np.array_equal(break_op(x).eval({x: np.float32([1, 2]).astype(x.dtype)}), [1, 2])
    checker.check_nondiff_rop(break_op(x) * 2)
    with pytest.raises(AssertionError):
        checker.check_nondiff_rop(x * 2)        # differentiable: Rop does not refuse
