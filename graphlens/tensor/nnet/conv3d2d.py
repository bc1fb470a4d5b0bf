"""`graphlens.tensor.nnet.conv3d2d`, Theano's older 3-d convolution for video-like data, as
Keras 1's Theano backend calls it: `conv3d2d.conv3d(signals, filters, border_mode='valid')`.

Its layout differs from `T.nnet.conv3d`: signals are (batch, time, channels, rows, cols) and
filters (out, time, channels, rows, cols). It is a true convolution over all three axes (the
filters flipped in time too), valid in time. Theano built it from conv2d and a diagonal
slice; here it is `T.nnet.conv3d` on the axes swapped into place, so its gradients are that
op's gradients.
"""

from __future__ import annotations

from graphlens.tensor.elemwise import call_site
from graphlens.tensor.nnet.abstract_conv import conv3d as _conv3d
from graphlens.tensor.variable import as_tensor_variable

# (batch, time, channels, ...) <-> (batch, channels, time, ...): the same swap both ways.
_SWAP = (0, 2, 1, 3, 4)


def _swapped(shape):
    return None if shape is None else tuple(shape[i] for i in _SWAP)


def conv3d(signals, filters, signals_shape=None, filters_shape=None, border_mode="valid"):
    """Convolve signals (batch, time, channels, rows, cols) with filters (out, time, channels,
    rows, cols) over time, rows and cols: (batch, time, out, rows, cols) out. border_mode
    'valid', or a (time, rows, cols) triple whose time entry is 'valid' and whose rows and
    cols entries match ('valid', 'full' or 'half'), as in Theano. The shapes are optional
    static hints.

    >>> out = conv3d2d.conv3d(video, W, border_mode='valid')       # doctest: +SKIP
    """
    modes = (border_mode,) * 3 if isinstance(border_mode, str) else tuple(border_mode)
    if len(modes) != 3 or modes[0] != "valid" or modes[1] != modes[2] or (
            modes[1] not in ("valid", "full", "half")):
        raise ValueError(f"conv3d2d.conv3d at {call_site()}: border_mode must be 'valid' in "
                         f"time and the same 'valid', 'full' or 'half' for rows and cols (as "
                         f"in Theano), got {border_mode!r}")
    signals, filters = as_tensor_variable(signals), as_tensor_variable(filters)
    out = _conv3d(signals.dimshuffle(*_SWAP), filters.dimshuffle(*_SWAP),
                  input_shape=_swapped(signals_shape), filter_shape=_swapped(filters_shape),
                  border_mode=modes[1])
    if modes[1] != "valid":
        # The spatial mode padded time as well; keep the windows that lie inside the signal.
        time_filter = filters.shape[1] if filters.type.shape[1] is None else filters.type.shape[1]
        pad = time_filter - 1 if modes[1] == "full" else time_filter // 2
        time = signals.shape[1] if signals.type.shape[1] is None else signals.type.shape[1]
        out = out[:, :, pad:pad + time - time_filter + 1]
    return out.dimshuffle(*_SWAP)
