"""graphlens/directional.py: Rop (J v) and Lop (v^T J) against explicit Jacobians and finite
differences, at Theano's paths (T.Rop, graphlens.gradient.Rop, graphlens.Rop)."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.gradient import Lop, Rop

W_VALUE = np.array([[0.2, -0.5, 1.0], [0.7, 0.1, -0.3]])
X_VALUE = np.array([0.4, -1.2, 0.3])
V_VALUE = np.array([1.0, -2.0, 0.5])


def _model(x, W):
    return T.tanh(T.dot(W, x)) * T.exp(x[0])


def _numeric(x):
    return np.tanh(W_VALUE @ x) * np.exp(x[0])


def test_rop_is_the_jacobian_times_a_vector_and_matches_finite_differences():
    x, W, v = T.dvector("x"), T.dmatrix("W"), T.dvector("v")
    y = _model(x, W)
    jv = function([x, W, v], Rop(y, x, v))(X_VALUE, W_VALUE, V_VALUE)
    jacobian = function([x, W], graphlens.jacobian(y, x))(X_VALUE, W_VALUE)
    np.testing.assert_allclose(jv, jacobian @ V_VALUE, rtol=1e-12)
    eps = 1e-6
    central = (_numeric(X_VALUE + eps * V_VALUE) - _numeric(X_VALUE - eps * V_VALUE)) / (2 * eps)
    np.testing.assert_allclose(jv, central, rtol=1e-7)


def test_lop_is_a_vector_times_the_jacobian():
    x, W, u = T.dvector("x"), T.dmatrix("W"), T.dvector("u")
    y = _model(x, W)
    u_value = np.array([0.3, -1.1])
    vj = function([x, W, u], Lop(y, x, u))(X_VALUE, W_VALUE, u_value)
    jacobian = function([x, W], graphlens.jacobian(y, x))(X_VALUE, W_VALUE)
    np.testing.assert_allclose(vj, u_value @ jacobian, rtol=1e-12)


def test_rop_with_lists_sums_the_directions_of_every_wrt():
    x, W, v, dW = T.dvector("x"), T.dmatrix("W"), T.dvector("v"), T.dmatrix("dW")
    y = T.dot(W, x)
    jv, jv_twice = Rop([y, 2 * y], [x, W], [v, dW])
    dW_value = np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 0.5]])
    got = function([x, W, v, dW], [jv, jv_twice])(X_VALUE, W_VALUE, V_VALUE, dW_value)
    expected = W_VALUE @ V_VALUE + dW_value @ X_VALUE       # the product rule
    np.testing.assert_allclose(got[0], expected, rtol=1e-12)
    np.testing.assert_allclose(got[1], 2 * expected, rtol=1e-12)


def test_rop_of_a_function_linear_in_a_matrix_reads_no_stand_in():
    W, dW = T.dmatrix("W"), T.dmatrix("dW")
    y = (W ** 2).sum(axis=0)
    f = function([W, dW], Rop(y, W, dW))
    np.testing.assert_allclose(f(W_VALUE, np.ones((2, 3))), (2 * W_VALUE).sum(axis=0))


def test_rop_and_lop_live_at_theano_paths():
    assert T.Rop is graphlens.gradient.Rop is graphlens.Rop is Rop
    assert T.Lop is graphlens.gradient.Lop is graphlens.Lop is Lop


def test_rop_refuses_mismatched_eval_points():
    x = T.dvector("x")
    with pytest.raises(ValueError, match="eval_point.*rank"):
        Rop(x * 2, x, T.dmatrix("v"))


class _NoDerivative(graphlens.gof.Op):
    """The identity, declared without a derivative (Theano's test BreakRop)."""
    __props__ = ()

    def make_node(self, x):
        return graphlens.gof.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0]

    def grad(self, inputs, output_grads):
        return [graphlens.gradient.grad_undefined(self, 0, inputs[0])]


def test_rop_through_an_op_without_derivative_is_a_value_error_as_in_theano():
    x, v = T.dvector("x"), T.dvector("v")
    with pytest.raises(ValueError, match="J v is undefined"):
        Rop(T.tanh(_NoDerivative()(x)), x, v)
    # grad through it is Theano's NullTypeGradError, a TypeError
    with pytest.raises(TypeError):
        T.grad(_NoDerivative()(x).sum(), x)


def test_rop_of_an_integer_result_is_a_value_error_and_of_an_unrelated_float_zero():
    x, v = T.dvector("x"), T.dvector("v")
    for integer in (x.shape[0], T.argmax(x)):
        with pytest.raises(ValueError, match="does not depend on any of wrt"):
            Rop(integer, x, v)
    # Theano's 18 Oct 2013 bug report: grad(d, s) does not depend on s; J v is zeros
    s = graphlens.shared(np.ones(4))
    d = T.dot(T.arange(4.0).reshape([1, 4]), s).sum()
    np.testing.assert_array_equal(function([], Rop(T.grad(d, s), s, s))(), np.zeros(4))


def test_rop_keeps_the_list_or_tuple_it_was_given():
    m, v = T.dvector("m"), T.dvector("v")
    as_tuple = Rop((m, 2 * m), m, v)
    assert isinstance(as_tuple, tuple) and len(as_tuple) == 2
    assert isinstance(Rop([m, 2 * m], m, v), list)
    np.testing.assert_array_equal(function([v], list(as_tuple))(V_VALUE)[1],
                                  2 * V_VALUE)


def test_rop_with_respect_to_a_specify_shape_of_an_input():
    # Theano's scan test_rop: Rop(o, _u, eu) with _u = specify_shape(u, ...). SpecifyShape hands
    # u the very gradient of _u, and Rop's zero direction for u once replaced eu's: J v was 0.
    x = T.dvector("x")
    fixed = T.specify_shape(x, (3,))
    v = T.dvector("v")
    f = function([x, v], Rop(T.tanh(fixed) * 2, fixed, v))
    x0, v0 = np.array([0.1, -0.5, 2.0]), np.array([1.0, 2.0, -3.0])
    np.testing.assert_allclose(f(x0, v0), 2 * (1 - np.tanh(x0) ** 2) * v0, rtol=1e-12)
