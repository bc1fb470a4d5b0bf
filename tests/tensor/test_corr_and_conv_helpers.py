"""Theano's CorrMM/Corr3dMM ops (nnet/corr_ops.py) against a numpy correlation, their
gradients against finite differences, and the convolution helpers of abstract_conv
(nnet/conv_helpers.py): shapes, checks, separable and causal convolutions against numpy."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import config, function
from graphlens.gradient import verify_grad
from graphlens.tensor.nnet import abstract_conv as conv
from graphlens.tensor.nnet.corr import CorrMM, CorrMM_gradInputs, CorrMM_gradWeights
from graphlens.tensor.nnet.corr3d import Corr3dMM, Corr3dMM_gradInputs, Corr3dMM_gradWeights

RNG = np.random.default_rng(8)


def numpy_correlate(x, w, pad, stride=(1, 1)):
    """out[b, o, i, j] = sum over c, u, v of xp[b, c, i*s + u, j*s + v] w[o, c, u, v]."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    kh, kw = w.shape[2:]
    rows = (xp.shape[2] - kh) // stride[0] + 1
    cols = (xp.shape[3] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], w.shape[0], rows, cols))
    for i in range(rows):
        for j in range(cols):
            patch = xp[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.einsum("bcuv,ocuv->bo", patch, w)
    return out


X = RNG.standard_normal((2, 3, 7, 6))
W = RNG.standard_normal((4, 3, 3, 2))


@pytest.mark.parametrize("border_mode, pad", [("valid", (0, 0)), ("full", (2, 1)),
                                              ((1, 2), (1, 2))])
def test_corrmm_is_the_unflipped_correlation(border_mode, pad):
    x, w = T.dtensor4(), T.dtensor4()
    out = function([x, w], CorrMM(border_mode, subsample=(2, 1))(x, w))(X, W)
    np.testing.assert_allclose(out, numpy_correlate(X, W, pad, (2, 1)), rtol=1e-10, atol=1e-12)
    assert CorrMM("half") == CorrMM(border_mode="half") != CorrMM("valid")


@pytest.mark.parametrize("border_mode", ["valid", "full", "half"])
def test_corrmm_gradients_agree_with_finite_differences_and_use_corr_ops(border_mode):
    verify_grad(lambda x, w: CorrMM(border_mode)(x, w), [X, W], rng=np.random.default_rng(2))
    x, w = T.dtensor4(), T.dtensor4()
    gx, gw = graphlens.grad(CorrMM(border_mode)(x, w).sum(), [x, w])
    assert isinstance(gx.owner.op, CorrMM_gradInputs)
    assert isinstance(gw.owner.op, CorrMM_gradWeights)


@pytest.mark.parametrize("border_mode", ["valid", "full", (1, 0)])
def test_gradient_ops_work_out_the_missing_shape_at_stride_one(border_mode):
    x, w, top = T.dtensor4(), T.dtensor4(), T.dtensor4()
    out = function([x, w], CorrMM(border_mode)(x, w))(X, W)
    kernel = function([x, top], CorrMM_gradWeights(border_mode)(x, top))(X, out)
    image = function([w, top], CorrMM_gradInputs(border_mode)(w, top))(W, out)
    assert kernel.shape == W.shape and image.shape == X.shape
    # and equal the gradients of sum(out * top) given the shape explicitly
    given = function([x, top], CorrMM_gradWeights(border_mode)(x, top, (3, 2)))(X, out)
    np.testing.assert_allclose(kernel, given)
    with pytest.raises(ValueError, match="shape must be given"):
        CorrMM_gradWeights("valid", subsample=(2, 2))(x, top)
    with pytest.raises(ValueError, match="half"):
        CorrMM_gradWeights("half")(x, top)


def test_corr3dmm_matches_conv3d_unflipped_and_has_gradients():
    v = RNG.standard_normal((1, 2, 4, 5, 3))
    k = RNG.standard_normal((3, 2, 2, 3, 2))
    x, w = T.dtensor5(), T.dtensor5()
    corr = function([x, w], Corr3dMM("half")(x, w))(v, k)
    ref = function([x, w], T.nnet.conv3d(x, w, border_mode="half", filter_flip=False))(v, k)
    np.testing.assert_allclose(corr, ref, rtol=1e-12)
    verify_grad(lambda a, b: Corr3dMM("valid")(a, b), [v, k], rng=np.random.default_rng(3))
    gx, gw = graphlens.grad(Corr3dMM()(x, w).sum(), [x, w])
    assert isinstance(gx.owner.op, Corr3dMM_gradInputs)
    assert isinstance(gw.owner.op, Corr3dMM_gradWeights)


def test_gradient_shape_helpers_invert_the_output_shape():
    image, kernel = (2, 6, 9, 8), (4, 3, 3, 2)
    for mode in ("valid", "full", (1, 2)):
        top = conv.get_conv_output_shape(image, kernel, mode, (1, 1), (2, 1))
        assert conv.get_conv_gradweights_shape(image, top, mode, (1, 1), (2, 1),
                                               num_groups=2) == kernel
        assert conv.get_conv_gradinputs_shape(kernel, top, mode, (1, 1), (2, 1),
                                              num_groups=2) == image
        assert conv.check_conv_gradinputs_shape(image, kernel, top, mode, (1, 1), (2, 1))
        wrong = top[:2] + (top[2] + 1, top[3])
        assert not conv.check_conv_gradinputs_shape(image, kernel, wrong, mode, (1, 1), (2, 1))
    assert conv.get_conv_gradweights_shape(image, (2, 4, 3, 4), "half", (1, 1))[2:] == (None,
                                                                                       None)
    assert conv.get_conv_gradinputs_shape(kernel, (2, 4, 5, 4), "valid", (2, 2))[2:] == (None,
                                                                                        None)


def test_assert_conv_shape_checks_constants_now_and_variables_at_run_time():
    assert conv.assert_conv_shape((2, 0, 5, 5)) == (2, 0, 5, 5)
    with pytest.raises(ValueError, match=r"dim\[2\]: 0 <= 0"):
        conv.assert_conv_shape((2, 3, 0, 5))
    n = T.lscalar()
    checked = function([n], [T.as_tensor_variable(v) for v in conv.assert_conv_shape((2, 3, n, 5))])
    assert [int(v) for v in checked(4)] == [2, 3, 4, 5]
    with pytest.raises(AssertionError, match="invalid shape"):
        checked(0)


def test_assert_shape_checks_only_with_theanos_flag_on():
    x = T.dmatrix()
    assert conv.assert_shape(x, (3, None)) is x            # config.conv.assert_shape is off
    with config.change_flags([("conv.assert_shape", True)]):
        checked = function([x], conv.assert_shape(x, (3, None)))
    assert checked(np.ones((3, 4))).shape == (3, 4)
    with pytest.raises(AssertionError, match="Unexpected shape"):
        checked(np.ones((2, 4)))


def test_separable_conv2d_is_a_depthwise_then_a_pointwise_convolution():
    x = RNG.standard_normal((2, 3, 6, 6))
    depthwise = RNG.standard_normal((6, 1, 3, 3))            # 2 filters per channel
    pointwise = RNG.standard_normal((4, 6, 1, 1))
    xv, dv, pv = T.dtensor4(), T.dtensor4(), T.dtensor4()
    out = function([xv, dv, pv], conv.separable_conv2d(xv, dv, pv, num_channels=3))(
        x, depthwise, pointwise)
    # channel c's filters are depthwise[2c], depthwise[2c + 1] (flipped: a convolution)
    flipped = depthwise[:, :, ::-1, ::-1]
    middle = np.concatenate([numpy_correlate(x[:, c:c + 1], flipped[2 * c:2 * c + 2], (0, 0))
                             for c in range(3)], axis=1)
    expected = np.einsum("bmij,om->boij", middle, pointwise[:, :, 0, 0])
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


def test_causal_conv1d_output_at_t_reads_inputs_up_to_t():
    x = RNG.standard_normal((2, 3, 8))
    w = RNG.standard_normal((4, 3, 3))
    xv, wv = T.dtensor3(), T.dtensor3()
    out = function([xv, wv], conv.causal_conv1d(xv, wv, filter_shape=(4, 3, 3),
                                                filter_dilation=2))(x, w)
    assert out.shape == (2, 4, 8)
    padded = np.concatenate([np.zeros((2, 3, 4)), x], axis=2)
    expected = np.zeros((2, 4, 8))
    for t in range(8):
        # filter_flip: tap u of the flipped filter reads padded[t + 2u]
        taps = np.stack([padded[:, :, t + 2 * u] for u in range(3)], axis=-1)
        expected[:, :, t] = np.einsum("bcu,ocu->bo", taps, w[:, :, ::-1])
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    verify_grad(lambda a, b: conv.causal_conv1d(a, b, (4, 3, 3)), [x, w],
                rng=np.random.default_rng(4))
