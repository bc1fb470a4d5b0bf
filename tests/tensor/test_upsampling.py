"""Bilinear upsampling (graphlens/tensor/nnet/upsampling.py): values against numpy's linear
interpolation, dtypes, static and inferred shapes, finite-difference gradients, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, verify_grad
from graphlens.tensor.nnet.abstract_conv import (
    bilinear_kernel_1D, bilinear_kernel_2D, bilinear_upsampling)
from tests.tensor.loop_cases import FLOATS, point


def reference_upsampling(x, ratio):
    """Separable linear interpolation: output pixel i reads the input at (i - (ratio - 1) // 2)
    / ratio, clamped to the edges (Theano's documented behaviour, its even-ratio asymmetry
    included)."""
    def along(array, axis):
        n = array.shape[axis]
        at = (np.arange(n * ratio) - (ratio - 1) // 2) / ratio
        return np.apply_along_axis(lambda line: np.interp(at, np.arange(n), line), axis, array)
    return along(along(x.astype("float64"), 2), 3)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ratio", [1, 2, 3, 4])
@pytest.mark.parametrize("use_1D_kernel", [True, False])
def test_bilinear_upsampling_is_linear_interpolation(ratio, use_1D_kernel, dtype):
    xv = point((2, 3, 4, 5), dtype, ratio)
    x = T.tensor4("x", dtype=dtype)
    out = bilinear_upsampling(x, ratio, use_1D_kernel=use_1D_kernel)
    value = function([x], out)(xv)
    assert value.dtype == dtype
    assert value.shape == (2, 3, 4 * ratio, 5 * ratio)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(value, reference_upsampling(xv, ratio), rtol=tol, atol=tol)


def test_bilinear_upsampling_of_a_ramp_is_the_finer_ramp_inside():
    x = T.tensor4("x")
    value = function([x], bilinear_upsampling(x, 3))(np.arange(4.0).reshape(1, 1, 1, 4))
    np.testing.assert_allclose(value[0, 0, 0], [0, 0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2, 7 / 3,
                                                8 / 3, 3, 3])


def test_bilinear_upsampling_static_shape_and_hints():
    x = T.TensorType("float64", (2, 3, 4, 5))("x")
    assert bilinear_upsampling(x, 2).type.shape == (2, 3, 8, 10)
    y = T.tensor4("y")
    out = bilinear_upsampling(y, 2, batch_size=2, num_input_channels=3)
    shape = function([y], out.shape)(np.zeros((2, 3, 4, 5)))
    assert tuple(shape) == (2, 3, 8, 10)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("use_1D_kernel", [True, False])
def test_bilinear_upsampling_gradient_matches_finite_differences(use_1D_kernel, dtype):
    xv = point((2, 2, 3, 4), dtype, 5)
    verify_grad(lambda x: bilinear_upsampling(x, 2, use_1D_kernel=use_1D_kernel), [xv],
                eps=1e-2 if dtype == "float32" else None)
    verify_grad(lambda x: bilinear_upsampling(x, 3, use_1D_kernel=use_1D_kernel), [xv],
                eps=1e-2 if dtype == "float32" else None)


def test_bilinear_kernels_are_theanos():
    np.testing.assert_allclose(bilinear_kernel_1D(3).eval(), [1 / 3, 2 / 3, 1, 2 / 3, 1 / 3])
    np.testing.assert_allclose(bilinear_kernel_1D(2, normalize=False).eval(), [1, 2, 1])
    np.testing.assert_allclose(bilinear_kernel_2D(2).eval(),
                               np.outer([0.5, 1, 0.5], [0.5, 1, 0.5]))


def test_bilinear_upsampling_refuses_bad_ratio_and_rank():
    x = T.tensor4("x")
    with pytest.raises(ValueError, match="ratio must be an int known when the graph is built"):
        bilinear_upsampling(x, T.iscalar("r"))
    with pytest.raises(ValueError, match="ratio must be >= 1"):
        bilinear_upsampling(x, 0)
    with pytest.raises(ValueError, match="must be 4-d"):
        bilinear_upsampling(T.matrix("m"), 2)
