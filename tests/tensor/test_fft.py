"""T.fft.rfft / irfft (graphlens/tensor/fft.py): Theano's layout (real and imaginary parts on a
last axis of 2) against numpy.fft, every norm, odd and even lengths, dtypes, inferred shapes,
finite-difference gradients, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, verify_grad
from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError
from graphlens.tensor.fft import IRFFT, RFFT, irfft, rfft
from tests.tensor.loop_cases import FLOATS, point
from tests.tensor.op_checks import check, check_infer_shape

SHAPES = [(3, 8), (3, 7), (2, 4, 6), (2, 3, 5)]
NUMPY_NORM = {None: "backward", "ortho": "ortho", "no_norm": "backward"}


def numpy_rfft(x, norm):
    spectrum = np.fft.rfftn(x.astype("float64"), axes=range(1, x.ndim),
                            norm=NUMPY_NORM[norm])
    return np.stack([spectrum.real, spectrum.imag], axis=-1).astype(x.dtype)


def numpy_irfft(spectrum, n, norm):
    values = np.fft.irfftn(spectrum[..., 0] + 1j * spectrum[..., 1],
                           s=spectrum.shape[1:-2] + (n,), axes=range(1, spectrum.ndim - 1),
                           norm=NUMPY_NORM[norm])
    if norm == "no_norm":
        values = values * np.prod(spectrum.shape[1:-2] + (n,))
    return values.astype(spectrum.dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_rfft_and_irfft_match_numpy(shape, norm, dtype):
    x = point(shape, dtype, 1)
    check(lambda v: rfft(v, norm=norm), lambda v: numpy_rfft(v, norm), x)
    spectrum = numpy_rfft(x, "ortho")
    n, odd = shape[-1], shape[-1] % 2 == 1
    check(lambda v: irfft(v, norm=norm, is_odd=odd), lambda v: numpy_irfft(v, n, norm),
          spectrum)


@pytest.mark.parametrize("norm", [None, "ortho"])
def test_irfft_inverts_rfft(norm):
    x = T.tensor3("x")
    value = point((2, 4, 5), "float64", 2)
    back = function([x], irfft(rfft(x, norm), norm, is_odd=True))(value)
    np.testing.assert_allclose(back, value, rtol=1e-12, atol=1e-12)


def test_static_shapes_follow_the_input():
    x = T.TensorType("float32", (4, 3, 10))("x")
    assert rfft(x).type.shape == (4, 3, 6, 2) and rfft(x).dtype == "float32"
    spectrum = T.TensorType("float64", (4, 6, 2))("s")
    assert irfft(spectrum).type.shape == (4, 10)
    assert irfft(spectrum, is_odd=True).type.shape == (4, 11)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("norm", [None, "ortho", "no_norm"])
@pytest.mark.parametrize("shape", [(2, 6), (2, 5), (2, 3, 4)], ids=str)
def test_rfft_and_irfft_gradients_match_finite_differences(shape, norm, dtype):
    eps = 1e-2 if dtype == "float32" else None      # linear maps: any step is exact
    verify_grad(lambda v: rfft(v, norm=norm), [point(shape, dtype, 3)], eps=eps)
    spectrum = point(shape[:-1] + (shape[-1] // 2 + 1, 2), dtype, 4)
    odd = shape[-1] % 2 == 1
    verify_grad(lambda v: irfft(v, norm=norm, is_odd=odd), [spectrum], eps=eps)


def test_infer_shape_does_not_transform():
    check_infer_shape(lambda v: rfft(v), [point((2, 3, 7), "float64")], RFFT)
    check_infer_shape(lambda v: irfft(v, norm="no_norm"), [point((2, 3, 4, 2), "float64")],
                      IRFFT)


def test_bad_inputs_are_refused_with_the_reason():
    with pytest.raises(GraphlensTypeError, match="the input must be floats"):
        rfft(T.imatrix("i"))
    with pytest.raises(ShapeError, match="at least 2-d"):
        rfft(T.vector("v"))
    with pytest.raises(ShapeError, match="so has length 2"):
        irfft(T.TensorType("float64", (2, 5, 3))("bad"))
    with pytest.raises(InvalidArgumentError, match="norm must be None, 'ortho' or 'no_norm'"):
        rfft(T.matrix("m"), norm="forward")
    with pytest.raises(InvalidArgumentError, match="is_odd must be True or False"):
        irfft(T.tensor3("s"), is_odd=1.5)
