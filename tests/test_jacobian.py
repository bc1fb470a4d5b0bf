"""graphlens/jacobian.py: jacobian and hessian give one result for one variable, and a tuple or
a list as wrt was given (Theano's format_as)."""

import numpy as np

import graphlens.tensor as T
from graphlens import function
from graphlens.gradient import hessian, jacobian


def test_jacobian_and_hessian_return_the_container_wrt_came_in():
    x, z = T.dvector("x"), T.dvector("z")
    values = [np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])]
    one = jacobian(x * z, x)
    as_tuple = jacobian(x * z, (x, z))
    as_list = jacobian(x * z, [x, z])
    assert isinstance(as_tuple, tuple) and isinstance(as_list, list) and len(as_tuple) == 2
    np.testing.assert_allclose(function([x, z], one)(*values), np.diag(values[1]))
    got = function([x, z], list(as_tuple))(*values)
    np.testing.assert_allclose(got[0], np.diag(values[1]))
    np.testing.assert_allclose(got[1], np.diag(values[0]))
    cost = (x ** 2 * z).sum()
    h = hessian(cost, (x,))
    assert isinstance(h, tuple)
    np.testing.assert_allclose(function([x, z], h[0])(*values), np.diag(2 * values[1]))
    assert isinstance(hessian(cost, [x]), list)
