"""theano.tensor.signal.conv.conv2d (graphlens/tensor/signal/conv.py): every rank of image and
filter against scipy.signal.convolve2d, output ranks and static shapes, hints, shapes
inferred without convolving, finite-difference gradients, errors naming the line."""

import numpy as np
import pytest
import scipy.signal

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import ShapeError
from graphlens.tensor.nnet.conv_ops import Conv2d
from graphlens.tensor.signal import conv
from tests.tensor.loop_cases import FLOATS, point, this_line
from tests.tensor.op_checks import check, check_grad, variable_like

RANKS = [(2, 2), (3, 2), (2, 3), (3, 3)]


def reference(x, w, border_mode, subsample=(1, 1)):
    """scipy's convolution of every image by every filter, axes of a lone one left out."""
    images = x if x.ndim == 3 else x[None]
    filters = w if w.ndim == 3 else w[None]
    out = np.array([[scipy.signal.convolve2d(i, f, mode=border_mode)
                     [::subsample[0], ::subsample[1]] for f in filters] for i in images])
    if w.ndim == 2:
        out = out[:, 0]
    return out[0] if x.ndim == 2 else out


def operands(ranks, dtype, image=(7, 6), kernel=(3, 2)):
    x = point((4,) * (ranks[0] - 2) + image, dtype, 1)
    w = point((2,) * (ranks[1] - 2) + kernel, dtype, 2)
    return x, w


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("border_mode", ["valid", "full"])
@pytest.mark.parametrize("ranks", RANKS, ids=str)
def test_values_and_output_rank_match_scipy(ranks, border_mode, dtype):
    x, w = operands(ranks, dtype)
    out = check(lambda a, b: conv.conv2d(a, b, border_mode=border_mode),
                lambda a, b: reference(a, b, border_mode), x, w)
    assert out.ndim == {(2, 2): 2, (3, 2): 3, (2, 3): 3, (3, 3): 4}[ranks]


@pytest.mark.parametrize("ranks", RANKS, ids=str)
def test_subsample_and_shape_hints(ranks):
    x, w = operands(ranks, "float64", image=(9, 8))
    image_shape, filter_shape = x.shape, w.shape
    check(lambda a, b: conv.conv2d(a, b, image_shape=image_shape, filter_shape=filter_shape,
                                   subsample=(2, 3), border_mode="full"),
          lambda a, b: reference(a, b, "full", (2, 3)), x, w)
    # The hints alone make the output's static shape known.
    out = conv.conv2d(variable_like(x), variable_like(w), image_shape=image_shape,
                      filter_shape=filter_shape)
    assert out.type.shape == reference(x, w, "valid").shape
    # Theano's (rows, cols) hint for a stack too: the stack's length stays unknown.
    out = conv.conv2d(variable_like(x), variable_like(w), image_shape=image_shape[-2:],
                      filter_shape=filter_shape[-2:])
    assert out.type.shape[-2:] == (7, 7)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ranks", RANKS, ids=str)
def test_gradients_match_finite_differences(ranks, dtype):
    x, w = operands(ranks, "float64", image=(5, 4), kernel=(2, 3))
    check_grad(lambda a, b: conv.conv2d(a, b, border_mode="full", subsample=(1, 2)), x, w,
               dtypes=(dtype,))


def test_gradient_is_the_nnet_convolutions():
    # d sum(conv(x, w)) / d w: each filter tap sums the image entries it meets.
    x, w = T.matrix("x"), T.matrix("w")
    xv = np.arange(20.0).reshape(4, 5)
    gw = function([x, w], grad(conv.conv2d(x, w).sum(), w))(xv, np.ones((2, 2)))
    expected = [[xv[1:, 1:].sum(), xv[1:, :-1].sum()], [xv[:-1, 1:].sum(), xv[:-1, :-1].sum()]]
    np.testing.assert_allclose(gw, expected)


@pytest.mark.parametrize("ranks", RANKS, ids=str)
def test_shape_is_inferred_without_convolving(ranks):
    x, w = operands(ranks, "float64")
    a, b = variable_like(x), variable_like(w)
    out = conv.conv2d(a, b, border_mode="full", subsample=(2, 1))
    shape_of = function([a, b], out.shape, on_unused_input="ignore")
    assert tuple(shape_of(x, w)) == reference(x, w, "full", (2, 1)).shape
    assert Conv2d not in {type(node.op) for node in shape_of.fgraph.toposort()}


def test_errors_name_the_input_and_the_line():
    line = this_line() + 2
    with pytest.raises(ShapeError, match=rf"test_signal_conv.py:{line}: the input must be .*'v'"):
        conv.conv2d(T.vector("v"), T.matrix("w"))
    with pytest.raises(ShapeError, match=r"the filters must be 2-d \(one filter\).*'k'"):
        conv.conv2d(T.matrix("x"), T.tensor4("k"))
    with pytest.raises(ValueError, match="image_shape must be"):
        conv.conv2d(T.matrix("x"), T.matrix("w"), image_shape=(1, 1, 5, 5))
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        conv.conv2d(T.matrix("x"), T.matrix("w"), filter_flip=False)
    # Theano's ConvOp tuning knobs are accepted and change nothing.
    conv.conv2d(T.matrix("x"), T.matrix("w"), unroll_kern=4)
