"""3-d convolution (graphlens/tensor/nnet/conv_ops.py, abstract_conv.py): values against scipy
and a direct loop, static and inferred shapes, finite-difference gradients of the forward op and
of both gradient ops, and errors that name the user's line."""

import numpy as np
import pytest
from scipy import signal

import graphlens.tensor as T
from graphlens import function, grad, pp, verify_grad
from graphlens.errors import EvaluationError, ShapeError
from graphlens.tensor.nnet import abstract_conv
from graphlens.tensor.nnet.abstract_conv import (
    AbstractConv3d, AbstractConv3d_gradInputs, AbstractConv3d_gradWeights,
    conv3d_grad_wrt_inputs, conv3d_grad_wrt_weights)
from tests.tensor.loop_cases import FLOATS, point, this_line
from tests.tensor.op_checks import check_infer_shape

# (border_mode, subsample, filter_dilation, filter_flip)
CASES = [("valid", (1, 1, 1), (1, 1, 1), True), ("full", (1, 1, 1), (1, 1, 1), True),
         ("half", (1, 1, 1), (1, 1, 1), True), ((1, 0, 2), (1, 1, 1), (1, 1, 1), False),
         (1, (2, 1, 2), (1, 1, 1), True), ("valid", (1, 1, 1), (2, 1, 2), True),
         ("half", (2, 2, 1), (1, 2, 1), False), ("full", (1, 2, 1), (2, 1, 1), True)]


def reference_conv3d(x, w, border_mode, stride, dilation, flip):
    """The definition, one output position at a time (a test-only loop)."""
    kernel = w.shape[2:]
    spans = [(k - 1) * d for k, d in zip(kernel, dilation)]
    if border_mode == "valid":
        pad = (0, 0, 0)
    elif border_mode == "full":
        pad = tuple(spans)
    elif border_mode == "half":
        pad = tuple((s + 1) // 2 for s in spans)
    else:
        pad = (border_mode,) * 3 if isinstance(border_mode, int) else border_mode
    if flip:
        w = w[:, :, ::-1, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))
    out_shape = [(xp.shape[2 + i] - spans[i] - 1) // stride[i] + 1 for i in range(3)]
    out = np.zeros((x.shape[0], w.shape[0], *out_shape))
    for i, j, k in np.ndindex(*out_shape):
        at = tuple(slice(n * s, n * s + span + 1, d)
                   for n, s, span, d in zip((i, j, k), stride, spans, dilation))
        out[:, :, i, j, k] = np.einsum("bcuvw,ocuvw->bo", xp[(slice(None), slice(None)) + at], w)
    return out


def _conv(case):
    border_mode, subsample, dilation, flip = case
    return lambda x, w: T.nnet.conv3d(x, w, border_mode=border_mode, subsample=subsample,
                                      filter_dilation=dilation, filter_flip=flip)


def _eps(dtype):
    # conv3d is linear in each input, so central differences are exact at any step: a large
    # one keeps float32 rounding of the summed outputs from swamping the difference.
    return 1e-2 if dtype == "float32" else None


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_conv3d_matches_the_direct_loop_and_its_static_shape(case, dtype):
    xv, wv = point((2, 3, 6, 5, 7), dtype, 1), point((4, 3, 3, 2, 3), dtype, 2)
    x = T.TensorType(dtype, xv.shape)("x")
    w = T.TensorType(dtype, wv.shape)("w")
    out = _conv(case)(x, w)
    value = function([x, w], out)(xv, wv)
    expected = reference_conv3d(xv.astype("float64"), wv.astype("float64"), *case)
    assert value.dtype == dtype
    assert out.type.shape == expected.shape == value.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)


def test_conv3d_valid_and_full_agree_with_scipy_convolve():
    xv, wv = point((2, 2, 5, 6, 4), "float64", 3), point((3, 2, 2, 3, 2), "float64", 4)
    x, w = T.tensor5("x"), T.tensor5("w")
    for mode in ("valid", "full"):
        value = function([x, w], T.nnet.conv3d(x, w, border_mode=mode))(xv, wv)
        # A true convolution: scipy's convolve flips the kernel too; sum over input channels.
        expected = np.array([[sum(signal.convolve(xv[b, c], wv[o, c], mode=mode)
                                  for c in range(2)) for o in range(3)] for b in range(2)])
        np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", CASES[::2] + [CASES[3]], ids=str)
