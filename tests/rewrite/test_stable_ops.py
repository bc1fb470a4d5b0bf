"""The ops rewrites introduce: values, static shapes that agree with `perform`, and gradients
checked against finite differences."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, verify_grad
from graphlens.errors import EvaluationError, ShapeError
from graphlens.rewrite.specialize import Dot22
from graphlens.rewrite.stable_ops import (CrossentropySoftmax, CrossentropySoftmaxGrad,
                                          LogSumExp)

RNG = np.random.default_rng(3)
LABELS = np.array([2, 0, 1])


def _static_shape_agrees(out, *values):
    inputs = [v for v in out.owner.inputs if v.owner is None and not hasattr(v, "data")]
    value = function(inputs, out, mode="NONE")(*values)
    assert out.type.is_compatible_shape(value.shape)
    return value


def test_logsumexp_values_shape_and_gradient():
    x = T.TensorType("float64", (3, 4))("x")
    data = RNG.standard_normal((3, 4))
    value = _static_shape_agrees(LogSumExp((1,))(x), data)
    np.testing.assert_allclose(value, np.log(np.exp(data).sum(axis=1)))
    verify_grad(lambda v: LogSumExp((0,))(v), [data])


def test_crossentropy_softmax_values_and_gradient():
    z = T.TensorType("float64", (3, 4))("z")
    data = RNG.standard_normal((3, 4))
    value = _static_shape_agrees(CrossentropySoftmax()(z, T.constant(LABELS)), data)
    probabilities = np.exp(data) / np.exp(data).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(value, -np.log(probabilities[np.arange(3), LABELS]))
    verify_grad(lambda v: CrossentropySoftmax()(v, T.constant(LABELS)), [data])


def test_crossentropy_softmax_grad_values_and_gradient():
    g, z = RNG.standard_normal(3), RNG.standard_normal((3, 4))
    out = CrossentropySoftmaxGrad()(T.dvector("g"), T.dmatrix("z"), T.constant(LABELS))
    value = function(out.owner.inputs[:2], out, mode="NONE")(g, z)
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) * g[:, None]
    expected[np.arange(3), LABELS] -= g
    np.testing.assert_allclose(value, expected)
    verify_grad(lambda a, b: CrossentropySoftmaxGrad()(a, b, T.constant(LABELS)), [g, z])


def test_crossentropy_ops_refuse_labels_of_the_wrong_rank():
    with pytest.raises(ShapeError, match="int labels"):
        CrossentropySoftmax()(T.dmatrix("z"), T.lmatrix("y"))


@pytest.mark.parametrize("transpose_a, transpose_b, bias",
                         [(False, False, False), (True, False, False), (False, True, True),
                          (True, True, True)])
def test_dot22_values_and_gradients(transpose_a, transpose_b, bias):
    a = RNG.standard_normal((3, 2) if transpose_a else (2, 3))
    b = RNG.standard_normal((4, 3) if transpose_b else (3, 4))
    v = RNG.standard_normal(4)
    op = Dot22(transpose_a, transpose_b, bias)
    args = [a, b, v] if bias else [a, b]
    expected = (a.T if transpose_a else a) @ (b.T if transpose_b else b) + (v if bias else 0)
    symbols = [T.TensorType("float64", arg.shape)() for arg in args]
    np.testing.assert_allclose(_static_shape_agrees(op(*symbols), *args), expected)
    verify_grad(lambda *xs: op(*xs), args)


def test_dot22_names_both_shapes_when_they_do_not_fit():
    x, w = T.dmatrices("x", "w")
    f = function([x, w], Dot22(True, False)(x, w), mode="NONE")
    with pytest.raises(EvaluationError, match=r"\(3, 2\).*\(4, 5\)"):
        f(np.ones((2, 3)), np.ones((4, 5)))


def test_sigmoid_binary_crossentropy_values_shape_and_gradient():
    from graphlens.tensor.nnet import sigmoid_binary_crossentropy
    z = T.TensorType("float64", (3, 4))("z")
    t = T.TensorType("float64", (1, 4))("t")        # broadcast along the rows
    scores = RNG.standard_normal((3, 4)) * 3
    targets = RNG.uniform(size=(1, 4))
    value = _static_shape_agrees(sigmoid_binary_crossentropy(z, t), scores, targets)
    p = 1 / (1 + np.exp(-scores))
    np.testing.assert_allclose(value, -(targets * np.log(p) + (1 - targets) * np.log(1 - p)),
                               rtol=1e-12)
    verify_grad(sigmoid_binary_crossentropy, [scores, np.repeat(targets, 3, axis=0)])
    assert value.dtype == np.float64


def test_sigmoid_binary_crossentropy_is_exact_where_the_linear_part_cancels():
    from graphlens.tensor.nnet import sigmoid_binary_crossentropy
    z, t = T.dvectors("z", "t")
    f = function([z, t], sigmoid_binary_crossentropy(z, t), mode="NONE")
    np.testing.assert_allclose(f(np.array([40.0, -40.0, 800.0]), np.array([1.0, 0.0, 1.0])),
                               [np.exp(-40.0), np.exp(-40.0), 0.0], rtol=1e-15)
