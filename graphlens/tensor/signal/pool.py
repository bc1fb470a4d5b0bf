"""`graphlens.tensor.signal.pool`, as Theano's: `pool_2d` over the last two axes and `pool_3d`
over the last three, in the modes 'max', 'sum', 'average_inc_pad' and 'average_exc_pad', and
`max_pool_2d_same_size`. The ops (Pool, MaxPoolGrad, AveragePoolGrad, MaxPoolGradGrad, alias
DownsampleFactorMaxGradGrad, and their 3-d classes) live in pool_ops.py.

>>> h = pool.pool_2d(conv_out, ws=(2, 2), ignore_border=True)      # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import ones_like
from graphlens.tensor.signal import pool_kernels as kernels
from graphlens.tensor.signal.pool_ops import (  # noqa: F401  (Theano's names, re-exported)
    FAMILIES, MODES, AveragePoolGrad, AveragePoolGrad3d, MaxPoolGrad, MaxPoolGrad3d,
    MaxPoolGradGrad, MaxPoolGradGrad3d, Pool, Pool3d, PoolBase, pooled_length)
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorConstant, as_tensor_variable


@dataclass(frozen=True)
class MaxPoolSameSize(Op):
    """x with every element that is not the maximum of its patch set to 0: the last two axes
    cut into non-overlapping `patch_size` patches (a partial patch at the end is dropped, so
    it is all zeros), each keeping its maxima (every tied one) in place."""

    patch_size: tuple
    notation = Func("max_pool_2d_same_size", params=("patch_size",))
    labelled_as_call = True

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise ShapeError(f"max_pool_2d_same_size at {call_site()}: the input pools its last "
                             f"two axes; it needs at least 2, got {describe(x)}")
        return Apply(self, [x], [TensorType(x.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        """The input's shape."""
        return [input_shapes[0]]

    def perform(self, node, inputs):
        (x,) = inputs
        geometry = kernels.Geometry(x.shape[-2:], self.patch_size, self.patch_size, (0, 0), True)
        maxima = kernels.pool(x, geometry, "max")
        # Each patch's max sent back to where it came from (to every tie): Theano's
        # MaxPoolGrad(x, maxima, maxima), which is how Theano builds this function.
        kept = kernels.max_pool_grad(x, maxima, maxima, geometry)
        return [np.asarray(kept, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # out = x * (1 where x is its patch's max): the mask is piecewise constant, so the
        # gradient is gz through the mask, one 1 per kept element (ties each keep their own).
        pooled = Pool(self.patch_size, True)(x)
        kept = MaxPoolGrad(self.patch_size, True)(x, pooled, ones_like(pooled))
        return [gz * kept]


def max_pool_2d_same_size(input, patch_size):
    """Zero every element of `input` that is not the maximum of its (patch_size[0],
    patch_size[1]) patch of the last two axes (non-overlapping patches); the output has the
    input's shape and dtype, as Theano's.

    >>> y = max_pool_2d_same_size(T.tensor4('x'), (2, 2))     # doctest: +SKIP
    """
    if isinstance(patch_size, TensorConstant):
        patch_size = patch_size.data.tolist()
    try:
        patch = tuple(int(p) for p in patch_size)
    except (TypeError, ValueError):
        patch = ()
    if len(patch) != 2 or min(patch) < 1:
        raise InvalidArgumentError(
            f"max_pool_2d_same_size at {call_site()}: patch_size must be two ints >= 1 known "
            f"when the graph is built, got {patch_size!r}")
    return MaxPoolSameSize(patch)(input)


# Theano's name for the gradient of the max-pooling gradient.
DownsampleFactorMaxGradGrad = MaxPoolGradGrad


def _ints(value, rank, what, name):
    """An int, or `rank` ints, as a tuple of `rank` ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * rank
    if isinstance(value, TensorConstant):
        value = value.data.tolist()
    try:
        ints = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        ints = ()
    if len(ints) != rank:
        raise ValueError(f"{name} at {call_site()}: {what} must be {rank} ints known when the "
                         f"graph is built, got {value!r}")
    return ints


def _pool(input, rank, ws, ignore_border, stride, pad, mode, ds, st, padding):
    """The pooling op of `rank` pooled axes applied to input, its options checked as
    Theano's pool_2d and pool_3d check them."""
    name = f"pool_{rank}d"
    ws = _renamed(ws, ds, "ws", "ds", name)
    stride = _renamed(stride, st, "stride", "st", name)
    if padding is not None:
        pad = padding
    if pad is None:
        pad = (0,) * rank                  # Theano's Pool reads pad=None as no padding
    if ws is None:
        raise TypeError(f"{name} at {call_site()}: give the window size ws")
    if ignore_border is None:
        warnings.warn(f"{name}: ignore_border was not given; it defaults to False, as in "
                      "Theano. Pass ignore_border=True (what most models mean) or False to "
                      "silence this", stacklevel=3)
        ignore_border = False
    if mode == "average":
        mode = "average_inc_pad"
    if mode not in MODES:
        raise ValueError(f"{name} at {call_site()}: mode must be one of {MODES}, got {mode!r}")
    if any(_symbolic(part) for part in (ws, stride, pad)):
        # Theano 1.0 takes symbolic windows (Lasagne's spatial pyramid pooling derives them
        # from the input's shape): the op takes them as inputs and checks them when it runs.
        op = FAMILIES[rank]["pool"](None, bool(ignore_border), None, None, mode)
        return op(input, ws, stride, pad)
    ws, pad = _ints(ws, rank, "ws", name), _ints(pad, rank, "pad", name)
    stride = _ints(stride, rank, "stride", name) if stride is not None else None
    if min(ws) < 1 or (stride is not None and min(stride) < 1) or min(pad) < 0:
        raise ValueError(f"{name} at {call_site()}: ws and stride must be >= 1 and pad >= 0, "
                         f"got ws={ws}, stride={stride}, pad={pad}")
    if any(pad) and not ignore_border:
        raise ValueError(f"{name} at {call_site()}: padding works only with "
                         f"ignore_border=True (as in Theano)")
    if any(p >= w for p, w in zip(pad, ws)):
        raise ValueError(f"{name} at {call_site()}: pad {pad} must be smaller than ws {ws}")
    if stride == ws:
        stride = None        # the default: prints as pool_2d(x, ws=(2, 2))
    return FAMILIES[rank]["pool"](ws, bool(ignore_border), stride, pad, mode)(input)


def _symbolic(value):
    """True for a symbolic int vector, or a sequence holding a symbolic scalar (constants
    count as known)."""
    if isinstance(value, TensorConstant) or value is None or isinstance(value, (int, np.integer)):
        return False
    if isinstance(value, Variable):
        return True
    return isinstance(value, (list, tuple)) and any(
        isinstance(v, Variable) and not isinstance(v, TensorConstant) for v in value)


def pool_2d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0), mode="max", ds=None,
            st=None, padding=None):
    """Pool the last two axes of `input` over windows `ws`, every `stride` (default: `ws`),
    after padding each side by `pad`; mode 'max', 'sum', 'average_inc_pad' (padding counted in
    the average) or 'average_exc_pad'. As in Theano, ignore_border left out warns and means
    False (a partial window at the end is pooled too); padding needs ignore_border=True.
    `ds`, `st` and `padding` are Theano's older names for ws, stride and pad. ws, stride and
    pad may be symbolic (int vectors, or tuples holding symbolic scalars), as in Theano 1.0:
    they are checked when the function runs.

    >>> h = pool_2d(x, ws=(2, 2), ignore_border=True)       # doctest: +SKIP
    """
    return _pool(input, 2, ws, ignore_border, stride, pad, mode, ds, st, padding)


def pool_3d(input, ws=None, ignore_border=None, stride=None, pad=(0, 0, 0), mode="max",
            ds=None, st=None, padding=None):
    """Pool the last three axes of `input` (depth, rows, cols of a (batch, channels, depth,
    rows, cols) volume) over windows `ws`, every `stride` (default: `ws`), after padding each
    side by `pad`; the modes and options of pool_2d.

    >>> h = pool_3d(volumes, ws=(2, 2, 2), ignore_border=True)       # doctest: +SKIP
    """
    return _pool(input, 3, ws, ignore_border, stride, pad, mode, ds, st, padding)


def _renamed(new, old, new_name, old_name, name):
    if old is None:
        return new
    if new is not None:
        raise ValueError(f"{name}: give {new_name} or its old name {old_name}, not both")
    warnings.warn(f"{name}: {old_name} is Theano's deprecated name for {new_name}",
                  DeprecationWarning, stacklevel=4)
    return old