def test_conv3d_gradients_match_finite_differences(case, dtype):
    xv, wv = point((2, 2, 5, 4, 4), dtype, 3), point((2, 2, 2, 3, 2), dtype, 4)
    verify_grad(_conv(case), [xv, wv], eps=_eps(dtype))


@pytest.mark.parametrize("case", CASES[:2] + CASES[4:5], ids=str)
def test_second_derivatives_through_both_conv3d_gradient_ops(case):
    xv, wv = point((1, 2, 4, 4, 3), "float64", 5), point((2, 2, 2, 2, 2), "float64", 6)
    verify_grad(lambda x, w: grad((_conv(case)(x, w) ** 2).sum(), w), [xv, wv])
    verify_grad(lambda x, w: grad((_conv(case)(x, w) ** 2).sum(), x), [xv, wv])


def test_conv3d_gradient_ops_are_theanos_and_static_when_the_inputs_are():
    x = T.TensorType("float64", (2, 3, 7, 6, 5))("x")
    w = T.TensorType("float64", (4, 3, 3, 3, 2))("w")
    out = T.nnet.conv3d(x, w, subsample=(2, 2, 1))
    gx, gw = grad(out.sum(), [x, w])
    assert isinstance(out.owner.op, AbstractConv3d)
    assert isinstance(gx.owner.op, AbstractConv3d_gradInputs)
    assert isinstance(gw.owner.op, AbstractConv3d_gradWeights)
    assert out.type.shape == (2, 4, 3, 2, 4)
    assert gx.type.shape == (2, 3, 7, 6, 5) and gw.type.shape == (4, 3, 3, 3, 2)
    xv, wv = point((2, 3, 7, 6, 5), "float64"), point((4, 3, 3, 3, 2), "float64", 2)
    gxv, gwv = function([x, w], [gx, gw])(xv, wv)
    # d sum(out) / d w[o, c, u, v, t]: the sum of the inputs the flipped tap reads, windows
    # starting every 2 depths and rows.
    expected = np.array([[[[[xv[:, c, 2 - u:2 - u + 5:2, 2 - v:2 - v + 3:2, 1 - t:1 - t + 4]
                             .sum() for t in range(2)] for v in range(3)] for u in range(3)]
                          for c in range(3)]] * 4)
    np.testing.assert_allclose(gwv, expected, rtol=1e-12)
    # Row 5 is never read by windows starting at rows 0 and 2 spanning 3; depth 6 is.
    assert np.all(gxv[:, :, :, 5] == 0) and np.all(gxv[:, :, :, 4] != 0)
    assert np.all(gxv[:, :, 6, :5] != 0)


def test_conv3d_grad_wrt_functions_are_the_gradients():
    xv, wv = point((2, 2, 5, 5, 4), "float64", 7), point((3, 2, 3, 2, 2), "float64", 8)
    x, w, gz = T.tensor5("x"), T.tensor5("w"), T.tensor5("gz")
    options = {"border_mode": (1, 0, 1), "subsample": (2, 1, 1)}
    out = T.nnet.conv3d(x, w, **options)
    gzv = point(function([x, w], out)(xv, wv).shape, "float64", 9)
    cost = (out * gz).sum()
    want_x, want_w = function([x, w, gz], grad(cost, [x, w]))(xv, wv, gzv)
    gx = conv3d_grad_wrt_inputs(gz, w, (None, 2, 5, 5, 4), **options)
    gw = conv3d_grad_wrt_weights(x, gz, (3, 2, 3, 2, 2), **options)
    got_x, got_w = function([x, w, gz], [gx, gw])(xv, wv, gzv)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-12)
    np.testing.assert_allclose(got_w, want_w, rtol=1e-12)
    assert gx.type.shape == (None, 2, 5, 5, 4) and gw.type.shape == (3, 2, 3, 2, 2)


