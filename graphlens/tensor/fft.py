"""`graphlens.tensor.fft`, as Theano's `theano.tensor.fft`: real-input FFTs over every axis but
the first (the batch), complex values stored as a last axis of length 2 (real, imaginary).

    rfft(x)   x (batch, ..., n)            -> (batch, ..., n // 2 + 1, 2)
    irfft(X)  X (batch, ..., n // 2 + 1, 2) -> (batch, ..., n)   (n odd when is_odd=True)

`norm`: None scales only the inverse by 1/N (numpy's default), 'ortho' both by 1/sqrt(N),
'no_norm' neither. The ops compute the unnormalized transforms; the scaling is ordinary ops.

>>> spectrum = T.fft.rfft(T.matrix('signals'), norm='ortho')      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.basic import arange, cast
from graphlens.tensor.compare import and_, ge, lt, switch
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.math import sqrt
from graphlens.tensor.reduce import prod
from graphlens.tensor.shape import _shape_vector, _static_vector
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


def _float_input(a, least_ndim, name, layout):
    a = as_tensor_variable(a)
    if not a.dtype.startswith("float"):
        raise GraphlensTypeError(f"{name} at {call_site()}: the input must be floats, got "
                                 f"{describe(a)}")
    if a.ndim < least_ndim:
        raise ShapeError(f"{name} at {call_site()}: the input must be {layout}, at least "
                         f"{least_ndim}-d, got {describe(a)}")
    return a


def _lengths(s, count, name):
    s = as_tensor_variable(_shape_vector(list(s)) if isinstance(s, (tuple, list)) else s)
    if s.ndim != 1 or not s.dtype.startswith(("int", "uint")):
        raise GraphlensTypeError(f"{name}: the transform lengths must be an int vector, got "
                                 f"{describe(s)}")
    if s.type.shape[0] is not None and s.type.shape[0] != count:
        raise ShapeError(f"{name}: {s.type.shape[0]} transform lengths for {count} axes")
    return s


def _interior_weights(half_length, n, dtype, weight):
    """`weight` at the half-spectrum entries that stand for two frequencies (k and n - k),
    1 at the ones that stand for one (k = 0 and, for even n, k = n / 2)."""
    k = arange(half_length)
    interior = and_(ge(k, 1), lt(k, n // 2 + n % 2))
    return cast(switch(interior, weight, 1), dtype)


@dataclass(frozen=True)
class RFFT(Op):
    """The unnormalized n-d FFT of real x over axes 1.. with lengths s: (batch, *s[:-1],
    s[-1] // 2 + 1, 2), real and imaginary parts on the last axis; x's dtype."""

    notation = Func("rfft")

    def make_node(self, a, s):
        a = _float_input(a, 2, "rfft", "(batch, ..., n)")
        s = _lengths(s, a.ndim - 1, "rfft")
        static = _static_vector(s)
        last = static[-1] // 2 + 1 if static[-1] is not None else None
        shape = (a.type.shape[0], *static[:-1], last, 2)
        return Apply(self, [a, s], [TensorType(a.dtype, shape)()])

    def infer_shape(self, node, input_shapes):
        """(batch, *s[:-1], s[-1] // 2 + 1, 2)."""
        s = node.inputs[1]
        count = node.inputs[0].ndim - 1
        return [(input_shapes[0][0], *[s[i] for i in range(count - 1)], s[-1] // 2 + 1, 2)]

    def perform(self, node, inputs):
        a, s = inputs
        spectrum = np.fft.rfftn(a, s=tuple(int(n) for n in s), axes=range(1, a.ndim))
        return [np.stack([spectrum.real, spectrum.imag], axis=-1).astype(a.dtype)]

    def grad(self, inputs, output_grads):
        (_, s), (gz,) = inputs, output_grads
        # x's gradient is Re(sum_k G_k e^{+i theta}) over the half spectrum; the unnormalized
        # irfft counts every interior k twice (k and n - k), so halve those first.
        weights = _interior_weights(gz.shape[-2], s[-1], gz.dtype, 0.5)
        pattern = ["x"] * (gz.ndim - 2) + [0, "x"]
        return [IRFFT()(gz * weights.dimshuffle(*pattern), s), disconnected(s)]


@dataclass(frozen=True)
class IRFFT(Op):
    """The unnormalized inverse of RFFT: from a half spectrum (batch, ..., m, 2) to real
    values (batch, *s), s the lengths of the result's axes 1..; the input's dtype."""

    notation = Func("irfft")

    def make_node(self, a, s):
        a = _float_input(a, 3, "irfft", "(batch, ..., n // 2 + 1, 2)")
        if a.type.shape[-1] not in (None, 2):
            raise ShapeError(f"irfft at {call_site()}: the last axis holds the real and "
                             f"imaginary parts, so has length 2; got {describe(a)}")
        s = _lengths(s, a.ndim - 2, "irfft")
        shape = (a.type.shape[0], *_static_vector(s))
        return Apply(self, [a, s], [TensorType(a.dtype, shape)()])

    def infer_shape(self, node, input_shapes):
        """(batch, *s)."""
        s = node.inputs[1]
        return [(input_shapes[0][0], *[s[i] for i in range(node.outputs[0].ndim - 1)])]

    def perform(self, node, inputs):
        a, s = inputs
        lengths = tuple(int(n) for n in s)
        values = np.fft.irfftn(a[..., 0] + 1j * a[..., 1], s=lengths, axes=range(1, a.ndim - 1))
        # numpy divides by N; this op is the unnormalized transform.
        return [(values * np.prod(lengths)).astype(a.dtype)]

    def grad(self, inputs, output_grads):
        (_, s), (gz,) = inputs, output_grads
        # The output is Re(sum_k w_k H_k e^{+i theta}), w_k = 2 at interior k: its gradient
        # is the forward transform of gz, interior entries doubled.
        spectrum = RFFT()(gz, s)
        weights = _interior_weights(spectrum.shape[-2], s[-1], spectrum.dtype, 2)
        pattern = ["x"] * (spectrum.ndim - 2) + [0, "x"]
        return [spectrum * weights.dimshuffle(*pattern), disconnected(s)]


def _known_lengths(var, axes):
    """var's lengths on `axes`: ints where static (so results keep static shapes)."""
    return [var.type.shape[i] if var.type.shape[i] is not None else var.shape[i] for i in axes]


def _norm(norm, name):
    if norm not in (None, "ortho", "no_norm"):
        raise InvalidArgumentError(f"{name} at {call_site()}: norm must be None, 'ortho' or "
                                   f"'no_norm', got {norm!r}")
    return norm


def rfft(inp, norm=None):
    """The FFT of real `inp` (batch, ..., n) over all axes but the first: (batch, ...,
    n // 2 + 1, 2), the real and imaginary parts on the last axis (Theano's layout).

    >>> T.fft.rfft(T.matrix('x')).eval({...})          # doctest: +SKIP
    """
    norm = _norm(norm, "rfft")
    inp = _float_input(inp, 2, "rfft", "(batch, ..., n)")
    s = _shape_vector(_known_lengths(inp, range(1, inp.ndim)))
    out = RFFT()(inp, s)
    if norm == "ortho":
        out = out / sqrt(cast(prod(s), inp.dtype))
    return out


def irfft(inp, norm=None, is_odd=False):
    """The real inverse FFT of a half spectrum `inp` (batch, ..., m, 2) in Theano's layout:
    (batch, ..., n) with n = 2 (m - 1), or 2 (m - 1) + 1 when is_odd.

    >>> x_again = T.fft.irfft(T.fft.rfft(x))             # doctest: +SKIP
    """
    if is_odd not in (True, False):
        raise InvalidArgumentError(f"irfft at {call_site()}: is_odd must be True or False, "
                                   f"got {is_odd!r}")
    norm = _norm(norm, "irfft")
    inp = _float_input(inp, 3, "irfft", "(batch, ..., n // 2 + 1, 2)")
    lengths = _known_lengths(inp, range(1, inp.ndim - 1))
    lengths[-1] = (lengths[-1] - 1) * 2 + int(is_odd)
    s = _shape_vector(lengths)
    out = IRFFT()(inp, s)
    if norm is None:
        out = out / cast(prod(s), inp.dtype)
    elif norm == "ortho":
        out = out / sqrt(cast(prod(s), inp.dtype))
    return out
