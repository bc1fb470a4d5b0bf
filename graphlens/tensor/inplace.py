"""`graphlens.tensor.inplace`, as Theano's: elementwise ops that write their result over their
first input's array (`exp_inplace(x)` leaves exp(x) in x's memory), declared in `destroy_map`.

A function holding one compiles only with `accept_inplace=True` and never overwrites its own
inputs (unless `In(x, mutable=True)`), shared values or constants (compile/destroy.py); every
other reader of the overwritten value runs first (graph/schedule.py). As in Theano, the result
has the first input's dtype and shape: that input may not be broadcast against the others.
The gradient is the plain op's. graphlens's own in-place pass (rewrite/inplace.py) does the same
safely on its own; these are for programs that ask for it by name.

>>> x = T.dvector('x'); y = exp_inplace(x * 1.0)
>>> function([x], y, accept_inplace=True)([0.0, 1.0]).round(3).tolist()
[1.0, 2.718]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.tensor import scalar_logic, scalar_math
from graphlens.tensor.bessel import I0, I1, J0, J1, Iv, Jv
from graphlens.tensor.distributions import Chi2SF
from graphlens.tensor.elemwise import Elemwise
from graphlens.tensor.special import Polygamma
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class InplaceElemwise(Op):
    """`base` (an elementwise op) computed into its first input's array: Theano's
    `Elemwise(scalar_op, {0: 0})`. The output has that input's type.

    >>> exp_inplace == InplaceElemwise(T.exp(x).owner.op, 'exp_inplace')  # doctest: +SKIP
    True
    """

    base: Elemwise
    name: str
    destroy_map = {0: [0]}
    # Named as Theano names it, `exp_inplace`, in every view (its `label`).

    @property
    def label(self) -> str:
        return self.name

    @property
    def zero_gradient_reason(self):
        return getattr(self.base, "zero_gradient_reason", None)

    def make_node(self, *inputs):
        base_node = self.base.make_node(*inputs)
        target, out = base_node.inputs[0], base_node.outputs[0]
        first = as_tensor_variable(inputs[0]) if inputs else target
        if first.ndim != out.ndim or any(
                length == 1 and out_length != 1
                for length, out_length in zip(target.type.shape, out.type.shape)):
            raise ShapeError(f"{self.name}: {describe(first)} cannot take the result in place: "
                             f"it is broadcast to {out.type} (Theano's rule)")
        node = Apply(self, base_node.inputs, [target.type()])
        node.base_node = base_node
        return node

    def _base_node(self, node):
        base_node = node.__dict__.get("base_node")
        if base_node is None:        # a clone of the node: the plain node, made once
            base_node = node.base_node = self.base.make_node(*node.inputs)
        return base_node

    def perform(self, node, inputs):
        (result,) = self.base.perform(self._base_node(node), inputs)[:1]
        target = inputs[0]
        # The first input's dtype, as Theano's transfer_type(0): a cast where the plain op's
        # dtype differs (lt_inplace of floats gives 1.0 and 0.0).
        np.copyto(target, result, casting="unsafe")
        return [target]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def L_op(self, inputs, outputs, output_grads):
        # The plain op's gradient, reading this node's result where it reads its own (tanh).
        return self.base.L_op(inputs, outputs, output_grads)


def _of(module, scalar_name):
    """`<scalar_name>_inplace`: the in-place twin of the tensor op of Theano's scalar op."""
    return InplaceElemwise(getattr(module, scalar_name).tensor_instance(),
                           f"{scalar_name}_inplace")


# Theano's names, each an op instance as in Theano (`node.op == neg_inplace` holds).
lt_inplace, gt_inplace, le_inplace, ge_inplace, eq_inplace, neq_inplace = (
    _of(scalar_logic, n) for n in ("lt", "gt", "le", "ge", "eq", "neq"))
and__inplace, or__inplace, xor_inplace, invert_inplace = (
    _of(scalar_logic, n) for n in ("and_", "or_", "xor", "invert"))
sgn_inplace, ceil_inplace, floor_inplace, trunc_inplace = (
    _of(scalar_logic, n) for n in ("sgn", "ceil", "floor", "trunc"))
round_half_to_even_inplace = _of(scalar_logic, "round_half_to_even")
round_half_away_from_zero_inplace = _of(scalar_logic, "round_half_away_from_zero")
second_inplace, maximum_inplace, minimum_inplace = (
    _of(scalar_logic, n) for n in ("second", "maximum", "minimum"))
abs__inplace, exp_inplace, exp2_inplace, expm1_inplace, neg_inplace, inv_inplace = (
    _of(scalar_math, n) for n in ("abs_", "exp", "exp2", "expm1", "neg", "inv"))
log_inplace, log1p_inplace, log2_inplace, log10_inplace, sqr_inplace, sqrt_inplace = (
    _of(scalar_math, n) for n in ("log", "log1p", "log2", "log10", "sqr", "sqrt"))
cos_inplace, arccos_inplace, sin_inplace, arcsin_inplace, tan_inplace, arctan_inplace = (
    _of(scalar_math, n) for n in ("cos", "arccos", "sin", "arcsin", "tan", "arctan"))
arctan2_inplace, cosh_inplace, arccosh_inplace, sinh_inplace, arcsinh_inplace = (
    _of(scalar_math, n) for n in ("arctan2", "cosh", "arccosh", "sinh", "arcsinh"))
tanh_inplace, arctanh_inplace, erf_inplace, erfc_inplace, erfcx_inplace = (
    _of(scalar_math, n) for n in ("tanh", "arctanh", "erf", "erfc", "erfcx"))
gamma_inplace, gammaln_inplace, psi_inplace = (
    _of(scalar_math, n) for n in ("gamma", "gammaln", "psi"))
add_inplace, sub_inplace, mul_inplace, true_div_inplace, int_div_inplace = (
    _of(scalar_math, n) for n in ("add", "sub", "mul", "true_div", "int_div"))
mod_inplace, pow_inplace, conj_inplace = (
    _of(scalar_math, n) for n in ("mod", "pow", "conj"))
tri_gamma_inplace = InplaceElemwise(Polygamma(1), "tri_gamma_inplace")
chi2sf_inplace = InplaceElemwise(Chi2SF(), "chi2sf_inplace")
j0_inplace, j1_inplace, jv_inplace = (InplaceElemwise(op(), f"{name}_inplace")
                                      for op, name in ((J0, "j0"), (J1, "j1"), (Jv, "jv")))
i0_inplace, i1_inplace, iv_inplace = (InplaceElemwise(op(), f"{name}_inplace")
                                      for op, name in ((I0, "i0"), (I1, "i1"), (Iv, "iv")))


def deg2rad_inplace(a):
    """a * pi / 180, written over a (a float tensor).

    >>> deg2rad_inplace(T.dvector('a') * 1.0).owner.op.name
    'mul_inplace'
    """
    return mul_inplace(a, np.pi / 180.0)


def rad2deg_inplace(a):
    """a * 180 / pi, written over a (a float tensor)."""
    return mul_inplace(a, 180.0 / np.pi)


def transpose_inplace(x, **kwargs):
    """x with its axes reversed, without a copy: a view of x's array (Theano's in-place
    DimShuffle was one too).

    >>> transpose_inplace(T.dmatrix('x')).ndim
    2
    """
    return as_tensor_variable(x).T
