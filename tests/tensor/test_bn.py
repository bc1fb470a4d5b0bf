"""theano.tensor.nnet.bn: values against numpy, running averages, gradients."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.errors import ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor.nnet import bn

RNG = np.random.default_rng(3)


def test_train_spatial_matches_numpy_and_updates_running_averages():
    x = T.dtensor4("x")
    gamma = graphlens.shared(RNG.uniform(0.5, 1.5, 3), name="gamma")
    beta = graphlens.shared(RNG.normal(size=3), name="beta")
    rmean = graphlens.shared(np.zeros(3), name="running_mean")
    rvar = graphlens.shared(np.ones(3), name="running_var")
    out, mean, invstd, new_mean, new_var = bn.batch_normalization_train(
        x, gamma, beta, axes="spatial", epsilon=1e-5, running_average_factor=0.1,
        running_mean=rmean, running_var=rvar)
    f = function([x], [out, mean, invstd], updates=[(rmean, new_mean), (rvar, new_var)])
    data = RNG.normal(2.0, 3.0, (4, 3, 5, 5))
    got_out, got_mean, got_invstd = f(data)
    m = data.mean(axis=(0, 2, 3))
    v = data.var(axis=(0, 2, 3))
    expected = (data - m[None, :, None, None]) / np.sqrt(v + 1e-5)[None, :, None, None]
    expected = expected * gamma.get_value()[None, :, None, None] + beta.get_value()[None, :, None,
                                                                                     None]
    np.testing.assert_allclose(got_out, expected, rtol=1e-10)
    np.testing.assert_allclose(got_mean, m)
    np.testing.assert_allclose(got_invstd, 1 / np.sqrt(v + 1e-5))
    np.testing.assert_allclose(rmean.get_value(), 0.1 * m)
    np.testing.assert_allclose(rvar.get_value(), 0.9 + 0.1 * v * 100 / 99)


def test_test_mode_and_the_plain_formula_agree():
    x = T.dmatrix("x")
    g, b, mu, var = (T.dvector(n) for n in ("g", "b", "mu", "var"))
    y = bn.batch_normalization_test(x, g, b, mu, var, epsilon=1e-4)
    z = bn.batch_normalization(x, g, b, mu, T.sqrt(var + 1e-4))
    values = [RNG.normal(size=(5, 4)), RNG.uniform(0.5, 2, 4), RNG.normal(size=4),
              RNG.normal(size=4), RNG.uniform(0.5, 2, 4)]
    f = function([x, g, b, mu, var], [y, z])
    got_y, got_z = f(*values)
    np.testing.assert_allclose(got_y, got_z)
    data, gv, bv, mv, vv = values
    np.testing.assert_allclose(got_y, (data - mv) * gv / np.sqrt(vv + 1e-4) + bv)


def test_gradient_through_train_mode_by_finite_differences():
    def normalized(x, g, b):
        out, _, _ = bn.batch_normalization_train(x, g, b, axes=(0,))
        return T.tanh(out)
    verify_grad(normalized, [RNG.normal(size=(6, 3)), RNG.uniform(0.5, 1.5, 3),
                             RNG.normal(size=3)], rng=np.random.default_rng(0))


def test_parameters_of_the_wrong_rank_are_named():
    x = T.dtensor4("x")
    with pytest.raises(ShapeError, match="gamma .* must have the rank of the inputs"):
        bn.batch_normalization_train(x, T.dmatrix("g"), T.dvector("b"), axes="spatial")


def _numpy_train_grad(x, dy, scale, mean, invstd, axes):
    centered = x - mean
    c = dy * invstd - centered * np.mean(dy * centered, axis=axes, keepdims=True) * invstd ** 3
    return [scale * (c - np.mean(c, axis=axes, keepdims=True)),
            np.sum(dy * invstd * centered, axis=axes, keepdims=True),
            np.sum(dy, axis=axes, keepdims=True)]


def test_theanos_abstract_train_grad_class_gives_its_values_and_second_derivatives():
    rng = np.random.default_rng(4)
    axes = (0, 2)
    x, dy = rng.normal(4, 3, size=(4, 3, 5)), rng.normal(-1, 2, size=(4, 3, 5))
    scale, mean, invstd = (rng.normal(size=(1, 3, 1)) for _ in range(3))
    variables = [T.dtensor3(n) for n in ("x", "dy", "scale", "mean", "invstd")]
    op = bn.AbstractBatchNormTrainGrad(axes)
    assert op == bn.AbstractBatchNormTrainGrad([0, 2]) != bn.AbstractBatchNormTrainGrad((0,))
    got = graphlens.function(variables, op(*variables))(x, dy, scale, mean, invstd)
    for value, expected in zip(got, _numpy_train_grad(x, dy, scale, mean, invstd, axes)):
        np.testing.assert_allclose(value, expected, rtol=1e-10)
    for output in range(3):
        verify_grad(lambda *v, k=output: op(*v)[k], [x, dy, scale, mean, invstd],
                    rng=np.random.default_rng(output))


def test_theanos_abstract_train_and_inference_classes_match_the_functions():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(6, 2, 3, 3))
    scale, bias = rng.normal(size=(1, 2, 1, 1)), rng.normal(size=(1, 2, 1, 1))
    xv, sv, bv = T.dtensor4("x"), T.dtensor4("scale"), T.dtensor4("bias")
    axes = (0, 2, 3)
    # full-rank parameters broadcast on the normalized axes (Theano's addbroadcast)
    abstract = bn.AbstractBatchNormTrain(axes)(xv, sv, bv, 1e-3)
    function_form = bn.batch_normalization_train(xv, sv, bv, "spatial", 1e-3)
    a, f = (graphlens.function([xv, sv, bv], list(o))(x, scale, bias)
            for o in (abstract, function_form))
    for left, right in zip(a, f):
        np.testing.assert_allclose(left, right, rtol=1e-12)
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    np.testing.assert_allclose(a[0], (x - mean) / np.sqrt(var + 1e-3) * scale + bias,
                               rtol=1e-10)
    inference = graphlens.function([xv, sv, bv], bn.AbstractBatchNormInference(axes)(
        xv, sv, bv, T.constant(mean), T.constant(var), 1e-3))(x, scale, bias)
    np.testing.assert_allclose(inference, a[0], rtol=1e-10)