@pytest.mark.parametrize("case", [CASES[0], CASES[2], CASES[4]], ids=str)
def test_conv3d_infer_shape_works_out_lengths_without_convolving(case):
    arrays = [point((2, 3, 6, 5, 7), "float64", 1), point((4, 3, 3, 2, 3), "float64", 2)]
    check_infer_shape(_conv(case), arrays, AbstractConv3d)
    gz = point((2, 4, 4, 4, 5), "float64", 3)
    check_infer_shape(lambda g, w: conv3d_grad_wrt_inputs(g, w, (2, 3, 6, 6, 7)),
                      [gz, arrays[1]], AbstractConv3d_gradInputs)
    check_infer_shape(lambda x, g: conv3d_grad_wrt_weights(x, g, (4, 3, 3, 2, 3)),
                      [arrays[0], gz], AbstractConv3d_gradWeights)


def test_conv3d_mismatched_channels_name_the_users_line():
    x = T.TensorType("float64", (1, 3, 5, 5, 5))("vol")
    w = T.TensorType("float64", (2, 4, 3, 3, 3))("W3")
    line = this_line() + 3
    with pytest.raises(ShapeError, match=rf"conv3d: the input has 3 channels but the filters "
                                         rf"expect 4(.|\n)*test_conv3d.py:{line}"):
        T.nnet.conv3d(x, w)
    xs, ws = T.tensor5("xs"), T.tensor5("ws")
    built = this_line() + 1
    f = function([xs, ws], T.nnet.conv3d(xs, ws))
    with pytest.raises(EvaluationError, match=rf"failed at tests/tensor/test_conv3d.py:{built}: "
                                              rf"ShapeError: conv3d: the input has 3 channels "
                                              rf"but the filters expect 2"):
        f(np.zeros((1, 3, 4, 4, 4)), np.zeros((1, 2, 3, 3, 3)))


def test_conv3d_bad_arguments_are_refused():
    x, w = T.tensor5("x"), T.tensor5("w")
    with pytest.raises(ShapeError, match="conv3d: the filters must be 5-d"):
        T.nnet.conv3d(x, T.tensor4("w4"))
    with pytest.raises(ValueError, match="subsample must be an int or a tuple of 3 ints"):
        T.nnet.conv3d(x, w, subsample=(1, 1))
    with pytest.raises(ValueError, match="border_mode must be 'valid'"):
        T.nnet.conv3d(x, w, border_mode="same")
    small = T.TensorType("float64", (1, 2, 2, 9, 9))("small")
    with pytest.raises(ShapeError, match="smaller than the filters"):
        T.nnet.conv3d(small, T.TensorType("float64", (1, 2, 3, 3, 3))("k"))


def test_conv3d_prints_as_the_call_and_lives_at_theanos_paths():
    x, w = T.tensor5("x"), T.tensor5("W")
    assert pp(T.nnet.conv3d(x, w)) == "conv3d(x, W)"
    assert pp(T.nnet.conv3d(x, w, border_mode=2, subsample=(1, 2, 1))) == (
        "conv3d(x, W, border_mode=(2, 2, 2), subsample=(1, 2, 1))")
    assert abstract_conv.conv3d is T.nnet.conv3d


def test_a_small_3d_convnet_learns_to_tell_volumes_apart():
    # A real use: conv3d -> relu -> front-minus-back mean -> softmax, only the filters trained
    # (so learning rests on conv3d's gradient); the volumes differ in where their energy sits.
    from graphlens import shared
    rng = np.random.default_rng(0)
    volumes = rng.normal(size=(16, 1, 6, 5, 5))
    labels = np.arange(16) % 2
    volumes[labels == 1, :, :3] += 1.5
    volumes[labels == 0, :, 3:] += 1.5
    W = shared(rng.normal(scale=0.3, size=(4, 1, 3, 3, 3)), name="W")
    V = T.constant(np.array([[1.0, -1.0]] * 2 + [[-1.0, 1.0]] * 2))
    x, y = T.tensor5("x"), T.lvector("y")
    features = T.nnet.relu(T.nnet.conv3d(x, W, border_mode="half", subsample=(2, 1, 1)))
    pooled = features[:, :, :2].mean(axis=(2, 3, 4)) - features[:, :, 2:].mean(axis=(2, 3, 4))
    cost = T.nnet.categorical_crossentropy(T.nnet.softmax(T.dot(pooled, V)), y).mean()
    train = function([x, y], cost, updates=[(W, W - 0.5 * grad(cost, W))])
    losses = [float(train(volumes, labels)) for _ in range(40)]
    assert losses[-1] < 0.5 * losses[0], losses[::8]
