"""graphlens/tensor/scalar_special.py: the scalar faces of softsign, relu, the sigmoid
approximations, xlogx, the Bessel functions, chi2sf, isnan/isinf and the complex constructors,
at Theano's paths (theano.tensor.nnet.sigm.scalar_sigmoid, theano.tensor.xlogx.scalar_xlogx,
theano.scalar.basic_scipy.j0, ...): each is its tensor op's `scalar_op`, computes the tensor
op's values on scalar variables and elementwise, and differentiates as it does."""

import numpy as np
import pytest
import scipy.special

import graphlens as theano
import graphlens.scalar as scalar
import graphlens.tensor as T
from graphlens.scalar import basic_scipy
from graphlens.tensor import xlogx
from graphlens.tensor.nnet import nnet, sigm

X = np.array([-2.5, -0.4, 0.3, 1.7, 4.0])
POSITIVE = np.array([0.2, 0.9, 1.7, 3.5, 6.0])


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# (scalar op, the tensor function it is the face of, points, expected by numpy/scipy)
UNARY = [
    (nnet.scalar_softsign, T.nnet.softsign, X, X / (1 + np.abs(X))),
    (sigm.scalar_sigmoid, T.nnet.sigmoid, X, sigmoid(X)),
    (sigm.scalar_softplus, T.nnet.softplus, X, np.log1p(np.exp(X))),
    (sigm.ultra_fast_scalar_sigmoid, T.nnet.ultra_fast_sigmoid, X, None),
    (xlogx.scalar_xlogx, xlogx.xlogx, POSITIVE, POSITIVE * np.log(POSITIVE)),
    (basic_scipy.j0, T.j0, X, scipy.special.j0(X)),
    (basic_scipy.j1, T.j1, X, scipy.special.j1(X)),
    (basic_scipy.i0, T.i0, X, scipy.special.i0(X)),
    (basic_scipy.i1, T.i1, X, scipy.special.i1(X)),
]


@pytest.mark.parametrize("op, tensor_fn, points, expected", UNARY,
                         ids=[str(case[0]) for case in UNARY])
def test_each_scalar_op_is_its_tensor_ops_face(op, tensor_fn, points, expected):
    v = T.dvector("v")
    node_op = tensor_fn(v).owner.op
    assert node_op.scalar_op is op
    assert T.Elemwise(op) == node_op                 # Theano's way to build the tensor op
    reference = theano.function([v], tensor_fn(v))(points)
    if expected is not None:
        np.testing.assert_allclose(reference, expected, rtol=1e-10)
    # On scalar variables: the same numbers, element by element.
    s = scalar.float64("s")
    f = theano.function([s], op(s))
    np.testing.assert_allclose([f(p) for p in points], reference, rtol=1e-12)
    # Elementwise through the scalar op, with the tensor op's gradient.
    theano.verify_grad(T.Elemwise(op), [points])


def test_xlogx_is_zero_at_zero_and_its_scalar_op_agrees():
    s = scalar.float64("s")
    assert theano.function([s], xlogx.scalar_xlogx(s))(0.0) == 0.0
    a, b = scalar.float64("a"), scalar.float64("b")
    f = theano.function([a, b], xlogx.scalar_xlogy0(a, b))
    assert f(0.0, 0.0) == 0.0 and f(2.0, 3.0) == pytest.approx(2 * np.log(3.0))


def test_the_binary_faces_and_their_gradients():
    a, b = scalar.float64("a"), scalar.float64("b")
    jv = theano.function([a, b], basic_scipy.jv(a, b))
    assert jv(1.5, 2.0) == pytest.approx(scipy.special.jv(1.5, 2.0), rel=1e-12)
    iv = theano.function([a, b], basic_scipy.iv(a, b))
    assert iv(0.5, 1.0) == pytest.approx(scipy.special.iv(0.5, 1.0), rel=1e-12)
    chi = theano.function([a, b], basic_scipy.chi2sf(a, b))
    assert chi(3.0, 2.0) == pytest.approx(np.exp(-1.5), rel=1e-10)    # k = 2: exp(-x / 2)
    v, t = T.dvector("v"), T.dvector("t")
    bce = theano.function([v, t], T.Elemwise(
        T.nnet.sigmoid_binary_crossentropy(v, t).owner.op.scalar_op)(v, t))
    target = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    expected = -(target * np.log(sigmoid(X)) + (1 - target) * np.log(1 - sigmoid(X)))
    np.testing.assert_allclose(bce(X, target), expected, rtol=1e-10)
    theano.verify_grad(lambda o: T.Elemwise(
        T.nnet.sigmoid_binary_crossentropy(v, t).owner.op.scalar_op)(o, target), [X])
    # The order of a Bessel function is held; the gradient in x is checked.
    theano.verify_grad(lambda x: T.Elemwise(basic_scipy.jv)(1.5, x), [POSITIVE])


def test_relu_hard_sigmoid_and_the_predicates():
    v = T.dvector("v")
    for fn, expected in [(T.nnet.relu, np.maximum(X, 0)),
                         (T.nnet.hard_sigmoid, np.clip(0.2 * X + 0.5, 0, 1))]:
        op = fn(v).owner.op.scalar_op
        assert op is not None and T.Elemwise(op) == fn(v).owner.op
        np.testing.assert_allclose(theano.function([v], T.Elemwise(op)(v))(X), expected)
    values = np.array([1.0, np.nan, np.inf, -np.inf])
    s = scalar.float64("s")
    assert [bool(theano.function([s], scalar.isnan(s))(p)) for p in values] == [
        False, True, False, False]
    assert [bool(theano.function([s], scalar.isinf(s))(p)) for p in values] == [
        False, False, True, True]
    assert T.isnan(v).owner.op.scalar_op is scalar.isnan
    re, im = scalar.float64("re"), scalar.float64("im")
    assert theano.function([re, im], scalar.complex(re, im))(1.0, 2.0) == 1 + 2j
    polar = theano.function([re, im], scalar.complex_from_polar(re, im))(2.0, np.pi / 2)
    assert polar == pytest.approx(2j)


def test_theanos_class_names_at_their_paths():
    assert isinstance(sigm.scalar_sigmoid, sigm.ScalarSigmoid)
    assert isinstance(sigm.ultra_fast_scalar_sigmoid, sigm.UltraFastScalarSigmoid)
    assert isinstance(nnet.scalar_softsign, nnet.ScalarSoftsign)
    assert isinstance(basic_scipy.j0, basic_scipy.J0)
    assert isinstance(scalar.isinf, scalar.IsInf)
    with pytest.raises(AttributeError, match="no attribute 'scalar_nothing'"):
        sigm.scalar_nothing
    # pp writes a scalar op as its tensor op does.
    s = scalar.float64("s")
    assert theano.pp(nnet.scalar_softsign(s)) == "softsign(s)"
