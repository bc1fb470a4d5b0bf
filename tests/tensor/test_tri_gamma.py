"""T.tri_gamma (graphlens/tensor/special.py): values against scipy's polygamma(1, x), Theano's
float dtypes, the gradient polygamma(2, x) by finite differences and exactly, the inferred
shape, merging with psi's gradient, and a complex input refused naming the line."""

import numpy as np
import pytest
import scipy.special

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import GraphlensTypeError
from graphlens.tensor.special import Polygamma
from tests.tensor.loop_cases import this_line
from tests.tensor.op_checks import check, check_grad, check_infer_shape

X = np.random.default_rng(5).uniform(0.2, 6, size=(3, 4))


@pytest.mark.parametrize("dtype, result", [("float64", "float64"), ("float32", "float32"),
                                           ("int8", "float32"), ("int64", "float64")])
def test_values_match_scipy_in_theanos_float_dtype(dtype, result):
    x = (X * 3 + 1 if dtype.startswith("int") else X).astype(dtype)
    check(T.tri_gamma, lambda a: scipy.special.polygamma(1, a), x, dtype=result, rtol=1e-6)


def test_gradient_is_polygamma_2():
    check_grad(T.tri_gamma, X)
    x = T.dvector("x")
    xv = np.array([0.5, 1.0, 4.0])
    np.testing.assert_allclose(function([x], grad(T.tri_gamma(x).sum(), x))(xv),
                               scipy.special.polygamma(2, xv), rtol=1e-12)
    # The second derivative of psi reads the same node.
    g = grad(T.psi(x).sum(), x)
    np.testing.assert_allclose(function([x], grad(g.sum(), x))(xv),
                               scipy.special.polygamma(2, xv), rtol=1e-12)


def test_infer_shape_and_psi_gradient_share_the_node():
    check_infer_shape(T.tri_gamma, [X], Polygamma)
    x = T.dvector("x")
    assert T.tri_gamma(x).owner.op == grad(T.psi(x).sum(), x).owner.inputs[1].owner.op


def test_complex_input_is_refused_naming_the_line():
    line = this_line() + 2
    with pytest.raises(GraphlensTypeError, match=rf"test_tri_gamma.py:{line}.*'z'.*real"):
        T.tri_gamma(T.zvector("z"))
