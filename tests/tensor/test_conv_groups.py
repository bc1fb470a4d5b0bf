"""Grouped convolution (Theano's num_groups, Lasagne's Conv2DLayer(num_groups=...)): each group
of filters sees only its group of channels. Values against the direct loop run per group,
finite-difference gradients through both gradient ops, shapes, printing and errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp, verify_grad
from graphlens.errors import EvaluationError, ShapeError
from graphlens.tensor.nnet import abstract_conv
from tests.tensor.loop_cases import FLOATS, point
from tests.tensor.op_checks import check_infer_shape
from tests.tensor.test_conv import reference_conv

# (border_mode, subsample, filter_dilation, filter_flip, num_groups)
CASES = [("valid", (1, 1), (1, 1), True, 2), ("half", (2, 1), (1, 1), False, 3),
         ((1, 2), (1, 2), (2, 1), True, 3), ("full", (1, 1), (1, 1), True, 6)]


def reference_grouped(x, w, border_mode, stride, dilation, flip, groups):
    """The direct loop of each group's channels with its filters, joined along the channels."""
    xs, ws = np.split(x, groups, axis=1), np.split(w, groups, axis=0)
    return np.concatenate([reference_conv(xg, wg, border_mode, stride, dilation, flip)
                           for xg, wg in zip(xs, ws)], axis=1)


def _conv(case):
    border_mode, subsample, dilation, flip, groups = case
    return lambda x, w: T.nnet.conv2d(x, w, border_mode=border_mode, subsample=subsample,
                                      filter_dilation=dilation, filter_flip=flip,
                                      num_groups=groups)


def _points(case, dtype, seed=1):
    groups = case[-1]
    return point((2, 6, 7, 6), dtype, seed), point((groups * 2, 6 // groups, 3, 2), dtype,
                                                  seed + 1)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_grouped_conv2d_matches_the_loop_per_group(case, dtype):
    xv, wv = _points(case, dtype)
    x, w = T.TensorType(dtype, xv.shape)("x"), T.TensorType(dtype, wv.shape)("w")
    out = _conv(case)(x, w)
    value = function([x, w], out)(xv, wv)
    expected = reference_grouped(xv.astype("float64"), wv.astype("float64"), *case)
    assert value.dtype == dtype and out.type.shape == expected.shape == value.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(value, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_grouped_conv2d_gradients_match_finite_differences(case):
    xv, wv = _points(case, "float64", 3)
    verify_grad(_conv(case), [xv, wv])


@pytest.mark.parametrize("case", CASES[:2], ids=str)
def test_grouped_second_derivatives_through_both_gradient_ops(case):
    xv, wv = _points(case, "float64", 5)
    verify_grad(lambda x, w: grad((_conv(case)(x, w) ** 2).sum(), w), [xv, wv])
    verify_grad(lambda x, w: grad((_conv(case)(x, w) ** 2).sum(), x), [xv, wv])


def test_grouped_gradient_ops_work_out_their_shapes_without_convolving():
    case = CASES[1]
    xv, wv = _points(case, "float64")
    check_infer_shape(_conv(case), [xv, wv], abstract_conv.AbstractConv2d)
    # The channel counts are left unknown in the hints: infer_shape works them out from the
    # groups (filters hold channels / groups each).
    options = dict(border_mode="half", subsample=(2, 1), filter_flip=False, num_groups=3)
    gz = point((2, 6, 4, 6), "float64", 3)
    check_infer_shape(lambda g, w: abstract_conv.conv2d_grad_wrt_inputs(
        g, w, (None, None, 7, 6), **options), [gz, wv], abstract_conv.AbstractConv2d_gradInputs)
    check_infer_shape(lambda x, g: abstract_conv.conv2d_grad_wrt_weights(
        x, g, (None, None, 3, 2), **options), [xv, gz], abstract_conv.AbstractConv2d_gradWeights)


def test_grouped_conv3d_matches_its_groups_run_one_by_one():
    x = T.TensorType("float64", (None,) * 5)("x")
    w = T.TensorType("float64", (None,) * 5)("w")
    xv, wv = point((1, 4, 4, 5, 3), "float64", 1), point((6, 2, 2, 3, 2), "float64", 2)
    grouped = function([x, w], T.nnet.conv3d(x, w, border_mode="half", num_groups=2))(xv, wv)
    one = function([x, w], T.nnet.conv3d(x, w, border_mode="half"))
    expected = np.concatenate([one(xv[:, :2], wv[:3]), one(xv[:, 2:], wv[3:])], axis=1)
    np.testing.assert_allclose(grouped, expected, rtol=1e-12)
    verify_grad(lambda a, b: T.nnet.conv3d(a, b, num_groups=2), [xv, wv])


def test_grouped_conv2d_prints_its_groups_and_names_bad_shapes():
    x, w = T.tensor4("x"), T.tensor4("w")
    assert pp(T.nnet.conv2d(x, w, num_groups=2)) == "conv2d(x, w, num_groups=2)"
    assert pp(T.nnet.conv2d(x, w)) == "conv2d(x, w)"
    xs = T.TensorType("float64", (1, 6, 8, 8))("xs")
    with pytest.raises(ShapeError, match=r"input has 6 channels but the filters expect 4 "
                                         r"\(2 groups of 2\)"):
        T.nnet.conv2d(xs, T.TensorType("float64", (4, 2, 3, 3))("ws"), num_groups=2)
    with pytest.raises(ShapeError, match="5 filters do not split into num_groups=2 groups"):
        T.nnet.conv2d(T.TensorType("float64", (1, 4, 8, 8))("x4"),
                      T.TensorType("float64", (5, 2, 3, 3))("w5"), num_groups=2)
    f = function([x, w], T.nnet.conv2d(x, w, num_groups=3))
    with pytest.raises(EvaluationError, match="input has 6 channels but the filters expect 9"):
        f(np.zeros((1, 6, 5, 5)), np.zeros((3, 3, 3, 3)))
