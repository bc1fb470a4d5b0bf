"""Complex accessors (graphlens/tensor/complex_ops.py): T.real, T.imag, T.conj, T.angle,
T.complex, T.complex_from_polar and z.real / z.imag / z.conj(): values and Theano's dtypes
against numpy, inferred shapes, gradients by finite differences through real inputs and exact
gradients on complex ones (Theano's convention: d/d Re + i d/d Im), errors naming the line."""

import warnings

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.errors import EvaluationError, GraphlensTypeError
from graphlens.tensor import complex_ops
from tests.tensor.loop_cases import FLOATS, point, this_line
from tests.tensor.op_checks import check, check_grad, check_infer_shape


def zpoint(shape, dtype, seed=1):
    return (point(shape, "float64", seed) + 1j * point(shape, "float64", seed + 10)).astype(dtype)


@pytest.mark.parametrize("dtype, part", [("complex64", "float32"), ("complex128", "float64"),
                                         ("float32", "float32"), ("int32", "int32")])
def test_parts_and_conjugate_match_numpy_in_theanos_dtypes(dtype, part):
    z = zpoint((3, 4), "complex128") if dtype.startswith("complex") else point((3, 4), dtype) * 3
    z = z.astype(dtype)
    check(T.real, np.real, z, dtype=part)
    check(T.imag, np.imag, z, dtype=part)
    check(T.conj, np.conj, z, dtype=dtype)
    # Theano's angle is float64 whatever the input.
    check(T.angle, np.angle, z, dtype="float64", rtol=1e-6)


@pytest.mark.parametrize("dtypes, result", [(("float32", "float32"), "complex64"),
                                            (("int16", "float32"), "complex64"),
                                            (("float32", "float64"), "complex128"),
                                            (("int32", "int32"), "complex128")])
def test_complex_and_polar_build_theanos_dtype(dtypes, result):
    re, im = point((2, 3), dtypes[0], 1) * 3, point((1, 3), dtypes[1], 2) * 3
    check(T.complex, lambda a, b: a + 1j * b, re, im, dtype=result, rtol=1e-6)
    radius = np.abs(re)
    check(T.complex_from_polar, lambda r, t: r * np.exp(1j * t), radius, im, dtype=result,
          rtol=1e-5)


def test_attributes_and_methods_of_a_variable():
    z = T.zmatrix("z")
    zv = zpoint((2, 3), "complex128")
    real, imag, conj, conjugate = function([z], [z.real, z.imag, z.conj(), z.conjugate()])(zv)
    np.testing.assert_array_equal(real, zv.real)
    np.testing.assert_array_equal(imag, zv.imag)
    np.testing.assert_array_equal(conj, zv.conj())
    np.testing.assert_array_equal(conjugate, zv.conj())
    assert z.real.dtype == "float64" and T.cvector("c").imag.dtype == "float32"


BUILDS = {
    "real_of_a_product": lambda x, y: T.real(T.complex(x, y) * T.complex(y, x)),
    "imag_of_a_conjugate_product": lambda x, y: T.imag(T.conj(T.complex(x, y))
                                                       * T.complex(x, 2 * y)),
    "quotient": lambda x, y: T.imag(T.complex(y, 1) / T.complex(x, y)),
    "angle": lambda x, y: T.angle(T.complex(x, y)),
    "abs": lambda x, y: abs(T.complex(x, y)),
    "polar": lambda x, y: T.real(T.complex_from_polar(abs(x) + 0.5, y))
    + 2 * T.imag(T.complex_from_polar(abs(x) + 0.5, y)),
    "round_trip": lambda x, y: T.angle(T.complex_from_polar(abs(x) + 0.5, y * 0.5))
    * abs(T.complex_from_polar(abs(x) + 0.5, y)),
    "broadcast_parts": lambda x, y: T.real(T.complex(x, T.addbroadcast(y[:1], 0)) ** 1
                                           * T.complex(y, x)),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(BUILDS))
def test_gradients_through_complex_values_match_finite_differences(name, dtype):
    check_grad(BUILDS[name], point((3, 4), "float64", 3), point((3, 4), "float64", 4),
               dtypes=(dtype,))


def test_gradient_with_respect_to_a_complex_variable_follows_theanos_convention():
    z = T.zvector("z")
    zv = np.array([3 + 4j, -1 + 0.5j])
    g_real, g_imag, g_conj, g_abs, g_angle = function([z], [
        grad(T.real(z).sum(), z), grad(T.imag(z).sum(), z),
        grad(T.imag(T.conj(z)).sum(), z), grad(abs(z).sum(), z), grad(T.angle(z).sum(), z)])(zv)
    np.testing.assert_array_equal(g_real, [1, 1])
    np.testing.assert_array_equal(g_imag, [1j, 1j])
    np.testing.assert_array_equal(g_conj, [-1j, -1j])
    np.testing.assert_allclose(g_abs, zv / np.abs(zv))
    # d angle / d Re = -Im / |z|**2, d angle / d Im = Re / |z|**2.
    np.testing.assert_allclose(g_angle, 1j * zv / np.abs(zv) ** 2)


