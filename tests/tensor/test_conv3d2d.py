"""`T.nnet.conv3d2d.conv3d` (Theano's video convolution, Keras 1's conv3d): signals (batch,
time, channels, rows, cols), filters (out, time, channels, rows, cols); values against the
definition written as a loop (flipped in all three axes, valid in time), finite-difference
gradients, static shapes and refused border modes."""

import itertools

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, verify_grad
from tests.tensor.loop_cases import point


def reference(signals, filters, spatial):
    """out[n, t, f, i, j] = sum over dt, c, di, dj of signals[n, t + dt, c, i + di, j + dj]
    * filters[f, Tf-1-dt, c, Hf-1-di, Wf-1-dj], the signals zero-padded in rows and cols."""
    tf, hf, wf = filters.shape[1], filters.shape[3], filters.shape[4]
    pad = {"valid": (0, 0), "full": (hf - 1, wf - 1), "half": (hf // 2, wf // 2)}[spatial]
    padded = np.pad(signals, ((0, 0), (0, 0), (0, 0), (pad[0],) * 2, (pad[1],) * 2))
    flipped = filters[:, ::-1, :, ::-1, ::-1]
    times = signals.shape[1] - tf + 1
    rows, cols = padded.shape[3] - hf + 1, padded.shape[4] - wf + 1
    out = np.zeros((signals.shape[0], times, filters.shape[0], rows, cols))
    for t, i, j in itertools.product(range(times), range(rows), range(cols)):
        window = padded[:, t:t + tf, :, i:i + hf, j:j + wf]
        out[:, t, :, i, j] = np.einsum("ntcuv,ftcuv->nf", window, flipped)
    return out


@pytest.mark.parametrize("spatial", ["valid", "full", "half"])
def test_conv3d2d_matches_the_definition(spatial):
    sv, fv = point((2, 5, 3, 6, 5), "float64", 1), point((4, 3, 3, 3, 2), "float64", 2)
    mode = "valid" if spatial == "valid" else ("valid", spatial, spatial)
    for static in (False, True):
        shapes = (sv.shape, fv.shape) if static else ((None,) * 5, (None,) * 5)
        s = T.TensorType("float64", shapes[0])("s")
        w = T.TensorType("float64", shapes[1])("w")
        out = T.nnet.conv3d2d.conv3d(s, w, border_mode=mode)
        value = function([s, w], out)(sv, fv)
        np.testing.assert_allclose(value, reference(sv, fv, spatial), rtol=1e-12)
        if static:
            assert out.type.shape == value.shape


def test_conv3d2d_gradients_match_finite_differences():
    sv, fv = point((1, 4, 2, 5, 4), "float64", 3), point((2, 2, 2, 3, 2), "float64", 4)
    verify_grad(lambda s, w: T.nnet.conv3d2d.conv3d(s, w), [sv, fv])
    verify_grad(lambda s, w: T.nnet.conv3d2d.conv3d(s, w, border_mode=("valid", "full",
                                                                        "full")), [sv, fv])


def test_conv3d2d_takes_shape_hints_and_refuses_what_theano_refused():
    from graphlens.tensor.nnet import conv3d2d
    s, w = T.dtensor5("s"), T.dtensor5("w")
    out = conv3d2d.conv3d(s, w, signals_shape=(2, 5, 3, 6, 6), filters_shape=(4, 3, 3, 3, 3))
    assert out.type.shape == (2, 3, 4, 4, 4)
    with pytest.raises(ValueError, match="'valid' in time"):
        conv3d2d.conv3d(s, w, border_mode="full")
    with pytest.raises(ValueError, match="the same 'valid', 'full' or 'half' for rows and cols"):
        conv3d2d.conv3d(s, w, border_mode=("valid", "full", "valid"))
