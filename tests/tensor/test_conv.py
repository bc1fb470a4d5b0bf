"""2-d convolution (graphlens/tensor/nnet/abstract_conv.py, conv_kernels.py, conv.py): values
against a direct loop, static shapes against run-time shapes, finite-difference gradients of the
forward op and of both gradient ops, for every border mode, stride, dilation and flip."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp, verify_grad
from graphlens.errors import EvaluationError, ShapeError
from graphlens.tensor.nnet import conv, conv_ops
from tests.tensor.loop_cases import FLOATS, point

# (border_mode, subsample, filter_dilation, filter_flip)
CASES = [("valid", (1, 1), (1, 1), True), ("full", (1, 1), (1, 1), True),
         ("half", (1, 1), (1, 1), True), ((1, 2), (1, 1), (1, 1), True),
         (1, (1, 1), (1, 1), False), ("valid", (2, 2), (1, 1), True),
         ("full", (2, 1), (1, 1), False), ("half", (1, 2), (2, 1), True),
         ("valid", (1, 1), (2, 2), True), ((2, 0), (2, 3), (1, 2), True)]


def reference_conv(x, w, border_mode, stride, dilation, flip):
    """The definition, one output position at a time (a test-only loop)."""
    kh, kw = w.shape[2:]
    dh, dw = dilation
    if border_mode == "valid":
        pad = (0, 0)
    elif border_mode == "full":
        pad = ((kh - 1) * dh, (kw - 1) * dw)
    elif border_mode == "half":
        pad = (((kh - 1) * dh + 1) // 2, ((kw - 1) * dw + 1) // 2)
    else:
        pad = (border_mode, border_mode) if isinstance(border_mode, int) else border_mode
    if flip:
        w = w[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (xp.shape[2] - (kh - 1) * dh - 1) // stride[0] + 1
    ow = (xp.shape[3] - (kw - 1) * dw - 1) // stride[1] + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for i in range(oh):
        for j in range(ow):
            r, c = i * stride[0], j * stride[1]
            patch = xp[:, :, r:r + (kh - 1) * dh + 1:dh, c:c + (kw - 1) * dw + 1:dw]
            out[:, :, i, j] = np.einsum("bcuv,ocuv->bo", patch, w)
    return out


def _eps(dtype):
    # conv2d is linear in each input (its gradients' costs below are quadratic), so central
    # differences are exact at any step: a large one keeps float32 rounding of the ~100 summed
    # outputs from swamping the difference.
    return 1e-2 if dtype == "float32" else None


def _conv(case):
    border_mode, subsample, dilation, flip = case
    return lambda x, w: T.nnet.conv2d(x, w, border_mode=border_mode, subsample=subsample,
                                      filter_dilation=dilation, filter_flip=flip)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_conv2d_matches_the_direct_loop_and_its_static_shape(case, dtype):
    xv, wv = point((2, 3, 7, 6), dtype, 1), point((4, 3, 3, 2), dtype, 2)
    x = T.TensorType(dtype, xv.shape)("x")
    w = T.TensorType(dtype, wv.shape)("w")
    out = _conv(case)(x, w)
    value = function([x, w], out)(xv, wv)
    expected = reference_conv(xv.astype("float64"), wv.astype("float64"), *case)
    assert value.dtype == dtype
    assert out.type.shape == expected.shape == value.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_conv2d_gradients_match_finite_differences(case, dtype):
    xv, wv = point((2, 2, 6, 5), dtype, 3), point((3, 2, 3, 2), dtype, 4)
    verify_grad(_conv(case), [xv, wv], eps=_eps(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", CASES[::3], ids=str)
def test_second_derivatives_through_both_gradient_ops(case, dtype):
    xv, wv = point((2, 2, 6, 5), dtype, 5), point((3, 2, 3, 2), dtype, 6)

    def weights_grad(x, w):        # differentiates Conv2dGradWeights
        return grad((_conv(case)(x, w) ** 2).sum(), w)

    def inputs_grad(x, w):         # differentiates Conv2dGradInputs
        return grad((_conv(case)(x, w) ** 2).sum(), x)

    verify_grad(weights_grad, [xv, wv], eps=_eps(dtype))
    verify_grad(inputs_grad, [xv, wv], eps=_eps(dtype))


def test_gradient_op_shapes_are_static_when_the_inputs_are():
    x = T.TensorType("float64", (5, 3, 9, 8))("x")
    w = T.TensorType("float64", (4, 3, 3, 3))("w")
    out = T.nnet.conv2d(x, w, subsample=(2, 2))
    gx, gw = grad(out.sum(), [x, w])
    assert out.type.shape == (5, 4, 4, 3)
    assert gx.type.shape == (5, 3, 9, 8) and gw.type.shape == (4, 3, 3, 3)
    xv, wv = point((5, 3, 9, 8), "float64"), point((4, 3, 3, 3), "float64", 2)
    gxv, gwv = function([x, w], [gx, gw])(xv, wv)
    # Windows start at columns 0, 2, 4 and span 3: column 7 is never read, so gets 0.
    assert np.all(gxv[:, :, :, 7] == 0) and np.all(gxv[:, :, :, 6] != 0)
    assert gwv.shape == (4, 3, 3, 3)


def test_shape_hints_fill_unknown_lengths_and_are_checked_at_run_time():
    x, w = T.tensor4("x"), T.tensor4("w")
    out = T.nnet.conv2d(x, w, input_shape=(2, 1, 8, 8), filter_shape=(3, 1, 5, 5))
    assert out.type.shape == (2, 3, 4, 4)
    f = function([x, w], out)
    with pytest.raises(EvaluationError, match=r"input_shape=\(2, 1, 8, 8\) was given"):
        f(np.zeros((2, 1, 9, 9)), np.zeros((3, 1, 5, 5)))


def test_old_conv_module_is_a_flipped_convolution_with_theanos_argument_names():
    x, w = T.tensor4("x"), T.tensor4("w")
    out = conv.conv2d(x, w, filter_shape=(2, 1, 3, 3), image_shape=(1, 1, 5, 5),
                      border_mode="full")
    xv, wv = point((1, 1, 5, 5), "float64"), point((2, 1, 3, 3), "float64", 2)
    np.testing.assert_allclose(function([x, w], out)(xv, wv),
                               reference_conv(xv, wv, "full", (1, 1), (1, 1), True))
    assert out.type.shape == (1, 2, 7, 7)
    with pytest.raises(ValueError, match="'valid' or 'full'"):
        conv.conv2d(x, w, border_mode="half")
    # Theano's positional order: image_shape, then filter_shape.
    positional = conv.conv2d(x, w, (1, 1, 5, 5), (2, 1, 3, 3), "full")
    assert positional.type.shape == (1, 2, 7, 7)


def test_conv2d_prints_as_the_call():
    x, w = T.tensor4("x"), T.tensor4("W")
    # Theano's defaults (border_mode='valid') are left out, as the user left them out.
    assert pp(T.nnet.conv2d(x, w)) == "conv2d(x, W)"
    assert pp(T.nnet.conv2d(x, w, border_mode="half")) == "conv2d(x, W, border_mode='half')"
    assert pp(T.nnet.conv2d(x, w, border_mode=(1, 2), filter_flip=False)) == (
        "conv2d(x, W, border_mode=(1, 2), filter_flip=False)")


def test_bad_arguments_and_shapes_are_named():
    x, w = T.tensor4("x"), T.tensor4("w")
    with pytest.raises(ValueError, match="border_mode must be"):
        T.nnet.conv2d(x, w, border_mode="same-ish")
    with pytest.raises(ValueError, match="unshared=False only"):
        T.nnet.conv2d(x, w, unshared=True)
    with pytest.raises(ValueError, match="num_groups must be an int >= 1"):
        T.nnet.conv2d(x, w, num_groups=0)
    assert T.nnet.conv2d(x, w, num_groups=1, unshared=False).ndim == 4
    with pytest.raises(ShapeError, match="filters must be 4-d"):
        T.nnet.conv2d(x, T.matrix("m"))
    xs = T.TensorType("float64", (1, 3, 8, 8))("xs")
    ws = T.TensorType("float64", (2, 4, 3, 3))("ws")
    with pytest.raises(ShapeError, match="input has 3 channels but the filters expect 4"):
        T.nnet.conv2d(xs, ws)
    small = T.TensorType("float64", (1, 4, 2, 2))("small")
    with pytest.raises(ShapeError, match="smaller than the filters"):
        T.nnet.conv2d(small, ws)
    f = function([x, w], T.nnet.conv2d(x, w))
    with pytest.raises(EvaluationError, match="input has 3 channels but the filters expect 2"):
        f(np.zeros((1, 3, 5, 5)), np.zeros((1, 2, 3, 3)))


def test_shape_hints_make_the_gradients_static_for_shared_filters():
    from graphlens import shared
    w = shared(point((3, 2, 3, 3), "float64"), name="w")
    x = T.TensorType("float64", (None, 2, None, None))("x")
    out = T.nnet.conv2d(x, w, input_shape=(4, 2, 6, 6), filter_shape=(3, 2, 3, 3))
    gx, gw = grad(out.sum(), [x, w])
    assert gw.type.shape == (3, 2, 3, 3) and gx.type.shape == (4, 2, 6, 6)
    xv = point((4, 2, 6, 6), "float64", 3)
    # d sum(out) / d w[o, c, u, v]: the sum of the input window the flipped tap (2-u, 2-v) reads.
    expected = np.array([[[[xv[:, c, 2 - u:6 - u, 2 - v:6 - v].sum() for v in range(3)]
                           for u in range(3)] for c in range(2)]] * 3)
    np.testing.assert_allclose(function([x], gw)(xv), expected, rtol=1e-12)


@pytest.mark.parametrize("case", CASES[::3], ids=str)
def test_conv2d_infer_shape_works_out_lengths_without_convolving(case):
    from graphlens.tensor.nnet.abstract_conv import (
        AbstractConv2d, AbstractConv2d_gradInputs, AbstractConv2d_gradWeights,
        conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights)
    from tests.tensor.op_checks import check_infer_shape
    xv, wv = point((2, 3, 7, 6), "float64", 1), point((4, 3, 3, 2), "float64", 2)
    check_infer_shape(_conv(case), [xv, wv], AbstractConv2d)
    gz = point((2, 4, 5, 5), "float64", 3)
    check_infer_shape(lambda g, w: conv2d_grad_wrt_inputs(g, w, (2, 3, 7, 6)), [gz, wv],
                      AbstractConv2d_gradInputs)
    check_infer_shape(lambda x, g: conv2d_grad_wrt_weights(x, g, (4, 3, 3, 2)), [xv, gz],
                      AbstractConv2d_gradWeights)


def test_the_op_classes_take_theanos_constructor():
    """Keras' Theano backend builds a transposed convolution from the class itself:
    AbstractConv2d_gradInputs(imshp=, kshp=, subsample=, border_mode=, filter_flip=) called on
    (filters, output, image rows and cols)."""
    from graphlens.tensor.nnet import abstract_conv
    kernel, top = T.tensor4("k"), T.tensor4("top")
    op = abstract_conv.AbstractConv2d_gradInputs(imshp=None, kshp=(4, 3, 3, 3), subsample=1,
                                                 border_mode="half", filter_flip=True)
    assert op.subsample == (1, 1) and op.kshp == (4, 3, 3, 3)
    assert op == conv_ops.Conv2dGradInputs(border_mode="half", kshp=(4, 3, 3, 3))
    out = op(kernel, top, (6, 6))
    rng = np.random.default_rng(0)
    k, g = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=(2, 4, 6, 6))
    value = function([kernel, top], out)(k, g)
    # The same as the gradient of conv2d with respect to its images.
    x = T.tensor4("x")
    want = function([x, kernel, top], grad(
        (T.nnet.conv2d(x, kernel, border_mode="half") * top).sum(), x))(np.zeros((2, 3, 6, 6)), k, g)
    np.testing.assert_allclose(value, want, rtol=1e-12)
    forward = abstract_conv.AbstractConv2d(None, None, "full", (2, 2))
    assert forward.border_mode == "full" and forward.subsample == (2, 2)
    with pytest.raises(ValueError, match="subsample must be an int or a tuple of 2"):
        abstract_conv.AbstractConv2d(subsample=(1, 1, 1))
    with pytest.raises(ValueError, match="unshared=False only"):
        abstract_conv.AbstractConv2d(unshared=True)
    assert abstract_conv.AbstractConv2d(None, None, "valid", (1, 1), True, (1, 1), 2).num_groups == 2


@pytest.mark.parametrize("case", CASES, ids=str)
def test_get_conv_output_shape_is_the_shape_conv2d_gives(case):
    from graphlens.tensor.nnet.abstract_conv import get_conv_output_shape
    border_mode, subsample, dilation, flip = case
    xv, wv = point((2, 3, 9, 8), "float64", 1), point((4, 3, 3, 2), "float64", 2)
    x, w = T.dtensor4("x"), T.dtensor4("w")
    value = function([x, w], _conv(case)(x, w))(xv, wv)
    assert get_conv_output_shape(xv.shape, wv.shape, border_mode, subsample,
                                 dilation) == value.shape
    symbolic = get_conv_output_shape(x.shape, w.shape, border_mode, subsample, dilation)
    assert tuple(function([x, w], T.stack(list(symbolic)))(xv, wv)) == value.shape
    unknown = get_conv_output_shape((None, 3, 9, None), wv.shape, border_mode, subsample,
                                    dilation)
    assert unknown == (None, 4, value.shape[2], None)


def test_the_old_conv2d_takes_shapes_given_as_constant_tensors_as_theano():
    from graphlens.errors import NotScalarConstantError
    from graphlens.tensor.nnet import conv
    x, w = T.dtensor4("x"), T.dtensor4("w")
    as_t = T.as_tensor_variable
    for image_shape, filter_shape in (((as_t(3), as_t(2), as_t(7), as_t(5)), (5, 2, 2, 3)),
                                      (as_t([3, 2, 7, 5]), as_t((5, 2, 2, 3)))):
        y = conv.conv2d(x, w, image_shape=image_shape, filter_shape=filter_shape)
        assert y.type.shape == (3, 5, 6, 3)
    # the elements of a constant vector are constants, as Theano's get_scalar_constant_value
    assert [int(T.get_scalar_constant_value(s)) for s in as_t([3, 2, 7, 5])] == [3, 2, 7, 5]
    with pytest.raises(NotScalarConstantError):
        conv.conv2d(x, w, image_shape=(3, 2, 8, T.iscalar()), filter_shape=(4, 2, 5, 5))
    assert conv.imported_scipy_signal is True