def test_real_inputs_get_honest_zeros_from_imag_and_angle():
    x = T.vector("x")
    g_imag, g_angle, g_real = function([x], [grad(T.imag(x).sum(), x),
                                             grad(T.angle(x).sum(), x),
                                             grad(T.real(x).sum(), x)])(np.array([-1.0, 2.0]))
    np.testing.assert_array_equal(g_imag, [0, 0])
    np.testing.assert_array_equal(g_angle, [0, 0])
    np.testing.assert_array_equal(g_real, [1, 1])


@pytest.mark.parametrize("build, arrays, op_class", [
    (T.real, [zpoint((2, 3), "complex128")], complex_ops.Real),
    (T.imag, [zpoint((2, 3), "complex64")], complex_ops.Imag),
    (T.conj, [zpoint((2, 3), "complex128")], complex_ops.Conj),
    (T.angle, [zpoint((2, 3), "complex128")], complex_ops.Angle),
    (T.complex, [point((2, 3), "float64"), point((1, 3), "float64")], complex_ops.Complex),
    (T.complex_from_polar, [np.ones((2, 1)), point((2, 3), "float64")],
     complex_ops.ComplexFromPolar),
], ids=lambda v: getattr(v, "__name__", ""))
def test_infer_shape_does_not_compute(build, arrays, op_class):
    check_infer_shape(build, arrays, op_class)


def test_prints_as_theanos_names():
    x, y = T.vector("x"), T.vector("y")
    assert pp(T.angle(T.conj(T.complex(x, y)))) == "angle(conj(complex(x, y)))"
    assert pp(T.real(T.complex_from_polar(x, y)) + T.imag(x)) == \
        "real(complex_from_polar(x, y)) + imag(x)"


def test_errors_name_the_input_and_the_line():
    line = this_line() + 2
    with pytest.raises(GraphlensTypeError, match=rf"test_complex_ops.py:{line}.*'z'.*real"):
        T.complex(T.zvector("z"), T.vector("y"))
    with pytest.raises(GraphlensTypeError, match="abs and angle must be real"):
        T.complex_from_polar(T.vector("r"), T.cvector("t"))
    r, t = T.vector("r"), T.vector("t")
    line = this_line() + 1
    f = function([r, t], T.complex_from_polar(r, t))
    with pytest.raises(EvaluationError, match=rf"test_complex_ops.py:{line}: .*radius must be "
                                              rf">= 0, got -1.0 in 'r'") as caught:
        f(np.array([1.0, -1.0], dtype=r.dtype), np.zeros(2, dtype=t.dtype))
    assert isinstance(caught.value, ValueError)        # Theano raised ValueError


# Complex-differentiable functions of z = x + iy: their gradients are gz times the conjugate
# derivative (Elemwise.holomorphic), checked through real and imaginary parts.
HOLOMORPHIC = {
    "exp": T.exp, "log": T.log, "log1p": T.log1p, "expm1": T.expm1, "sqrt": T.sqrt,
    "tanh": T.tanh, "sqr": T.sqr, "sin": T.sin, "cos": T.cos, "tan": T.tan, "sinh": T.sinh,
    "cosh": T.cosh, "arcsin": T.arcsin, "arccos": T.arccos, "arctan": T.arctan,
    "pow": lambda z: z ** T.complex(0.5, 0.25), "power_of": lambda z: 1.5 ** z,
    "reciprocal": lambda z: 1 / z,
}


@pytest.mark.parametrize("name", sorted(HOLOMORPHIC))
def test_gradients_of_complex_differentiable_functions(name):
    f = HOLOMORPHIC[name]
    # Away from branch cuts and poles: x in [0.3, 0.8], y in [-0.4, 0.4].
    x = np.random.default_rng(1).uniform(0.3, 0.8, (2, 3))
    y = np.random.default_rng(2).uniform(-0.4, 0.4, (2, 3))
    check_grad(lambda a, b: T.real(f(T.complex(a, b))) + 0.7 * T.imag(f(T.complex(b, a))),
               x, y, dtypes=("float64",))


def test_a_real_operand_of_complex_arithmetic_gets_the_real_part():
    x, z = T.vector("x"), T.zvector("z")
    zv = np.array([1 + 2j, -0.5 + 1j])
    gx = function([x, z], grad(T.imag(x * z).sum(), x))(np.array([3.0, 4.0]), zv)
    assert gx.dtype == "float64"
    np.testing.assert_allclose(gx, zv.imag)
    # d real((x + z) * (2 - 1j) - x / z) / dx = 2 - Re(1 / z), the real part, with no cast.
    with warnings.catch_warnings():
        warnings.simplefilter("error")        # no ComplexWarning from a complex-to-real cast
        gx = function([x, z], grad(T.real((x + z) * (2 - 1j) - x / z).sum(), x))(
            np.array([3.0, 4.0]), zv)
    np.testing.assert_allclose(gx, 2 - (1 / zv).real)
