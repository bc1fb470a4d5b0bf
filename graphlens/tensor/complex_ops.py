"""Complex numbers, as Theano's: `real`, `imag`, `conj`, `angle`, `complex(real, imag)` and
`complex_from_polar(abs, angle)`, elementwise, with their gradients.

A gradient with respect to a complex variable z follows Theano's convention: it is
d cost/d Re(z) + i * d cost/d Im(z) (so the gradient of real(z) is 1, of imag(z) is 1j), and
a real variable's gradient is the real part of that.

>>> z = T.complex(T.vector('x'), T.vector('y')); r = abs(z); phi = T.angle(z)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import InvalidArgumentError, describe
from graphlens.graph.notation import Func
from graphlens.tensor.elemwise import BinaryElemwise, UnaryElemwise, unbroadcast
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.math import sqr
from graphlens.tensor.trig import cos, sin

# The real dtype of each complex dtype; real dtypes are their own.
_PART_DTYPE = {"complex64": "float32", "complex128": "float64"}


def _is_complex(var):
    return var.dtype.startswith("complex")


@dataclass(frozen=True)
class Real(UnaryElemwise):
    """The real part of x (x itself for a real x), in the matching real dtype."""

    nfunc = staticmethod(np.real)
    notation = Func("real")
    view_map = {0: [0]}         # numpy's real part of an array is a view of it

    def output_dtype(self, dtype):
        return _PART_DTYPE.get(dtype, dtype)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [complex(gz, 0) if _is_complex(x) else gz]


@dataclass(frozen=True)
class Imag(UnaryElemwise):
    """The imaginary part of x (zeros for a real x), in the matching real dtype."""

    nfunc = staticmethod(np.imag)
    notation = Func("imag")
    view_map = {0: [0]}         # numpy's imaginary part of a complex array is a view of it

    def output_dtype(self, dtype):
        return _PART_DTYPE.get(dtype, dtype)

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # A real x has no imaginary part to move: an honest zero.
        return [complex(0, gz) if _is_complex(x) else zeros_like(x)]


@dataclass(frozen=True)
class Conj(UnaryElemwise):
    """The complex conjugate of x (x itself for a real x)."""

    nfunc = staticmethod(np.conj)
    notation = Func("conj")

    def grad(self, inputs, output_grads):
        return [conj(output_grads[0])]


@dataclass(frozen=True)
class Angle(UnaryElemwise):
    """The argument of x in (-pi, pi] (numpy.angle): 0 or pi for a real x. float64, as
    Theano's."""

    nfunc = staticmethod(np.angle)
    notation = Func("angle")

    def output_dtype(self, dtype):
        return "float64"

    def grad(self, inputs, output_grads):
        (z,), (gtheta,) = inputs, output_grads
        if not _is_complex(z):
            # The sign of a real number does not move under a small change.
            return [zeros_like(z)]
        # theta = arctan2(y, x): d theta/dx = -y / r**2, d theta/dy = x / r**2.
        x, y = real(z), imag(z)
        scale = gtheta / (sqr(x) + sqr(y))
        return [complex(-y * scale, x * scale)]


def _complex_dtype(dtype):
    """Theano's rule: complex128 when the parts need more than float32's precision."""
    wide = ("float64", "int64", "uint64", "int32", "uint32")
    return "complex128" if dtype in wide else "complex64"


@dataclass(frozen=True)
class Complex(BinaryElemwise):
    """real + 1j * imag, from two real tensors (broadcasting as elementwise ops)."""

    notation = Func("complex")
    kinds = "biuf"
    dtype_hint = "; its parts must be real (take real() and imag() of a complex input)"

    def output_dtype(self, dtype):
        return _complex_dtype(dtype)

    def impl(self, re, im):
        out = np.empty(np.broadcast_shapes(np.shape(re), np.shape(im)),
                       dtype=_complex_dtype(str(np.result_type(re, im))))
        out.real, out.imag = re, im
        return out

    def grad(self, inputs, output_grads):
        (re, im), (gz,) = inputs, output_grads
        return [unbroadcast(real(gz), re), unbroadcast(imag(gz), im)]


@dataclass(frozen=True)
class ComplexFromPolar(BinaryElemwise):
    """abs * (cos(angle) + 1j * sin(angle)), from two real tensors; a negative abs is refused
    when the function runs, as Theano's."""

    notation = Func("complex_from_polar")
    kinds = "biuf"
    dtype_hint = "; abs and angle must be real"

    def output_dtype(self, dtype):
        return _complex_dtype(dtype)

    def impl(self, radius, theta):
        out = np.empty(np.broadcast_shapes(np.shape(radius), np.shape(theta)),
                       dtype=_complex_dtype(str(np.result_type(radius, theta))))
        out.real, out.imag = radius * np.cos(theta), radius * np.sin(theta)
        return out

    def perform(self, node, inputs):
        radius = inputs[0]
        if np.any(radius < 0):
            raise InvalidArgumentError(
                f"complex_from_polar: the polar radius must be >= 0, got "
                f"{radius[radius < 0].flat[0]} in {describe(node.inputs[0])}")
        return super().perform(node, inputs)

    def grad(self, inputs, output_grads):
        (radius, theta), (gz,) = inputs, output_grads
        g_re, g_im = real(gz), imag(gz)
        c, s = cos(theta), sin(theta)
        return [unbroadcast(c * g_re + s * g_im, radius),
                unbroadcast(radius * (c * g_im - s * g_re), theta)]


def real(x):
    """The real part of x, elementwise (x for a real tensor): `T.real(z)`, also `z.real`.

    >>> T.real(T.zvector('z')).dtype
    'float64'
    """
    return Real()(x)


def imag(x):
    """The imaginary part of x, elementwise (zeros for a real tensor): `T.imag(z)`, `z.imag`.

    >>> T.imag(T.cvector('z')).dtype
    'float32'
    """
    return Imag()(x)


def conj(x):
    """The complex conjugate of x, elementwise: `T.conj(z)`, also `z.conj()`.

    >>> T.conj(T.zvector('z')).dtype
    'complex128'
    """
    return Conj()(x)


def angle(x):
    """The argument of x in (-pi, pi], elementwise, as float64: `T.angle(z)`.

    >>> T.angle(T.zvector('z')).dtype
    'float64'
    """
    return Angle()(x)


def complex(real, imag):
    """The complex tensor real + 1j * imag (complex64 from float32 or smaller parts, else
    complex128): `T.complex(x, y)`.

    >>> T.complex(T.fvector('x'), T.fvector('y')).dtype
    'complex64'
    """
    return Complex()(real, imag)


def complex_from_polar(abs, angle):
    """The complex tensor abs * exp(1j * angle), elementwise: `T.complex_from_polar(r, theta)`.

    >>> T.complex_from_polar(T.dvector('r'), T.dvector('theta')).dtype
    'complex128'
    """
    return ComplexFromPolar()(abs, angle)


__all__ = ["real", "imag", "conj", "angle", "complex", "complex_from_polar"]
