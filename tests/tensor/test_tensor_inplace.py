"""`graphlens.tensor.inplace`: Theano's elementwise ops that write over their first input."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import In, function
from graphlens.errors import GraphlensTypeError, ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor import inplace


def test_exp_inplace_writes_the_result_over_a_mutable_input():
    x = T.dvector('x')
    f = function([In(x, mutable=True)], inplace.exp_inplace(x), accept_inplace=True)
    given = np.array([0.0, 1.0])
    result = f(given)
    np.testing.assert_allclose(given, [1.0, np.e])       # the caller's array holds exp(x)
    assert result is given


def test_a_function_with_an_inplace_op_needs_accept_inplace():
    x = T.dvector('x')
    with pytest.raises(GraphlensTypeError, match="accept_inplace"):
        function([x], inplace.neg_inplace(x * 2.0))


def test_a_plain_input_is_never_overwritten_even_after_rewrites():
    # x * 1.0 simplifies to x; the rewrite must not hand the caller's array to exp_inplace.
    x = T.dvector('x')
    for mode in ("FAST_COMPILE", "FAST_RUN"):
        f = function([x], inplace.exp_inplace(x * 1.0), accept_inplace=True, mode=mode)
        given = np.zeros(2)
        np.testing.assert_allclose(f(given), [1.0, 1.0])
        np.testing.assert_array_equal(given, [0.0, 0.0])


def test_other_readers_of_the_overwritten_value_see_it_before():
    x = T.dvector('x')
    h = x * 2.0
    y = inplace.sqr_inplace(h)
    f = function([x], [y, h.sum()], accept_inplace=True)
    squares, total = f(np.array([1.0, 2.0]))
    np.testing.assert_allclose(squares, [4.0, 16.0])
    assert total == 6.0


def test_the_result_keeps_the_first_inputs_dtype_as_theano():
    x, y = T.dvector('x'), T.dvector('y')
    out = inplace.lt_inplace(x * 1.0, y)
    assert out.dtype == 'float64'
    values = function([x, y], out, accept_inplace=True)([1.0, 3.0], [2.0, 2.0])
    np.testing.assert_array_equal(values, [1.0, 0.0])


def test_a_broadcast_first_input_is_refused():
    with pytest.raises(ShapeError, match="in place"):
        inplace.add_inplace(T.dvector('v'), T.dmatrix('m'))


def test_binary_inplace_ops_compute_the_plain_values():
    x, y = T.dvector('x'), T.dvector('y')
    cases = {inplace.add_inplace: np.add, inplace.sub_inplace: np.subtract,
             inplace.mul_inplace: np.multiply, inplace.true_div_inplace: np.divide,
             inplace.maximum_inplace: np.maximum, inplace.pow_inplace: np.power}
    a, b = np.array([1.5, 2.0, 3.0]), np.array([2.0, 0.5, 1.5])
    for op, expected in cases.items():
        f = function([x, y], op(x * 1.0, y), accept_inplace=True)
        np.testing.assert_allclose(f(a, b), expected(a, b), err_msg=op.name)


def test_inplace_ops_print_by_theanos_names():
    x = T.dvector('x')
    assert graphlens.pp(inplace.exp_inplace(x * 2.0)) == "exp_inplace(x * 2.0)"
    assert str(inplace.neg_inplace) == "neg_inplace"
    assert inplace.neg_inplace(x * 1.0).owner.op == inplace.neg_inplace


def test_deg2rad_and_transpose_inplace():
    x, m = T.dvector('x'), T.dmatrix('m')
    f = function([x], inplace.deg2rad_inplace(x * 1.0), accept_inplace=True)
    np.testing.assert_allclose(f([180.0, 90.0]), [np.pi, np.pi / 2])
    np.testing.assert_array_equal(inplace.transpose_inplace(m).eval({m: np.eye(2) * [1, 2]}),
                                  np.eye(2) * [1, 2])


@pytest.mark.parametrize("op", [inplace.exp_inplace, inplace.tanh_inplace,
                                inplace.sqr_inplace, inplace.sin_inplace,
                                inplace.log1p_inplace, inplace.sqrt_inplace])
def test_unary_inplace_gradients_are_the_plain_ops(op):
    rng = np.random.RandomState(3)
    verify_grad(lambda x: op(x * 1.0), [rng.uniform(0.5, 1.5, 4)], rng=rng)


@pytest.mark.parametrize("op", [inplace.mul_inplace, inplace.true_div_inplace,
                                inplace.add_inplace, inplace.pow_inplace])
def test_binary_inplace_gradients_to_the_overwritten_input(op):
    rng = np.random.RandomState(4)
    other = rng.uniform(0.5, 1.5, 4)
    verify_grad(lambda x: op(x * 1.0, other), [rng.uniform(0.5, 1.5, 4)], rng=rng)


def test_sigmoid_inplace_values_and_gradient():
    from graphlens.tensor.nnet import sigmoid_inplace, ultra_fast_sigmoid_inplace
    x = T.dvector('x')
    f = function([x], sigmoid_inplace(x * 1.0), accept_inplace=True)
    np.testing.assert_allclose(f([0.0, 2.0]), 1 / (1 + np.exp(-np.array([0.0, 2.0]))))
    assert ultra_fast_sigmoid_inplace.name == "ultra_fast_sigmoid_inplace"
    rng = np.random.RandomState(5)
    verify_grad(lambda v: sigmoid_inplace(v * 1.0), [rng.uniform(-2, 2, 4)], rng=rng)
