"""graphlens/tensor/special.py: erf, erfc, erfinv, gammaln, psi, polygamma, log2, log10 against
scipy and numpy, their dtypes (Theano's float rule for integers), gradients, printing, fusion."""

import numpy as np
import pytest
import scipy.special

import graphlens.tensor as T
from graphlens import function, grad, pp
from graphlens.compile.mode import Mode
from graphlens.errors import GraphlensTypeError, InvalidArgumentError
from graphlens.rewrite.composite import Composite
from op_checks import check, check_grad

# name: (T function, reference, domain of x)
FUNCTIONS = {
    "erf": (T.erf, scipy.special.erf, (-3, 3)),
    "erfc": (T.erfc, scipy.special.erfc, (-3, 3)),
    "erfinv": (T.erfinv, scipy.special.erfinv, (-0.95, 0.95)),
    "erfcx": (T.erfcx, scipy.special.erfcx, (-2, 8)),
    "erfcinv": (T.erfcinv, scipy.special.erfcinv, (0.05, 1.95)),
    "gamma": (T.gamma, scipy.special.gamma, (0.2, 5)),
    "gammaln": (T.gammaln, scipy.special.gammaln, (0.2, 6)),
    "psi": (T.psi, scipy.special.psi, (0.2, 6)),
    "log2": (T.log2, np.log2, (0.2, 6)),
    "log10": (T.log10, np.log10, (0.2, 6)),
    "inv": (T.inv, np.reciprocal, (0.5, 3)),
    "exp2": (T.exp2, np.exp2, (-3, 3)),
    "arcsinh": (T.arcsinh, np.arcsinh, (-3, 3)),
    "arccosh": (T.arccosh, np.arccosh, (1.2, 4)),
    "arctanh": (T.arctanh, np.arctanh, (-0.9, 0.9)),
    "trigamma": (lambda x: T.polygamma(1, x), lambda x: scipy.special.polygamma(1, x),
                 (0.2, 6)),
}


def points(domain, dtype, shape=(3, 4)):
    low, high = domain
    return np.random.default_rng(3).uniform(low, high, size=shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_scipy_in_the_input_float_dtype(name, dtype):
    build, reference, domain = FUNCTIONS[name]
    x = points(domain, dtype)
    check(build, lambda a: reference(a.astype("float64")), x, dtype=dtype)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("dtype, result", [("int8", "float32"), ("uint8", "float32"),
                                           ("int16", "float32"), ("int32", "float64"),
                                           ("int64", "float64"), ("bool", "float32")])
def test_integer_inputs_give_theanos_float_dtype(name, dtype, result):
    build, reference, _ = FUNCTIONS[name]
    if name == "arctanh":
        x = np.zeros((2, 2), dtype=dtype)     # the only integer inside its domain (-1, 1)
    elif dtype == "bool":
        x = np.ones((2, 2), dtype=bool)     # False (0) is outside the domain of log and gamma
    elif name in ("erfinv", "erfcinv"):
        x = np.array([[0, 1], [1, 0]], dtype=dtype)
    else:
        x = np.array([[1, 2], [3, 5]], dtype=dtype)
    check(build, lambda a: reference(a.astype("float64")), x, dtype=result)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_gradients_agree_with_finite_differences(name):
    build, _, domain = FUNCTIONS[name]
    check_grad(build, points(domain, "float64", (2, 3)))


def test_gradient_formulas_at_known_points():
    x = T.dscalar("x")
    at = {x: 0.5}
    assert float(grad(T.erf(x), x).eval(at)) == pytest.approx(2 / np.sqrt(np.pi) * np.exp(-.25))
    assert float(grad(T.erfc(x), x).eval(at)) == pytest.approx(-2 / np.sqrt(np.pi) * np.exp(-.25))
    assert float(grad(T.gammaln(x), x).eval(at)) == pytest.approx(scipy.special.psi(0.5))
    assert float(grad(T.psi(x), x).eval(at)) == pytest.approx(np.pi ** 2 / 2)   # trigamma(1/2)
    assert float(grad(T.log2(x), x).eval(at)) == pytest.approx(1 / (0.5 * np.log(2)))
    assert float(grad(T.log10(x), x).eval(at)) == pytest.approx(1 / (0.5 * np.log(10)))
    assert float(grad(T.erfinv(x), x).eval(at)) == pytest.approx(
        np.sqrt(np.pi) / 2 * np.exp(scipy.special.erfinv(0.5) ** 2))


def test_second_derivative_of_psi_is_tetragamma():
    x = T.dscalar("x")
    second = grad(grad(T.psi(x), x), x)
    assert float(second.eval({x: 1.5})) == pytest.approx(scipy.special.polygamma(2, 1.5))


def test_each_prints_under_its_own_name():
    x = T.dvector("x")
    for name in ["erf", "erfc", "erfcx", "erfinv", "erfcinv", "gamma", "gammaln", "psi",
                 "log2", "log10", "inv", "exp2", "arcsinh", "arccosh", "arctanh"]:
        assert pp(getattr(T, name)(x)) == f"{name}(x)"
    assert pp(T.polygamma(2, x)) == "polygamma(2, x)"
    # Trigamma (order 1) says so too: every label names its order.
    assert pp(T.polygamma(1, x)) == "polygamma(1, x)"
    assert T.tri_gamma(x).owner.op.label == "Polygamma{order=1}"


def test_complex_inputs_and_bad_orders_are_refused_clearly():
    with pytest.raises(GraphlensTypeError, match="Erf.*not defined for complex128.*real inputs"):
        T.erf(T.zvector("z"))
    with pytest.raises(InvalidArgumentError, match="order must be an int >= 1"):
        T.polygamma(0, T.dvector())


def test_special_functions_fuse_with_their_neighbours():
    x = T.dvector("x")
    f = function([x], T.erf(x * 2) + T.gammaln(x) - T.log2(x),
                 mode=Mode("FAST_RUN", exclude=("inplace",)))
    (node,) = f.fgraph.toposort()
    assert isinstance(node.op, Composite)
    assert node.op.label == "Composite{erf(i0 * 2.0) + gammaln(i0) - log2(i0)}"
    value = np.array([0.5, 1.5, 3.0])
    np.testing.assert_allclose(f(value), scipy.special.erf(value * 2)
                               + scipy.special.gammaln(value) - np.log2(value), rtol=1e-12)


def test_erfinv_edges_follow_scipy():
    x = T.dvector("x")
    value = function([x], T.erfinv(x))(np.array([-1.0, 1.0, 1.5]))
    assert value[0] == -np.inf and value[1] == np.inf and np.isnan(value[2])


def test_degrees_and_radians():
    check(T.deg2rad, np.deg2rad, np.array([0.0, 90.0, -270.0]))
    check(T.rad2deg, np.rad2deg, np.array([0.0, np.pi, -1.0]))
    # Theano's Deg2Rad op kept float32 (upgrade_to_float); integers are float32 or float64.
    check(T.deg2rad, np.deg2rad, np.array([0.0, 90.0], dtype="float32"), rtol=1e-6)
    check(T.rad2deg, np.rad2deg, np.array([0.0, 1.0], dtype="float32"), rtol=1e-6)
    check(T.deg2rad, lambda a: np.deg2rad(a.astype("float32")),
          np.array([0, 90, -127], dtype="int8"), dtype="float32", rtol=1e-6)
    check(T.rad2deg, lambda a: np.rad2deg(a.astype("float64")),
          np.array([0, 3, -1], dtype="int32"), dtype="float64")
    check_grad(T.deg2rad, np.array([0.0, 90.0, -270.0]))
