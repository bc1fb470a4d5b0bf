"""Theano's `theano.tests.test_rop` helpers, for people who write ops with an `R_op`:
`RopLop_checker`, a TestCase base whose checks compare `Rop(y, x, v)` with J·v and
`Lop(y, x, v)` with v·J, and `break_op`, an identity with no gradient and no R_op, to check
that Rop refuses a non-differentiable path.

graphlens builds Rop from gradients (directional.py), not from an op's `R_op`, so comparing it
with a Jacobian made of gradients too would check nothing: J here is central finite differences
of y's values, and the tolerances are verify_grad's for the dtype.

>>> class TestMyOp(RopLop_checker):
...     def test_my_op(self):
...         self.check_rop_lop(my_op(self.x), self.in_shape)         # doctest: +SKIP
"""

from __future__ import annotations

import unittest

import numpy as np

from graphlens.compile.function import function
from graphlens.config import config
from graphlens.directional import Lop, Rop
from graphlens.graph.basic import Apply
from graphlens.graph.clone import clone
from graphlens.graph.op import Op
from graphlens.gradient import grad_undefined
from graphlens.gradient_check import _TOL, numeric_grad
from graphlens.tensor import constructors
from graphlens.tests import unittest_tools as utt


class BreakRop(Op):
    """The identity, with neither a gradient nor an R_op: Theano's non-differentiable op.

    >>> break_op(T.dvector('x')).owner.op is break_op
    True
    """

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [inputs[0]]

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, 0, inputs[0])]

    def R_op(self, inputs, eval_points):
        return [None]


break_op = BreakRop()


class RopLop_checker(unittest.TestCase):  # noqa: N801  (Theano's name)
    """A base for op tests: `self.x`, `self.v` (vectors), `self.mx`, `self.mv` (matrices) of
    floatX, random shapes `in_shape` / `mat_in_shape`, and the checks below. It runs no test
    itself."""

    def setUp(self):
        utt.seed_rng()
        self.x = constructors.vector('x')
        self.v = constructors.vector('v')
        self.mx = constructors.matrix('mx')
        self.mv = constructors.matrix('mv')
        self.rng = np.random.RandomState(utt.fetch_seed())
        self.in_shape = (5 + self.rng.randint(3),)
        self.mat_in_shape = (5 + self.rng.randint(3), 5 + self.rng.randint(3))

    def _sample(self, shape):
        return np.asarray(self.rng.uniform(size=shape), dtype=config.floatX)

    def check_nondiff_rop(self, y):
        """Rop(y, self.x, self.v) must raise ValueError: y is not differentiable in x."""
        with self.assertRaises(ValueError):
            Rop(y, self.x, self.v)

    def check_rop_lop(self, y, out_shape):
        """y, a vector computed from the vector self.x: Rop against J·v, Lop against v·J, and
        Rop through `break_op` must refuse. `out_shape` is y's shape."""
        self._check(y, self.x, self.v, self.in_shape, out_shape)

    def check_mat_rop_lop(self, y, out_shape):
        """As check_rop_lop, for y (a vector) computed from the matrix self.mx."""
        self._check(y, self.mx, self.mv, self.mat_in_shape, out_shape)

    def _check(self, y, x, eval_point, in_shape, out_shape):
        point, direction = self._sample(in_shape), self._sample(in_shape)
        jac = _numeric_jacobian(function([x], y), point)        # y.size x x.size
        tol = _TOL.get(str(point.dtype), 1e-4)
        # R-op: J·v, the derivative of y along a direction of x.
        rop = function([x, eval_point], Rop(y, x, eval_point), on_unused_input='ignore')
        got, want = rop(point, direction), jac @ direction.reshape(-1)
        assert np.allclose(got, want, rtol=tol, atol=tol), f"ROP mismatch: {got} {want}"
        self.check_nondiff_rop_of(y, x, eval_point)
        # L-op: v·J, a cotangent of y pulled back to x.
        cotangent = constructors.vector('cotangent')
        lop = function([x, cotangent], Lop(y, x, cotangent), on_unused_input='ignore')
        weights = self._sample(out_shape)
        got, want = lop(point, weights), (weights.reshape(-1) @ jac).reshape(in_shape)
        assert np.allclose(got, want, rtol=tol, atol=tol), f"LOP mismatch: {got} {want}"

    def check_nondiff_rop_of(self, y, x, eval_point):
        """Rop of y with x passed through `break_op` must raise ValueError."""
        broken = clone(y, replace={x: break_op(x)})
        with self.assertRaises(ValueError):
            Rop(broken, x, eval_point)


def _numeric_jacobian(f, point) -> np.ndarray:
    """d f / d point by central differences, as a (f's size, point's size) float64 matrix."""
    step = numeric_grad.type_eps.get(str(point.dtype), 1e-7) ** 0.5
    columns = []
    for index in range(point.size):
        shift = np.zeros(point.size, dtype=point.dtype)
        shift[index] = step
        shift = shift.reshape(point.shape)
        ahead = np.asarray(f(point + shift), dtype="float64")
        behind = np.asarray(f(point - shift), dtype="float64")
        columns.append(((ahead - behind) / (2 * step)).reshape(-1))
    return np.stack(columns, axis=1)
