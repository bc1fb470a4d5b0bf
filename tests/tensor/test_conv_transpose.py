"""conv2d_transpose and the conv2d gradient functions at Theano's paths."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.gradient import verify_grad
from graphlens.tensor.nnet import conv2d, conv2d_transpose
from graphlens.tensor.nnet.abstract_conv import conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights

RNG = np.random.default_rng(7)


def test_transpose_is_the_gradient_of_a_strided_conv2d():
    x, w, gz = T.dtensor4("x"), T.dtensor4("w"), T.dtensor4("gz")
    y = conv2d(x, w, subsample=(2, 2), border_mode="half")
    gx, gw = grad(T.sum(y * gz), [x, w])
    up = conv2d_transpose(gz, w, output_shape=(None, 3, 9, 9), input_dilation=(2, 2),
                          border_mode="half")
    via_inputs = conv2d_grad_wrt_inputs(gz, w, (None, 3, 9, 9), subsample=(2, 2),
                                        border_mode="half")
    via_weights = conv2d_grad_wrt_weights(x, gz, (4, 3, 3, 3), subsample=(2, 2),
                                          border_mode="half")
    assert up.type.shape[1:] == (3, 9, 9)
    xs, ws = RNG.normal(size=(2, 3, 9, 9)), RNG.normal(size=(4, 3, 3, 3))
    gzs = RNG.normal(size=(2, 4, 5, 5))
    f = function([x, w, gz], [gx, gw, up, via_inputs, via_weights])
    expected_gx, expected_gw, got_up, got_inputs, got_weights = f(xs, ws, gzs)
    np.testing.assert_allclose(got_up, expected_gx, rtol=1e-12)
    np.testing.assert_allclose(got_inputs, expected_gx, rtol=1e-12)
    np.testing.assert_allclose(got_weights, expected_gw, rtol=1e-12)


def test_transpose_gradient_by_finite_differences():
    verify_grad(lambda h, w: conv2d_transpose(h, w, output_shape=(None, 2, 6, 6),
                                              input_dilation=(2, 2)),
                [RNG.normal(size=(1, 3, 3, 3)), RNG.normal(size=(3, 2, 2, 2))],
                rng=np.random.default_rng(0))
